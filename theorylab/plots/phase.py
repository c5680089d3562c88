"""The phase diagram: measured exponents β of n* ≍ d^β against the sparsity exponent α, over the theory's lines.

The lines are the exponents of the registry's rates (:func:`theorylab.symbolic.rates.predicted_rate`) evaluated
over α: pruned, dense, the CSQ bound for the sparse class and the basis-independent bound d^{k*/2}. Where two
lines coincide (pruned and CSQ sparse up to α = 1/2) the lower one is drawn as a wide pale band under the
other, so that both stay visible.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, Any

import numpy as np

from theorylab._validation import check_int
from theorylab.plots._checks import check_common, check_format, check_phase
from theorylab.plots.labels import display_name, plain
from theorylab.plots.style import finish, legend_outside, method_style, new_axes, styled

if TYPE_CHECKING:  # pragma: no cover
    from collections.abc import Sequence

    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

__all__ = ["plot_phase_diagram", "PHASE_RATES"]

#: The rates drawn, with their exponent in mathtext (single-index; r >= 2 replaces k* by 2 for pruned/dense).
PHASE_RATES: dict[str, str] = {
    "pruned": r"$\alpha k^*$",
    "dense": r"$k^*$",
    "csq_sparse": r"$\min(\alpha, \frac{1}{2})\,k^*$",
    "csq_dense": r"$k^*/2$",
}
_STYLE: dict[str, dict[str, Any]] = {
    "pruned": {"color": "#0072B2", "lw": 1.8, "linestyle": (0, (5, 2.5)), "zorder": 2},
    "dense": {"color": "#E69F00", "lw": 1.8, "linestyle": (0, (5, 2.5)), "zorder": 2},
    "csq_sparse": {"color": "0.55", "lw": 7.0, "alpha": 0.35, "solid_capstyle": "butt", "zorder": 1},
    "csq_dense": {"color": "0.2", "lw": 1.5, "linestyle": (0, (8, 2.5, 1.5, 2.5)), "zorder": 2},
}
_GRID = np.linspace(0.01, 0.99, 99)  # holds alpha = 1/2 exactly


def theory_exponents(k_star: int, r: int = 1) -> dict[str, np.ndarray]:
    """Each rate's d-exponent over :data:`_GRID`, from the registry (rates that do not apply are left out).

    Examples
    --------
    >>> lines = theory_exponents(2)
    >>> float(lines["pruned"][24]), float(lines["csq_sparse"][74]), float(lines["csq_dense"][0])
    (0.5, 1.0, 1.0)
    """
    from theorylab.symbolic.rates import predicted_rate

    out = {}
    for name in PHASE_RATES:
        try:
            out[name] = np.array([float(predicted_rate(name, k_star, alpha=float(a), r=r).exponent) for a in _GRID])
        except ValueError:
            continue
    return out


def _draw_theory(ax: Axes, k_star: int, r: int) -> tuple[list[Any], list[str]]:
    handles, texts = [], []
    for name, values in theory_exponents(k_star, r).items():
        formula = PHASE_RATES[name]
        if r >= 2 and name in ("pruned", "dense"):
            formula = r"$2\alpha$" if name == "pruned" else "$2$"
        texts.append(f"{display_name(name)}: {formula}")
        if name == "csq_sparse" and r == 1:  # drawn wide and pale: it lies under pruned for α <= 1/2
            texts[-1] += "\n(pale band; = pruned for $\\alpha \\leq \\frac{1}{2}$)"
        handles.append(ax.plot(_GRID, values, label=texts[-1], **_STYLE[name])[0])
    return handles, texts


def _draw_measured(ax: Axes, a: np.ndarray, labels: list[str], meas: np.ndarray, lo: np.ndarray,
                   hi: np.ndarray) -> tuple[list[Any], list[str]]:
    styles = method_style(labels)
    rows = len(labels)
    offsets = np.linspace(-0.012, 0.012, rows) * (rows - 1) if rows > 1 else np.zeros(1)
    handles, texts = [], []
    for row, label in enumerate(labels):
        keep = ~np.isnan(meas[row])
        if not np.any(keep):
            continue
        colour, marker = styles[label]
        y = meas[row][keep]
        yl = np.where(np.isnan(lo[row][keep]), y, lo[row][keep])
        yh = np.where(np.isnan(hi[row][keep]), y, hi[row][keep])
        handles.append(ax.errorbar(a[keep] + offsets[row], y, yerr=[y - yl, yh - y], fmt=marker, color=colour,
                                   mec="k", mew=0.6, ms=7.5, capsize=3, zorder=4))
        texts.append(plain(display_name(label)))
    return handles, texts


@styled
def plot_phase_diagram(
    alpha: Any,
    measured: Any,
    low: Any = None,
    high: Any = None,
    *,
    k_star: int,
    r: int = 1,
    labels: str | Sequence[str] = "measured",
    ax: Axes | None = None,
    title: str | None = None,
    path: str | os.PathLike[str] | None = None,
    format: str | None = None,
) -> Figure:
    """Plot measured exponents of n*(d) against the sparsity exponent α, over the theory's lines.

    The theory lines are the registry's exponents over α (THEORY.md §7; Thm 2, 4, 5 of Vural & Erdogdu
    2024): pruned α k*, dense k*, CSQ sparse min(α, 1/2) k*, basis-independent k*/2 (r >= 2: pruned 2α,
    dense 2). The region α > 1/2, where sparsity no longer lowers the CSQ bound, is shaded.

    Parameters
    ----------
    alpha : array_like, shape (A,)
        Sparsity exponents, each in (0, 1).
    measured : array_like, shape (A,) or (M, A)
        Measured slopes of log n* against log d, one row per method; NaN marks a missing value.
    low, high : array_like, same shape as ``measured``, optional
        Interval of each slope; NaN (or an infinite end) where unknown.
    k_star : int
        Information exponent k* >= 1.
    r : int, default 1
        Number of directions.
    labels : str or sequence of str
        The method of each row of ``measured`` (colours and markers follow the method).
    ax : matplotlib Axes, optional
    title : str, optional
        Default ``$k^* = ...$``.
    path : str or PathLike, optional
    format : {"png", "pdf", "svg"}, optional

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> fig = plot_phase_diagram([0.25, 0.5, 0.75], [0.7, 1.2, 1.6], [0.5, 1.0, 1.4], [0.9, 1.4, 1.8],
    ...                          k_star=2, labels="pruned")
    >>> [t.get_text() for t in fig.axes[0].get_legend().get_texts()][:3]
    ['theory', 'pruned: $\\\\alpha k^*$', 'dense: $k^*$']
    """
    a, labels, meas, lo, hi = check_phase(alpha, measured, low, high, labels)
    k_star = check_int(k_star, "k_star", minimum=1)
    r = check_int(r, "r", minimum=1)
    path = check_common(ax, title, path)
    fmt = None if format is None else check_format(format)
    lo, hi = np.where(np.isinf(lo), np.nan, lo), np.where(np.isinf(hi), np.nan, hi)

    own_figure = ax is None
    fig, ax = new_axes(ax)
    ax.axvspan(0.5, 1.0, color="0.94", zorder=0, lw=0)
    ax.axvline(0.5, color="0.5", lw=0.8, linestyle=":", zorder=0)
    t_handles, t_texts = _draw_theory(ax, k_star, r)
    m_handles, m_texts = _draw_measured(ax, a, labels, meas, lo, hi)
    ax.set_xlim(0.0, 1.0)
    values = np.concatenate([meas.ravel(), hi.ravel()])
    values = values[np.isfinite(values)]
    top = max([(k_star if r == 1 else 2) * 1.15, *(1.08 * values)])
    ax.set_ylim(0.0, top)
    ax.text(0.75, 0.02, r"$\alpha > \frac{1}{2}$: the CSQ bound is dense", transform=ax.get_xaxis_transform(),
            ha="center", va="bottom", fontsize="small", color="0.35")
    ax.set_xlabel(r"sparsity exponent $\alpha$   ($s \asymp d^{\alpha}$)")
    ax.set_ylabel(r"exponent $\beta$ in $n^* \asymp d^{\beta}$")
    ax.set_title(title if title is not None else f"$k^* = {k_star}$")
    legend_outside(ax, [("theory", t_handles, t_texts), ("measured", m_handles, m_texts)], own_figure=own_figure)
    return finish(fig, path, fmt)
