"""The house style of every figure: one palette, one colour and marker per method, fonts sized for slides.

Methods keep their colour and marker in every figure (Okabe–Ito palette, distinguishable in colour-blind
vision and in greyscale by marker). Predicted rates that belong to a drawn method take its colour, dashed;
the others are dark greys with distinct dash patterns. Legends sit to the right of the axes and the figure
is widened by the legend's width, so the plotting area keeps its size however long the legend is.

matplotlib is imported inside the functions only.
"""

from __future__ import annotations

import functools
import os
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any, TypeVar, cast

import numpy as np

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

__all__ = ["FORMATS", "DPI", "AXES_SIZE", "RC", "styled", "method_style", "reference_style", "new_axes",
           "legend_outside", "finish", "log_ticks_at", "normalise_name"]

#: File formats a figure can be written in.
FORMATS = ("png", "pdf", "svg")
#: Resolution of raster output.
DPI = 150
#: Size of the plotting area in inches (the legend is added to the right of it).
AXES_SIZE = (6.0, 4.2)

#: matplotlib settings applied while a figure is built and written.
RC: dict[str, Any] = {
    "font.size": 11.0,
    "axes.titlesize": 12.0,
    "axes.labelsize": 11.5,
    "legend.fontsize": 9.5,
    "xtick.labelsize": 10.0,
    "ytick.labelsize": 10.0,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.grid": True,
    "grid.alpha": 0.25,
    "grid.linewidth": 0.7,
    "lines.linewidth": 1.8,
    "mathtext.fontset": "dejavusans",
    "svg.fonttype": "none",
    "pdf.fonttype": 42,
}

# Okabe & Ito (2008): blue, orange, bluish green, vermillion, reddish purple, sky blue, yellow.
_METHODS: dict[str, tuple[str, str]] = {
    "pruned": ("#0072B2", "o"),
    "dense": ("#E69F00", "s"),
    "online_sgd": ("#009E73", "D"),
    "gd_reuse": ("#D55E00", "P"),
    "smoothed_sgd": ("#CC79A7", "X"),
    "oracle": ("#56B4E9", "h"),
}
_SPARE: tuple[tuple[str, str], ...] = (("#CC79A7", "X"), ("#56B4E9", "h"), ("#8C564B", "p"), ("#D55E00", "P"),
                                       ("#009E73", "D"), ("#7F7F7F", "*"))
# Rates that match no drawn method: greys with dash patterns that stay apart at a glance.
_REFERENCE: tuple[tuple[str, Any], ...] = (
    ("0.15", (0, (2, 1.5))),
    ("0.45", (0, (7, 3))),
    ("0.3", (0, (8, 2.5, 1.5, 2.5))),
    ("0.55", (0, (3, 1.5, 1, 1.5, 1, 1.5))),
)
F = TypeVar("F", bound=Callable[..., Any])


def normalise_name(label: str) -> str:
    """``"Pruned (Alg. 2)"`` -> ``"pruned_(alg._2)"``: how a label is compared with a method or rate name."""
    return "_".join(label.strip().lower().replace("-", " ").split())


def styled(func: F) -> F:
    """Run ``func`` inside ``matplotlib.rc_context(RC)`` (matplotlib imported at call time)."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        from matplotlib import rc_context

        with rc_context(cast(Any, RC)):
            return func(*args, **kwargs)

    return wrapper  # type: ignore[return-value]


def method_style(labels: Sequence[str]) -> dict[str, tuple[str, str]]:
    """Colour and marker per series label: a method's own when the label names it, else the next spare.

    Examples
    --------
    >>> method_style(["dense", "pruned (Alg. 2)", "mine"])["pruned (Alg. 2)"]
    ('#0072B2', 'o')
    """
    out: dict[str, tuple[str, str]] = {}
    used: set[str] = set()
    for label in labels:
        key = normalise_name(label)
        own = next((v for k, v in _METHODS.items() if key == k or key.startswith(k + "_")), None)
        if own is not None and own[0] not in used:
            out[label] = own
            used.add(own[0])
    for label in labels:
        if label not in out:
            spare = next((v for v in _SPARE if v[0] not in used), ("#7F7F7F", "*"))
            out[label] = spare
            used.add(spare[0])
    return out


def reference_style(index: int) -> tuple[str, Any]:
    """Colour and dash pattern of the ``index``-th predicted line that matches no drawn method."""
    return _REFERENCE[index % len(_REFERENCE)]


def new_axes(ax: Axes | None) -> tuple[Figure, Axes]:
    """A new figure (Agg canvas, constrained layout, no pyplot) with one axes of :data:`AXES_SIZE`, or ``ax``'s."""
    if ax is not None:
        return ax.figure, ax  # type: ignore[return-value]
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    fig = Figure(figsize=(AXES_SIZE[0] + 0.9, AXES_SIZE[1] + 0.9), layout="constrained")
    FigureCanvasAgg(fig)
    return fig, fig.add_subplot()


def legend_outside(ax: Axes, sections: Sequence[tuple[str | None, Sequence[Any], Sequence[str]]],
                   *, own_figure: bool) -> None:
    """A legend with bold section headers, right of the axes; the figure grows by its width.

    Into an axes the caller gave (``own_figure`` False) the legend goes inside, where it covers the least.
    """
    from matplotlib.lines import Line2D

    handles: list[Any] = []
    labels: list[str] = []
    headers: list[int] = []
    for header, hs, ls in sections:
        if not hs:
            continue
        if header is not None:
            headers.append(len(labels))
            handles.append(Line2D([], [], linestyle="none"))
            labels.append(header)
        handles.extend(hs)
        labels.extend(ls)
    if not handles:
        return
    if own_figure:
        legend = ax.legend(handles, labels, loc="upper left", bbox_to_anchor=(1.02, 1.0), borderaxespad=0.0,
                           frameon=False, handlelength=2.8)
    else:
        legend = ax.legend(handles, labels, loc="best", framealpha=0.9, handlelength=2.8)
    for i in headers:
        legend.get_texts()[i].set_fontweight("bold")
    if own_figure:
        fig = ax.figure
        renderer = fig.canvas.get_renderer()  # type: ignore[attr-defined]
        width = legend.get_window_extent(renderer).width / fig.dpi
        fig.set_figwidth(AXES_SIZE[0] + 0.9 + width + 0.2)  # type: ignore[union-attr]


def finish(fig: Figure, path: str | None, fmt: str | None = None) -> Figure:
    """Write ``fig`` to ``path`` (format: ``fmt``, else the suffix, else PNG) and return it."""
    if path is not None:
        if fmt is None:
            suffix = os.path.splitext(path)[1].lstrip(".").lower()
            fmt = suffix if suffix in FORMATS else "png"
        fig.savefig(path, dpi=DPI, format=fmt, metadata={"Software": None} if fmt == "png" else None)
    return fig


def log_ticks_at(axis: Any, values: np.ndarray) -> None:
    """Label the measured values themselves on a log axis (d = 64, 128, ... reads better than 10^2)."""
    from matplotlib.ticker import FixedLocator, NullFormatter, NullLocator

    ticks = np.unique(values)
    if 2 <= ticks.size <= 12:
        axis.set_major_locator(FixedLocator(ticks.tolist()))
        axis.set_major_formatter(lambda v, _pos: f"{v:g}")
        axis.set_minor_locator(NullLocator())
        axis.set_minor_formatter(NullFormatter())
