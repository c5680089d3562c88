"""The result store: one directory per sweep, one checksummed NPZ file per cell.

Layout of a store directory::

    DIR/sweep.json            the sweep specification (JSON), so ``theorylab compare DIR`` needs nothing else
    DIR/cells/<key>.npz       one file per cell

``<key>`` is the SHA-256 of the canonical JSON of the cell's full configuration together with
:data:`RESULT_FORMAT_VERSION`, so a changed configuration or format never reads an old file.

A cell file is an ordinary NPZ archive of plain arrays (no object arrays, so ``numpy.load`` with
``allow_pickle=False`` reads it): ``n`` (int64), ``success`` (bool, trials x checkpoints), one
``metric.<name>`` float array per metric, and four JSON texts stored as 0-d unicode arrays:
``cell`` (the cell configuration), ``config`` (what ``simulate`` reports), ``meta`` (the seconds the cell
took, which do not determine the numbers) and ``checksum``, the SHA-256 of all the other arrays' names,
dtypes, shapes and bytes. Files are written atomically (a temporary file in
the same directory, flushed and fsync'ed, then ``os.replace``), so a killed run leaves either the complete
file or none. On reading, a file that cannot be opened, lacks an array or fails its checksum is reported with
a :class:`CorruptResultWarning` and treated as missing, so it is recomputed, never silently used.
"""

from __future__ import annotations

import hashlib
import json
import math
import os
import warnings
import zipfile
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from theorylab._files import atomic_write
from theorylab._limits import format_bytes, limits
from theorylab.sweeps.spec import Cell, SweepSpec, canonical_json, sweep_from_dict

__all__ = [
    "RESULT_FORMAT_VERSION",
    "CellResult",
    "CorruptResultWarning",
    "ResultStore",
    "cell_key",
    "load_results",
]

#: Version of the cell-file layout; part of every key, so a new layout never reads old files.
RESULT_FORMAT_VERSION = 1

_METRIC_PREFIX = "metric."
_JSON_FIELDS = ("cell", "config")
_SPEC_FILE = "sweep.json"
_CELL_DIR = "cells"


class CorruptResultWarning(UserWarning):
    """A stored cell file is unreadable or fails its checksum; it will be recomputed."""


def cell_key(config: Mapping[str, Any]) -> str:
    """The store key of a cell: SHA-256 (hex) of its canonical configuration and the format version.

    Examples
    --------
    >>> k = cell_key({"d": 81, "method": "pruned"})
    >>> len(k), k == cell_key({"method": "pruned", "d": 81})
    (64, True)
    >>> k == cell_key({"method": "pruned", "d": 82})
    False
    """
    if not isinstance(config, Mapping):
        raise TypeError(f"config must be a mapping, got {type(config).__name__}")
    text = canonical_json({"format": RESULT_FORMAT_VERSION, "cell": dict(config)})
    return hashlib.sha256(text.encode("ascii")).hexdigest()


@dataclass(frozen=True)
class CellResult:
    """What one cell computed.

    Attributes
    ----------
    n : ndarray of int64, shape (checkpoints,)
    success : ndarray of bool, shape (trials, checkpoints)
    metrics : dict of str to float ndarray (trials, checkpoints)
    config : dict
        The configuration ``simulate`` reported.
    cell : dict
        The sweep's cell configuration (what the key hashes).
    meta : dict
        Facts about the computation that do not determine the numbers (``elapsed_s``: seconds the cell took in
        its worker); not part of :meth:`equals`.
    """

    n: np.ndarray
    success: np.ndarray
    metrics: dict[str, np.ndarray] = field(default_factory=dict)
    config: dict[str, Any] = field(default_factory=dict)
    cell: dict[str, Any] = field(default_factory=dict)
    meta: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def from_arrays(
        cls,
        *,
        n: Any,
        success: Any,
        metrics: Mapping[str, Any] | None = None,
        config: Mapping[str, Any] | None = None,
        cell: Mapping[str, Any] | None = None,
        meta: Mapping[str, Any] | None = None,
    ) -> CellResult:
        """Check shapes and types and build a :class:`CellResult`.

        Examples
        --------
        >>> r = CellResult.from_arrays(n=[10, 100], success=[[False, True]], metrics={"alignment": [[0.1, 0.9]]})
        >>> r.success.shape, r.n.dtype
        ((1, 2), dtype('int64'))
        """
        n_arr = np.asarray(n)
        if n_arr.ndim != 1 or n_arr.size == 0 or not np.issubdtype(n_arr.dtype, np.integer):
            raise ValueError(f"n must be a non-empty 1-d integer array, got shape {n_arr.shape}, dtype {n_arr.dtype}")
        n_arr = n_arr.astype(np.int64)
        s_arr = np.asarray(success)
        if s_arr.dtype != np.bool_:
            raise TypeError(f"success must be a boolean array, got dtype {s_arr.dtype}")
        if s_arr.ndim != 2 or s_arr.shape[1] != n_arr.size:
            raise ValueError(f"success must have shape (trials, {n_arr.size}), got {s_arr.shape}")
        out_metrics: dict[str, np.ndarray] = {}
        for name, value in dict(metrics or {}).items():
            if not isinstance(name, str) or not name:
                raise TypeError(f"metrics: names must be non-empty strings, got {name!r}")
            arr = np.asarray(value, dtype=np.float64)
            if arr.shape != s_arr.shape:
                raise ValueError(f"metrics[{name!r}] must have shape {s_arr.shape}, got {arr.shape}")
            out_metrics[name] = arr
        config_d = json.loads(canonical_json(dict(config or {})))
        cell_d = json.loads(canonical_json(dict(cell or {})))
        meta_d = json.loads(canonical_json(dict(meta or {})))
        return cls(n=n_arr, success=s_arr, metrics=out_metrics, config=config_d, cell=cell_d, meta=meta_d)

    def arrays(self, *, meta: bool = True) -> dict[str, np.ndarray]:
        """The arrays written to the NPZ file, the checksum excepted (and ``meta`` when False)."""
        out: dict[str, np.ndarray] = {"n": self.n, "success": self.success}
        for name, value in self.metrics.items():
            out[_METRIC_PREFIX + name] = value
        out["cell"] = np.array(canonical_json(self.cell))
        out["config"] = np.array(canonical_json(self.config))
        if meta:
            out["meta"] = np.array(canonical_json(self.meta))
        return out

    def equals(self, other: CellResult) -> bool:
        """Bit-for-bit equality of every array and configuration (``meta`` aside)."""
        a, b = self.arrays(meta=False), other.arrays(meta=False)
        if a.keys() != b.keys():
            return False
        return all(a[k].dtype == b[k].dtype and a[k].shape == b[k].shape and a[k].tobytes() == b[k].tobytes() for k in a)


def _checksum(arrays: Mapping[str, np.ndarray]) -> str:
    h = hashlib.sha256()
    for name in sorted(arrays):
        arr = np.ascontiguousarray(arrays[name])
        h.update(f"{name}|{arr.dtype.str}|{arr.shape}|".encode())
        h.update(arr.tobytes())
    return h.hexdigest()


def _check_headers(path: Path) -> None:
    """Refuse, before any array is allocated, a file whose members claim more bytes than they hold."""
    size = path.stat().st_size
    if size > limits().cell_file_bytes:
        raise ValueError(f"file of {format_bytes(size)} exceeds the limit {format_bytes(limits().cell_file_bytes)}")
    with zipfile.ZipFile(path) as zf:
        for info in zf.infolist():
            if info.file_size > limits().cell_file_bytes:
                raise ValueError(f"member {info.filename!r} claims {format_bytes(info.file_size)}")
            with zf.open(info) as fh:
                version = np.lib.format.read_magic(fh)
                if version == (1, 0):
                    shape, _, dtype = np.lib.format.read_array_header_1_0(fh)
                elif version == (2, 0):
                    shape, _, dtype = np.lib.format.read_array_header_2_0(fh)
                else:
                    raise ValueError(f"member {info.filename!r} has NPY format version {version}")
            if dtype.hasobject:
                raise ValueError(f"member {info.filename!r} holds Python objects")
            claimed = math.prod(int(k) for k in shape) * dtype.itemsize
            if claimed > info.file_size:
                raise ValueError(
                    f"member {info.filename!r} claims shape {shape} ({format_bytes(claimed)}) but holds "
                    f"{format_bytes(info.file_size)}"
                )


class ResultStore:
    """A directory of cell results keyed by configuration hash.

    Parameters
    ----------
    directory : str or Path
        Created (with parents) if it does not exist.

    Examples
    --------
    >>> import tempfile
    >>> from theorylab.sweeps.spec import CaseSpec, SweepSpec
    >>> spec = SweepSpec("demo", 0, [CaseSpec("He2(z)", ["pruned"], [81], n_min=10, n_max=100, trials=2)])
    >>> cell = spec.cells()[0]
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     store = ResultStore(tmp)
    ...     before = len(store.missing([cell]))
    ...     _ = store.put(cell, CellResult.from_arrays(n=[10, 100], success=[[False, True], [True, True]]))
    ...     print(before, len(store.missing([cell])), store.get(cell).success.sum())
    1 0 3
    """

    def __init__(self, directory: str | Path) -> None:
        if not isinstance(directory, (str, Path, os.PathLike)):
            raise TypeError(f"directory must be a path, got {type(directory).__name__}")
        self.directory = Path(directory)
        if self.directory.exists() and not self.directory.is_dir():
            raise ValueError(f"directory: {self.directory} exists and is not a directory")
        if self.cell_dir.exists() and not self.cell_dir.is_dir():
            raise ValueError(f"directory: {self.cell_dir} exists and is not a directory")
        if not self.cell_dir.is_dir():
            try:
                self.cell_dir.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise ValueError(f"directory: cannot create {self.cell_dir} ({exc.strerror or exc})") from None

    @property
    def cell_dir(self) -> Path:
        """Where the cell files live."""
        return self.directory / _CELL_DIR

    def path(self, cell: Cell | str) -> Path:
        """The file of a cell (or of a key)."""
        key = cell if isinstance(cell, str) else cell_key(cell.config)
        return self.cell_dir / f"{key}.npz"

    # -- the sweep specification -----------------------------------------------------------------
    def save_spec(self, spec: SweepSpec) -> None:
        """Record (or update) the sweep specification in ``sweep.json``.

        Nothing is written when ``sweep.json`` already holds this specification (so a complete store can be read
        from a read-only directory). A store of a sweep with another name is refused; an updated
        specification of the same sweep is recorded with a warning that counts the stored cells it no
        longer lists (they stay on disk, unused).
        """
        text = json.dumps(spec.to_dict(), indent=2, sort_keys=True) + "\n"
        path = self.directory / _SPEC_FILE
        old = None
        if path.is_file():
            try:
                old = path.read_text(encoding="utf-8")
            except (OSError, UnicodeDecodeError):
                old = None
        if old == text:
            return
        if old is not None:
            try:
                old_name = json.loads(old).get("name")
            except (json.JSONDecodeError, AttributeError):
                old_name = None
            if old_name is not None and old_name != spec.name:
                raise ValueError(
                    f"store_dir: {self.directory} holds the results of the sweep {old_name!r}, not {spec.name!r}; "
                    "choose another directory (--out)"
                )
            wanted = {cell_key(c.config) for c in spec.cells()}
            orphans = [k for k in self.keys() if k not in wanted]
            if orphans:
                warnings.warn(
                    f"{self.directory}: the sweep {spec.name!r} changed; {len(orphans)} stored cells are not part of "
                    "it any more and will be ignored (they stay in cells/)",
                    UserWarning,
                    stacklevel=2,
                )
        try:
            atomic_write(path, lambda fh: fh.write(text.encode("utf-8")))
        except OSError as exc:
            raise ValueError(f"store_dir: cannot write {path} ({exc.strerror or exc}); choose another directory (--out)") from None

    def check_writable(self, cells: Iterable[Cell]) -> None:
        """Refuse, before any computation, a store the given cells cannot be written to."""
        if not os.access(self.cell_dir, os.W_OK | os.X_OK):
            raise ValueError(f"store_dir: {self.cell_dir} is not writable; choose another directory (--out)")
        for cell in cells:
            path = self.path(cell)
            if path.exists() and not path.is_file():
                raise ValueError(f"store_dir: {path} is in the place of a cell file and is not a file; remove it")

    def load_spec(self) -> SweepSpec:
        """The sweep specification recorded by :meth:`save_spec`."""
        path = self.directory / _SPEC_FILE
        if not path.exists():
            raise FileNotFoundError(f"{path}: no sweep.json; is {self.directory} a sweep result directory?")
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except json.JSONDecodeError as exc:
            raise ValueError(f"{path}: not valid JSON: {exc}") from None
        return sweep_from_dict(data)

    # -- cells -----------------------------------------------------------------------------------
    def put(self, cell: Cell, result: CellResult) -> Path:
        """Write a cell's result atomically; returns the file written."""
        if not isinstance(cell, Cell):
            raise TypeError(f"cell must be a Cell, got {type(cell).__name__}")
        if not isinstance(result, CellResult):
            raise TypeError(f"result must be a CellResult, got {type(result).__name__}")
        if result.cell and result.cell != json.loads(canonical_json(cell.config)):
            raise ValueError("result: its cell configuration differs from the cell it is stored under")
        if not result.cell:
            result = CellResult.from_arrays(
                n=result.n, success=result.success, metrics=result.metrics, config=result.config, cell=cell.config,
                meta=result.meta,
            )
        arrays = result.arrays()
        arrays["checksum"] = np.array(_checksum(arrays))
        path = self.path(cell)
        atomic_write(path, lambda fh: np.savez(fh, **arrays))  # type: ignore[arg-type]
        return path

    def read(self, path: str | Path) -> CellResult:
        """Read one cell file, verifying it; raises ``ValueError`` naming the file when it is corrupt."""
        path = Path(path)
        try:
            if not path.is_file():
                raise OSError(f"{path.name} is not a regular file")
            _check_headers(path)
            with np.load(path, allow_pickle=False) as z:
                arrays = {name: z[name] for name in z.files}
        except (OSError, ValueError, EOFError, KeyError, MemoryError, zipfile.BadZipFile, zipfile.LargeZipFile) as exc:
            raise ValueError(f"{path.name}: unreadable cell file ({type(exc).__name__}: {exc})") from None
        stored = arrays.pop("checksum", None)
        if stored is None or stored.shape != () or stored.dtype.kind != "U":
            raise ValueError(f"{path.name}: no checksum")
        if str(stored) != _checksum(arrays):
            raise ValueError(f"{path.name}: checksum mismatch")
        for name in ("n", "success", *_JSON_FIELDS):
            if name not in arrays:
                raise ValueError(f"{path.name}: missing array {name!r}")
        metrics = {k[len(_METRIC_PREFIX):]: v for k, v in arrays.items() if k.startswith(_METRIC_PREFIX)}
        try:
            return CellResult.from_arrays(
                n=arrays["n"],
                success=arrays["success"],
                metrics=metrics,
                config=json.loads(str(arrays["config"])),
                cell=json.loads(str(arrays["cell"])),
                meta=json.loads(str(arrays["meta"])) if "meta" in arrays else None,
            )
        except (ValueError, TypeError) as exc:
            raise ValueError(f"{path.name}: malformed cell file ({exc})") from None

    def get(self, cell: Cell) -> CellResult | None:
        """The stored result of ``cell``, or ``None`` when it is absent or corrupt (with a warning)."""
        if not isinstance(cell, Cell):
            raise TypeError(f"cell must be a Cell, got {type(cell).__name__}")
        path = self.path(cell)
        if not path.exists():
            return None
        try:
            result = self.read(path)
        except ValueError as exc:
            warnings.warn(f"{exc}; the cell {cell} will be recomputed", CorruptResultWarning, stacklevel=2)
            return None
        if cell_key(result.cell) != path.stem:
            warnings.warn(
                f"{path.name}: its configuration does not match its name; the cell {cell} will be recomputed",
                CorruptResultWarning,
                stacklevel=2,
            )
            return None
        return result

    def missing(self, cells: Iterable[Cell]) -> list[Cell]:
        """The cells without a valid stored result (absent, unreadable or failing the checksum)."""
        out = []
        for cell in cells:
            path = self.path(cell)
            if not path.exists():
                out.append(cell)
                continue
            if self.get(cell) is None:
                out.append(cell)
        return out

    def __contains__(self, cell: object) -> bool:
        return isinstance(cell, Cell) and self.path(cell).exists()

    def keys(self) -> list[str]:
        """Keys of every cell file present (valid or not)."""
        return sorted(p.stem for p in self.cell_dir.glob("*.npz") if not p.name.startswith("."))

    def results(self) -> list[CellResult]:
        """Every valid stored result; corrupt files are skipped with a warning."""
        out = []
        for key in self.keys():
            path = self.path(key)
            try:
                result = self.read(path)
            except ValueError as exc:
                warnings.warn(f"{exc}; skipped", CorruptResultWarning, stacklevel=2)
                continue
            if cell_key(result.cell) != key:
                warnings.warn(f"{path.name}: configuration does not match its name; skipped", CorruptResultWarning, stacklevel=2)
                continue
            out.append(result)
        return out


def load_results(directory: str | Path, *, metrics: bool = True) -> Any:
    """All stored results of a sweep directory as a long pandas DataFrame.

    One row per (cell, trial, checkpoint) with columns ``link, r, q, alpha, method, d, n_min, n_max,
    trials, criterion, threshold, sweep_seed, key, elapsed_s, trial, n, success`` and one column per metric
    (when ``metrics``); ``elapsed_s`` is the seconds the whole cell took. Corrupt files are skipped with a :class:`CorruptResultWarning`.

    Examples
    --------
    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     len(load_results(tmp))
    0
    """
    import pandas as pd

    if not isinstance(directory, (str, Path, os.PathLike)):
        raise TypeError(f"directory must be a path, got {type(directory).__name__}")
    if not Path(directory).is_dir():
        raise FileNotFoundError(f"directory: {directory} does not exist")
    store = ResultStore(directory)
    frames = []
    for key, result in ((cell_key(r.cell), r) for r in store.results()):
        trials, checkpoints = result.success.shape
        data: dict[str, Any] = {
            "trial": np.repeat(np.arange(trials), checkpoints),
            "n": np.tile(result.n, trials),
            "success": result.success.ravel(),
        }
        if metrics:
            for name, value in result.metrics.items():
                data[name] = value.ravel()
        frame = pd.DataFrame(data)
        frame.insert(0, "elapsed_s", result.meta.get("elapsed_s", np.nan))
        for name, value in result.cell.items():
            if name != "options":
                frame.insert(0, name, [value] * len(frame))
        frame.insert(0, "key", key)
        frames.append(frame)
    if not frames:
        return pd.DataFrame(columns=["key", "method", "d", "trial", "n", "success"])
    return pd.concat(frames, ignore_index=True)
