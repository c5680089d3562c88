"""Named limits on every size a user can give, checked before any work is done.

A short string, a TOML file passed around or a typo in a REPL must not hang a session or fill the memory.
Every public entry point therefore checks the sizes it is given against the limits below *before* it
computes, and refuses with a ``ValueError`` that names the argument, the limit and, where the limit comes
from memory or time, the estimate that broke it.

Limits
------
==========================  ============  ===================================================================
name                        default       what it bounds
==========================  ============  ===================================================================
``memory_bytes``            half the RAM  the working memory a simulation may plan to use (estimated)
``time_s``                  365 days      the time a simulation may plan to take (estimated at ``flops_per_s``)
``samples``                 1e10          the sample size n of one simulation
``flops_per_s``             1e10          the throughput assumed by the time estimates (one core, BLAS)
``link_variables``          64            the index i of a variable z<i> in a link (the arity r)
``link_literal_log10``      300           |log10 |x|| of every number in a link (literals and products)
``link_degree``             400           the polynomial degree of a link after expansion (bound from the text)
``link_terms``              20 000        the number of monomials of a link after expansion (bound)
``hermite_degree``          2 000         the degree asked of ``hermite_coefficients`` and friends
``tensor_entries``          1 000 000     r**degree entries of the Hermite tensors
``resamples``               1 000 000     bootstrap resamples
``checkpoints``             10 000        checkpoints of one success curve (``checkpoint_grid``)
``file_bytes``              16 MiB        a sweep TOML file read by ``load_sweep``
``cell_file_bytes``         1 GiB         the uncompressed arrays one stored cell file may claim
==========================  ============  ===================================================================

Raising a limit
---------------
For a bigger machine or a longer run, raise a limit for the whole process with :func:`set_limits`, or for a
block with :func:`raised_limits`; the environment variables ``THEORYLAB_MEMORY_BYTES`` and
``THEORYLAB_TIME_S`` set the two budgets at import (they are read by worker processes too).

>>> with raised_limits(time_s=2 * 365 * 86400):
...     limits().time_s
63072000
>>> limits().link_variables
64
>>> check_simulation_size(d=10**9, n_max=1000, trials=16, width=8, n_checkpoints=10)
Traceback (most recent call last):
...
ValueError: d: a simulation with d = 1000000000, n = 1000, 16 trials, width 8 and 10 checkpoints needs about ...
"""

from __future__ import annotations

import contextlib
import dataclasses
import math
import os
from collections.abc import Iterator
from typing import Any

__all__ = [
    "Limits",
    "limits",
    "set_limits",
    "raised_limits",
    "check_simulation_size",
    "check_resamples",
    "check_checkpoint_count",
    "simulation_estimate",
    "format_bytes",
]


def _physical_memory() -> int:
    try:
        return int(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES"))
    except (ValueError, OSError, AttributeError):  # pragma: no cover - not POSIX
        return 8 << 30


def _env_float(name: str, default: float) -> float:
    raw = os.environ.get(name)
    if raw is None:
        return default
    try:
        value = float(raw)
    except ValueError:
        return default
    return value if math.isfinite(value) and value > 0 else default


@dataclasses.dataclass(frozen=True)
class Limits:
    """The limits in force (see the module docstring for what each bounds)."""

    memory_bytes: float = dataclasses.field(
        default_factory=lambda: _env_float("THEORYLAB_MEMORY_BYTES", _physical_memory() / 2)
    )
    time_s: float = dataclasses.field(default_factory=lambda: _env_float("THEORYLAB_TIME_S", 365 * 86400.0))
    flops_per_s: float = 1e10
    samples: int = 10**10
    link_variables: int = 64
    link_literal_log10: float = 300.0
    link_degree: int = 400
    link_terms: int = 20_000
    hermite_degree: int = 2000
    tensor_entries: int = 1_000_000
    resamples: int = 1_000_000
    checkpoints: int = 10_000
    file_bytes: int = 16 << 20
    cell_file_bytes: int = 1 << 30


_CURRENT = Limits()


def limits() -> Limits:
    """The limits in force now."""
    return _CURRENT


def set_limits(**changes: Any) -> Limits:
    """Replace some limits for the rest of the process; returns the previous :class:`Limits`.

    Examples
    --------
    >>> old = set_limits(link_degree=800)
    >>> limits().link_degree
    800
    >>> _ = set_limits(**dataclasses.asdict(old))
    >>> set_limits(link_degree=-1)
    Traceback (most recent call last):
    ...
    ValueError: link_degree must be a positive number, got -1
    >>> set_limits(degree=5)
    Traceback (most recent call last):
    ...
    TypeError: unknown limit 'degree'; the limits are memory_bytes, time_s, ...
    """
    global _CURRENT
    names = [f.name for f in dataclasses.fields(Limits)]
    for key, value in changes.items():
        if key not in names:
            raise TypeError(f"unknown limit {key!r}; the limits are {', '.join(names)}")
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not value > 0 or not math.isfinite(value):
            raise ValueError(f"{key} must be a positive number, got {value!r}")
    old = _CURRENT
    _CURRENT = dataclasses.replace(_CURRENT, **changes)
    return old


@contextlib.contextmanager
def raised_limits(**changes: Any) -> Iterator[Limits]:
    """Change some limits inside a ``with`` block only."""
    old = set_limits(**changes)
    try:
        yield _CURRENT
    finally:
        set_limits(**dataclasses.asdict(old))


def format_bytes(value: float) -> str:
    """``1.5 GB`` style text (powers of 1000).

    >>> format_bytes(3.2e9), format_bytes(512)
    ('3.2 GB', '512 B')
    """
    for unit, scale in (("PB", 1e15), ("TB", 1e12), ("GB", 1e9), ("MB", 1e6), ("kB", 1e3)):
        if value >= scale:
            return f"{value / scale:.3g} {unit}"
    return f"{value:.0f} B"


def _format_seconds(value: float) -> str:
    if value >= 86400 * 365:
        return f"{value / (86400 * 365):.3g} years"
    if value >= 86400:
        return f"{value / 86400:.3g} days"
    if value >= 3600:
        return f"{value / 3600:.3g} hours"
    return f"{value:.3g} s"


def simulation_estimate(
    d: int, n_max: int, trials: int, width: int, n_checkpoints: int, dtype: Any = "float64", *, pruned: bool = True
) -> tuple[float, float]:
    """(bytes, seconds): the memory and time a simulation is planned to take, before it starts.

    Memory model (the arrays that grow with the sizes, in ``dtype`` words): per trial and checkpoint the kept
    mask and μ̂ (2 d), the first-layer sums (2 m d); per trial the initialisation (m d); one data chunk of
    about 2^22 numbers and, for the pruned methods, Algorithm 1's statistics (2 m (d+1)² for one trial).
    Time model: Algorithm 1 costs about 2 m n d² per trial, the other passes about 20 n d.

    Examples
    --------
    >>> mem, sec = simulation_estimate(100, 10_000, 16, 8, 10)
    >>> 1e6 < mem < 1e9, sec < 60
    (True, True)
    """
    import numpy as np

    word = int(np.dtype(dtype).itemsize)
    # sizes beyond 1e60 are refused anyway; the cap keeps the products below finite
    fd, fn, ft, fw, fk = (float(min(int(v), 10**60)) for v in (d, n_max, trials, width, n_checkpoints))
    words = ft * fk * fd * (2 + 2 * fw) + ft * fw * fd + (1 << 22) + 2 * fw * fd * (fd + 1) * pruned
    bytes_ = word * words
    flops = ft * fn * (20 * fd + (2 * fw * (fd + 1) ** 2 if pruned else 0))
    return bytes_, flops / limits().flops_per_s


def _size_text(value: int) -> str:
    """An integer as written, or as ~1eK when it has more than 15 digits."""
    if value < 10**15:
        return str(value)
    return f"~1e{round((value.bit_length() - 1) * math.log10(2))}"


def check_simulation_size(
    d: int,
    n_max: int,
    trials: int,
    width: int,
    n_checkpoints: int,
    dtype: Any = "float64",
    *,
    pruned: bool = True,
) -> None:
    """Refuse, before any work, a simulation whose estimated memory or time exceeds the limits.

    The message names the argument that contributes most (``d``, ``n``, ``trials``, ``width`` or
    ``checkpoints``), the estimate and the limit, and says how to raise it.

    Examples
    --------
    >>> check_simulation_size(d=256, n_max=20_000, trials=16, width=8, n_checkpoints=12)
    >>> check_simulation_size(d=64, n_max=10**9, trials=10_000, width=8, n_checkpoints=30)
    Traceback (most recent call last):
    ...
    ValueError: n: a simulation with d = 64, n = 1000000000, 10000 trials, ... would take about ... at 1e+10 flop/s, ...
    """
    sizes = {"d": d, "n": n_max, "trials": trials, "width": width, "checkpoints": n_checkpoints}
    for name, value in sizes.items():
        if isinstance(value, bool) or not hasattr(value, "__index__"):
            raise TypeError(f"{name} must be an integer, got {type(value).__name__} {value!r}")
        if value < 1:
            raise ValueError(f"{name} must be >= 1, got {value}")
    d, n_max, trials, width, n_checkpoints = (int(v) for v in sizes.values())
    lim = limits()
    if n_max > lim.samples:
        raise ValueError(
            f"n: {_size_text(n_max)} samples is more than the limit {lim.samples:.0e} (theorylab._limits: samples); "
            "raise it with theorylab._limits.set_limits(samples=...)"
        )
    mem, sec = simulation_estimate(d, n_max, trials, width, n_checkpoints, dtype, pruned=pruned)
    what = (
        f"a simulation with d = {_size_text(d)}, n = {_size_text(n_max)}, {_size_text(trials)} trials, "
        f"width {_size_text(width)} and {_size_text(n_checkpoints)} checkpoints"
    )
    if mem > lim.memory_bytes:
        # the argument whose doubling costs most memory
        share = {
            "d": trials * n_checkpoints * d * (2 + 2 * width) + 4 * width * d * d * pruned,
            "trials": trials * d * (n_checkpoints * (2 + 2 * width) + width),
            "checkpoints": trials * n_checkpoints * d * (2 + 2 * width),
            "width": trials * width * d * (2 * n_checkpoints + 1) + 2 * width * d * d * pruned,
        }
        name = max(share, key=share.__getitem__)
        raise ValueError(
            f"{name}: {what} needs about {format_bytes(mem)} of memory, more than the limit "
            f"{format_bytes(lim.memory_bytes)} (half of this machine's memory by default); raise it with "
            "theorylab._limits.set_limits(memory_bytes=...) or THEORYLAB_MEMORY_BYTES"
        )
    if sec > lim.time_s:
        name = "n" if n_max >= d * d else "d"
        if trials > max(n_max, d):
            name = "trials"
        raise ValueError(
            f"{name}: {what} would take about {_format_seconds(sec)} at {lim.flops_per_s:.0e} flop/s, more than "
            f"the limit {_format_seconds(lim.time_s)}; raise it with theorylab._limits.set_limits(time_s=...) "
            "or THEORYLAB_TIME_S"
        )


def check_resamples(value: Any, name: str = "n_resamples") -> int:
    """A bootstrap resample count in [1, ``limits().resamples``].

    >>> check_resamples(10**9)
    Traceback (most recent call last):
    ...
    ValueError: n_resamples must be <= 1000000 (theorylab._limits: resamples), got 1000000000
    """
    from theorylab._validation import check_int

    value = check_int(value, name, minimum=1)
    if value > limits().resamples:
        raise ValueError(f"{name} must be <= {limits().resamples} (theorylab._limits: resamples), got {value}")
    return value


def check_checkpoint_count(n: int, n_min: int, ratio: float) -> int:
    """The number K of geometric checkpoints from ``n_min`` to ``n`` at ``ratio``, refused above the limit.

    K = max(2, ceil(log(n / n_min) / log(ratio)) + 1) for n > n_min (1 otherwise), what
    ``checkpoint_grid`` would allocate; computed from the logarithms, before any array exists.

    >>> check_checkpoint_count(1000, 100, 2.0)
    5
    >>> check_checkpoint_count(10**12, 1, 1 + 1e-7)
    Traceback (most recent call last):
    ...
    ValueError: ratio: 1.0000001 gives ... checkpoints from n_min = 1 to n = 1000000000000, more than 10000 (theorylab._limits: checkpoints)
    """
    if not (isinstance(ratio, (int, float)) and math.isfinite(ratio) and ratio > 1):
        raise ValueError(f"ratio must be a finite number > 1, got {ratio!r}")
    if n <= n_min:
        return 1
    k = max(2, math.ceil((math.log(n) - math.log(n_min)) / math.log(ratio)) + 1)  # logs of big ints are exact enough
    if k > limits().checkpoints:
        raise ValueError(
            f"ratio: {ratio:.8g} gives {k} checkpoints from n_min = {_size_text(n_min)} to n = {_size_text(n)}, "
            f"more than {limits().checkpoints} (theorylab._limits: checkpoints)"
        )
    return k
