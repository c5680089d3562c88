"""One case of a sweep (:class:`CaseSpec`) and its validation.

A case is a teacher (link, r, q, alpha), the methods to compare, the grid to scan (the dimensions ``d_grid``, or
the support sizes ``s_grid`` at one fixed d), the sample-size range, the trials, the success criterion and further
``simulate`` options. ``_case_fields`` validates all of it, one helper per concern, and returns the normalised
fields; ``CaseSpec.__post_init__`` sets them in one place.
"""

from __future__ import annotations

import difflib
import importlib
import inspect
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from theorylab._importable import is_importable_name
from theorylab._limits import check_checkpoint_count, check_simulation_size
from theorylab._validation import check_alpha, check_int, check_q, check_real
from theorylab.sweeps.canonical import canonical_json

__all__ = ["AXES", "CASE_KEYS", "MIN_SCAN_POINTS", "CaseSpec", "key_hint", "known_methods"]

#: Keys of a case table (TOML) and fields of :class:`CaseSpec`.
CASE_KEYS = (
    "label",
    "link",
    "params",
    "methods",
    "d_grid",
    "n_min",
    "n_max",
    "trials",
    "r",
    "q",
    "alpha",
    "criterion",
    "threshold",
    "options",
    "axis",
    "s_grid",
    "alpha_grid",
)
#: What a case scans: the dimension d at fixed α, or the support size s at one fixed d.
AXES = ("d", "s")
#: Fewest points of an s (or α) scan: a slope and its interval need at least three.
MIN_SCAN_POINTS = 3

#: Arguments of ``simulate`` that the sweep sets itself, so they may not appear in ``options``.
_RESERVED_OPTIONS = (
    "link", "params", "d", "n", "method", "alpha", "q", "r", "trials", "seed", "criterion", "progress",
)


def known_methods() -> tuple[str, ...]:
    """The methods :func:`theorylab.numeric.simulate` accepts (its ``METHODS``).

    Examples
    --------
    >>> "pruned" in known_methods() and "dense" in known_methods()
    True
    """
    # the module, not the function of the same name that theorylab.numeric re-exports
    return tuple(importlib.import_module("theorylab.numeric.simulate").METHODS)


def key_hint(key: str, valid: Iterable[str]) -> str:
    """The tail of an unknown-key message: the nearest valid key, else the list of valid keys.

    Examples
    --------
    >>> key_hint("alpah", ["alpha", "trials"])
    " (did you mean 'alpha'?)"
    >>> key_hint("zzz", ["b", "a"])
    ' (valid keys: a, b)'
    """
    near = difflib.get_close_matches(key, list(valid), n=1, cutoff=0.5)
    return f" (did you mean {near[0]!r}?)" if near else f" (valid keys: {', '.join(sorted(valid))})"


def _simulate_parameters() -> set[str]:
    """The keyword names of ``simulate``."""
    from theorylab.numeric.simulate import simulate

    return set(inspect.signature(simulate).parameters)


def _check_methods(methods: Any) -> tuple[str, ...]:
    if isinstance(methods, str):
        raise TypeError("methods: must be a list of method names, e.g. ['pruned', 'dense']")
    out = tuple(methods)
    if not out:
        raise ValueError("methods: must list at least one method")
    valid = known_methods()
    for m in out:
        if not isinstance(m, str):
            raise TypeError(f"methods: each method must be a string, got {type(m).__name__} {m!r}")
        if is_importable_name(m):  # a learner of one's own, named so that the cell stays hashable
            _check_learner(m)
        elif m not in valid:
            near = difflib.get_close_matches(m, valid, n=1)
            hint = f" (did you mean {near[0]!r}?)" if near else ""
            raise ValueError(f"methods: unknown method {m!r}{hint}; choose from {', '.join(valid)} "
                             "or name a learner of your own as 'package.module:attribute'")
    if len(set(out)) != len(out):
        raise ValueError(f"methods: repeated method in {list(out)}")
    return out


def _check_learner(name: str) -> None:
    from theorylab.numeric.learner import resolve_learner

    try:
        resolve_learner(name)
    except (TypeError, ValueError) as exc:
        raise type(exc)(f"methods: {str(exc).removeprefix('method: ')}") from None


def _check_d_grid(d_grid: Any, r: int) -> tuple[tuple[int, ...], list[int]]:
    """The dimensions sorted, and the order that sorts them (to sort per-d lists alike)."""
    if isinstance(d_grid, (str, bytes)) or not isinstance(d_grid, Iterable):
        raise TypeError("d_grid: must be a list of integer dimensions")
    grid = [check_int(d, "d_grid", minimum=2) for d in d_grid]
    if not grid:
        raise ValueError("d_grid: must list at least one dimension")
    for d in grid:
        if d < r:
            raise ValueError(f"d_grid: every d must be >= r = {r}, got {d}")
        if grid.count(d) > 1:
            raise ValueError(f"d_grid: the dimension {d} is listed twice")
    order = sorted(range(len(grid)), key=grid.__getitem__)
    return tuple(grid[i] for i in order), order


def _s_from_alpha(alpha_grid: Any, s_grid: Any, q: float, d: int) -> list[int]:
    if len(s_grid):
        raise ValueError("alpha_grid: give s_grid or alpha_grid, not both")
    if q != 0:
        raise ValueError(f"alpha_grid: maps α to an integer support only for q = 0 (got q = {q:g}); use s_grid")
    alphas = [check_alpha(a) for a in alpha_grid]
    seen: dict[int, float] = {}
    for a in alphas:
        s = int(round(d**a))
        if s in seen:
            raise ValueError(f"alpha_grid: α = {seen[s]:g} and α = {a:g} both give s = round({d}^α) = {s} (q = 0)")
        seen[s] = a
    return list(seen)


def _check_s_scan(s_grid: Any, alpha_grid: Any, d_grid: tuple[int, ...], r: int, q: float) -> list[int]:
    """The support sizes of an s-scan as written (from ``s_grid`` or mapped from ``alpha_grid``)."""
    if len(d_grid) != 1:
        raise ValueError(f"d_grid: an s-scan runs at one fixed d, got {list(d_grid)}")
    d = d_grid[0]
    values = _s_from_alpha(alpha_grid, s_grid, q, d) if len(alpha_grid) else s_grid
    if isinstance(values, (str, bytes)) or not isinstance(values, Iterable):
        raise TypeError("s_grid: must be a list of integer support sizes")
    scan = [check_int(s, "s_grid", minimum=1) for s in values]
    if len(set(scan)) != len(scan):
        raise ValueError(f"s_grid: a support size is listed twice in {scan}")
    if len(scan) < MIN_SCAN_POINTS:
        raise ValueError(f"s_grid: an s-scan needs at least {MIN_SCAN_POINTS} support sizes, got {len(scan)}")
    for s in scan:
        if not r <= s <= d:
            raise ValueError(f"s_grid: every s must lie in [r, d] = [{r}, {d}], got {s}")
    return scan


def _check_scan(
    axis: Any, s_grid: Any, alpha_grid: Any, d_grid: tuple[int, ...], d_order: list[int], r: int, q: float
) -> tuple[tuple[int, ...], list[int]]:
    """Validate ``axis``, ``s_grid`` and ``alpha_grid``: the sorted ``s_grid`` and the order sorting the scan."""
    if axis not in AXES:
        raise ValueError(f"axis: must be 'd' or 's', got {axis!r}")
    if axis == "d":
        if len(s_grid) or len(alpha_grid):
            raise ValueError("s_grid: only an s-scan (axis = 's') takes s_grid or alpha_grid")
        return (), d_order
    scan = _check_s_scan(s_grid, alpha_grid, d_grid, r, q)
    return tuple(sorted(scan)), sorted(range(len(scan)), key=scan.__getitem__)


def _per_point(value: Any, name: str, size: int, order: list[int], axis: str) -> int | tuple[int, ...]:
    """``n_min`` or ``n_max``: one integer, or one per scan point (reordered as the sorted scan)."""
    if isinstance(value, (list, tuple)):
        if len(value) != size:
            grid = "dimension of d_grid" if axis == "d" else "support size of s_grid"
            raise ValueError(f"{name}: a list needs one entry per {grid} ({size}), got {len(value)}")
        values = [check_int(v, name, minimum=1) for v in value]
        return tuple(values[i] for i in order)
    return check_int(value, name, minimum=1)


def _n_at(n_min: int | Sequence[int], n_max: int | Sequence[int], i: int) -> tuple[int, int]:
    """``(n_min, n_max)`` at the ``i``-th point of the sorted scan."""
    lo = n_min if isinstance(n_min, int) else n_min[i]
    hi = n_max if isinstance(n_max, int) else n_max[i]
    return lo, hi


def _check_n_ranges(
    n_min: int | tuple[int, ...], n_max: int | tuple[int, ...], scan: tuple[int, ...], axis: str
) -> None:
    for i, x in enumerate(scan):
        lo, hi = _n_at(n_min, n_max, i)
        if lo > hi:
            where = "" if isinstance(n_min, int) and isinstance(n_max, int) else f" at {axis} = {x}"
            raise ValueError(f"n_min: the n range is upside down{where}: n_min = {lo} > n_max = {hi}")


def _success_criterion(r: int, criterion: str | None, threshold: float | None) -> Any:
    """The case's SuccessCriterion (``None``: simulate's default); see :meth:`CaseSpec.success_criterion`."""
    if criterion is None and threshold is None:
        return None
    from theorylab.numeric.metrics import SuccessCriterion, default_criterion

    base = default_criterion(r)
    metric, aggregation = base.metric, base.aggregation
    if criterion is not None:
        metric = criterion
        if criterion.startswith("alignment_"):
            metric, aggregation = "alignment", criterion[len("alignment_"):]
    level = base.threshold if threshold is None else threshold
    return SuccessCriterion(metric, level, aggregation)


def _check_criterion(criterion: Any, threshold: Any, r: int) -> float | None:
    """Validate ``criterion`` and ``threshold`` together; return the threshold as a float (or None)."""
    if criterion is not None and not isinstance(criterion, str):
        raise TypeError(f"criterion: must be a string, got {type(criterion).__name__}")
    if threshold is not None:
        threshold = check_real(threshold, "threshold")
    if criterion is not None or threshold is not None:
        try:
            _success_criterion(r, criterion, threshold)
        except (ValueError, TypeError) as exc:
            field_name = "threshold" if "threshold" in str(exc) else "criterion"
            raise type(exc)(f"{field_name}: {exc}") from None
    return threshold


def _check_params(params: Any) -> dict[str, Any]:
    """The values of the link's parameters: a table of numbers or number strings (the link grammar's)."""
    if not isinstance(params, Mapping):
        raise TypeError(f"params: must be a table of parameter values, got {type(params).__name__}")
    out = dict(params)
    for key, value in out.items():
        if isinstance(value, bool) or not isinstance(value, (int, float, str)):
            raise TypeError(f"params.{key}: must be a number or a string such as \"1/sqrt(2)\", got {value!r}")
    return out


def _check_options(options: Any) -> dict[str, Any]:
    if not isinstance(options, Mapping):
        raise TypeError(f"options: must be a table of simulate arguments, got {type(options).__name__}")
    out = dict(options)
    for key in out:
        if not isinstance(key, str):
            raise TypeError(f"options: keys must be strings, got {key!r}")
        if key in _RESERVED_OPTIONS:
            raise ValueError(f"options.{key}: set by the sweep itself; use the case key instead")
    params = _simulate_parameters()
    for key in out:
        if key not in params:
            allowed = sorted(params - set(_RESERVED_OPTIONS))
            raise ValueError(f"options.{key}: not an argument of simulate{key_hint(key, allowed)}")
    try:
        canonical_json(out)
    except (TypeError, ValueError) as exc:
        raise TypeError(f"options: {exc}") from None
    return out


def _check_sizes(fields: Mapping[str, Any]) -> None:
    """Refuse, before any cell runs, a cell whose estimated memory or time exceeds theorylab._limits."""
    from theorylab.numeric.config import DEFAULT_RATIO, DEFAULT_WIDTH, engine_size, runs_pruning

    options = fields["options"]
    width = options.get("width", DEFAULT_WIDTH)
    ratio = options.get("ratio", DEFAULT_RATIO)
    dtype = options.get("dtype", "float64")
    if not isinstance(width, int) or isinstance(width, bool) or width < 1:
        raise TypeError(f"options.width: must be an integer >= 1, got {width!r}")
    if not isinstance(ratio, (int, float)) or isinstance(ratio, bool) or not ratio > 1:
        raise ValueError(f"options.ratio: must be a number > 1, got {ratio!r}")
    if dtype not in ("float32", "float64"):
        raise ValueError(f"options.dtype: must be 'float32' or 'float64', got {dtype!r}")
    pruned = any(runs_pruning(m) for m in fields["methods"])
    engine = options.get("engine", "auto")
    scan = fields["d_grid"] if fields["axis"] == "d" else fields["s_grid"]
    for i, point in enumerate(scan):
        d = point if fields["axis"] == "d" else fields["d_grid"][0]
        lo, hi = _n_at(fields["n_min"], fields["n_max"], i)
        try:
            k = check_checkpoint_count(hi, lo, ratio)
            size_d, size_n = engine_size(engine, d, hi, fields["r"], width)
            check_simulation_size(size_d, size_n, fields["trials"], width, k, dtype, pruned=pruned)
        except ValueError as exc:
            raise ValueError(f"d_grid: at d = {d}: {exc}") from None


def _case_fields(case: CaseSpec) -> dict[str, Any]:
    """Validate every field of ``case``; return the normalised fields (and ``_link``, the parsed link).

    Fields are checked in a fixed order and the first problem raises, in one line naming the field.
    """
    from theorylab.symbolic import as_link

    r = check_int(case.r, "r", minimum=1)
    params = _check_params(case.params)
    link = as_link(case.link, arity=r, params=params or None)
    if not link.is_symbolic:
        raise ValueError("link: a sweep needs a link written as text or a SymPy expression (a callable cannot be hashed)")
    link.require_values("a sweep")
    out: dict[str, Any] = {"r": r, "_link": link, "params": params, "methods": _check_methods(case.methods)}
    out["axis"] = case.axis
    out["d_grid"], d_order = _check_d_grid(case.d_grid, r)
    out["q"] = check_q(case.q)
    out["s_grid"], order = _check_scan(case.axis, case.s_grid, case.alpha_grid, out["d_grid"], d_order, r, out["q"])
    out["alpha_grid"] = ()
    out["n_min"] = _per_point(case.n_min, "n_min", len(order), order, case.axis)
    out["n_max"] = _per_point(case.n_max, "n_max", len(order), order, case.axis)
    _check_n_ranges(out["n_min"], out["n_max"], out["d_grid"] if case.axis == "d" else out["s_grid"], case.axis)
    out["trials"] = check_int(case.trials, "trials", minimum=1)
    out["alpha"] = check_alpha(case.alpha)
    out["threshold"] = _check_criterion(case.criterion, case.threshold, r)
    out["options"] = _check_options(case.options)
    _check_sizes(out)
    out["label"] = case.label
    if case.label is None:
        out["label"] = f"{link.text} [{', '.join(out['methods'])}]"
    elif not isinstance(case.label, str) or not case.label.strip():
        raise TypeError("label: must be a non-empty string")
    return out


@dataclass(frozen=True)
class CaseSpec:
    """One case of a sweep: a teacher, the methods to compare and the grids to run them on.

    Parameters
    ----------
    link : str or sympy.Expr or Link
        The link sigma*, in the link grammar (e.g. ``"He2(z)"``, ``docs/links.md``); callables cannot be hashed
        and are refused.
    params : mapping
        Values of the link's parameters (``{"a": 1, "b": "1/2"}`` for ``"a*He2(z) + b*He4(z)"``); they enter the
        cells' configuration (and so their seeds) through the link's expression.
    methods : sequence of str
        Students to run, each a method of :func:`theorylab.numeric.simulate` (e.g. ``"pruned"``, ``"dense"``) or
        a learner of one's own by its importable name (``"theorylab.learners:TEN_STEPS"``).
    d_grid : sequence of int
        The input dimensions, at least one, each >= 2; stored sorted and without repeats.
    n_min, n_max : int or sequence of int
        The sample-size range of the success curves (``n_min <= n_max``); ``n_max`` is passed as ``n``. A list
        gives one value per entry of ``d_grid`` (in the order written), e.g. an ``n_max`` growing with d.
    trials : int
        Independent repetitions per cell (>= 1).
    r, q, alpha : int, float, float
        Number of directions, sparsity index q in [0, 2) and sparsity exponent alpha in (0, 1).
    criterion : str or None
        The success criterion: a metric name or ``"alignment_<aggregation>"`` (``None``: simulate's default,
        the median neuron's alignment; coverage for r >= 2). See :meth:`success_criterion`.
    threshold : float or None
        The criterion's level (default 0.5).
    options : mapping
        Further keyword arguments of ``simulate`` (JSON data only).
    label : str or None
        A short name shown in summaries; defaults to ``"<link> [<methods>]"``.
    axis : {"d", "s"}, default "d"
        ``"d"`` scans ``d_grid`` at fixed ``alpha``. ``"s"`` scans the support size over ``s_grid`` at the one
        dimension in ``d_grid``: each cell runs with α = log s / log d, so that s = d^α (q = 0: exactly s non-zero
        rows). At fixed d every polylog(d) factor is a constant, so the slope of n* in s carries no hidden logs.
    s_grid : sequence of int
        The support sizes of an s-scan, at least three, each in [r, d].
    alpha_grid : sequence of float
        Instead of ``s_grid`` (q = 0 only): α values, mapped to s = round(d^α); two α with the same s are refused.

    Examples
    --------
    >>> case = CaseSpec("He2(z)", methods=["pruned"], d_grid=[256, 81], n_min=100, n_max=10_000)
    >>> case.d_grid, case.alpha, case.trials
    ((81, 256), 0.25, 16)
    >>> CaseSpec("He2(z)", methods=["pruned"], d_grid=[81, 256], n_min=[10, 10], n_max=[1000, 5])
    Traceback (most recent call last):
    ...
    ValueError: n_min: the n range is upside down at d = 256: n_min = 10 > n_max = 5
    >>> CaseSpec("He2(z)", methods=["pruned"], d_grid=[], n_min=1, n_max=2)
    Traceback (most recent call last):
    ...
    ValueError: d_grid: must list at least one dimension
    >>> scan = CaseSpec("He2(z)", ["pruned"], d_grid=[256], n_min=100, n_max=10_000, axis="s", s_grid=[2, 4, 8])
    >>> scan.scan, [round(scan.alpha_at(s), 3) for s in scan.scan]
    ((2, 4, 8), [0.125, 0.25, 0.375])
    >>> CaseSpec("He2(z)", ["pruned"], d_grid=[256], n_min=1, n_max=9, axis="s", alpha_grid=[0.1, 0.11, 0.5])
    Traceback (most recent call last):
    ...
    ValueError: alpha_grid: α = 0.1 and α = 0.11 both give s = round(256^α) = 2 (q = 0)
    """

    link: Any
    methods: Sequence[str]
    d_grid: Sequence[int]
    n_min: int | Sequence[int]
    n_max: int | Sequence[int]
    trials: int = 16
    r: int = 1
    q: float = 0.0
    alpha: float = 0.25
    criterion: str | None = None
    threshold: float | None = None
    options: Mapping[str, Any] = field(default_factory=dict)
    label: str | None = None
    axis: str = "d"
    s_grid: Sequence[int] = ()
    alpha_grid: Sequence[float] = ()
    params: Mapping[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for name, value in _case_fields(self).items():
            object.__setattr__(self, name, value)

    @property
    def scan(self) -> tuple[int, ...]:
        """The scanned values: ``d_grid`` (axis "d") or ``s_grid`` (axis "s")."""
        return tuple(self.d_grid if self.axis == "d" else self.s_grid)

    def alpha_at(self, s: int) -> float:
        """The α of the cell with support size ``s`` in an s-scan: log s / log d (so d^α = s)."""
        if self.axis != "s":
            return self.alpha
        if s not in self.s_grid:
            raise ValueError(f"s: {s} is not in s_grid {list(self.s_grid)}")
        return math.log(s) / math.log(self.d_grid[0])

    def n_range(self, d: int) -> tuple[int, int]:
        """``(n_min, n_max)`` at the scan point ``d`` (a dimension; a support size for an s-scan).

        Examples
        --------
        >>> case = CaseSpec("He2(z)", ["dense"], d_grid=[256, 64], n_min=100, n_max=[40_000, 3_000])
        >>> case.n_range(64), case.n_range(256)
        ((100, 3000), (100, 40000))
        """
        if d not in self.scan:
            raise ValueError(f"{self.axis}: {d} is not in {self.axis}_grid {list(self.scan)}")
        return _n_at(self.n_min, self.n_max, self.scan.index(d))

    def success_criterion(self) -> Any:
        """The :class:`~theorylab.numeric.metrics.SuccessCriterion` of the case (``None``: simulate's default).

        ``criterion`` names a metric (``"alignment"``, ``"coverage"``, ``"excess_risk"``, ``"support_recall"``)
        or an aggregated alignment ``"alignment_<aggregation>"`` (e.g. ``"alignment_max"``); ``threshold`` is
        its level (default 0.5).
        """
        return _success_criterion(self.r, self.criterion, self.threshold)

    @property
    def link_object(self):
        """The parsed :class:`theorylab.symbolic.Link`."""
        return self._link  # type: ignore[attr-defined]

    def to_dict(self) -> dict[str, Any]:
        """The case as a TOML/JSON-ready table (the link as text)."""
        link = self.link if isinstance(self.link, str) else str(self.link_object.expr)
        out: dict[str, Any] = {
            "label": self.label,
            "link": link,
            "methods": list(self.methods),
            "d_grid": list(self.d_grid),
            "n_min": self.n_min if isinstance(self.n_min, int) else list(self.n_min),
            "n_max": self.n_max if isinstance(self.n_max, int) else list(self.n_max),
            "trials": self.trials,
            "r": self.r,
            "q": self.q,
            "alpha": self.alpha,
            "options": dict(self.options),
        }
        if self.criterion is not None:
            out["criterion"] = self.criterion
        if self.threshold is not None:
            out["threshold"] = self.threshold
        if self.axis == "s":
            out["axis"] = "s"
            out["s_grid"] = list(self.s_grid)
        if self.params:
            out["params"] = dict(self.params)
        return out
