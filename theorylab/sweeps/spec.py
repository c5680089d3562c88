"""Sweep specifications: what to simulate, declared in TOML or as Python objects.

A sweep is a list of *cases* (link, r, q, alpha, methods, d grid, n range, trials, success criterion,
extra ``simulate`` options). Every (case, method, d) triple is one *cell*: one call of
:func:`theorylab.numeric.simulate`. Each cell has a full configuration (every value that determines its
numbers), a seed derived from the sweep seed and a stable hash of that configuration (so adding or
removing cells never changes the numbers of the others), and a store key (see :mod:`theorylab.sweeps.store`).

A case is :class:`~theorylab.sweeps.case.CaseSpec` (module :mod:`theorylab.sweeps.case`), a cell
:class:`~theorylab.sweeps.cell.Cell` (module :mod:`theorylab.sweeps.cell`); both are re-exported here.

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

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from theorylab._limits import limits
from theorylab._validation import check_int
from theorylab.sweeps.canonical import canonical_json
from theorylab.sweeps.case import (
    AXES,
    CASE_KEYS,
    MIN_SCAN_POINTS,
    CaseSpec,
    key_hint,
    known_methods,
)
from theorylab.sweeps.cell import Cell

__all__ = [
    "AXES",
    "CASE_KEYS",
    "MIN_SCAN_POINTS",
    "SWEEP_KEYS",
    "CaseSpec",
    "Cell",
    "SweepSpec",
    "canonical_json",
    "known_methods",
    "load_sweep",
    "sweep_from_dict",
]

#: Keys of the top level of a sweep file.
SWEEP_KEYS = ("name", "seed", "description", "defaults", "cases")

_NAME_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")


def _check_keys(table: Mapping[str, Any], valid: Iterable[str], where: str) -> None:
    valid = tuple(valid)
    for key in table:
        if key not in valid:
            prefix = f"{where}.{key}" if where else str(key)
            raise ValueError(f"{prefix}: unknown key{key_hint(str(key), valid)}")


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
