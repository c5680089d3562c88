"""Short reprs and notebook HTML for the result objects a REPL or a notebook shows.

A result type derives from :class:`ShortRepr` and says, in ``_summary()``, which few fields matter; its
``repr`` is then one line of those (numbers in the one table format, :func:`theorylab._table.number`; arrays
as their shape, long tuples as their length, long text cut), and its ``_repr_html_`` a small HTML table of
the same fields (escaped), optionally followed by a table of rows (``_summary_rows()``). No array is dumped.

Examples
--------
>>> from dataclasses import dataclass
>>> import numpy as np
>>> @dataclass(frozen=True, repr=False)
... class Demo(ShortRepr):
...     slope: float
...     draws: np.ndarray
...     def _summary(self):
...         return {"slope": self.slope, "draws": self.draws}
>>> Demo(0.5, np.zeros(1999))
Demo(slope=0.500, draws=<array (1999,)>)
>>> Demo(0.5, np.zeros(3))._repr_html_().startswith("<div")
True
"""

from __future__ import annotations

import html
import numbers
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from theorylab._table import number

__all__ = ["ShortRepr", "short_value", "short_repr", "html_summary"]

#: Longest text a field shows before it is cut with "…".
TEXT_LIMIT = 60
#: Longest tuple of numbers shown in full.
TUPLE_LIMIT = 6


def short_value(value: Any) -> str:
    """One field's value as short text (see the module docstring)."""
    if value is None or isinstance(value, (bool, np.bool_)):
        return str(None if value is None else bool(value))
    if isinstance(value, numbers.Number) and not isinstance(value, complex):
        return number(value, missing="nan")
    if isinstance(value, np.ndarray):
        return f"<array {value.shape}>"
    if isinstance(value, str):
        text = " ".join(value.split())
        return repr(text if len(text) <= TEXT_LIMIT else text[: TEXT_LIMIT - 1] + "…")
    if isinstance(value, (tuple, list)):
        if len(value) <= TUPLE_LIMIT and all(isinstance(v, (numbers.Number, str)) for v in value):
            whole = all(isinstance(v, numbers.Real) and float(v).is_integer() and abs(float(v)) < 1e6
                        for v in value)
            inner = ", ".join(short_value(int(v) if whole else v) for v in value)
            return f"({inner})" if isinstance(value, tuple) else f"[{inner}]"
        return f"<{len(value)} items>"
    text = repr(value)
    return text if len(text) <= TEXT_LIMIT else f"<{type(value).__name__}>"


def short_repr(name: str, fields: Mapping[str, Any]) -> str:
    """``name(key=value, ...)`` with every value through :func:`short_value`."""
    return f"{name}(" + ", ".join(f"{k}={short_value(v)}" for k, v in fields.items()) + ")"


def html_summary(name: str, fields: Mapping[str, Any], rows: Sequence[Mapping[str, Any]] = ()) -> str:
    """A small HTML block: the type's name, a two-column table of ``fields``, then a table of ``rows``."""
    esc = html.escape
    out = [f"<div><strong>{esc(name)}</strong><table>"]
    for key, value in fields.items():
        shown = short_value(value)
        if isinstance(value, str):
            shown = shown[1:-1]  # no quotes in a table
        out.append(f"<tr><th style='text-align:left'>{esc(key)}</th><td>{esc(shown)}</td></tr>")
    out.append("</table>")
    if rows:
        keys = list(rows[0])
        out.append("<table><tr>" + "".join(f"<th>{esc(k)}</th>" for k in keys) + "</tr>")
        for row in rows:
            cells = (short_value(row.get(k)) for k in keys)
            out.append("<tr>" + "".join(f"<td>{esc(c.strip(chr(39)))}</td>" for c in cells) + "</tr>")
        out.append("</table>")
    out.append("</div>")
    return "".join(out)


class ShortRepr:
    """Mixin: ``repr`` and ``_repr_html_`` from ``_summary()`` (and the rows of ``_summary_rows()``)."""

    __slots__ = ()

    def _summary(self) -> dict[str, Any]:  # pragma: no cover - every user overrides it
        raise NotImplementedError

    def _summary_rows(self) -> list[dict[str, Any]]:
        return []

    def __repr__(self) -> str:
        return short_repr(type(self).__name__, self._summary())

    def _repr_html_(self) -> str:
        return html_summary(type(self).__name__, self._summary(), self._summary_rows())
