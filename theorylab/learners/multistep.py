"""Pruning followed by several first-layer steps (the paper's §7: "multi-step GD instead of one step").

:class:`PrunedMultiStepGD` prunes with Algorithm 1 exactly as ``simulate(method="pruned")`` does, starts from
Algorithm 2's symmetric initialisation on J, and then takes ``steps`` first-layer steps on the same n samples.
Each step is Algorithm 2's step: weight decay λ = 1/η cancels the starting point, so

    W_j⁽ᵗ⁾ = η a_j (1/n) Σ_i y_i x_i|_J ϕ'(⟨u_j⁽ᵗ⁻¹⁾, x_i⟩ + b_j),   u_j⁽ᵗ⁻¹⁾ = W_j⁽ᵗ⁻¹⁾ / ‖W_j⁽ᵗ⁻¹⁾‖,

the gradient of the correlation loss -y ŷ (the loss Algorithm 2's first step follows, since ŷ = 0 at the
symmetric start) at the previous neuron put back on the unit sphere of J, as (INIT) puts the initialisation.
One step is Algorithm 2's step itself: :data:`ONE_STEP` gives ``method="pruned"``'s success curves with the same
seed (r = 1). The alignment does not depend on η.

What it measures. For an even link such as He₂, the population step maps u to a multiple of v⟨v, u⟩ plus a
multiple of u, so repeated steps act like a power iteration on J: the part along v grows at every step while the
noise of the n reused samples stays of order √(M/n). n* of :data:`TEN_STEPS` against :data:`ONE_STEP` says how
much of the one-step cost n ≳ M^{k*} (Lemma 34) more steps on the same samples remove.

Examples
--------
>>> from theorylab.numeric import simulate
>>> res = simulate("He2(z)/sqrt(2)", d=32, n=3000, trials=2, seed=1, method=TEN_STEPS, checkpoints=[300, 3000])
>>> res.config["method"], res.metrics["alignment_median"].shape
('theorylab.learners.multistep:TEN_STEPS', (2, 2))
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from theorylab._validation import check_choice, check_int
from theorylab.learners._steps import first_layer_step
from theorylab.numeric.learner import Trial, weight_metrics
from theorylab.numeric.pruning import STRATEGIES
from theorylab.numeric.students import draw_half_init
from theorylab.numeric.training import default_eta1

__all__ = ["PrunedMultiStepGD", "ONE_STEP", "TEN_STEPS"]


@dataclass(frozen=True)
class PrunedMultiStepGD:
    """Algorithm 1, then ``steps`` first-layer steps of Algorithm 2 on the same samples (a :class:`Learner`).

    Parameters
    ----------
    steps : int, default 10
        Number of first-layer steps (1: Algorithm 2's single step).
    strategy : str, default "paper"
        The pruning (:data:`theorylab.numeric.pruning.STRATEGIES`; ``"none"`` keeps every coordinate).

    Examples
    --------
    >>> PrunedMultiStepGD(steps=3).name
    'pruned + 3 GD steps'
    >>> PrunedMultiStepGD(steps=0)
    Traceback (most recent call last):
    ...
    ValueError: steps must be >= 1, got 0
    """

    steps: int = 10
    strategy: str = "paper"
    name: str = field(init=False)

    def __post_init__(self) -> None:
        check_int(self.steps, "steps", minimum=1)
        check_choice(self.strategy, "strategy", STRATEGIES)
        what = "pruned" if self.strategy == "paper" else f"{self.strategy} pruning"
        object.__setattr__(self, "name", f"{what} + {self.steps} GD step{'s' if self.steps > 1 else ''}")

    def run(self, trial: Trial) -> dict[str, np.ndarray]:
        """Prune, initialise symmetrically on J, take the steps; the metrics of the m distinct neurons."""
        cfg = trial.config
        if cfg.mu_correction:
            raise ValueError(f"learner {self.name!r}: Algorithm 2⁺'s μ̂ correction (mu_correction, the default "
                             "for r >= 2) is not implemented here; pass mu_correction=False")
        masks = trial.pruning_masks(self.strategy)
        a, b, G = draw_half_init(cfg.width, cfg.d, trial.rng("init"))  # the draws Algorithm 2 starts from
        eta = cfg.eta1
        if eta is None:
            assert cfg.k_star is not None  # simulate computes k* whenever eta1 is not given
            eta = default_eta1(cfg.d if self.strategy == "none" else cfg.M, cfg.k_star, cfg.r, cfg.eta_scale)
        W = np.broadcast_to(G, (trial.checkpoints.size, *G.shape))
        for _ in range(self.steps):
            W = first_layer_step(trial, masks, a, b, W, eta)
        return weight_metrics(W, trial.V, masks)


#: Algorithm 1 + Algorithm 2's one step, through the protocol (the same curves as ``method="pruned"``, r = 1).
ONE_STEP = PrunedMultiStepGD(steps=1)
#: Algorithm 1 + ten first-layer steps on the same samples.
TEN_STEPS = PrunedMultiStepGD(steps=10)
