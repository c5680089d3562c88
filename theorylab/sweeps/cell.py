"""One cell of a sweep (:class:`Cell`): one (case, method, scan point) triple, one call of ``simulate``.

A cell's :attr:`~Cell.config` holds every value that determines its numbers; its :attr:`~Cell.seed` is derived
from the sweep seed and a SHA-256 hash of that configuration, so adding or removing cells never changes the
numbers of the others.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any

import numpy as np

from theorylab.sweeps.canonical import canonical_json
from theorylab.sweeps.case import CaseSpec

__all__ = ["Cell"]


@dataclass(frozen=True)
class Cell:
    """One (case, method, d) cell of a sweep: one call of ``simulate``.

    Attributes
    ----------
    case_index : int
        Position of the case in the sweep.
    label : str
        The case's label.
    method : str
    d : int
    case : CaseSpec
    sweep_seed : int
    """

    case_index: int
    label: str
    method: str
    d: int
    case: CaseSpec
    sweep_seed: int
    s: int | None = None

    @property
    def x(self) -> int:
        """The cell's point on its case's scan: d, or s for an s-scan."""
        return self.d if self.s is None else self.s

    @property
    def alpha(self) -> float:
        """The sparsity exponent the cell runs with (log s / log d in an s-scan)."""
        return self.case.alpha if self.s is None else self.case.alpha_at(self.s)

    @property
    def config(self) -> dict[str, Any]:
        """Every value that determines the cell's numbers (the link in canonical SymPy form)."""
        case = self.case
        config = {
            "link": str(case.link_object.expr),
            "r": case.r,
            "q": case.q,
            "alpha": self.alpha,
            "method": self.method,
            "d": self.d,
            "n_min": case.n_range(self.x)[0],
            "n_max": case.n_range(self.x)[1],
            "trials": case.trials,
            "criterion": case.criterion,
            "threshold": case.threshold,
            "options": dict(case.options),
            "sweep_seed": self.sweep_seed,
        }
        if self.s is not None:  # d-scan cells keep the configuration (and so the seed) they always had
            config["s"] = self.s
        return config

    @property
    def seed(self) -> int:
        """The cell's seed: ``SeedSequence(entropy=[sweep_seed, *hash words of the config])``, 63 bits.

        The hash covers the configuration without the sweep seed, so two cells differ in seed whenever they
        differ in anything, and a cell's seed does not depend on which other cells the sweep holds.
        """
        config = self.config
        del config["sweep_seed"]
        digest = hashlib.sha256(canonical_json(config).encode("ascii")).digest()
        words = np.frombuffer(digest, dtype="<u4").tolist()
        state = np.random.SeedSequence(entropy=[self.sweep_seed, *words]).generate_state(1, dtype=np.uint64)
        return int(state[0]) & ((1 << 63) - 1)

    def simulate_kwargs(self) -> dict[str, Any]:
        """Keyword arguments of ``simulate`` for this cell."""
        case = self.case
        link = case.link if isinstance(case.link, str) else case.link_object
        n_min, n_max = case.n_range(self.x)
        kwargs: dict[str, Any] = {
            "link": link,
            "d": self.d,
            "n": n_max,
            "n_min": n_min,
            "method": self.method,
            "alpha": self.alpha,
            "q": case.q,
            "r": case.r,
            "trials": case.trials,
            "seed": self.seed,
        }
        criterion = case.success_criterion()
        if criterion is not None:
            kwargs["criterion"] = criterion
        if case.params:
            kwargs["params"] = dict(case.params)
        kwargs.update(case.options)
        return kwargs

    def __str__(self) -> str:
        where = f"d={self.d}" if self.s is None else f"d={self.d}, s={self.s}"
        return f"{self.label} / {self.method} / {where}"
