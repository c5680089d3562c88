"""The one number format and the one text-table layout of every table theorylab prints.

Every table the command line prints (``bounds``, ``hermite``, ``simulate``, ``compare``, ``plan``, ...) and the
sweep summary go through :func:`table`, and every number in them through :func:`number`:

* at least three significant digits, in fixed notation for 10⁻³ <= |x| < 10⁵ (``0.500``, ``1.03``, ``3162``),
  in scientific notation with three significant digits outside (``8.48e+05``, ``1.00e+12``, ``2.50e-04``);
* integers below 10⁶ exactly (``65536``); ``0`` as ``0``; NaN and None as ``missing``; ``inf`` as ``inf``.

A table is at most :data:`WIDTH` (100) columns wide: when its cells do not fit, the widest text column is
shortened (with ``…``); numbers are never cut.

Examples
--------
>>> [number(x) for x in (0.5, 1.0345, 3162.28, 848304.0, 1e12, 2.5e-4, 0.0, 65536, float("nan"), float("inf"))]
['0.500', '1.03', '3162', '8.48e+05', '1.00e+12', '2.50e-04', '0', '65536', '-', 'inf']
>>> print("\\n".join(table(["rate", "n"], [["pruned", number(100.0)], ["dense", number(1e8)]])))
rate           n
------  --------
pruned       100
dense   1.00e+08
"""

from __future__ import annotations

import math
import numbers
import re
import textwrap
from collections.abc import Sequence
from typing import Any

__all__ = ["WIDTH", "number", "interval", "table", "wrap"]

#: The widest line a table may print.
WIDTH = 100
#: Significant digits of :func:`number`.
DIGITS = 3
_NUMERIC = re.compile(r"^(?:[-+]?(?:\d[\d,]*\.?\d*|\.\d+)(?:e[-+]?\d+)?|-?inf|[-–])$")


def number(x: Any, missing: str = "-", digits: int = DIGITS) -> str:
    """``x`` in the one number format of theorylab's tables (module docstring).

    ``digits`` (significant digits) is raised only where the digits are the product, e.g. the Hermite
    coefficients of ``theorylab hermite``.
    """
    if x is None:
        return missing
    if isinstance(x, bool):
        return str(x)
    if isinstance(x, numbers.Integral) and abs(int(x)) < 10**6:
        return str(int(x))
    value = float(x)
    if math.isnan(value):
        return missing
    if math.isinf(value):
        return "inf" if value > 0 else "-inf"
    if value == 0:
        return "0"
    exponent = math.floor(math.log10(abs(value)))
    if -3 <= exponent < 5:
        return f"{value:.{max(0, digits - 1 - exponent)}f}"
    return f"{value:.{digits - 1}e}"


def interval(low: Any, high: Any, missing: str = "-") -> str:
    """``[low, high]`` with both ends in :func:`number`'s format; ``missing`` when neither end is a number.

    >>> interval(0.4, float("inf")), interval(float("nan"), float("nan"))
    ('[0.400, inf]', '-')
    """
    lo, hi = number(low, missing), number(high, missing)
    return missing if lo == missing and hi == missing else f"[{lo}, {hi}]"


def _is_numeric(cell: str) -> bool:
    return bool(_NUMERIC.match(cell.strip()))


def table(header: Sequence[str], rows: Sequence[Sequence[str]], *, width: int = WIDTH) -> list[str]:
    """The lines of a fixed-width table: header, rule, rows; numeric columns right-aligned, text left.

    A column is numeric when every cell of it is a number (or a dash). When the table is wider than ``width``,
    the widest text column is shortened, cell by cell with ``…``, until it fits (never below 8 characters).
    """
    header = [str(h) for h in header]
    cells = [[str(c) for c in row] for row in rows]
    if any(len(row) != len(header) for row in cells):
        raise ValueError("table: every row needs one cell per header entry")
    ncol = len(header)
    numeric = [bool(cells) and all(_is_numeric(row[i]) for row in cells) for i in range(ncol)]
    widths = [max([len(header[i])] + [len(row[i]) for row in cells]) for i in range(ncol)]
    while sum(widths) + 2 * (ncol - 1) > width:
        text_cols = [i for i in range(ncol) if not numeric[i] and widths[i] > 8]
        if not text_cols:
            break
        widest = max(text_cols, key=lambda i: widths[i])
        widths[widest] = max(8, widths[widest] - (sum(widths) + 2 * (ncol - 1) - width))
    def line(row: Sequence[str]) -> str:
        out = []
        for i, cell in enumerate(row):
            if len(cell) > widths[i]:
                cell = cell[: widths[i] - 1] + "…"
            out.append(cell.rjust(widths[i]) if numeric[i] else cell.ljust(widths[i]))
        return "  ".join(out).rstrip()
    return [line(header), "  ".join("-" * w for w in widths), *(line(row) for row in cells)]


def wrap(text: str, indent: str = "", width: int = WIDTH) -> list[str]:
    """A note under a table, wrapped to ``width`` columns (continuation lines indented two more spaces).

    >>> wrap("a " * 60, indent="  ")[1]
    '    a a a a a a a a a a a'
    """
    return textwrap.wrap(" ".join(text.split()), width=width, initial_indent=indent,
                         subsequent_indent=indent + "  ", break_long_words=True, break_on_hyphens=False) or [indent]
