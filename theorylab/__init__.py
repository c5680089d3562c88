"""theorylab: numbers one can compute and claims one can test, for learning sparse features by pruning.

Reference: Vural and Erdogdu, "Pruning is Optimal for Learning Sparse Features in High-Dimensions", COLT 2024.

The headline functions of every layer are available here; each is imported from its layer on first use,
so ``import theorylab`` stays light (it loads neither the numeric layer nor matplotlib, pandas or dask).

>>> import theorylab as tl
>>> tl.information_exponent("He3(z)")
3
>>> float(tl.csq_lower_bound(3, 10**6, 0.25))
31622.776601683792
"""

from __future__ import annotations

import importlib
from typing import Any

__version__ = "0.1.0"

#: Public name -> module that defines it.
_EXPORTS: dict[str, str] = {
    # symbolic layer
    "Link": "theorylab.symbolic.links",
    "as_link": "theorylab.symbolic.links",
    "parse_link": "theorylab.symbolic.links",
    "hermite_coefficients": "theorylab.symbolic.hermite",
    "hermite_expansion": "theorylab.symbolic.hermite",
    "hermite_tensors": "theorylab.symbolic.hermite",
    "relu_hermite_coefficient": "theorylab.symbolic.hermite",
    "normalize_link": "theorylab.symbolic.hermite",
    "information_exponent": "theorylab.symbolic.exponents",
    "generative_exponent": "theorylab.symbolic.exponents",
    "check_nondegenerate": "theorylab.symbolic.exponents",
    "lq_norm": "theorylab.symbolic.sparsity",
    "effective_sparsity": "theorylab.symbolic.sparsity",
    "alpha_to_rq": "theorylab.symbolic.sparsity",
    "rq_to_alpha": "theorylab.symbolic.sparsity",
    "sparse_directions": "theorylab.symbolic.sparsity",
    "csq_lower_bound": "theorylab.symbolic.csq",
    "Rate": "theorylab.symbolic.rates",
    "predicted_rate": "theorylab.symbolic.rates",
    "predicted_rates": "theorylab.symbolic.rates",
    "RATES": "theorylab.symbolic.rates",
    "d": "theorylab.symbolic.rates",
    "s": "theorylab.symbolic.rates",
    "alpha": "theorylab.symbolic.own_rates",
    "k": "theorylab.symbolic.own_rates",
    "rate_from_expression": "theorylab.symbolic.own_rates",
    "register_rate": "theorylab.symbolic.own_rates",
    "METHODS": "theorylab.symbolic.methods",
    "Method": "theorylab.symbolic.methods",
    "register_method": "theorylab.symbolic.methods",
    # numeric layer
    "simulate": "theorylab.numeric.simulate",
    "SimulationResult": "theorylab.numeric.simulate",
    "prune_network": "theorylab.numeric.pruning",
    "prune": "theorylab.numeric.pruning",
    "train_algorithm2": "theorylab.numeric.training",
    "Teacher": "theorylab.numeric.teachers",
    "make_teacher": "theorylab.numeric.teachers",
    "SuccessCriterion": "theorylab.numeric.metrics",
    "alignment": "theorylab.numeric.metrics",
    "subspace_coverage": "theorylab.numeric.metrics",
    "checkpoint_grid": "theorylab.numeric.simulate",
    "Learner": "theorylab.numeric.learner",
    "Trial": "theorylab.numeric.learner",
    "weight_metrics": "theorylab.numeric.learner",
    # comparison layer
    "estimate_threshold": "theorylab.compare.thresholds",
    "fit_exponent": "theorylab.compare.fits",
    "fit_exponent_from_curves": "theorylab.compare.fits",
    "ThresholdResult": "theorylab.compare.thresholds",
    "ExponentFit": "theorylab.compare.fits",
    "Verdict": "theorylab.compare.verdicts",
    "verdict": "theorylab.compare.verdicts",
    "separable": "theorylab.compare.verdicts",
    "plan_design": "theorylab.compare.planner",
    "crossover_dimension": "theorylab.compare.crossover",
    "refine_grid": "theorylab.compare.thresholds",
    # sweeps and the reproduction
    "SweepSpec": "theorylab.sweeps.spec",
    "CaseSpec": "theorylab.sweeps.spec",
    "load_sweep": "theorylab.sweeps.spec",
    "run_sweep": "theorylab.sweeps.runner",
    "summarize_sweep": "theorylab.sweeps.summary",
    "load_results": "theorylab.sweeps.store",
    "reproduce": "theorylab.reproduction",
    "Report": "theorylab.report",
    "CaseReport": "theorylab.report",
    # figures (matplotlib is imported only when one is drawn)
    "plot": "theorylab.plots",
}

__all__ = sorted(_EXPORTS) + ["__version__"]


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'theorylab' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value  # later look-ups skip this function
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_EXPORTS))
