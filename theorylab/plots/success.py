"""Success curves: the fraction of successful trials against n, one curve per scanned value, with binomial bands.

Bands are light fills with edges in the curve's colour: where the bands of neighbouring curves overlap, each
keeps its own outline instead of merging into grey.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import numpy as np

from theorylab._validation import check_choice, check_probability
from theorylab.plots._checks import check_common, check_curves, check_format
from theorylab.plots.style import finish, legend_outside, new_axes, styled

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

__all__ = ["plot_success_curves", "binomial_band"]


def binomial_band(k: np.ndarray, trials: int, confidence: float, interval: str) -> tuple[np.ndarray, np.ndarray]:
    """Pointwise interval of the success probability, as :func:`scipy.stats.binomtest`'s ``proportion_ci``.

    ``"exact"`` is Clopper–Pearson (beta quantiles), ``"wilson"`` the Wilson score interval without continuity
    correction; both in closed form, vectorised over the checkpoints.

    Examples
    --------
    >>> lo, hi = binomial_band(np.array([0, 4]), 4, 0.95, "exact")
    >>> float(lo[0]), float(hi[1])
    (0.0, 1.0)
    """
    from scipy.stats import beta, norm  # type: ignore[import-untyped]

    k = np.asarray(k, dtype=float)
    tail = (1.0 - confidence) / 2.0
    if interval == "exact":
        with np.errstate(invalid="ignore", divide="ignore"):
            low = np.where(k > 0, beta.ppf(tail, k, trials - k + 1), 0.0)
            high = np.where(k < trials, beta.ppf(1.0 - tail, k + 1, trials - k), 1.0)
        return np.nan_to_num(low), np.nan_to_num(high, nan=1.0)
    z = float(norm.ppf(1.0 - tail))
    centre = (k + z**2 / 2.0) / (trials + z**2)
    half = z / (trials + z**2) * np.sqrt(k * (trials - k) / trials + z**2 / 4.0)
    return centre - half, centre + half


def _draw_curves(ax: Axes, checked: list, axis: str, confidence: float, interval: str) -> None:
    from matplotlib import colormaps

    cmap = colormaps["viridis"]
    for idx, (x, n, k, trials) in enumerate(checked):
        colour = cmap(0.9 * idx / max(len(checked) - 1, 1))
        lo, hi = binomial_band(k, trials, confidence, interval)
        # the band where the curve moves (and one point either side): where every trial fails, or every
        # trial succeeds, all curves share one band, and stacking them would only darken it
        moving = (k > 0) & (k < trials)
        moving = moving | np.r_[moving[1:], False] | np.r_[False, moving[:-1]]
        lo, hi = np.where(moving, lo, np.nan), np.where(moving, hi, np.nan)
        ax.fill_between(n, lo, hi, color=colour, alpha=0.14, lw=0, zorder=1)
        for edge in (lo, hi):
            ax.plot(n, edge, color=colour, lw=0.7, alpha=0.8, zorder=2)
        ax.plot(n, k / trials, "o-", color=colour, ms=3.5 if n.size <= 30 else 0.0, lw=1.8, zorder=3,
                label=f"${axis} = {x:g}$  ({trials} trials)")


@styled
def plot_success_curves(
    curves: Mapping[Any, Any],
    *,
    level: float = 0.5,
    confidence: float = 0.95,
    interval: str = "exact",
    axis: str = "d",
    ax: Axes | None = None,
    title: str | None = None,
    path: str | os.PathLike[str] | None = None,
    format: str | None = None,
) -> Figure:
    """Plot the fraction of successful trials against n (log axis), one curve per dimension d (or per s).

    Each curve carries a pointwise binomial confidence band from :func:`scipy.stats.binomtest`
    (``interval="exact"``: Clopper-Pearson; ``"wilson"``: Wilson score), and a horizontal line marks the
    success ``level`` that defines n*.

    Parameters
    ----------
    curves : dict
        ``x -> (n, success)``: ``n`` the increasing sample sizes (checkpoints), ``success`` a boolean array of
        shape (trials, len(n)) as in ``SimulationResult.success``; or ``x -> (n, successes, trials)`` with
        the number of successful trials at each n (as :class:`theorylab.report.Curve` stores it).
    level : float, default 0.5
        Success level in (0, 1).
    confidence : float, default 0.95
        Confidence level of the bands.
    interval : {"exact", "wilson"}
    axis : {"d", "s"}
        What the keys of ``curves`` are.
    ax : matplotlib Axes, optional
    title : str, optional
    path : str or PathLike, optional
    format : {"png", "pdf", "svg"}, optional

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> n = np.array([100, 200, 400, 800])
    >>> success = np.array([[0, 0, 1, 1], [0, 1, 1, 1], [0, 0, 0, 1], [0, 0, 1, 1]], dtype=bool)
    >>> fig = plot_success_curves({64: (n, success)})
    >>> [ln.get_ydata().tolist() for ln in fig.axes[0].lines if ln.get_marker() == "o"]
    [[0.0, 0.25, 0.75, 1.0]]
    """
    axis = check_choice(axis, "axis", ("d", "s"))
    checked = check_curves(curves, axis)
    level = check_probability(level, "level")
    confidence = check_probability(confidence, "confidence")
    interval = check_choice(interval, "interval", ("exact", "wilson"))
    path = check_common(ax, title, path)
    fmt = None if format is None else check_format(format)

    from matplotlib.patches import Patch

    own_figure = ax is None
    fig, ax = new_axes(ax)
    ax.set_xscale("log")
    _draw_curves(ax, checked, axis, confidence, interval)
    ax.axhline(level, color="k", lw=1.0, linestyle=(0, (5, 3)), label=f"level {level:g} (defines $n^*$)")
    ax.set_ylim(-0.03, 1.03)
    ax.set_xlabel("sample size $n$")
    ax.set_ylabel("fraction of trials that succeed")
    if title is not None:
        ax.set_title(title)
    handles, texts = ax.get_legend_handles_labels()
    name = "Clopper–Pearson" if interval == "exact" else "Wilson"
    handles.append(Patch(facecolor="0.75", edgecolor="0.4", lw=0.7))
    texts.append(f"{confidence:.0%} {name} band")
    legend_outside(ax, [(None, handles, texts)], own_figure=own_figure)
    return finish(fig, path, fmt)
