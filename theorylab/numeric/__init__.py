"""Numeric layer: teachers and streams, Algorithm 1 (pruning), Algorithm 2 (training), their plain-loop
reference, the baselines (online SGD, GD with reuse), metrics, the ``simulate`` entry point and the protocol of a
learner of one's own (``Learner``, ``Trial``). NumPy only,
vectorised over trials.

>>> from theorylab.numeric import simulate
>>> simulate("He2(z)", d=32, n=300, trials=2, checkpoints=[300]).success.shape
(2, 1)
"""

from theorylab.numeric.learner import (
    Learner,
    Trial,
    check_learner_metrics,
    learner_name,
    resolve_learner,
    weight_metrics,
)
from theorylab.numeric.metrics import (
    METRICS,
    SuccessCriterion,
    alignment,
    alignment_summary,
    default_criterion,
    excess_risk,
    subspace_coverage,
    support_recall,
)
from theorylab.numeric.pruning import (
    STRATEGIES,
    PruneResult,
    default_c,
    make_pruner,
    prune,
    prune_network,
)
from theorylab.numeric.simulate import METHODS, SimulationResult, checkpoint_grid, simulate
from theorylab.numeric.teachers import Teacher, derive_seed, make_teacher, stream_trials
from theorylab.numeric.training import (
    TrainedNetwork,
    default_eta1,
    default_M,
    train_algorithm2,
)

__all__ = [
    "METHODS",
    "METRICS",
    "Learner",
    "Trial",
    "check_learner_metrics",
    "learner_name",
    "resolve_learner",
    "weight_metrics",
    "STRATEGIES",
    "PruneResult",
    "SimulationResult",
    "SuccessCriterion",
    "Teacher",
    "TrainedNetwork",
    "alignment",
    "alignment_summary",
    "checkpoint_grid",
    "default_M",
    "default_c",
    "default_criterion",
    "default_eta1",
    "derive_seed",
    "excess_risk",
    "make_pruner",
    "make_teacher",
    "prune",
    "prune_network",
    "simulate",
    "stream_trials",
    "subspace_coverage",
    "support_recall",
    "train_algorithm2",
]
