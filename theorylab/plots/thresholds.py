"""n* along a scan on log-log axes: over d at fixed α, or over the support size s at a fixed d.

Measured thresholds (with their intervals, censored and below-grid points marked), the fitted power law,
the slope band a verdict allowed, and the predicted rates, each anchored at one measured point.
"""

from __future__ import annotations

import math
import os
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from theorylab._validation import check_choice, check_int
from theorylab.plots._checks import (
    Line,
    Series,
    check_common,
    check_crossover,
    check_format,
    check_predicted,
    check_series,
)
from theorylab.plots.labels import display_name, plain, rate_label
from theorylab.plots.style import (
    finish,
    legend_outside,
    log_ticks_at,
    method_style,
    new_axes,
    normalise_name,
    reference_style,
    styled,
)

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

__all__ = ["plot_thresholds"]


def _first_point(s: Series) -> tuple[float, float] | None:
    """The smallest-x point with a measured threshold (not censored, not below the grid)."""
    ok = ~s.outside
    if not np.any(ok):
        return None
    i = int(np.argmin(np.where(ok, s.x, np.inf)))
    return float(s.x[i]), float(s.n_star[i])


def _matches(line: Line, s: Series) -> bool:
    key = normalise_name(line.name)
    return any(normalise_name(k) == key or normalise_name(k).startswith(key + "_") for k in s.keys)


def _anchor_lines(checked: list[Series], lines: list[Line], grid: np.ndarray) -> list[tuple[Line, str | None, np.ndarray]]:
    """Each line scaled through its anchor: its own series' first point, else the lowest first point."""
    firsts = [p for p in (_first_point(s) for s in checked) if p is not None]
    if firsts:
        d0, n0 = min(firsts, key=lambda p: (p[1], p[0]))
    else:  # every point outside the grid: the lowest marker at the smallest x
        d0 = float(min(s.x.min() for s in checked))
        n0 = min(float(np.nanmin(s.at)) for s in checked)
    labels = [s.label for s in checked]
    out = []
    for j, line in enumerate(lines):
        matched = line.anchor if isinstance(line.anchor, str) else None
        if line.anchor is None:
            matched = next((s.label for s in checked if _matches(line, s)), None)
        anchor = line.anchor if isinstance(line.anchor, tuple) else (d0, n0)
        if matched is not None:
            anchor = _first_point(checked[labels.index(matched)]) or (d0, n0)
        try:
            shape = np.asarray(line.shape(grid), dtype=float)
            at_anchor = float(line.shape(np.array([anchor[0]]))[0])
        except (TypeError, ValueError, ArithmeticError) as exc:
            raise ValueError(f"predicted[{j}] ({line.name!r}) cannot be evaluated: {exc}") from None
        if not (np.all(np.isfinite(shape)) and np.all(shape > 0) and math.isfinite(at_anchor) and at_anchor > 0):
            raise ValueError(f"predicted[{j}] ({line.name!r}) must be positive and finite over the scanned range")
        out.append((line, matched, anchor[1] * shape / at_anchor))
    return out


def _fit_text(s: Series) -> str:
    name = plain(display_name(s.label))
    if s.fit is None:
        return name
    slope, _, lo, hi = s.fit
    verdict = f", {s.verdict}" if s.verdict else ""
    return f"{name}\nslope {slope:.2f} [{lo:.2f}, {hi:.2f}]{verdict}"


def _draw_series(ax: Axes, s: Series, style: tuple[str, str]) -> tuple[Any, bool, bool]:
    """Points with intervals, censored (▲) and below-grid (▼) markers, the fitted line; the legend handle."""
    colour, marker = style
    x, n, ok = s.x, s.n_star, ~s.outside
    parts: list[Any] = []
    if np.any(ok):
        lo = np.where(np.isnan(s.low[ok]), n[ok], s.low[ok])
        hi = np.where(np.isnan(s.high[ok]), n[ok], s.high[ok])
        parts.append(ax.errorbar(x[ok], n[ok], yerr=[n[ok] - lo, hi - n[ok]], fmt=marker, color=colour, ms=6.5,
                                 mec="white", mew=0.8, capsize=3, elinewidth=1.3, zorder=4))
    for flag, sign in ((s.censored, "^"), (s.below, "v")):
        if np.any(flag):
            h = ax.plot(x[flag], s.at[flag], linestyle="none", marker=sign, ms=10, color=colour, mec="k",
                        mew=0.7, zorder=4)[0]
            if not parts:
                parts.append(h)
    if s.fit is not None:
        slope, intercept = s.fit[:2]
        span = x[ok] if np.any(ok) else x  # the fit covers the measured points
        xx = np.geomspace(span.min(), span.max(), 50)
        parts.append(ax.plot(xx, np.exp(intercept + slope * np.log(xx)), "-", color=colour, lw=2.0, zorder=3)[0])
    return tuple(parts), bool(np.any(s.censored)), bool(np.any(s.below))


#: Hatch of the i-th band: overlapping translucent bands stay apart by their hatching and their edges.
BAND_HATCHES = ("////", "\\\\\\\\", "....", "xxxx", "||||", "----")


def _draw_band(ax: Axes, s: Series, colour: str, index: int = 0) -> bool:
    """The slopes the verdict allowed, as a wedge from the series' first measured point.

    A light fill in the series' colour, hatched in that colour (a different hatch per series) and edged by
    hairlines, so that where two bands overlap both stay readable (no grey mixture).
    """
    first = _first_point(s)
    if s.band is None or first is None or s.band[1] - s.band[0] < 1e-9:
        return False
    x0, n0 = first
    xx = np.geomspace(x0, float(s.x.max()), 50)
    lo, hi = (n0 * (xx / x0) ** b for b in s.band)
    ax.fill_between(xx, lo, hi, color=colour, alpha=0.08, lw=0, zorder=1)
    ax.fill_between(xx, lo, hi, facecolor="none", edgecolor=colour, alpha=0.35, lw=0,
                    hatch=BAND_HATCHES[index % len(BAND_HATCHES)], zorder=1)
    for edge in (lo, hi):
        ax.plot(xx, edge, color=colour, lw=0.6, alpha=0.7, zorder=1)
    return True


def wrap_equal_names(text: str, width: int = 30) -> str:
    """A legend entry naming several identical lines (``A = B = C $d^1$``), broken at `` = `` past ``width``.

    >>> print(wrap_equal_names("CSQ dense = online SGD = sample reuse (SQ) $s^0$"))
    CSQ dense = online SGD
    = sample reuse (SQ) $s^0$
    """
    parts = text.split(" = ")
    lines = [parts[0]]
    for part in parts[1:]:
        if len(lines[-1]) + 3 + len(part.split(" $")[0]) > width:
            lines.append("= " + part)
        else:
            lines[-1] += " = " + part
    return "\n".join(lines)


def _draw_lines(ax: Axes, anchored: list, colours: dict[str, str], grid: np.ndarray,
                variable: str) -> tuple[list[Any], list[str]]:
    """Predicted lines: a method's own in its colour, others grey; identical curves share one entry."""
    handles: list[Any] = []
    texts: list[str] = []
    drawn: list[np.ndarray] = []
    reference = 0
    for line, matched, curve in sorted(anchored, key=lambda a: a[1] is None):
        twin = next((i for i, c in enumerate(drawn) if np.allclose(c, curve, rtol=1e-9)), None)
        if twin is not None:  # the same line twice (pruned = CSQ sparse below alpha = 1/2): one entry
            head, _, power = texts[twin].rpartition(" $")
            texts[twin] = f"{head} = {plain(display_name(line.name))} ${power}"
            continue
        if matched is not None:
            colour, dashes = colours[matched], (0, (5, 2.5))
        else:
            colour, dashes = reference_style(reference)
            reference += 1
        handles.append(ax.plot(grid, curve, color=colour, linestyle=dashes, lw=1.6, zorder=2)[0])
        drawn.append(curve)
        texts.append(rate_label(line.name, line.exponent, line.log_power, variable=variable))
    return handles, [wrap_equal_names(t) for t in texts]


def _draw_crossover(ax: Axes, crossover: tuple[float, float, float, str, tuple[str, str]] | None,
                    checked: list[Series],
                    styles: dict[str, tuple[str, str]]) -> tuple[list[Any], list[str], float | None]:
    """d×, where pruned overtakes the best basis-independent learner: a dotted line, its interval shaded,
    and the fitted lines continued (thin, dotted) up to it. Returns the legend part and d× when drawn."""
    from matplotlib.lines import Line2D

    if crossover is None:
        return [], [], None
    d_cross, low, high, text, methods = crossover
    x_min = min(float(s.x.min()) for s in checked)
    x_max = max(float(s.x.max()) for s in checked)
    if not (math.isfinite(d_cross) and d_cross > 0):
        return [Line2D([], [], linestyle="none")], [text], None
    if not x_min / 4 <= d_cross <= 4 * x_max:
        return [Line2D([], [], linestyle="none")], [text + " (off the figure)"], None
    if math.isfinite(low) and math.isfinite(high) and 0 < low < high:
        ax.axvspan(max(low, x_min / 4), min(high, 4 * x_max), color="0.85", alpha=0.5, lw=0, zorder=0)
    end = max(d_cross, min(high, 4 * x_max) if math.isfinite(high) else d_cross)
    for s in checked:
        if s.fit is not None and end > x_max and set(s.keys) & set(methods):
            xx = np.geomspace(float(s.x.max()), end, 30)
            ax.plot(xx, np.exp(s.fit[1] + s.fit[0] * np.log(xx)), color=styles[s.label][0], lw=1.0,
                    linestyle=(0, (1, 2)), zorder=2)
    handle = ax.axvline(d_cross, color="k", lw=1.4, linestyle=(0, (1, 1.5)), zorder=1)
    return [handle], [text + "\n(fits continued, dotted)" if end > x_max else text], d_cross


def _markers_legend(any_censored: bool, any_below: bool, any_band: bool) -> tuple[list[Any], list[str]]:
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch

    handles: list[Any] = []
    texts: list[str] = []
    if any_censored:
        handles.append(Line2D([], [], linestyle="none", marker="^", ms=9, color="0.6", mec="k", mew=0.7))
        texts.append("censored: $n^*$ above the\nlargest $n$ tried")
    if any_below:
        handles.append(Line2D([], [], linestyle="none", marker="v", ms=9, color="0.6", mec="k", mew=0.7))
        texts.append("below grid: $n^*$ at most\nthe smallest $n$ tried")
    if any_band:
        handles.append(Patch(facecolor="0.93", edgecolor="0.45", hatch=BAND_HATCHES[0], lw=0.6))
        texts.append("slopes the verdict allows")
    return handles, texts


@styled
def plot_thresholds(
    series: Sequence[Any] | Mapping[str, Any] | Any,
    *,
    predicted: Sequence[Any] | None = None,
    axis: str = "d",
    fixed_d: int | None = None,
    x_label: str | None = None,
    crossover: Any = None,
    ax: Axes | None = None,
    title: str | None = None,
    path: str | os.PathLike[str] | None = None,
    format: str | None = None,
) -> Figure:
    """Plot the sample complexity n* against d (or against s at a fixed d) on log-log axes.

    Parameters
    ----------
    series : list of dict or of ExponentFit
        One item per method. An :class:`theorylab.compare.ExponentFit` is drawn from its own thresholds,
        intervals (an end at infinity is drawn open) and line; ``{"label": ..., "fit": ExponentFit}`` names it.
        A dict has the keys

        - ``"label"`` (str): the method, e.g. ``"pruned"``; rate names are shown as in :data:`METHOD_NAMES`;
        - ``"d"`` (``"s"`` when ``axis="s"``; ``"x"`` for either): the scanned values (positive);
        - ``"n_star"``: n* at each point; at a censored or below-grid point the bound (largest or smallest
          n tried); NaN at a censored point falls back to ``"high"``;
        - ``"low"``, ``"high"`` (optional): the interval of n*; NaN or infinite ends are drawn open;
        - ``"censored"``, ``"below_grid"`` (optional, bool arrays): drawn as ▲ (n* above the point) and ▼;
        - ``"fit"`` (optional): ``(slope, intercept, low, high)`` of ``log n* = intercept + slope log x``
          (natural logs), the interval ends possibly infinite; drawn solid, its slope in the legend;
        - ``"verdict"`` (optional, str): appended to the legend entry;
        - ``"band"`` (optional): ``(low, high)``, the slopes a verdict allowed, drawn as a wedge from the
          series' first measured point;
        - ``"method"``, ``"rate"`` (optional): registry names a predicted line may match (see below).
    predicted : list, optional
        Theory lines, dashed over the whole range: ``Rate`` objects (along s their ``s_exponent`` and, with
        ``fixed_d``, ``evaluate_s``), :class:`theorylab.report.PredictedLine` objects, or tuples
        ``(label, exponent, anchor)`` for a pure power.

        **Anchoring.** A rate states n* up to a constant, so each line passes through one measured point:
        the first (smallest-x) measured point of the series it matches (its name equals the series' rate,
        method or label, lower-cased with spaces as underscores, or begins it followed by ``_``). A tuple's
        anchor may name a series label or give a point ``(x, n)``. Lines that match no series (the CSQ
        bounds, typically) pass through the lowest of the series' first points, so they fan out from one
        point; identical curves share one legend entry.
    axis : {"d", "s"}
    fixed_d : int, optional
        The dimension of an s-scan (shown on the x label; lets a Rate evaluate its law in s).
    x_label : str, optional
        The x-axis name (default: "dimension $d$" or "support size $s$"), e.g. the pruning level M an s-scan
        was fitted in.
    crossover : Crossover, optional
        A :class:`theorylab.report.Crossover`: d×, where the pruned n* falls below the competitor's, drawn
        as a dotted vertical line with its interval shaded (named in the legend when off the figure).
    ax : matplotlib Axes, optional
    title : str, optional
    path : str or PathLike, optional
        Write the figure there (150 dpi for PNG).
    format : {"png", "pdf", "svg"}, optional
        Default: the path's suffix, else PNG.

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
    ['measured', 'pruned\\nslope 0.66 [0.55, 0.77]', 'predicted (anchored)', 'CSQ sparse $d^{1/2}$']
    """
    axis = check_choice(axis, "axis", ("d", "s"))
    if fixed_d is not None:
        fixed_d = check_int(fixed_d, "fixed_d", minimum=1)
    checked = check_series(series, axis)
    lines = check_predicted(predicted, [s.label for s in checked], axis, fixed_d)
    path = check_common(ax, title, path)
    fmt = None if format is None else check_format(format)
    all_x = np.concatenate([s.x for s in checked])
    grid = np.geomspace(all_x.min(), all_x.max(), 60)
    anchored = _anchor_lines(checked, lines, grid)
    cross = check_crossover(crossover)
    return _draw(checked, anchored, grid, all_x, axis, fixed_d, cross, ax, title, path, fmt, x_label)


def _draw(checked: list[Series], anchored: list, grid: np.ndarray, all_x: np.ndarray, axis: str,
          fixed_d: int | None, cross: Any, ax: Axes | None, title: str | None, path: str | None,
          fmt: str | None, x_label: str | None = None) -> Figure:
    own_figure = ax is None
    fig, ax = new_axes(ax)
    ax.set_xscale("log")
    ax.set_yscale("log")
    styles = method_style([s.label for s in checked])
    handles: list[Any] = []
    texts: list[str] = []
    flags = [False, False, False]
    for i, s in enumerate(checked):
        handle, cens, below = _draw_series(ax, s, styles[s.label])
        flags[2] |= _draw_band(ax, s, styles[s.label][0], i)
        flags[0] |= cens
        flags[1] |= below
        handles.append(handle)
        texts.append(_fit_text(s))
    colours = {label: st[0] for label, st in styles.items()}
    p_handles, p_texts = _draw_lines(ax, anchored, colours, grid, axis)
    m_handles, m_texts = _markers_legend(*flags)
    c_handles, c_texts, d_cross = _draw_crossover(ax, cross, checked, styles)
    log_ticks_at(ax.xaxis, all_x if d_cross is None else np.append(all_x, round(d_cross)))
    name = x_label or ("dimension $d$" if axis == "d" else "support size $s$")
    ax.set_xlabel(name + ("" if fixed_d is None else f"  (at $d = {fixed_d}$)"))
    ax.set_ylabel("sample complexity $n^*$")
    if title is not None:
        ax.set_title(title)
    legend_outside(ax, [("measured", handles + m_handles, texts + m_texts),
                        ("predicted (anchored)", p_handles, p_texts), ("crossover", c_handles, c_texts)],
                   own_figure=own_figure)
    return finish(fig, path, fmt)
