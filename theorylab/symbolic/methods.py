"""The registry of methods: which rate each learner is held to, and which rates it must be told apart from.

This is the one place that says how a simulated method relates to the rates of :mod:`theorylab.symbolic.rates`.
Summaries, verdicts, the reproduction, the planner, the figures and the command line all read it.

* ``rate``: the rate the method is judged against (``None``: no claim; the method is measured, not judged);
* ``competitors``: the rates a verdict must exclude before it calls the method's own rate consistent. For the
  pruned network these are the paper's comparison (Vural & Erdogdu 2024, §1 and §7): the same network without
  pruning, the basis-independent bound d^{k*/2}, and the rates of the best basis-independent learners
  theorylab runs (online SGD; GD that reuses samples, whose rate for k_gen <= 2 is that of a spectral method);
* ``basis_independent``: the method's law is the same for every V with the same r (a rotation-invariant
  learner from a rotation-invariant start), so its n* cannot depend on the support size s at fixed d.

Examples
--------
>>> METHODS["pruned"].rate, METHODS["pruned"].competitors
('pruned', ('dense', 'csq_dense', 'online_sgd', 'sq_reuse'))
>>> [m.name for m in METHODS.values() if m.basis_independent]
['dense', 'online_sgd', 'gd_reuse']
>>> method_info("pruend")
Traceback (most recent call last):
...
ValueError: method: unknown method 'pruend' (did you mean 'pruned'?)
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass

from theorylab._display import ShortRepr
from theorylab._importable import is_importable_name

__all__ = ["Method", "METHODS", "BASIS_INDEPENDENT_LEARNERS", "method_info", "register_method"]


@dataclass(frozen=True, repr=False)
class Method(ShortRepr):
    """How one learner relates to the rates.

    Attributes
    ----------
    name : str
        The name :func:`theorylab.numeric.simulate` knows it by.
    display : str
        A readable name for tables and figures.
    rate : str or None
        The rate the method is held to.
    competitors : tuple of str
        Rates a verdict must be able to exclude (those that do not apply to a case are skipped).
    basis_independent : bool
        True when the method's n* cannot depend on the support size at fixed d.
    description : str
    """

    name: str
    display: str
    rate: str | None
    competitors: tuple[str, ...]
    basis_independent: bool
    description: str

    def _summary(self) -> dict[str, object]:
        return {"name": self.name, "rate": self.rate, "competitors": self.competitors,
                "basis_independent": self.basis_independent, "description": self.description}


#: The competitors of a sparsity-aware claim: no pruning, the basis-independent bound, the best
#: basis-independent learners theorylab runs.
_AGAINST_BASIS_INDEPENDENT = ("dense", "csq_dense", "online_sgd", "sq_reuse")

METHODS: dict[str, Method] = {
    m.name: m
    for m in (
        Method("pruned", "pruned (Alg. 1 + 2)", "pruned", _AGAINST_BASIS_INDEPENDENT, False,
               "Algorithm 1 prunes to the top-M coordinates, then Algorithm 2 (2+ for r >= 2)"),
        Method("oracle", "oracle support", "pruned", _AGAINST_BASIS_INDEPENDENT, False,
               "Algorithm 2 on the true support: what perfect pruning would give"),
        Method("dense", "dense one-step", "dense", ("pruned", "csq_dense"), True,
               "Algorithm 2 on all d coordinates (M = d)"),
        Method("online_sgd", "online SGD", "online_sgd", ("smoothed_sgd",), True,
               "spherical online SGD, one sample per step (Ben Arous et al. 2021)"),
        Method("gd_reuse", "GD with sample reuse", "sq_reuse", ("online_sgd",), True,
               "multi-step GD reusing a batch, with a label transformation (Damian et al. 2024)"),
        Method("hermite", "Hermite pruning", None, (), False, "pruning by an estimated Hermite coefficient"),
        Method("magnitude", "magnitude pruning", None, (), False, "pruning by first-layer gradient magnitude"),
        Method("random", "random pruning", None, (), False, "pruning to M random coordinates (a control)"),
        Method("online_sgd_pruned", "pruned online SGD", None, (), False, "Algorithm 1, then online SGD"),
        Method("gd_reuse_pruned", "pruned GD with reuse", None, (), False, "Algorithm 1, then GD with reuse"),
    )
}

#: The basis-independent learners theorylab runs, best first for k* >= 3 (sample reuse) and k* <= 2 (online SGD).
BASIS_INDEPENDENT_LEARNERS: tuple[str, ...] = tuple(m.name for m in METHODS.values() if m.basis_independent)


def method_info(method: str) -> Method:
    """The registry entry of ``method`` (a ValueError with the nearest name when unknown).

    Examples
    --------
    >>> method_info("dense").rate
    'dense'
    """
    if not isinstance(method, str):
        raise TypeError(f"method must be a string, got {type(method).__name__}")
    if method not in METHODS:
        near = difflib.get_close_matches(method, list(METHODS), n=1)
        hint = f" (did you mean {near[0]!r}?)" if near else ""
        raise ValueError(f"method: unknown method {method!r}{hint}")
    return METHODS[method]


def register_method(method: Method, *, replace: bool = False) -> Method:
    """Add a learner of your own to the registry: the rate it is held to and the rates it must beat.

    ``method.name`` is a name ``simulate`` knows: a built-in method, or the importable name
    ``"package.module:attribute"`` of a :class:`~theorylab.numeric.learner.Learner` (as a sweep lists it).

    Examples
    --------
    >>> m = register_method(Method("my_learner", "my learner", "dense", ("pruned",), True, "an example"))
    >>> method_info("my_learner").competitors
    ('pruned',)
    >>> _ = METHODS.pop("my_learner")
    >>> _ = register_method(Method("theorylab.learners:TEN_STEPS", "pruned + 10 steps", "pruned", ("dense",), False,
    ...                            "Algorithm 1 then ten first-layer steps"))
    >>> _ = METHODS.pop("theorylab.learners:TEN_STEPS")
    """
    if not isinstance(method, Method):
        raise TypeError(f"method must be a Method, got {type(method).__name__}")
    if not (method.name.isidentifier() or is_importable_name(method.name)):
        raise ValueError(f"method.name: must be an identifier or an importable name 'package.module:attribute', "
                         f"got {method.name!r}")
    if method.name in METHODS and not replace:
        raise ValueError(f"method: {method.name!r} is already registered (pass replace=True)")
    METHODS[method.name] = method
    return method
