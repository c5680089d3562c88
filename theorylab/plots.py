"""Figures: thresholds n*(d) on log-log axes, the phase diagram over alpha, success curves against n.

Every function takes plain data (NumPy arrays, dicts, floats) and, where the theory enters, ``Rate``-like
objects (anything with ``.name``, ``.exponent`` and optionally ``.evaluate(d)`` and ``.log_power``, such as
:class:`theorylab.symbolic.rates.Rate`). Nothing here imports the sweeps or the result store.

matplotlib is imported inside the functions, never when ``theorylab`` or this module is imported. The figures
are built as :class:`matplotlib.figure.Figure` objects attached to the Agg canvas, without pyplot: they need
no display, are not kept alive by pyplot's figure registry, and show in a Jupyter notebook when returned as
the cell's value. Pass ``ax`` to draw into an axes of your own instead. Every function returns the Figure
and, when ``path`` is given, writes it there (PNG unless the suffix names another format, 150 dpi).

The exponents in the theory lines follow THEORY.md §7 (Vural & Erdogdu 2024, Thm 2, 4, 5): pruned
``alpha k*``, dense ``k*``, CSQ lower bound for the sparse class ``min(alpha, 1/2) k*``, basis-independent
(CSQ dense) lower bound ``k*/2``.
"""

from __future__ import annotations

import math
import numbers
import os
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from theorylab._validation import check_choice, check_int, check_probability, check_real

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

__all__ = [
    "plot_thresholds",
    "plot_phase_diagram",
    "plot_success_curves",
    "plot_report",
    "rate_label",
    "METHOD_NAMES",
    "REPORT_FIGURES",
]

#: How the rate names of :mod:`theorylab.symbolic.rates` are written in legends.
METHOD_NAMES: dict[str, str] = {
    "pruned": "pruned",
    "dense": "dense",
    "csq_sparse": "CSQ sparse",
    "csq_dense": "CSQ dense",
    "online_sgd": "online SGD",
    "smoothed_sgd": "smoothed SGD",
    "sq": "SQ",
    "sq_reuse": "sample reuse (SQ)",
    "gd_reuse": "GD with sample reuse",
    "oracle": "oracle support",
}

# Fixed colours so that a method has the same colour in every figure (matplotlib's default cycle).
_METHOD_COLOURS = {"pruned": "C0", "dense": "C1", "online_sgd": "C2", "smoothed_sgd": "C4"}
_SPARE_COLOURS = ("C3", "C5", "C6", "C8", "C9", "C7")
# Theory lines that match no measured series: greys with distinct dash patterns.
_REFERENCE_STYLES = (
    ("0.35", (0, (6, 3))),
    ("0.0", (0, (2, 2))),
    ("0.55", (0, (8, 3, 2, 3))),
    ("0.2", (0, (4, 2, 1, 2, 1, 2))),
)
_DPI = 150


# ---------------------------------------------------------------------------------------------------------
# small helpers
# ---------------------------------------------------------------------------------------------------------
def _normalise_name(label: str) -> str:
    return "_".join(label.strip().lower().replace("-", " ").split())


def _format_exponent(value: float) -> str:
    """``0.5`` -> ``'0.5'``, ``2.0`` -> ``'2'``, ``2/3`` -> ``'0.667'``."""
    text = f"{round(float(value), 3):g}"
    return "0" if text == "-0" else text


def rate_label(name: str, exponent: float, log_power: float = 0.0) -> str:
    """The legend text of a predicted rate: its name and its power of d (and of log d when stated).

    Parameters
    ----------
    name : str
        A rate name such as ``"csq_sparse"`` (written as in :data:`METHOD_NAMES`) or any free text.
    exponent : float
        The power of d.
    log_power : float, default 0
        The power of log d that the source states.

    Returns
    -------
    str
        matplotlib mathtext, e.g. ``'CSQ sparse $d^{0.5}$'``.

    Examples
    --------
    >>> rate_label("csq_sparse", 0.5)
    'CSQ sparse $d^{0.5}$'
    >>> rate_label("online_sgd", 1.0, log_power=2)
    'online SGD $d^{1}\\\\,\\\\log^{2} d$'
    """
    if not isinstance(name, str):
        raise TypeError(f"name must be a string, got {type(name).__name__}")
    exponent = check_real(exponent, "exponent")
    log_power = check_real(log_power, "log_power")
    pretty = METHOD_NAMES.get(name, name)
    power = f"d^{{{_format_exponent(exponent)}}}"
    if log_power != 0:
        lp = _format_exponent(log_power)
        power += r"\,\log d" if lp == "1" else rf"\,\log^{{{lp}}} d"
    return f"{pretty} ${power}$"


def _method_colour(label: str, used: set[str]) -> str:
    key = _normalise_name(label).split("_(")[0]
    for name, colour in _METHOD_COLOURS.items():
        if (key == name or key.startswith(name + "_")) and colour not in used:
            return colour
    for colour in _SPARE_COLOURS:
        if colour not in used and colour not in _METHOD_COLOURS.values():
            return colour
    for colour in _SPARE_COLOURS + tuple(_METHOD_COLOURS.values()):
        if colour not in used:
            return colour
    return "C7"


def _float_array(value: Any, name: str, *, length: int | None = None, allow_nan: bool = False) -> np.ndarray:
    try:
        arr = np.asarray(value, dtype=float)
    except (TypeError, ValueError):
        raise TypeError(f"{name} must be a sequence of real numbers") from None
    if arr.ndim != 1:
        raise ValueError(f"{name} must be one-dimensional, got shape {arr.shape}")
    if length is not None and arr.size != length:
        raise ValueError(f"{name} must have the same length as d ({length}), got {arr.size}")
    if arr.size == 0:
        raise ValueError(f"{name} must not be empty")
    bad = np.isinf(arr) if allow_nan else ~np.isfinite(arr)
    if np.any(bad):
        raise ValueError(f"{name} must be finite{' (NaN marks a missing value)' if allow_nan else ''}")
    return arr


def _check_path(path: Any) -> str | None:
    if path is None:
        return None
    if not isinstance(path, (str, os.PathLike)):
        raise TypeError(f"path must be a str or os.PathLike, got {type(path).__name__}")
    return os.fspath(path)


def _check_ax(ax: Any) -> None:
    if ax is not None and not (hasattr(ax, "figure") and hasattr(ax, "set_xscale")):
        raise TypeError(f"ax must be a matplotlib Axes or None, got {type(ax).__name__}")


def _check_title(title: Any) -> None:
    if title is not None and not isinstance(title, str):
        raise TypeError(f"title must be a string or None, got {type(title).__name__}")


def _new_axes(ax: Axes | None, figsize: tuple[float, float]) -> tuple[Figure, Axes]:
    if ax is not None:
        return ax.figure, ax
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    fig = Figure(figsize=figsize, layout="constrained")
    FigureCanvasAgg(fig)
    return fig, fig.add_subplot()


def _finish(fig: Figure, path: str | None) -> Figure:
    if path is not None:
        suffix = os.path.splitext(path)[1]
        fig.savefig(path, dpi=_DPI, format=None if suffix else "png")
    return fig


def _legend_outside(ax: Axes, sections: list[tuple[str | None, list[Any], list[str]]] | None = None) -> None:
    """Legend to the right of the axes, so that it never covers data; optional bold section headers."""
    from matplotlib.lines import Line2D

    if sections is None:
        handles, labels = ax.get_legend_handles_labels()
        sections = [(None, handles, labels)]
    handles, labels, headers = [], [], []
    for header, hs, ls in sections:
        if not hs:
            continue
        if header is not None:
            headers.append(len(labels))
            handles.append(Line2D([], [], linestyle="none"))
            labels.append(header)
        handles.extend(hs)
        labels.extend(ls)
    if handles:
        legend = ax.legend(handles, labels, loc="upper left", bbox_to_anchor=(1.02, 1.0), borderaxespad=0.0,
                           fontsize="small", frameon=False)
        texts = legend.get_texts()
        for i in headers:
            texts[i].set_fontweight("bold")


def _log_ticks_at(axis: Any, values: np.ndarray) -> None:
    """Label the measured values themselves on a log axis (d = 64, 128, ... reads better than 10^2)."""
    from matplotlib.ticker import FixedLocator, NullFormatter, NullLocator

    ticks = np.unique(values)
    if 2 <= ticks.size <= 12:
        axis.set_major_locator(FixedLocator(ticks))
        axis.set_major_formatter(lambda v, _pos: f"{v:g}")
        axis.set_minor_locator(NullLocator())
        axis.set_minor_formatter(NullFormatter())


# ---------------------------------------------------------------------------------------------------------
# n*(d) on log-log axes
# ---------------------------------------------------------------------------------------------------------
def _flags(value: Any, name: str, size: int) -> np.ndarray:
    if value is None:
        return np.zeros(size, dtype=bool)
    arr = np.asarray(value)
    if arr.ndim != 1 or arr.size != size:
        raise ValueError(f"{name} must have the same length as d ({size}), got shape {arr.shape}")
    if arr.dtype != bool and not (np.issubdtype(arr.dtype, np.number) and np.all(np.isin(arr, (0, 1)))):
        raise TypeError(f"{name} must be booleans")
    return arr.astype(bool)


def _bounds(value: Any, name: str, size: int) -> np.ndarray:
    """An interval end per d; NaN (missing) and +-inf (open-ended) are both drawn without that bar."""
    if value is None:
        return np.full(size, np.nan)
    try:
        arr = np.asarray(value, dtype=float)
    except (TypeError, ValueError):
        raise TypeError(f"{name} must be a sequence of real numbers") from None
    if arr.ndim != 1 or arr.size != size:
        raise ValueError(f"{name} must have the same length as d ({size}), got shape {arr.shape}")
    return np.where(np.isinf(arr), np.nan, arr)


def _check_series(series: Any) -> list[dict[str, Any]]:
    if isinstance(series, Mapping):
        series = [series]
    if not isinstance(series, Sequence) or isinstance(series, (str, bytes)):
        raise TypeError("series must be a list of dicts, one per method")
    if len(series) == 0:
        raise ValueError("series must not be empty")
    out = []
    for i, s in enumerate(series):
        where = f"series[{i}]"
        if not isinstance(s, Mapping):
            raise TypeError(f"{where} must be a dict, got {type(s).__name__}")
        for key in ("label", "d", "n_star"):
            if key not in s:
                raise ValueError(f"{where} lacks the key {key!r}")
        label = s["label"]
        if not isinstance(label, str) or not label:
            raise TypeError(f"{where}['label'] must be a non-empty string")
        d = _float_array(s["d"], f"{where}['d']")
        if np.any(d <= 0):
            raise ValueError(f"{where}['d'] must be positive, got {d[d <= 0][0]:g}")
        n_star = _float_array(s["n_star"], f"{where}['n_star']", length=d.size, allow_nan=True)
        censored = _flags(s.get("censored"), f"{where}['censored']", d.size)
        below = _flags(s.get("below_grid"), f"{where}['below_grid']", d.size)
        if np.any(censored & below):
            raise ValueError(f"{where}['below_grid'] and ['censored'] cannot both hold at one d")
        outside = censored | below
        low = s.get("low")
        high = s.get("high")
        low = _bounds(low, f"{where}['low']", d.size)
        high = _bounds(high, f"{where}['high']", d.size)
        if np.any(np.isnan(n_star) & ~outside):
            raise ValueError(f"{where}['n_star'] must be a number wherever the point is not censored")
        # a point outside the grid is drawn at its bound: n_star, or (censored) high when n_star is missing
        at = np.where(np.isnan(n_star) & censored, high, n_star)
        if np.any(outside & ~(at > 0) | outside & np.isinf(at)):
            raise ValueError(
                f"{where}['n_star'] must give the bound (the largest or smallest n tried, a positive number) "
                "at censored and below-grid points"
            )
        ok = ~outside
        if np.any(n_star[ok] <= 0):
            raise ValueError(f"{where}['n_star'] must be positive")
        for name, bound, bad in (
            ("low", low, low[ok] > n_star[ok]),
            ("high", high, high[ok] < n_star[ok]),
        ):
            if np.any(bad):  # NaN compares False: a missing bound is allowed
                raise ValueError(f"{where}['{name}'] must bracket n_star (low <= n_star <= high)")
            if np.any(bound[ok] <= 0):
                raise ValueError(f"{where}['{name}'] must be positive")
        fit = s.get("fit")
        if fit is not None:
            if not isinstance(fit, Sequence) or isinstance(fit, (str, bytes)) or len(fit) != 4:
                raise TypeError(f"{where}['fit'] must be a tuple (slope, intercept, low, high)")
            fit = tuple(check_real(v, f"{where}['fit'][{j}]") for j, v in enumerate(fit))
            if not fit[2] <= fit[0] <= fit[3]:
                raise ValueError(f"{where}['fit'] interval must bracket the slope (low <= slope <= high)")
        verdict = s.get("verdict")
        if verdict is not None and not isinstance(verdict, str):
            raise TypeError(f"{where}['verdict'] must be a string")
        out.append({"label": label, "d": d, "n_star": n_star, "at": at, "censored": censored,
                    "below": below, "outside": outside, "low": low, "high": high, "fit": fit, "verdict": verdict or None, "where": where})
    return out


def _check_predicted(predicted: Any, labels: list[str]) -> list[dict[str, Any]]:
    if predicted is None:
        return []
    if isinstance(predicted, Mapping) or not isinstance(predicted, Sequence) or isinstance(predicted, (str, bytes)):
        predicted = [predicted]
    out = []
    for j, p in enumerate(predicted):
        where = f"predicted[{j}]"
        if isinstance(p, tuple) and len(p) == 3:
            name, exponent, anchor = p
            if not isinstance(name, str):
                raise TypeError(f"{where}[0] (the label) must be a string")
            exponent = check_real(exponent, f"{where}[1]")
            if anchor is not None and not isinstance(anchor, str):
                if not (isinstance(anchor, Sequence) and len(anchor) == 2):
                    raise TypeError(f"{where}[2] (the anchor) must be a series label, a point (d, n) or None")
                anchor = (check_real(anchor[0], f"{where}[2][0]", low=0, low_open=True),
                          check_real(anchor[1], f"{where}[2][1]", low=0, low_open=True))
            if isinstance(anchor, str) and anchor not in labels:
                raise ValueError(f"{where}[2] names the series {anchor!r}, which is not among {labels}")
            out.append({"name": name, "exponent": exponent, "log_power": 0.0, "anchor": anchor,
                        "shape": lambda d, e=exponent: np.asarray(d, dtype=float) ** e})
        elif hasattr(p, "name") and hasattr(p, "exponent"):
            if not isinstance(p.name, str):
                raise TypeError(f"{where}.name must be a string")
            exponent = check_real(p.exponent, f"{where}.exponent")
            log_power = check_real(getattr(p, "log_power", 0.0) or 0.0, f"{where}.log_power")
            if callable(getattr(p, "evaluate", None)):
                def shape(d: np.ndarray, rate: Any = p) -> np.ndarray:
                    return np.array([float(rate.evaluate(float(x))) for x in np.ravel(d)])
            else:
                def shape(d: np.ndarray, e: float = exponent) -> np.ndarray:
                    return np.asarray(d, dtype=float) ** e
            out.append({"name": p.name, "exponent": exponent, "log_power": log_power, "anchor": None,
                        "shape": shape})
        else:
            raise TypeError(
                f"{where} must be a Rate-like object (.name, .exponent, .evaluate) or a tuple (label, exponent, anchor)"
            )
    return out


def plot_thresholds(
    series: Sequence[Mapping[str, Any]] | Mapping[str, Any],
    *,
    predicted: Sequence[Any] | None = None,
    ax: Axes | None = None,
    title: str | None = None,
    path: str | os.PathLike[str] | None = None,
) -> Figure:
    """Plot the sample complexity n*(d) against d on log-log axes, with fits and predicted rates.

    Parameters
    ----------
    series : list of dict
        One dict per method, with keys

        - ``"label"`` (str): the method, e.g. ``"pruned"``; rate names are shown as in :data:`METHOD_NAMES`
          (``"online_sgd"`` as "online SGD");
        - ``"d"``: the dimensions (positive);
        - ``"n_star"``: the threshold n*(d) at each d. At a censored or below-grid point it is the bound
          (``ThresholdResult.bound``: the largest, or smallest, n tried); NaN at a censored point falls
          back to ``"high"``;
        - ``"low"``, ``"high"`` (optional): the confidence interval of n*(d); NaN (unknown) or infinite
          (open-ended) ends are drawn without that half of the bar;
        - ``"censored"`` (optional, bool array): the success level was not reached within the n tried,
          so n*(d) lies above the point. Censored points are drawn as upward triangles at the largest n
          tried, with no error bar, and one legend entry explains the triangle;
        - ``"below_grid"`` (optional, bool array): the level was already reached at the smallest n tried,
          so n*(d) is at most the point; drawn as downward triangles;
        - ``"fit"`` (optional): ``(slope, intercept, low, high)`` of ``log n* = intercept + slope log d``
          (natural logarithms), with the slope's confidence interval ``[low, high]``. Drawn as a solid line
          over the series' d range, labelled ``"pruned: slope 0.62 [0.51, 0.74]"``;
        - ``"verdict"`` (optional, str): appended to the fit's label, e.g. ``"..., consistent"``.
    predicted : list, optional
        Theory lines, drawn dashed over the full d range of the figure. Each item is either a ``Rate``-like
        object (``.name``, ``.exponent``; ``.evaluate(d)`` when present gives the curve's shape, logs included,
        and ``.log_power`` is shown in the label) or a tuple ``(label, exponent, anchor)`` for the pure power
        ``d**exponent``. Labels carry the exponent, e.g. ``"CSQ sparse $d^{0.5}$"``.

        **Anchoring.** A predicted rate states n*(d) only up to a constant, so each line is scaled to pass
        through one measured point: the first (smallest-d) uncensored point of the series it matches. A rate
        matches the series whose label, lower-cased with spaces as underscores, equals its name or starts
        with ``name + "_"`` (``"pruned"`` matches ``"pruned"`` and ``"Pruned (Alg. 2)"``). A tuple's anchor
        may name a series label, give a point ``(d, n)``, or be ``None``. A line that matches no series
        (the CSQ lower bounds, typically) passes through the lowest of the series' first measured points
        (with a common smallest d: the lowest n* there). The unmatched lines thus fan out from one point at
        the left, and a method whose points fall below a lower bound's line, to the right, grows more
        slowly than that bound (pruned under the basis-independent ``d^{k*/2}``, the paper's point).
    ax : matplotlib Axes, optional
        Draw into this axes instead of a new figure.
    title : str, optional
    path : str or PathLike, optional
        Write the figure there (150 dpi; PNG unless the suffix says otherwise).

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> fig = plot_thresholds(
    ...     [{"label": "pruned", "d": [64, 256, 1024], "n_star": [400, 1000, 2500],
    ...       "low": [300, 800, 2000], "high": [500, 1300, 3200], "fit": (0.66, 3.2, 0.55, 0.77)}],
    ...     predicted=[("CSQ sparse", 0.5, None)])
    >>> ax = fig.axes[0]
    >>> ax.get_xscale(), ax.get_yscale()
    ('log', 'log')
    >>> [t.get_text() for t in ax.get_legend().get_texts()]
    ['measured', 'pruned', 'pruned: slope 0.66 [0.55, 0.77]', 'predicted (anchored)', 'CSQ sparse $d^{0.5}$']
    """
    checked = _check_series(series)
    labels = [s["label"] for s in checked]
    if len(set(labels)) != len(labels):
        raise ValueError(f"series labels must be distinct, got {labels}")
    lines = _check_predicted(predicted, labels)
    _check_ax(ax)
    _check_title(title)
    path = _check_path(path)
    all_d = np.concatenate([s["d"] for s in checked])
    d_grid = np.geomspace(all_d.min(), all_d.max(), 60)
    # the fan's origin for lines that match no series: the lowest of the series' first measured points
    firsts = []
    for s in checked:
        ok = ~s["outside"]
        if np.any(ok):
            i = int(np.argmin(np.where(ok, s["d"], np.inf)))
            firsts.append((float(s["n_star"][i]), float(s["d"][i])))
    if firsts:
        n0, d0 = min(firsts)
        default_anchor = (d0, n0)
    else:  # every point outside the grid: the lowest triangle at the smallest d
        i = int(np.argmin(all_d))
        default_anchor = (float(all_d[i]), min(float(np.nanmin(s["at"])) for s in checked))
    for j, line in enumerate(lines):
        matched = line["anchor"] if isinstance(line["anchor"], str) else None
        if line["anchor"] is None:
            key = _normalise_name(line["name"])
            names = [_normalise_name(label) for label in labels]
            matched = next((labels[i] for i, nm in enumerate(names) if nm == key or nm.startswith(key + "_")), None)
        anchor = default_anchor if line["anchor"] is None else line["anchor"]
        if matched is not None:
            s = checked[labels.index(matched)]
            ok = ~s["outside"]
            if np.any(ok):
                i = int(np.argmin(np.where(ok, s["d"], np.inf)))
                anchor = (float(s["d"][i]), float(s["n_star"][i]))
            else:
                anchor = default_anchor
        try:
            shape = np.asarray(line["shape"](d_grid), dtype=float)
            at_anchor = float(line["shape"](np.array([anchor[0]]))[0])
        except (TypeError, ValueError, ArithmeticError) as exc:
            raise ValueError(f"predicted[{j}] ({line['name']!r}) cannot be evaluated: {exc}") from None
        if not (np.all(np.isfinite(shape)) and np.all(shape > 0) and math.isfinite(at_anchor) and at_anchor > 0):
            raise ValueError(f"predicted[{j}] ({line['name']!r}) must be positive and finite over the d range")
        line["matched"], line["curve"] = matched, anchor[1] * shape / at_anchor

    from matplotlib.lines import Line2D

    fig, ax = _new_axes(ax, (8.0, 4.8))
    ax.set_xscale("log")
    ax.set_yscale("log")
    used: set[str] = set()
    colours: dict[str, str] = {}
    handles: list[Any] = []
    texts: list[str] = []
    p_handles: list[Any] = []
    p_texts: list[str] = []
    any_censored = any_below = False
    for s in checked:
        colour = _method_colour(s["label"], used)
        used.add(colour)
        colours[s["label"]] = colour
        d, n, cens, below = s["d"], s["n_star"], s["censored"], s["below"]
        shown = METHOD_NAMES.get(s["label"], s["label"])
        ok = ~s["outside"]
        if np.any(ok):
            lo = np.where(np.isnan(s["low"][ok]), n[ok], s["low"][ok])
            hi = np.where(np.isnan(s["high"][ok]), n[ok], s["high"][ok])
            h = ax.errorbar(d[ok], n[ok], yerr=[n[ok] - lo, hi - n[ok]], fmt="o", color=colour, ms=6,
                            capsize=3, elinewidth=1.2, zorder=3)
            handles.append(h)
            texts.append(shown)
        if np.any(cens):
            any_censored = True
            h = ax.plot(d[cens], s["at"][cens], linestyle="none", marker="^", ms=9, color=colour,
                        markeredgecolor="k", markeredgewidth=0.6, zorder=3)[0]
            if not np.any(ok):
                handles.append(h)
                texts.append(shown)
        if np.any(below):
            any_below = True
            h = ax.plot(d[below], s["at"][below], linestyle="none", marker="v", ms=9, color=colour,
                        markeredgecolor="k", markeredgewidth=0.6, zorder=3)[0]
            if not np.any(ok | cens):
                handles.append(h)
                texts.append(shown)
        if s["fit"] is not None:
            slope, intercept, f_lo, f_hi = s["fit"]
            dd = np.geomspace(d.min(), d.max(), 50)
            h = ax.plot(dd, np.exp(intercept + slope * np.log(dd)), "-", color=colour, lw=1.6, zorder=2)[0]
            handles.append(h)
            verdict = f", {s['verdict']}" if s["verdict"] else ""
            texts.append(f"{shown}: slope {slope:.2f} [{f_lo:.2f}, {f_hi:.2f}]{verdict}")

    reference = 0
    drawn: list[np.ndarray] = []
    # lines that belong to a series first, so that a lower bound equal to one joins its legend entry
    for line in sorted(lines, key=lambda ln: ln["matched"] is None):
        matched, curve = line["matched"], line["curve"]
        if matched is not None:
            colour, dashes = colours[matched], (0, (5, 3))
        else:
            twin = next((i for i, c in enumerate(drawn) if np.allclose(c, curve, rtol=1e-9)), None)
            if twin is not None:  # the same line twice (CSQ sparse = CSQ dense past alpha = 1/2): one entry
                name = METHOD_NAMES.get(line["name"], line["name"])
                head, _, power = p_texts[twin].rpartition(" $")
                p_texts[twin] = f"{head} = {name} ${power}"
                continue
            colour, dashes = _REFERENCE_STYLES[reference % len(_REFERENCE_STYLES)]
            reference += 1
        h = ax.plot(d_grid, curve, color=colour, linestyle=dashes, lw=1.3, zorder=1)[0]
        drawn.append(curve)
        p_handles.append(h)
        p_texts.append(rate_label(line["name"], line["exponent"], line["log_power"]))

    if any_censored:
        handles.append(Line2D([], [], linestyle="none", marker="^", ms=8, color="0.6", markeredgecolor="k",
                              markeredgewidth=0.6))
        texts.append("censored: n* above the\nlargest n tried")
    if any_below:
        handles.append(Line2D([], [], linestyle="none", marker="v", ms=8, color="0.6", markeredgecolor="k",
                              markeredgewidth=0.6))
        texts.append("below grid: n* at most\nthe smallest n tried")
    _log_ticks_at(ax.xaxis, all_d)
    ax.set_xlabel("dimension $d$")
    ax.set_ylabel("sample complexity $n^*(d)$")
    ax.grid(True, which="major", alpha=0.3)
    if title is not None:
        ax.set_title(title)
    _legend_outside(ax, [("measured", handles, texts), ("predicted (anchored)", p_handles, p_texts)])
    return _finish(fig, path)


# ---------------------------------------------------------------------------------------------------------
# phase diagram over alpha
# ---------------------------------------------------------------------------------------------------------
def _as_matrix(value: Any, name: str, shape: tuple[int, int], *, allow_nan: bool) -> np.ndarray:
    try:
        arr = np.asarray(value, dtype=float)
    except (TypeError, ValueError):
        raise TypeError(f"{name} must be an array of real numbers") from None
    if arr.ndim == 1:
        arr = arr[None, :]
    if arr.shape != shape:
        raise ValueError(
            f"{name} must have the same length as alpha ({shape[1]})"
            + (f" for each of the {shape[0]} methods" if shape[0] > 1 else "")
            + f", got shape {np.shape(value)}"
        )
    if np.any(np.isinf(arr)) or (not allow_nan and np.any(np.isnan(arr))):
        raise ValueError(f"{name} must be finite")
    return arr


def plot_phase_diagram(
    alpha: Any,
    measured: Any,
    low: Any = None,
    high: Any = None,
    *,
    k_star: int,
    labels: str | Sequence[str] = "measured",
    ax: Axes | None = None,
    title: str | None = None,
    path: str | os.PathLike[str] | None = None,
) -> Figure:
    """Plot measured exponents of n*(d) against the sparsity exponent alpha, over the theory's lines.

    The theory lines (THEORY.md §7; Thm 2, 4 and p. 9-10 of Vural & Erdogdu 2024) are: pruned ``alpha k*``,
    dense ``k*``, CSQ lower bound for the sparse class ``min(alpha, 1/2) k*`` (which is ``alpha k*`` up to
    alpha = 1/2, then flat at ``k*/2``), and the basis-independent (dense CSQ) lower bound ``k*/2``. The region
    alpha > 1/2, where sparsity no longer lowers the CSQ bound, is shaded. For the multi-index case of
    Theorem 5 pass ``k_star=2`` (pruned ``2 alpha``, dense ``2``).

    Parameters
    ----------
    alpha : array_like, shape (A,)
        Sparsity exponents, each in (0, 1).
    measured : array_like, shape (A,) or (M, A)
        Measured slopes of log n* against log d, one row per method. NaN marks a missing value (not drawn).
    low, high : array_like, same shape as ``measured``, optional
        Confidence interval of each slope; NaN where unknown.
    k_star : int
        Information exponent k* >= 1.
    labels : str or sequence of str
        The method of each row of ``measured``; ``"pruned"`` and ``"dense"`` get the colours of their lines.
    ax : matplotlib Axes, optional
    title : str, optional
    path : str or PathLike, optional

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> fig = plot_phase_diagram([0.25, 0.5, 0.75], [0.7, 1.2, 1.6], [0.5, 1.0, 1.4], [0.9, 1.4, 1.8],
    ...                          k_star=2, labels="pruned")
    >>> ax = fig.axes[0]
    >>> [t.get_text() for t in ax.get_legend().get_texts()][:4]
    ['theory', 'pruned: $\\\\alpha k^* = 2\\\\alpha$', 'dense: $k^* = 2$', 'CSQ sparse: $\\\\min(\\\\alpha, \\\\frac{1}{2})\\\\,k^*$']
    """
    a = _float_array(alpha, "alpha")
    if np.any((a <= 0) | (a >= 1)):
        raise ValueError(f"alpha must be in (0, 1), got {a[(a <= 0) | (a >= 1)][0]:g}")
    k_star = check_int(k_star, "k_star", minimum=1)
    if isinstance(labels, str):
        labels = [labels]
    if not isinstance(labels, Sequence) or not all(isinstance(x, str) for x in labels):
        raise TypeError("labels must be a string or a sequence of strings")
    labels = list(labels)
    m_arr = np.asarray(measured, dtype=float) if not isinstance(measured, (str, bytes)) else None
    if m_arr is None or m_arr.ndim not in (1, 2):
        raise ValueError("measured must have shape (len(alpha),) or (methods, len(alpha))")
    rows = 1 if m_arr.ndim == 1 else m_arr.shape[0]
    if len(labels) != rows:
        raise ValueError(f"labels must give one label per row of measured ({rows}), got {len(labels)}")
    shape = (rows, a.size)
    meas = _as_matrix(measured, "measured", shape, allow_nan=True)
    lo = np.full(shape, np.nan) if low is None else _as_matrix(low, "low", shape, allow_nan=True)
    hi = np.full(shape, np.nan) if high is None else _as_matrix(high, "high", shape, allow_nan=True)
    if np.any(lo > meas) or np.any(hi < meas):
        raise ValueError("low and high must bracket measured (low <= measured <= high)")
    _check_ax(ax)
    _check_title(title)
    path = _check_path(path)

    fig, ax = _new_axes(ax, (8.0, 4.8))
    k = k_star
    grid = np.linspace(0.0, 1.0, 201)
    ax.axvspan(0.5, 1.0, color="0.92", zorder=0)
    ax.axvline(0.5, color="0.5", lw=0.8, linestyle=":", zorder=0)
    kk = "" if k == 1 else str(k)
    ax.plot(grid, k * grid, color="C0", lw=1.5, linestyle=(0, (5, 3)),
            label=rf"pruned: $\alpha k^* = {kk}\alpha$")
    ax.plot(grid, np.full_like(grid, k), color="C1", lw=1.5, linestyle=(0, (5, 3)), label=f"dense: $k^* = {k}$")
    ax.plot(grid, np.minimum(grid, 0.5) * k, color="0.2", lw=2.2, linestyle=(0, (1, 1.5)),
            label=r"CSQ sparse: $\min(\alpha, \frac{1}{2})\,k^*$")
    half = _format_exponent(k / 2)
    ax.plot(grid, np.full_like(grid, k / 2), color="0.5", lw=1.3, linestyle=(0, (8, 3, 2, 3)),
            label=rf"basis-independent: $k^*/2 = {half}$")

    used = {"C0", "C1"}
    width = 0.012 * (rows - 1)
    offsets = np.linspace(-width, width, rows) if rows > 1 else np.zeros(1)
    for row, label in enumerate(labels):
        colour = _method_colour(label, used - {"C0", "C1"} if _normalise_name(label) in ("pruned", "dense") else used)
        used.add(colour)
        keep = ~np.isnan(meas[row])
        if not np.any(keep):
            continue
        y = meas[row][keep]
        yl = np.where(np.isnan(lo[row][keep]), y, lo[row][keep])
        yh = np.where(np.isnan(hi[row][keep]), y, hi[row][keep])
        ax.errorbar(a[keep] + offsets[row], y, yerr=[y - yl, yh - y], fmt="o", color=colour,
                    markeredgecolor="k", markeredgewidth=0.6, ms=7, capsize=3, zorder=3,
                    label=METHOD_NAMES.get(label, label))

    ax.set_xlim(0.0, 1.0)
    values = np.concatenate([meas.ravel(), hi.ravel()])
    values = values[np.isfinite(values)]
    top = max([k * 1.15, *(1.08 * values)])
    ax.set_ylim(0.0, top)
    ax.text(0.75, 0.02, r"$\alpha > \frac{1}{2}$: CSQ bound is dense", transform=ax.get_xaxis_transform(),
            ha="center", va="bottom", fontsize="small", color="0.35")
    ax.set_xlabel(r"sparsity exponent $\alpha$  ($s_{\mathrm{eff}} \asymp d^{\alpha}$)")
    ax.set_ylabel(r"exponent $\beta$ in $n^* \asymp d^{\beta}$")
    ax.grid(True, alpha=0.3)
    ax.set_title(title if title is not None else f"$k^* = {k}$")
    handles, texts = ax.get_legend_handles_labels()
    _legend_outside(ax, [("theory", handles[:4], texts[:4]), ("measured", handles[4:], texts[4:])])
    return _finish(fig, path)


# ---------------------------------------------------------------------------------------------------------
# success probability against n
# ---------------------------------------------------------------------------------------------------------
def plot_success_curves(
    curves: Mapping[Any, tuple[Any, Any]],
    *,
    level: float = 0.5,
    confidence: float = 0.95,
    interval: str = "exact",
    ax: Axes | None = None,
    title: str | None = None,
    path: str | os.PathLike[str] | None = None,
) -> Figure:
    """Plot the fraction of successful trials against n (log axis), one curve per dimension d.

    Each curve carries a pointwise binomial confidence band from :func:`scipy.stats.binomtest`
    (``interval="exact"``: Clopper-Pearson; ``"wilson"``: Wilson score), and a horizontal line marks the
    success ``level`` that defines n*(d).

    Parameters
    ----------
    curves : dict
        ``d -> (n, success)``: ``n`` the increasing sample sizes (checkpoints), ``success`` a boolean array of
        shape (trials, len(n)), as in ``SimulationResult.n`` and ``SimulationResult.success``.
    level : float, default 0.5
        Success level in (0, 1).
    confidence : float, default 0.95
        Confidence level of the bands.
    interval : {"exact", "wilson"}
    ax : matplotlib Axes, optional
    title : str, optional
    path : str or PathLike, optional

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> import numpy as np
    >>> n = np.array([100, 200, 400, 800])
    >>> success = np.array([[0, 0, 1, 1], [0, 1, 1, 1], [0, 0, 0, 1], [0, 0, 1, 1]], dtype=bool)
    >>> fig = plot_success_curves({64: (n, success)})
    >>> fig.axes[0].lines[0].get_ydata().tolist()
    [0.0, 0.25, 0.75, 1.0]
    """
    if not isinstance(curves, Mapping):
        raise TypeError("curves must be a dict d -> (n, success)")
    if len(curves) == 0:
        raise ValueError("curves must not be empty")
    level = check_probability(level, "level")
    confidence = check_probability(confidence, "confidence")
    interval = check_choice(interval, "interval", ("exact", "wilson"))
    checked = []
    for key, value in curves.items():
        where = f"curves[{key!r}]"
        if isinstance(key, bool) or not isinstance(key, numbers.Real) or not math.isfinite(float(key)) or key <= 0:
            raise ValueError(f"curves keys must be positive dimensions d, got {key!r}")
        if not isinstance(value, Sequence) or len(value) != 2:
            raise TypeError(f"{where} must be a pair (n, success)")
        n = _float_array(value[0], f"{where} n")
        if np.any(n <= 0) or np.any(np.diff(n) <= 0):
            raise ValueError(f"{where} n must be positive and increasing")
        success = np.asarray(value[1])
        if success.ndim != 2 or success.shape[1] != n.size:
            raise ValueError(f"{where} success must have shape (trials, len(n)) = (trials, {n.size}), got {success.shape}")
        if success.shape[0] == 0:
            raise ValueError(f"{where} success must have at least one trial")
        if success.dtype != bool and not np.all(np.isin(success, (0, 1))):
            raise TypeError(f"{where} success must be booleans")
        checked.append((float(key), n, success.astype(bool)))
    _check_ax(ax)
    _check_title(title)
    path = _check_path(path)

    from matplotlib import colormaps
    from matplotlib.patches import Patch
    from scipy.stats import binomtest

    checked.sort(key=lambda t: t[0])
    fig, ax = _new_axes(ax, (8.0, 4.8))
    ax.set_xscale("log")
    cmap = colormaps["viridis"]
    for idx, (d, n, success) in enumerate(checked):
        colour = cmap(0.85 * idx / max(len(checked) - 1, 1))
        trials = success.shape[0]
        k = success.sum(axis=0)
        frac = k / trials
        cis = [binomtest(int(kk), trials).proportion_ci(confidence_level=confidence, method=interval) for kk in k]
        ax.fill_between(n, [c.low for c in cis], [c.high for c in cis], color=colour, alpha=0.13, lw=0)
        ax.plot(n, frac, "o-", color=colour, ms=4, lw=1.5, label=f"$d = {d:g}$ ({trials} trials)")
    ax.axhline(level, color="k", lw=1.0, linestyle=(0, (5, 3)), label=f"level {level:g}")
    ax.set_ylim(-0.03, 1.03)
    ax.set_xlabel("sample size $n$")
    ax.set_ylabel("success probability (fraction of trials)")
    ax.grid(True, which="major", alpha=0.3)
    if title is not None:
        ax.set_title(title)
    handles, texts = ax.get_legend_handles_labels()
    name = "Clopper-Pearson" if interval == "exact" else "Wilson"
    handles.append(Patch(color="0.6", alpha=0.35, lw=0))
    texts.append(f"{confidence:.0%} {name} band")
    _legend_outside(ax, [(None, handles, texts)])
    return _finish(fig, path)


# ---------------------------------------------------------------------------------------------------------
# all figures of a report
# ---------------------------------------------------------------------------------------------------------
REPORT_FIGURES = ("thresholds", "phase", "success")


class _ReportRate:
    """A Rate-like stand-in for a predicted exponent read from a report (power of d, optional power of log d)."""

    def __init__(self, name: str, exponent: float, log_power: float) -> None:
        self.name, self.exponent, self.log_power = name, exponent, log_power

    def evaluate(self, d: float) -> float:
        return d**self.exponent * math.log(d) ** self.log_power


def _plain(text: str) -> str:
    """Text shown literally by matplotlib (a ``$`` would start mathtext)."""
    return text.replace("$", r"\$")


def _slug(*parts: Any) -> str:
    import re

    text = "_".join(str(p) for p in parts)
    return re.sub(r"_+", "_", re.sub(r"[^A-Za-z0-9.+-]+", "_", text)).strip("_.") or "case"


def _report_number(case: Mapping[str, Any], key: str, where: str, *, required: bool = True) -> float | None:
    if key not in case or case[key] is None:
        if required:
            raise ValueError(f"{where} lacks the key {key!r}")
        return None
    return check_real(case[key], f"{where}.{key}")


def _report_array(case: Mapping[str, Any], key: str, where: str, *, required: bool = True) -> np.ndarray | None:
    if key not in case or case[key] is None:
        if required:
            raise ValueError(f"{where} lacks the key {key!r}")
        return None
    value = case[key]
    if not isinstance(value, Sequence) or isinstance(value, (str, bytes)):
        raise TypeError(f"{where}.{key} must be a list")
    return np.array([np.nan if v is None else v for v in value], dtype=float)


def _report_curves(case: Mapping[str, Any], where: str) -> dict[float, tuple[np.ndarray, np.ndarray]]:
    curves: dict[float, tuple[np.ndarray, np.ndarray]] = {}
    raw = case.get("curves")
    if raw is None:
        return curves
    if not isinstance(raw, Sequence) or isinstance(raw, (str, bytes)):
        raise TypeError(f"{where}.curves must be a list of {{'d', 'n', 'success'}} objects")
    for j, c in enumerate(raw):
        w = f"{where}.curves[{j}]"
        if not isinstance(c, Mapping):
            raise TypeError(f"{w} must be an object")
        d = _report_number(c, "d", w)
        n = _report_array(c, "n", w)
        if "success" in c:
            success = np.asarray(c["success"])
        elif "successes" in c:
            k = np.asarray(c["successes"])
            trials = check_int(c.get("trials"), f"{w}.trials", minimum=1)
            if k.ndim != 1 or k.size != n.size or np.any((k < 0) | (k > trials)) or np.any(k != np.round(k)):
                raise ValueError(f"{w}.successes must give, for each n, a count between 0 and trials")
            success = np.arange(trials)[:, None] < k[None, :]
        else:
            raise ValueError(f"{w} lacks the key 'success' (or 'successes' with 'trials')")
        curves[d] = (n, success)
    return curves


def plot_report(
    report: Mapping[str, Any],
    out_dir: str | os.PathLike[str],
    *,
    kinds: Sequence[str] = REPORT_FIGURES,
) -> list[str]:
    """Write every figure a reproduction report supports; return the paths written.

    ``report`` is the JSON object that ``theorylab reproduce`` writes (see :mod:`theorylab.cli.plot` for its
    structure). Figures:

    - ``thresholds_<link>_k<k*>_r<r>_q<q>_a<alpha>.png``: n*(d) of every method of one setting, with the
      fitted lines and the report's predicted exponents (anchored as in :func:`plot_thresholds`);
    - ``phase_<link>_k<k*>_r<r>_q<q>.png``: the measured slope against alpha, for settings measured at two or
      more alphas;
    - ``success_<link>_k<k*>_r<r>_q<q>_a<alpha>_<method>.png``: success curves, for cases that carry ``curves``.

    Parameters
    ----------
    report : dict
        The parsed report, ``{"cases": [...]}``.
    out_dir : str or PathLike
        Directory for the figures (created if missing).
    kinds : sequence of str
        Which of ``"thresholds"``, ``"phase"``, ``"success"`` to write.

    Returns
    -------
    list of str
        The paths written, in the order written.

    Examples
    --------
    >>> import tempfile
    >>> case = {"name": "he2", "link": "He2(z)", "k_star": 2, "r": 1, "q": 0, "alpha": 0.25,
    ...         "method": "pruned", "d": [64, 256], "n_star": [400, 1000], "low": [300, 800],
    ...         "high": [500, 1300], "censored": [False, False], "slope": 0.66, "slope_low": 0.5,
    ...         "slope_high": 0.8, "intercept": 3.2, "predicted": {"pruned": 0.5}, "verdict": "consistent"}
    >>> with tempfile.TemporaryDirectory() as out:
    ...     [os.path.basename(p) for p in plot_report({"cases": [case]}, out)]
    ['thresholds_He2_z_k2_r1_q0_a0.25.png']
    """
    if not isinstance(report, Mapping):
        raise TypeError("report must be a JSON object with a 'cases' list")
    cases = report.get("cases")
    if not isinstance(cases, Sequence) or isinstance(cases, (str, bytes)):
        raise ValueError("report must have a 'cases' list")
    if len(cases) == 0:
        raise ValueError("report['cases'] is empty: nothing to plot")
    if isinstance(kinds, str):
        kinds = [kinds]
    kinds = [check_choice(k, "kinds", REPORT_FIGURES) for k in kinds]
    if not isinstance(out_dir, (str, os.PathLike)):
        raise TypeError(f"out_dir must be a str or os.PathLike, got {type(out_dir).__name__}")
    out_dir = os.fspath(out_dir)

    parsed = []
    for i, case in enumerate(cases):
        where = f"cases[{i}]"
        if not isinstance(case, Mapping):
            raise TypeError(f"{where} must be an object")
        method = case.get("method")
        if not isinstance(method, str) or not method:
            raise ValueError(f"{where} lacks the key 'method' (a string)")
        link = str(case.get("link", case.get("name", "case")))
        k_star = check_int(case.get("k_star"), f"{where}.k_star", minimum=1)
        r = check_int(case.get("r", 1), f"{where}.r", minimum=1)
        q = _report_number(case, "q", where, required=False) or 0.0
        alpha = _report_number(case, "alpha", where)
        d = _report_array(case, "d", where)
        entry: dict[str, Any] = {"label": method, "d": d, "n_star": _report_array(case, "n_star", where)}
        for key in ("low", "high", "censored", "below_grid"):
            value = _report_array(case, key, where, required=False)
            if value is not None:
                flag = key in ("censored", "below_grid")
                entry[key] = np.nan_to_num(value, nan=0.0).astype(bool) if flag else value
        fit = [_report_number(case, k, where, required=False)
               for k in ("slope", "intercept", "slope_low", "slope_high")]
        if all(v is not None for v in fit):
            entry["fit"] = tuple(fit)
        verdict = case.get("verdict")
        if isinstance(verdict, str) and verdict:
            entry["verdict"] = verdict
        predicted = case.get("predicted") or {}
        if not isinstance(predicted, Mapping):
            raise TypeError(f"{where}.predicted must be an object name -> exponent")
        rates = {}
        for name, value in predicted.items():
            if isinstance(value, Mapping):
                exponent = _report_number(value, "exponent", f"{where}.predicted.{name}")
                log_power = _report_number(value, "log_power", f"{where}.predicted.{name}", required=False) or 0.0
            else:
                exponent, log_power = check_real(value, f"{where}.predicted.{name}"), 0.0
            rates[str(name)] = _ReportRate(str(name), exponent, log_power)
        _check_series([entry])  # fail early, naming the case
        parsed.append({"where": where, "setting": (link, k_star, r, q), "alpha": alpha, "method": method,
                       "entry": entry, "rates": rates, "slope": fit[0], "slope_low": fit[2],
                       "slope_high": fit[3], "curves": _report_curves(case, where)})

    os.makedirs(out_dir, exist_ok=True)
    written: list[str] = []
    if "thresholds" in kinds:
        groups: dict[tuple, list[dict[str, Any]]] = {}
        for p in parsed:
            groups.setdefault((*p["setting"], p["alpha"]), []).append(p)
        for (link, k_star, r, q, alpha), members in groups.items():
            rates: dict[str, _ReportRate] = {}
            for p in members:
                for name, rate in p["rates"].items():
                    rates.setdefault(name, rate)
            path = os.path.join(out_dir, "thresholds_" + _slug(link, f"k{k_star}", f"r{r}", f"q{q:g}", f"a{alpha:g}") + ".png")
            plot_thresholds([p["entry"] for p in members], predicted=list(rates.values()) or None,
                            title=rf"{_plain(link)}: $k^* = {k_star}$, $r = {r}$, $q = {q:g}$, $\alpha = {alpha:g}$",
                            path=path)
            written.append(path)
    if "phase" in kinds:
        settings: dict[tuple, list[dict[str, Any]]] = {}
        for p in parsed:
            if p["slope"] is not None:
                settings.setdefault(p["setting"], []).append(p)
        for (link, k_star, r, q), members in settings.items():
            alphas = sorted({p["alpha"] for p in members})
            if len(alphas) < 2:
                continue
            methods = list(dict.fromkeys(p["method"] for p in members))
            shape = (len(methods), len(alphas))
            meas, lo, hi = np.full(shape, np.nan), np.full(shape, np.nan), np.full(shape, np.nan)
            for p in members:
                i, j = methods.index(p["method"]), alphas.index(p["alpha"])
                meas[i, j], lo[i, j], hi[i, j] = p["slope"], p["slope_low"], p["slope_high"]
            path = os.path.join(out_dir, "phase_" + _slug(link, f"k{k_star}", f"r{r}", f"q{q:g}") + ".png")
            plot_phase_diagram(alphas, meas, lo, hi, k_star=k_star, labels=methods,
                               title=rf"{_plain(link)}: $k^* = {k_star}$, $r = {r}$, $q = {q:g}$", path=path)
            written.append(path)
    if "success" in kinds:
        for p in parsed:
            if not p["curves"]:
                continue
            link, k_star, r, q = p["setting"]
            path = os.path.join(out_dir, "success_" + _slug(link, f"k{k_star}", f"r{r}", f"q{q:g}",
                                                            f"a{p['alpha']:g}", p["method"]) + ".png")
            plot_success_curves(p["curves"], path=path,
                                title=rf"{_plain(p['method'])}, {_plain(link)}: $k^* = {k_star}$, $\alpha = {p['alpha']:g}$")
            written.append(path)
    return written
