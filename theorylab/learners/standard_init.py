"""Pruning followed by one step from the standard, non-symmetric initialisation (the paper's §7).

Algorithm 2 starts from mirrored neuron pairs (a_{j'} = -a_j, W_{j'} = W_j, b_{j'} = b_j), so that the network
outputs ŷ = 0 and its first gradient is the correlation of y with the neurons' features. :class:`PrunedStandardInit`
prunes exactly as ``simulate(method="pruned")`` does and then starts 2m *independent* neurons on J:
a_j = ±``a_scale``, b_j ~ N(0, 1), W_j uniform on the unit sphere of J. Its step is Algorithm 2's (weight decay
1/η cancels the start) on the squared loss, whose gradient now carries the initial output:

    W_j⁽¹⁾ = η a_j (1/n) Σ_i (y_i - ŷ₀(x_i)) x_i|_J ϕ'(⟨W_j⁽⁰⁾, x_i⟩ + b_j),  ŷ₀(x) = Σ_l a_l ϕ(⟨W_l⁽⁰⁾, x⟩ + b_l).

What it measures. ŷ₀ is a fixed function of the random neurons, of size about ``a_scale`` · √(2m); its
correlation with x ϕ'(⟨W_j⁽⁰⁾, x⟩ + b_j) is a population term along the initial neurons, not along V, and does not
shrink with n. The signal along v is of order |⟨v, W_j⁽⁰⁾⟩| ≈ M^{-1/2}. So the success curve of the standard
initialisation against ``a_scale`` says how small the second layer must start for the paper's one-step analysis to
carry over: at ``a_scale`` = 1 the initial output can hold the alignment below the success level at every n,
at ``a_scale`` = 0.1 the step is close to the symmetric one.

Examples
--------
>>> PrunedStandardInit(a_scale=0.1).name
'pruned, standard init |a| = 0.1'
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from theorylab._validation import check_choice, check_real
from theorylab.learners._steps import first_layer_step
from theorylab.numeric.learner import Trial, weight_metrics
from theorylab.numeric.pruning import STRATEGIES
from theorylab.numeric.students import draw_half_init, relu, sphere_on_support
from theorylab.numeric.training import default_eta1

__all__ = ["PrunedStandardInit", "STANDARD_INIT", "STANDARD_INIT_SMALL"]


@dataclass(frozen=True)
class PrunedStandardInit:
    """Algorithm 1, then one first-layer step from 2m independent neurons with |a_j| = ``a_scale`` (a Learner).

    Parameters
    ----------
    a_scale : float, default 1
        |a_j| of the second layer at the start (> 0).
    strategy : str, default "paper"
        The pruning (:data:`theorylab.numeric.pruning.STRATEGIES`).
    """

    a_scale: float = 1.0
    strategy: str = "paper"
    name: str = field(init=False)

    def __post_init__(self) -> None:
        check_real(self.a_scale, "a_scale", low=0.0, low_open=True)
        check_choice(self.strategy, "strategy", STRATEGIES)
        what = "pruned" if self.strategy == "paper" else f"{self.strategy} pruning"
        object.__setattr__(self, "name", f"{what}, standard init |a| = {self.a_scale:g}")

    def run(self, trial: Trial) -> dict[str, np.ndarray]:
        """Prune, draw 2m independent neurons on J, take the step on the squared loss; their metrics."""
        cfg = trial.config
        masks = trial.pruning_masks(self.strategy)
        d, width = cfg.d, 2 * cfg.width  # as many neurons as the symmetric network has
        signs, b, G = draw_half_init(width, d, trial.rng("init"))
        a = self.a_scale * signs
        W0 = sphere_on_support(G[None], masks[:, None, :])  # (K, 2m, d): the start on J_k

        def output(k: int, X: np.ndarray) -> np.ndarray:
            return relu(X[:, :d] @ W0[k].T + b) @ a

        eta = cfg.eta1
        if eta is None:
            assert cfg.k_star is not None  # simulate computes k* whenever eta1 is not given
            eta = default_eta1(d if self.strategy == "none" else cfg.M, cfg.k_star, cfg.r, cfg.eta_scale)
        W1 = first_layer_step(trial, masks, a, b, W0, eta, output)
        return weight_metrics(W1, trial.V, masks)


#: The standard initialisation with unit second-layer weights.
STANDARD_INIT = PrunedStandardInit(a_scale=1.0)
#: The standard initialisation with a small second layer (|a| = 0.1).
STANDARD_INIT_SMALL = PrunedStandardInit(a_scale=0.1)
