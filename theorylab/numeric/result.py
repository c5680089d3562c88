"""``SimulationResult``: what :func:`theorylab.numeric.simulate.simulate` returns (checkpoints, success, metrics, config)."""

from __future__ import annotations

import html
import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from theorylab._files import atomic_write

__all__ = ["SimulationResult", "to_jsonable"]


@dataclass(repr=False)
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

    #: Configuration entries repeated on every row of :meth:`to_dataframe`, so that concatenated runs stay apart.
    FRAME_COLUMNS = ("method", "link", "d", "alpha", "q", "r", "trials", "seed", "engine", "dtype")

    def to_dataframe(self) -> Any:
        """Long-format ``pandas.DataFrame``: one row per (trial, checkpoint), with the configuration columns.

        Columns: those of :attr:`FRAME_COLUMNS` present in ``config``, then trial, n, success and every metric.

        Examples
        --------
        >>> import numpy as np
        >>> r = SimulationResult(np.array([10, 20]), np.array([[False, True]]), {"coverage": np.array([[0.1, 0.9]])},
        ...                      {"method": "pruned", "d": 64})
        >>> list(r.to_dataframe().columns)
        ['method', 'd', 'trial', 'n', 'success', 'coverage']
        """
        try:
            import pandas as pd
        except ImportError:
            raise ImportError("to_dataframe needs pandas: pip install 'theorylab[frames]'") from None
        T, K = self.success.shape
        data: dict[str, Any] = {k: [self.config[k]] * (T * K) for k in self.FRAME_COLUMNS if k in self.config}
        data.update(trial=np.repeat(np.arange(T), K), n=np.tile(self.n, T), success=self.success.reshape(-1))
        for name, arr in self.metrics.items():
            data[name] = np.asarray(arr, dtype=float).reshape(-1)
        return pd.DataFrame(data)

    def save(self, path: str | os.PathLike[str]) -> Path:
        """Write the result to ``path`` (``.npz``): arrays as NPZ entries, the configuration as JSON text.

        No pickles: :meth:`load` reads it back with ``allow_pickle=False``. The write is atomic.

        Examples
        --------
        >>> import tempfile, numpy as np
        >>> r = SimulationResult(np.array([10, 20]), np.array([[False, True]]), {"coverage": np.array([[0.1, 0.9]])},
        ...                      {"method": "pruned", "d": 64})
        >>> with tempfile.TemporaryDirectory() as tmp:
        ...     back = SimulationResult.load(r.save(Path(tmp) / "run.npz"))
        >>> back.config["d"], back.success.tolist(), back.metrics["coverage"].tolist()
        (64, [[False, True]], [[0.1, 0.9]])
        """
        target = Path(path)
        if target.suffix != ".npz":
            raise ValueError(f"path: a result is saved as .npz, got {target.name!r}")
        arrays = {"n": np.asarray(self.n), "success": np.asarray(self.success)}
        arrays.update({f"metric:{k}": np.asarray(v) for k, v in self.metrics.items()})
        arrays["config_json"] = np.array(json.dumps(to_jsonable(self.config), ensure_ascii=False))
        atomic_write(target, lambda fh: np.savez_compressed(fh, **arrays))  # type: ignore[arg-type]
        return target

    @classmethod
    def load(cls, path: str | os.PathLike[str]) -> SimulationResult:
        """Read a result written by :meth:`save` (never unpickles)."""
        try:
            with np.load(Path(path), allow_pickle=False) as data:
                metrics = {k.split(":", 1)[1]: data[k] for k in data.files if k.startswith("metric:")}
                return cls(data["n"], data["success"].astype(bool), metrics, json.loads(str(data["config_json"])))
        except (KeyError, ValueError, OSError) as exc:
            raise ValueError(f"path: {path} is not a saved SimulationResult ({exc})") from None

    def __repr__(self) -> str:
        c = self.config
        T, K = np.shape(self.success)
        what = ", ".join(f"{k}={c[k]!r}" for k in ("method", "link", "d", "engine") if k in c)
        return (f"SimulationResult({what}; {T} trials x {K} checkpoints n = {int(self.n[0])}..{int(self.n[-1])}, "
                f"final success {float(np.mean(self.success[:, -1])) if T else float('nan'):.2f}; "
                f"metrics {sorted(self.metrics)})")

    def _repr_html_(self) -> str:
        rate = np.mean(self.success, axis=0) if len(self.success) else np.array([])
        rows = "".join(f"<tr><td>{int(n)}</td><td>{r:.2f}</td></tr>" for n, r in zip(self.n, rate, strict=False))
        return (f"<p><code>{html.escape(repr(self))}</code></p>"
                f"<table><tr><th>n</th><th>success rate</th></tr>{rows}</table>")


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
