"""Comparison layer: thresholds n*(d), exponent fits with intervals, verdicts against predicted rates.

Consumes, for each d, the checkpoint grid ``n`` and the ``success`` matrix of a ``SimulationResult`` and
the ``Rate`` objects of :mod:`theorylab.symbolic.rates` (THEORY.md §8).

>>> from theorylab.compare import estimate_threshold, fit_exponent_from_curves, verdict
"""

from theorylab.compare.crossover import (
    ContrastResult,
    CrossoverResult,
    alpha_contrast,
    crossover_dimension,
)
from theorylab.compare.fits import ExponentFit, TheilSen, fit_exponent, fit_exponent_from_curves
from theorylab.compare.planner import Design, Pilot, Plan, plan_design
from theorylab.compare.thresholds import (
    CensoredThresholdWarning,
    ConfidenceInterval,
    LogisticFit,
    ThresholdResult,
    estimate_threshold,
    first_success,
    refine_grid,
)
from theorylab.compare.verdicts import (
    DEFAULT_MAX_HALF_WIDTH,
    DEFAULT_POLYLOG_ALLOWANCE,
    Separability,
    Verdict,
    allowed_band,
    polylog_slope,
    separable,
    verdict,
)

__all__ = [
    "ContrastResult",
    "CrossoverResult",
    "alpha_contrast",
    "crossover_dimension",
    "Design",
    "Pilot",
    "Plan",
    "plan_design",
    "CensoredThresholdWarning",
    "ConfidenceInterval",
    "LogisticFit",
    "ThresholdResult",
    "estimate_threshold",
    "first_success",
    "refine_grid",
    "ExponentFit",
    "TheilSen",
    "fit_exponent",
    "fit_exponent_from_curves",
    "DEFAULT_MAX_HALF_WIDTH",
    "DEFAULT_POLYLOG_ALLOWANCE",
    "Separability",
    "Verdict",
    "allowed_band",
    "polylog_slope",
    "separable",
    "verdict",
]
