"""``SimulationResult``: what :func:`theorylab.numeric.simulate.simulate` returns (checkpoints, success, metrics, config)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

__all__ = ["SimulationResult", "to_jsonable"]


@dataclass
class SimulationResult:
    """The outcome of :func:`simulate`.

    Attributes
    ----------
    n : int64 array (K,)
        The checkpoints, increasing, last = n.
    success : bool array (trials, K)
    metrics : dict name -> float array (trials, K)
    config : dict
        JSON-serialisable record of every argument that determines the numbers.
    """

    n: np.ndarray
    success: np.ndarray
    metrics: dict[str, np.ndarray]
    config: dict[str, Any] = field(default_factory=dict)

    @property
    def success_rate(self) -> np.ndarray:
        """Fraction of successful trials at each checkpoint."""
        return self.success.mean(axis=0)

    def to_dataframe(self) -> Any:
        """Long-format ``pandas.DataFrame``: one row per (trial, checkpoint), columns trial, n, success, metrics.

        Examples
        --------
        >>> import numpy as np
        >>> r = SimulationResult(np.array([10, 20]), np.array([[False, True]]), {"coverage": np.array([[0.1, 0.9]])})
        >>> r.to_dataframe().shape
        (2, 4)
        """
        import pandas as pd

        T, K = self.success.shape
        data = {
            "trial": np.repeat(np.arange(T), K),
            "n": np.tile(self.n, T),
            "success": self.success.reshape(-1),
        }
        for name, arr in self.metrics.items():
            data[name] = np.asarray(arr, dtype=float).reshape(-1)
        return pd.DataFrame(data)


def to_jsonable(x: Any) -> Any:
    """``x`` with NumPy arrays and scalars turned into lists and Python numbers (dict keys into strings).

    Examples
    --------
    >>> import numpy as np
    >>> to_jsonable({1: np.arange(2), "a": (np.float64(0.5), None)})
    {'1': [0, 1], 'a': [0.5, None]}
    """
    if isinstance(x, dict):
        return {str(k): to_jsonable(v) for k, v in x.items()}
    if isinstance(x, (list, tuple)):
        return [to_jsonable(v) for v in x]
    if isinstance(x, np.ndarray):
        return to_jsonable(x.tolist())
    if isinstance(x, np.generic):
        return x.item()
    if isinstance(x, (str, int, float, bool)) or x is None:
        return x
    return str(x)
