"""The typed report: one schema for every producer and consumer of measured-against-predicted results.

:func:`theorylab.sweeps.summarize_sweep` produces :class:`CaseReport` rows, :func:`theorylab.reproduce` wraps
them in a :class:`Report` (with the crossover table and the α-contrasts) and writes ``report.json``; the figures
(:mod:`theorylab.plots`), ``report.md`` and the command line read the same objects back. ``Report.to_dict`` and
``Report.from_dict`` are an exact JSON round trip: NaN becomes ``null`` and comes back as NaN.

No consumer parses prose or splits labels: everything a consumer branches on is a field (``verdict``,
``competitors_met``, ``too_wide``, ``side``, ``separable``, ``censored``, ...).

Examples
--------
>>> row = CaseReport(label="he2", setting="He2", link="He2(z)", method="pruned", alpha=0.25, q=0.0, r=1,
...                  k_star=2, values=(64, 256), thresholds=(400.0, 1000.0), slope=0.66, slope_low=0.5,
...                  slope_high=0.8, verdict="consistent")
>>> back = Report(title="t", mode="quick", cases=(row,)).to_dict()
>>> Report.from_dict(back).cases[0] == row
True
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path
from typing import Any

from theorylab._display import ShortRepr
from theorylab._json import json_data
from theorylab._table import number

__all__ = ["Curve", "PredictedLine", "CaseReport", "Crossover", "Contrast", "Report", "format_value", "verdict_counts", "write_json_atomic"]

_NAN = float("nan")


def _to_json(value: Any) -> Any:
    """JSON data with NaN and infinities as null (the one normaliser, :func:`theorylab._json.json_data`)."""
    return json_data(value, where="report", nonfinite="null")


def format_value(x: float | None, spec: str | None = None, missing: str = "–") -> str:
    """A number of a report as text; ``missing`` for None, NaN or an infinite end.

    By default in the one number format of theorylab's tables (:func:`theorylab._table.number`), so that
    ``report.md`` and the command line print the same numbers; ``spec`` asks for another format.

    >>> format_value(0.1234), format_value(float("nan")), format_value(None, missing="-"), format_value(2.0)
    ('0.123', '–', '-', '2.00')
    """
    if x is None or not math.isfinite(x):
        return missing
    return number(x, missing) if spec is None else format(x, spec)


def verdict_counts(rows: Iterable[Any]) -> str:
    """How many rows have each verdict, as text (``"2 consistent, 1 inconclusive"``).

    Parameters
    ----------
    rows : iterable
        Objects with a ``verdict`` attribute (:class:`CaseReport`, a summary's rows).

    Returns
    -------
    str
        ``"<count> <verdict>"`` joined by commas in the verdicts' alphabetical order, or ``"none"``.

    Examples
    --------
    >>> from types import SimpleNamespace as Row
    >>> verdict_counts([Row(verdict="inconclusive"), Row(verdict="consistent"), Row(verdict="inconclusive")])
    '1 consistent, 2 inconclusive'
    >>> verdict_counts([])
    'none'
    """
    rows = _verdict_rows_iv(rows)
    counts: dict[str, int] = {}
    for row in rows:
        counts[row.verdict] = counts.get(row.verdict, 0) + 1
    return ", ".join(f"{v} {k}" for k, v in sorted(counts.items())) or "none"


def _verdict_rows_iv(rows: Any) -> list[Any]:
    if isinstance(rows, (str, bytes)) or not isinstance(rows, Iterable):
        raise TypeError(f"rows must be an iterable of rows with a verdict, got {type(rows).__name__}")
    rows = list(rows)
    for i, row in enumerate(rows):
        if not isinstance(getattr(row, "verdict", None), str):
            raise TypeError(f"rows[{i}] has no verdict (a str attribute 'verdict'), got {type(row).__name__}")
    return rows


def _span(values: tuple[int, ...]) -> str:
    return f"{values[0]}..{values[-1]} ({len(values)} points)" if values else "none"


def _float(value: Any) -> float:
    return _NAN if value is None else float(value)


@dataclass(frozen=True, repr=False)
class Curve(ShortRepr):
    """One stored success curve: at scan point ``x``, the successes out of ``trials`` at each n."""

    x: int
    n: tuple[int, ...]
    successes: tuple[int, ...]
    trials: int

    def _summary(self) -> dict[str, Any]:
        return {"x": self.x, "checkpoints": len(self.n), "n_range": (self.n[0], self.n[-1]) if self.n else (),
                "final_successes": self.successes[-1] if self.successes else None, "trials": self.trials}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Curve:
        return cls(int(data["x"]), tuple(int(v) for v in data["n"]), tuple(int(v) for v in data["successes"]),
                   int(data["trials"]))


@dataclass(frozen=True, repr=False)
class PredictedLine(ShortRepr):
    """A rate drawn beside a measurement: its exponent along the case's axis and the band a verdict allows."""

    name: str
    label: str
    exponent: float
    log_power: float = 0.0
    band_low: float = _NAN
    band_high: float = _NAN
    role: str = "other"  # "own", "competitor" or "other"

    def _summary(self) -> dict[str, Any]:
        return {"name": self.name, "exponent": self.exponent, "band": (self.band_low, self.band_high),
                "role": self.role}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> PredictedLine:
        return cls(str(data["name"]), str(data["label"]), _float(data["exponent"]), _float(data.get("log_power", 0.0)),
                   _float(data.get("band_low")), _float(data.get("band_high")), str(data.get("role", "other")))


@dataclass(frozen=True, repr=False)
class CaseReport(ShortRepr):
    """One (case, method) row: thresholds along a scan, the fitted exponent and its verdict.

    Attributes
    ----------
    label, setting, link, method : str
        The sweep case's label, the setting it belongs to (link, r, q, α or the fixed d), the link, the method.
    alpha, q : float
    r : int
    k_star, k_gen : int or None
        Information and generative exponents (taken from the stored results where ``simulate`` recorded them).
    axis : {"d", "s"}
        What was scanned: d at fixed α, or the support size s at the fixed dimension ``fixed_d``.
    fixed_d : int or None
    values : tuple of int
        The scanned points with a stored result.
    n_min, n_max : tuple of int
        The n range tried at each point.
    thresholds, threshold_low, threshold_high : tuple of float
        n* at success ½ and its interval per point (NaN where censored).
    censored, below_grid : tuple of bool
        Per point: level never reached within n_max (n* > n_max), or already reached at n_min.
    slope, slope_low, slope_high, intercept, theil_sen : float
        The fit ``log n* = intercept + slope log x`` with its interval, and the Theil–Sen slope.
    rate : str
        The rate the method is held to ("" when none).
    predicted : tuple of PredictedLine
        The own rate, the competitors and the reference rates, with their bands over this scan.
    predicted_local_slope, band_low, band_high : float
        The own rate's local slope and the band the verdict accepted.
    verdict : str
        ``consistent``, ``inconsistent``, ``inconclusive`` or ``n/a``.
    reason : str
        The verdict's sentence with its numbers (for people, never parsed).
    side : str
        ``below``/``above`` for an inconsistent verdict.
    too_wide : bool
    competitors : tuple of str
        The competitor rates the verdict had to exclude.
    competitors_met : tuple of str
        Those it could not exclude.
    separable : bool or None
        Whether the design (this scan, at the measured interval width) can separate the rate from every
        competitor at all (see :func:`theorylab.compare.plan_design`); None when not assessed.
    design_note : str
        The planner's sentence.
    notes : tuple of str
        What was left out of the fit, and why a number is missing.
    claim : str
        The paper's claim the case tests (reproduction only).
    curves : tuple of Curve
    seconds : tuple of float
        Wall seconds each point's cell took (NaN where the store did not record it).
    approximation : str
        The approximation the engine made (``"gaussian-moment"`` for ``engine="moment"``), "" when every cell ran
        an exact engine.
    fit_values : tuple of int
        The variable the slope is fitted in, per point: the values themselves for a d-scan; for an s-scan the
        pruning level M the learner ran with (THEORY.md §8b: the bound is in M, and M = s + 2 is not ∝ s).
    fit_variable : str
        Its name ("d", "M = s + 2", or "s" when the case fixes M itself).
    """

    label: str
    setting: str
    link: str
    method: str
    alpha: float
    q: float
    r: int
    k_star: int | None
    values: tuple[int, ...]
    thresholds: tuple[float, ...]
    k_gen: int | None = None
    axis: str = "d"
    fixed_d: int | None = None
    n_min: tuple[int, ...] = ()
    n_max: tuple[int, ...] = ()
    threshold_low: tuple[float, ...] = ()
    threshold_high: tuple[float, ...] = ()
    censored: tuple[bool, ...] = ()
    below_grid: tuple[bool, ...] = ()
    slope: float = _NAN
    slope_low: float = _NAN
    slope_high: float = _NAN
    intercept: float = _NAN
    theil_sen: float = _NAN
    rate: str = ""
    predicted: tuple[PredictedLine, ...] = ()
    predicted_local_slope: float = _NAN
    band_low: float = _NAN
    band_high: float = _NAN
    verdict: str = "n/a"
    reason: str = ""
    side: str = ""
    too_wide: bool = False
    competitors: tuple[str, ...] = ()
    competitors_met: tuple[str, ...] = ()
    separable: bool | None = None
    design_note: str = ""
    notes: tuple[str, ...] = ()
    claim: str = ""
    curves: tuple[Curve, ...] = ()
    seconds: tuple[float, ...] = ()
    fit_values: tuple[int, ...] = ()
    fit_variable: str = ""
    approximation: str = ""

    def _summary(self) -> dict[str, Any]:
        return {"label": self.label, "method": self.method, "axis": self.axis, "values": _span(self.values),
                "slope": self.slope, "interval": (self.slope_low, self.slope_high),
                "predicted": self.predicted_local_slope, "verdict": self.verdict}

    @property
    def own(self) -> PredictedLine | None:
        """The predicted line of the method's own rate."""
        return next((p for p in self.predicted if p.role == "own"), None)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready (NaN as None)."""
        return _to_json(asdict(self))

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> CaseReport:
        """Inverse of :meth:`to_dict`."""
        known = {f.name for f in fields(cls)}
        unknown = sorted(set(data) - known)
        if unknown:
            raise ValueError(f"case: unknown keys {unknown}")
        out: dict[str, Any] = {}
        for f in fields(cls):
            if f.name not in data:
                continue
            v = data[f.name]
            if f.name == "predicted":
                v = tuple(PredictedLine.from_dict(p) for p in v)
            elif f.name == "curves":
                v = tuple(Curve.from_dict(c) for c in v)
            elif f.name in ("thresholds", "threshold_low", "threshold_high", "seconds"):
                v = tuple(_float(x) for x in v)
            elif f.name in ("values", "n_min", "n_max", "fit_values"):
                v = tuple(int(x) for x in v)
            elif f.name in ("censored", "below_grid"):
                v = tuple(bool(x) for x in v)
            elif f.name in ("competitors", "competitors_met", "notes"):
                v = tuple(str(x) for x in v)
            elif f.name in ("slope", "slope_low", "slope_high", "intercept", "theil_sen", "predicted_local_slope",
                            "band_low", "band_high", "alpha", "q"):
                v = _float(v)
            out[f.name] = v
        return cls(**out)


@dataclass(frozen=True, repr=False)
class Crossover(ShortRepr):
    """The dimension d× where the pruned n* falls below that of the best basis-independent learner.

    ``kind`` is ``"measured"`` (the curves cross between two measured d; d× interpolated in log-log),
    ``"extrapolated"`` (from the two fitted power laws, with an interval from their slope intervals),
    ``"none"`` (the fitted lines never cross for d > 1) or ``"already"`` (pruned is ahead at every measured d).
    """

    setting: str
    k_star: int
    pruned: str
    competitor: str
    kind: str
    d_cross: float
    d_low: float = _NAN
    d_high: float = _NAN
    d_max_measured: float = _NAN
    reachable: bool = True
    note: str = ""

    def _summary(self) -> dict[str, Any]:
        return {"setting": self.setting, "pruned": self.pruned, "competitor": self.competitor, "kind": self.kind,
                "d_cross": self.d_cross, "interval": (self.d_low, self.d_high), "reachable": self.reachable}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Crossover:
        kw = {f.name: data[f.name] for f in fields(cls) if f.name in data}
        for key in ("d_cross", "d_low", "d_high", "d_max_measured"):
            if key in kw:
                kw[key] = _float(kw[key])
        return cls(**kw)


@dataclass(frozen=True, repr=False)
class Contrast(ShortRepr):
    """dβ/dα: how the d-exponent of one method moves with α across d-scans of one link (logs cancel)."""

    setting: str
    method: str
    alphas: tuple[float, ...]
    slope: float
    slope_low: float
    slope_high: float
    predicted: float
    competitors: tuple[tuple[str, float], ...] = ()
    verdict: str = "n/a"
    reason: str = ""

    def _summary(self) -> dict[str, Any]:
        return {"setting": self.setting, "method": self.method, "alphas": self.alphas, "slope": self.slope,
                "interval": (self.slope_low, self.slope_high), "predicted": self.predicted, "verdict": self.verdict}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Contrast:
        kw = {f.name: data[f.name] for f in fields(cls) if f.name in data}
        kw["alphas"] = tuple(float(a) for a in kw.get("alphas", ()))
        kw["competitors"] = tuple((str(n), float(v)) for n, v in kw.get("competitors", ()))
        for key in ("slope", "slope_low", "slope_high", "predicted"):
            kw[key] = _float(kw.get(key))
        return cls(**kw)


@dataclass(frozen=True, repr=False)
class Report(ShortRepr):
    """A whole reproduction (or any sweep's) report."""

    title: str
    mode: str
    cases: tuple[CaseReport, ...]
    wall_s: float = _NAN
    success_criterion: str = ""
    sweep: dict[str, Any] = field(default_factory=dict)
    crossovers: tuple[Crossover, ...] = ()
    contrasts: tuple[Contrast, ...] = ()
    figures: tuple[str, ...] = ()
    figures_note: str = ""

    def _summary(self) -> dict[str, Any]:
        return {"title": self.title, "mode": self.mode, "cases": len(self.cases),
                "verdicts": verdict_counts(self.cases), "crossovers": len(self.crossovers),
                "contrasts": len(self.contrasts), "figures": len(self.figures)}

    def _summary_rows(self) -> list[dict[str, Any]]:
        return [row._summary() for row in self.cases]

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready (NaN as None)."""
        return _to_json(asdict(self))

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Report:
        """Inverse of :meth:`to_dict` (a ValueError naming the first bad field)."""
        if not isinstance(data, dict):
            raise TypeError(f"report must be a JSON object, got {type(data).__name__}")
        try:
            return cls(
                title=str(data.get("title", "")), mode=str(data.get("mode", "")),
                cases=tuple(CaseReport.from_dict(c) for c in data.get("cases", ())),
                wall_s=_float(data.get("wall_s")), success_criterion=str(data.get("success_criterion", "")),
                sweep=dict(data.get("sweep") or {}),
                crossovers=tuple(Crossover.from_dict(c) for c in data.get("crossovers", ())),
                contrasts=tuple(Contrast.from_dict(c) for c in data.get("contrasts", ())),
                figures=tuple(str(f) for f in data.get("figures", ())), figures_note=str(data.get("figures_note", "")),
            )
        except (KeyError, TypeError, ValueError) as exc:
            raise ValueError(f"report: not a theorylab report ({type(exc).__name__}: {exc})") from None

    @classmethod
    def load(cls, path: str | Path) -> Report:
        """Read a ``report.json``."""
        return cls.from_dict(json.loads(Path(path).read_text(encoding="utf-8")))

    def save(self, path: str | Path) -> None:
        """Write ``report.json`` atomically."""
        write_json_atomic(path, self.to_dict())


def write_json_atomic(path: str | Path, data: Any) -> None:
    """Write JSON to ``path`` atomically (:func:`theorylab._files.atomic_write`; the user's umask)."""
    from theorylab._files import atomic_write

    text = json.dumps(data, indent=1, ensure_ascii=False)
    atomic_write(path, lambda fh: fh.write(text.encode("utf-8")))
