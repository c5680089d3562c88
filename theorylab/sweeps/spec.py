"""Sweep specifications: what to simulate, declared in TOML or as Python objects.

A sweep is a list of *cases* (link, r, q, alpha, methods, d grid, n range, trials, success criterion,
extra ``simulate`` options). Every (case, method, d) triple is one *cell*: one call of
:func:`theorylab.numeric.simulate`. Each cell has a full configuration (every value that determines its
numbers), a seed derived from the sweep seed and a stable hash of that configuration (so adding or
removing cells never changes the numbers of the others), and a store key (see :mod:`theorylab.sweeps.store`).

Loading validates everything first and reports the first problem in one line naming the field, e.g.
``cases[0].alpah: unknown key (did you mean 'alpha'?)``.

A TOML sweep file looks like this::

    name = "he2"
    seed = 2024

    [defaults]            # optional: applied to every case unless the case sets the key
    link = "He2(z)"
    alpha = 0.25
    trials = 16

    [[cases]]
    label = "pruned"
    methods = ["pruned"]
    d_grid = [81, 256, 625]
    n_min = 100
    n_max = 20000
    [cases.options]       # further keyword arguments of theorylab.numeric.simulate
    width = 8
"""

from __future__ import annotations

import difflib
import hashlib
import importlib
import inspect
import json
import math
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from theorylab._limits import check_checkpoint_count, check_simulation_size, limits
from theorylab._validation import check_alpha, check_int, check_q, check_real

__all__ = [
    "CaseSpec",
    "Cell",
    "SweepSpec",
    "canonical_json",
    "known_methods",
    "load_sweep",
    "sweep_from_dict",
]

#: Keys of a case table (TOML) and fields of :class:`CaseSpec`.
CASE_KEYS = (
    "label",
    "link",
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
#: Keys of the top level of a sweep file.
SWEEP_KEYS = ("name", "seed", "description", "defaults", "cases")

#: Arguments of ``simulate`` that the sweep sets itself, so they may not appear in ``options``.
_RESERVED_OPTIONS = ("link", "d", "n", "method", "alpha", "q", "r", "trials", "seed", "criterion", "progress")

_NAME_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")


def known_methods() -> tuple[str, ...]:
    """The methods :func:`theorylab.numeric.simulate` accepts (its ``METHODS``).

    Examples
    --------
    >>> "pruned" in known_methods() and "dense" in known_methods()
    True
    """
    # the module, not the function of the same name that theorylab.numeric re-exports
    return tuple(importlib.import_module("theorylab.numeric.simulate").METHODS)


def _simulate_parameters() -> set[str]:
    """The keyword names of ``simulate``."""
    from theorylab.numeric.simulate import simulate

    return set(inspect.signature(simulate).parameters)


def canonical_json(obj: Any) -> str:
    """A stable JSON text for hashing: sorted keys, no spaces, shortest float repr, no NaN.

    Tuples become lists and NumPy scalars become Python numbers, so equal configurations give equal text.

    Examples
    --------
    >>> canonical_json({"b": (1, 2.5), "a": np.int64(3)})
    '{"a":3,"b":[1,2.5]}'
    """
    return json.dumps(_plain(obj), sort_keys=True, separators=(",", ":"), ensure_ascii=True, allow_nan=False)


def _plain(obj: Any) -> Any:
    from theorylab._json import json_data

    return json_data(obj, where="configuration")


def _nearest(key: str, valid: Iterable[str]) -> str:
    near = difflib.get_close_matches(key, list(valid), n=1, cutoff=0.5)
    return f" (did you mean {near[0]!r}?)" if near else f" (valid keys: {', '.join(sorted(valid))})"


def _check_keys(table: Mapping[str, Any], valid: Iterable[str], where: str) -> None:
    valid = tuple(valid)
    for key in table:
        if key not in valid:
            prefix = f"{where}.{key}" if where else str(key)
            raise ValueError(f"{prefix}: unknown key{_nearest(str(key), valid)}")


@dataclass(frozen=True)
class CaseSpec:
    """One case of a sweep: a teacher, the methods to compare and the grids to run them on.

    Parameters
    ----------
    link : str or sympy.Expr or Link
        The link sigma*, in the link grammar (e.g. ``"He2(z)"``); callables cannot be hashed and are refused.
    methods : sequence of str
        Students to run, each a method of :func:`theorylab.numeric.simulate` (e.g. ``"pruned"``, ``"dense"``).
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

    def __post_init__(self) -> None:
        from theorylab.symbolic import as_link

        set_ = object.__setattr__
        r = check_int(self.r, "r", minimum=1)
        set_(self, "r", r)
        link = as_link(self.link, arity=r)
        if not link.is_symbolic:
            raise ValueError("link: a sweep needs a link written as text or a SymPy expression (a callable cannot be hashed)")
        set_(self, "_link", link)
        if isinstance(self.methods, str):
            raise TypeError("methods: must be a list of method names, e.g. ['pruned', 'dense']")
        methods = tuple(self.methods)
        if not methods:
            raise ValueError("methods: must list at least one method")
        valid = known_methods()
        for m in methods:
            if not isinstance(m, str):
                raise TypeError(f"methods: each method must be a string, got {type(m).__name__} {m!r}")
            if m not in valid:
                near = difflib.get_close_matches(m, valid, n=1)
                hint = f" (did you mean {near[0]!r}?)" if near else ""
                raise ValueError(f"methods: unknown method {m!r}{hint}; choose from {', '.join(valid)}")
        if len(set(methods)) != len(methods):
            raise ValueError(f"methods: repeated method in {list(methods)}")
        set_(self, "methods", methods)
        if isinstance(self.d_grid, (str, bytes)) or not isinstance(self.d_grid, Iterable):
            raise TypeError("d_grid: must be a list of integer dimensions")
        grid = [check_int(d, "d_grid", minimum=2) for d in self.d_grid]
        if not grid:
            raise ValueError("d_grid: must list at least one dimension")
        for d in grid:
            if d < r:
                raise ValueError(f"d_grid: every d must be >= r = {r}, got {d}")
            if grid.count(d) > 1:
                raise ValueError(f"d_grid: the dimension {d} is listed twice")
        order = sorted(range(len(grid)), key=grid.__getitem__)
        set_(self, "d_grid", tuple(grid[i] for i in order))
        set_(self, "q", check_q(self.q))
        scan = self._scan_grid(r)
        scan_order = sorted(range(len(scan)), key=scan.__getitem__) if self.axis == "s" else order
        n_min = self._per_d(self.n_min, "n_min", len(scan), scan_order, self.axis)
        n_max = self._per_d(self.n_max, "n_max", len(scan), scan_order, self.axis)
        set_(self, "n_min", n_min)
        set_(self, "n_max", n_max)
        for x in self.scan:
            lo, hi = self.n_range(x)
            if lo > hi:
                where = "" if isinstance(n_min, int) and isinstance(n_max, int) else f" at {self.axis} = {x}"
                raise ValueError(f"n_min: the n range is upside down{where}: n_min = {lo} > n_max = {hi}")
        set_(self, "trials", check_int(self.trials, "trials", minimum=1))
        set_(self, "alpha", check_alpha(self.alpha))
        if self.criterion is not None and not isinstance(self.criterion, str):
            raise TypeError(f"criterion: must be a string, got {type(self.criterion).__name__}")
        if self.threshold is not None:
            set_(self, "threshold", check_real(self.threshold, "threshold"))
        if self.criterion is not None or self.threshold is not None:
            try:
                self.success_criterion()
            except (ValueError, TypeError) as exc:
                field_name = "threshold" if "threshold" in str(exc) else "criterion"
                raise type(exc)(f"{field_name}: {exc}") from None
        if not isinstance(self.options, Mapping):
            raise TypeError(f"options: must be a table of simulate arguments, got {type(self.options).__name__}")
        options = dict(self.options)
        for key in options:
            if not isinstance(key, str):
                raise TypeError(f"options: keys must be strings, got {key!r}")
            if key in _RESERVED_OPTIONS:
                raise ValueError(f"options.{key}: set by the sweep itself; use the case key instead")
        params = _simulate_parameters()
        for key in options:
            if key not in params:
                allowed = sorted(params - set(_RESERVED_OPTIONS))
                raise ValueError(f"options.{key}: not an argument of simulate{_nearest(key, allowed)}")
        try:
            canonical_json(options)
        except (TypeError, ValueError) as exc:
            raise TypeError(f"options: {exc}") from None
        set_(self, "options", options)
        self._check_sizes()
        if self.label is None:
            set_(self, "label", f"{link.text} [{', '.join(methods)}]")
        elif not isinstance(self.label, str) or not self.label.strip():
            raise TypeError("label: must be a non-empty string")

    def _check_sizes(self) -> None:
        """Refuse, before any cell runs, a cell whose estimated memory or time exceeds theorylab._limits."""
        from theorylab.numeric.simulate import DEFAULT_RATIO

        width = self.options.get("width", 8)
        ratio = self.options.get("ratio", DEFAULT_RATIO)
        dtype = self.options.get("dtype", "float64")
        if not isinstance(width, int) or isinstance(width, bool) or width < 1:
            raise TypeError(f"options.width: must be an integer >= 1, got {width!r}")
        if not isinstance(ratio, (int, float)) or isinstance(ratio, bool) or not ratio > 1:
            raise ValueError(f"options.ratio: must be a number > 1, got {ratio!r}")
        if dtype not in ("float32", "float64"):
            raise ValueError(f"options.dtype: must be 'float32' or 'float64', got {dtype!r}")
        pruned = any("pruned" in m for m in self.methods)
        for point in self.scan:
            d = point if self.axis == "d" else self.d_grid[0]
            lo, hi = self.n_range(point)
            try:
                k = check_checkpoint_count(hi, lo, ratio)
                check_simulation_size(d, hi, self.trials, width, k, dtype, pruned=pruned)
            except ValueError as exc:
                raise ValueError(f"d_grid: at d = {d}: {exc}") from None

    def _scan_grid(self, r: int) -> list[int]:
        """Validate ``axis``, ``s_grid`` and ``alpha_grid``; store ``s_grid`` sorted; return it as written."""
        if self.axis not in AXES:
            raise ValueError(f"axis: must be 'd' or 's', got {self.axis!r}")
        if self.axis == "d":
            if len(self.s_grid) or len(self.alpha_grid):
                raise ValueError("s_grid: only an s-scan (axis = 's') takes s_grid or alpha_grid")
            set_ = object.__setattr__
            set_(self, "s_grid", ())
            set_(self, "alpha_grid", ())
            return list(self.d_grid)
        if len(self.d_grid) != 1:
            raise ValueError(f"d_grid: an s-scan runs at one fixed d, got {list(self.d_grid)}")
        d = self.d_grid[0]
        values = self._s_from_alpha(d) if len(self.alpha_grid) else self.s_grid
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
        object.__setattr__(self, "s_grid", tuple(sorted(scan)))
        object.__setattr__(self, "alpha_grid", ())
        return scan

    def _s_from_alpha(self, d: int) -> list[int]:
        if len(self.s_grid):
            raise ValueError("alpha_grid: give s_grid or alpha_grid, not both")
        if self.q != 0:
            raise ValueError(f"alpha_grid: maps α to an integer support only for q = 0 (got q = {self.q:g}); use s_grid")
        alphas = [check_alpha(a) for a in self.alpha_grid]
        seen: dict[int, float] = {}
        for a in alphas:
            s = int(round(d**a))
            if s in seen:
                raise ValueError(f"alpha_grid: α = {seen[s]:g} and α = {a:g} both give s = round({d}^α) = {s} (q = 0)")
            seen[s] = a
        return list(seen)

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

    @staticmethod
    def _per_d(value: Any, name: str, size: int, order: list[int], axis: str = "d") -> int | tuple[int, ...]:
        if isinstance(value, (list, tuple)):
            if len(value) != size:
                grid = "dimension of d_grid" if axis == "d" else "support size of s_grid"
                raise ValueError(f"{name}: a list needs one entry per {grid} ({size}), got {len(value)}")
            values = [check_int(v, name, minimum=1) for v in value]
            return tuple(values[i] for i in order)
        return check_int(value, name, minimum=1)

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
        i = self.scan.index(d)
        lo = self.n_min if isinstance(self.n_min, int) else self.n_min[i]
        hi = self.n_max if isinstance(self.n_max, int) else self.n_max[i]
        return lo, hi

    def success_criterion(self) -> Any:
        """The :class:`~theorylab.numeric.metrics.SuccessCriterion` of the case (``None``: simulate's default).

        ``criterion`` names a metric (``"alignment"``, ``"coverage"``, ``"excess_risk"``, ``"support_recall"``)
        or an aggregated alignment ``"alignment_<aggregation>"`` (e.g. ``"alignment_max"``); ``threshold`` is
        its level (default 0.5).
        """
        if self.criterion is None and self.threshold is None:
            return None
        from theorylab.numeric.metrics import SuccessCriterion, default_criterion

        base = default_criterion(self.r)
        metric, aggregation = base.metric, base.aggregation
        if self.criterion is not None:
            metric = self.criterion
            if self.criterion.startswith("alignment_"):
                metric, aggregation = "alignment", self.criterion[len("alignment_"):]
        threshold = base.threshold if self.threshold is None else self.threshold
        return SuccessCriterion(metric, threshold, aggregation)

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
        return out


@dataclass(frozen=True)
class Cell:
    """One (case, method, d) cell of a sweep: one call of ``simulate``.

    Attributes
    ----------
    case_index : int
        Position of the case in the sweep.
    label : str
        The case's label.
    method : str
    d : int
    case : CaseSpec
    sweep_seed : int
    """

    case_index: int
    label: str
    method: str
    d: int
    case: CaseSpec
    sweep_seed: int
    s: int | None = None

    @property
    def x(self) -> int:
        """The cell's point on its case's scan: d, or s for an s-scan."""
        return self.d if self.s is None else self.s

    @property
    def alpha(self) -> float:
        """The sparsity exponent the cell runs with (log s / log d in an s-scan)."""
        return self.case.alpha if self.s is None else self.case.alpha_at(self.s)

    @property
    def config(self) -> dict[str, Any]:
        """Every value that determines the cell's numbers (the link in canonical SymPy form)."""
        case = self.case
        config = {
            "link": str(case.link_object.expr),
            "r": case.r,
            "q": case.q,
            "alpha": self.alpha,
            "method": self.method,
            "d": self.d,
            "n_min": case.n_range(self.x)[0],
            "n_max": case.n_range(self.x)[1],
            "trials": case.trials,
            "criterion": case.criterion,
            "threshold": case.threshold,
            "options": dict(case.options),
            "sweep_seed": self.sweep_seed,
        }
        if self.s is not None:  # d-scan cells keep the configuration (and so the seed) they always had
            config["s"] = self.s
        return config

    @property
    def seed(self) -> int:
        """The cell's seed: ``SeedSequence(entropy=[sweep_seed, *hash words of the config])``, 63 bits.

        The hash covers the configuration without the sweep seed, so two cells differ in seed whenever they
        differ in anything, and a cell's seed does not depend on which other cells the sweep holds.
        """
        config = self.config
        del config["sweep_seed"]
        digest = hashlib.sha256(canonical_json(config).encode("ascii")).digest()
        words = np.frombuffer(digest, dtype="<u4").tolist()
        state = np.random.SeedSequence(entropy=[self.sweep_seed, *words]).generate_state(1, dtype=np.uint64)
        return int(state[0]) & ((1 << 63) - 1)

    def simulate_kwargs(self) -> dict[str, Any]:
        """Keyword arguments of ``simulate`` for this cell."""
        case = self.case
        link = case.link if isinstance(case.link, str) else case.link_object
        n_min, n_max = case.n_range(self.x)
        kwargs: dict[str, Any] = {
            "link": link,
            "d": self.d,
            "n": n_max,
            "n_min": n_min,
            "method": self.method,
            "alpha": self.alpha,
            "q": case.q,
            "r": case.r,
            "trials": case.trials,
            "seed": self.seed,
        }
        criterion = case.success_criterion()
        if criterion is not None:
            kwargs["criterion"] = criterion
        kwargs.update(case.options)
        return kwargs

    def __str__(self) -> str:
        where = f"d={self.d}" if self.s is None else f"d={self.d}, s={self.s}"
        return f"{self.label} / {self.method} / {where}"


@dataclass(frozen=True)
class SweepSpec:
    """A named sweep: a seed and a list of cases.

    Examples
    --------
    >>> spec = SweepSpec("demo", seed=1, cases=[
    ...     CaseSpec("He2(z)", methods=["pruned", "dense"], d_grid=[81, 256], n_min=10, n_max=1000)])
    >>> len(spec.cells())
    4
    >>> [str(c) for c in spec.cells()][:2]
    ['He2(z) [pruned, dense] / pruned / d=81', 'He2(z) [pruned, dense] / pruned / d=256']
    """

    name: str
    seed: int
    cases: Sequence[CaseSpec]
    description: str = ""

    def __post_init__(self) -> None:
        if not isinstance(self.name, str) or not _NAME_RE.match(self.name):
            raise ValueError(
                f"name: must be a non-empty name of letters, digits, '_', '.', '-' (it names a directory), got {self.name!r}"
            )
        object.__setattr__(self, "seed", check_int(self.seed, "seed", minimum=0))
        if not isinstance(self.description, str):
            raise TypeError("description: must be a string")
        if isinstance(self.cases, CaseSpec) or not isinstance(self.cases, Iterable):
            raise TypeError("cases: must be a list of CaseSpec")
        cases = tuple(self.cases)
        if not cases:
            raise ValueError("cases: a sweep needs at least one case")
        for i, case in enumerate(cases):
            if not isinstance(case, CaseSpec):
                raise TypeError(f"cases[{i}]: must be a CaseSpec, got {type(case).__name__}")
        object.__setattr__(self, "cases", cases)
        seen: dict[str, str] = {}
        labels: dict[str | None, int] = {}
        for i, case in enumerate(cases):
            assert case.label is not None  # set in CaseSpec.__post_init__
            if case.label in labels:
                raise ValueError(f"cases[{i}].label: {case.label!r} is already the label of cases[{labels[case.label]}]")
            labels[case.label] = i
            for cell in self._case_cells(i, case):
                key = canonical_json(cell.config)
                if key in seen:
                    where = f"d={cell.d}" if cell.s is None else f"d={cell.d}, s={cell.s}"
                    raise ValueError(f"cases[{i}]: the cell {cell.method} / {where} repeats a cell of {seen[key]}")
                seen[key] = f"cases[{i}]"

    def _case_cells(self, index: int, case: CaseSpec) -> list[Cell]:
        if case.axis == "s":
            return [
                Cell(case_index=index, label=str(case.label), method=m, d=case.d_grid[0], case=case,
                     sweep_seed=self.seed, s=s)
                for m in case.methods
                for s in case.s_grid
            ]
        return [
            Cell(case_index=index, label=str(case.label), method=m, d=d, case=case, sweep_seed=self.seed)
            for m in case.methods
            for d in case.d_grid
        ]

    def cells(self) -> list[Cell]:
        """All cells, case by case, method by method, d increasing."""
        out: list[Cell] = []
        for i, case in enumerate(self.cases):
            out.extend(self._case_cells(i, case))
        return out

    def to_dict(self) -> dict[str, Any]:
        """The sweep as a JSON/TOML-ready mapping (what :func:`sweep_from_dict` reads back)."""
        return {
            "name": self.name,
            "seed": self.seed,
            "description": self.description,
            "cases": [c.to_dict() for c in self.cases],
        }


_INTEGER_KEYS = ("d_grid", "s_grid", "n_min", "n_max", "trials", "r")


def _check_integer_fields(table: Mapping[str, Any], where: str) -> None:
    """A file's integer fields must be written as integers: ``trials = 1e9`` is a float, refused by name."""
    for key in _INTEGER_KEYS:
        if key not in table:
            continue
        values = table[key] if isinstance(table[key], list) else [table[key]]
        for v in values:
            if isinstance(v, float):
                raise TypeError(f"{where}.{key}: must be an integer, got the float {v!r} (write it without '.' or 'e')")


def sweep_from_dict(data: Mapping[str, Any]) -> SweepSpec:
    """Build and validate a :class:`SweepSpec` from a parsed TOML/JSON mapping.

    Errors are one line and name the field (``cases[1].n_min: ...``); unknown keys get the nearest valid key.

    Examples
    --------
    >>> sweep_from_dict({"name": "x", "seed": 0, "cases": [{"link": "He2(z)", "methods": ["pruned"],
    ...     "d_grid": [81], "n_min": 10, "n_max": 100, "alpah": 0.25}]})
    Traceback (most recent call last):
    ...
    ValueError: cases[0].alpah: unknown key (did you mean 'alpha'?)
    """
    if not isinstance(data, Mapping):
        raise TypeError(f"a sweep must be a table, got {type(data).__name__}")
    _check_keys(data, SWEEP_KEYS, "")
    for key in ("name", "seed", "cases"):
        if key not in data:
            raise ValueError(f"{key}: missing (a sweep needs name, seed and cases)")
    if isinstance(data["seed"], float):
        raise TypeError(f"seed: must be an integer, got the float {data['seed']!r}")
    defaults = data.get("defaults", {})
    if not isinstance(defaults, Mapping):
        raise TypeError("defaults: must be a table of case keys")
    _check_keys(defaults, CASE_KEYS, "defaults")
    raw_cases = data["cases"]
    if isinstance(raw_cases, Mapping) or not isinstance(raw_cases, list):
        raise TypeError("cases: must be an array of tables ([[cases]] in TOML)")
    cases = []
    for i, raw in enumerate(raw_cases):
        where = f"cases[{i}]"
        if not isinstance(raw, Mapping):
            raise TypeError(f"{where}: must be a table")
        _check_keys(raw, CASE_KEYS, where)
        merged = dict(defaults)
        if "options" in defaults and "options" in raw:
            merged["options"] = {**defaults["options"], **raw["options"]}
            merged.update({k: v for k, v in raw.items() if k != "options"})
        else:
            merged.update(raw)
        for key in ("link", "methods", "d_grid", "n_min", "n_max"):
            if key not in merged:
                raise ValueError(f"{where}.{key}: missing (set it in the case or in [defaults])")
        _check_integer_fields(merged, where)
        try:
            cases.append(CaseSpec(**merged))
        except (ValueError, TypeError) as exc:
            raise type(exc)(f"{where}.{exc}") from None
    try:
        return SweepSpec(
            name=data["name"], seed=data["seed"], cases=tuple(cases), description=data.get("description", "")
        )
    except (ValueError, TypeError) as exc:
        raise type(exc)(str(exc)) from None


def load_sweep(path: str | Path) -> SweepSpec:
    r"""Read and validate a TOML sweep file.

    Raises
    ------
    FileNotFoundError
        When the file does not exist.
    ValueError
        For TOML syntax errors and for every invalid field (one line naming it).

    Examples
    --------
    >>> import pathlib, tempfile
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     path = pathlib.Path(tmp) / "s.toml"
    ...     _ = path.write_text('name = "s"\nseed = 1\n[[cases]]\nlink = "He2(z)"\nmethods = ["pruned"]\n'
    ...                         'd_grid = [81, 256]\nn_min = 100\nn_max = 4000\n')
    ...     spec = load_sweep(path)
    >>> spec.cases[0].d_grid, len(spec.cells())
    ((81, 256), 2)
    """
    try:
        import tomllib
    except ImportError:  # pragma: no cover - Python 3.10
        import tomli as tomllib  # type: ignore[no-redef,import-not-found]
    if not isinstance(path, (str, Path)):
        raise TypeError(f"path must be a file name, got {type(path).__name__}")
    path = Path(path)
    if not path.exists():
        raise FileNotFoundError(f"{path}: no such file")
    if not path.is_file():
        raise ValueError(f"{path}: not a regular file")
    top = limits().file_bytes
    with path.open("rb") as fh:
        raw = fh.read(top + 1)
    if len(raw) > top:
        raise ValueError(f"{path}: larger than {top} bytes, too large for a sweep file (theorylab._limits: file_bytes)")
    try:
        data = tomllib.loads(raw.decode("utf-8"))
    except UnicodeDecodeError:
        raise ValueError(f"{path}: not UTF-8 text") from None
    except tomllib.TOMLDecodeError as exc:
        raise ValueError(f"{path}: not valid TOML: {exc}") from None
    except RecursionError:
        raise ValueError(f"{path}: not valid TOML: arrays or tables nested too deeply") from None
    return sweep_from_dict(data)
