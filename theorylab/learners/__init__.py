"""Learners of one's own, written through :mod:`theorylab.numeric.learner`: two of the paper's open directions (§7).

* :mod:`~theorylab.learners.multistep`: pruning followed by several first-layer steps
  (:class:`PrunedMultiStepGD`, :data:`ONE_STEP`, :data:`TEN_STEPS`);
* :mod:`~theorylab.learners.standard_init`: pruning followed by one step from the standard, non-symmetric
  initialisation (:class:`PrunedStandardInit`, :data:`STANDARD_INIT`, :data:`STANDARD_INIT_SMALL`).

Each is an ordinary :class:`~theorylab.numeric.learner.Learner`: ``simulate(link, ..., method=TEN_STEPS)`` runs it,
and a sweep names it ``"theorylab.learners:TEN_STEPS"``. This package sits above the numeric layer and imports
only from it (and from the symbolic layer below).

Examples
--------
>>> from theorylab.numeric.learner import Learner
>>> all(isinstance(x, Learner) for x in (ONE_STEP, TEN_STEPS, STANDARD_INIT, STANDARD_INIT_SMALL))
True
"""

from theorylab.learners.multistep import ONE_STEP, TEN_STEPS, PrunedMultiStepGD
from theorylab.learners.standard_init import STANDARD_INIT, STANDARD_INIT_SMALL, PrunedStandardInit

__all__ = ["PrunedMultiStepGD", "ONE_STEP", "TEN_STEPS", "PrunedStandardInit", "STANDARD_INIT", "STANDARD_INIT_SMALL"]
