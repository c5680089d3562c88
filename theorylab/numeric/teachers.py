"""Teachers: single- and multi-index models y = σ*(Vᵀx) + ε and their prefix-consistent sample streams.

The data model is THEORY §1: x ~ N(0, I_d), y = σ*(Vᵀx) + ε with V ∈ R^{d×r} orthonormal and Gaussian
label noise ε ~ N(0, noise_std²).

Streams
-------
Samples are generated in fixed internal *blocks* of :data:`BLOCK_ROWS` rows. Block ``b`` of the stream with
seed ``s`` comes from its own generator ``Generator(PCG64(SeedSequence(s.entropy, spawn_key=s.spawn_key + (b,))))``,
which draws, in this order, the ``BLOCK_ROWS × d`` inputs, then (only when ``noise_std > 0``) the label noise,
then (only for ``augment=True``) the extra independent coordinate of Algorithm 1. Hence

* the first n samples never depend on the chunk size or on the total number asked for (prefix consistency),
* the inputs x and labels y are the same with and without the augmented coordinate,
* blocks can be generated concurrently: they run on a small thread pool (NumPy releases the GIL while it fills
  arrays with Gaussians), so generation uses both cores of a 2-core machine. The number of threads never
  changes the numbers.

:func:`stream_trials` runs the streams of several trials together and returns arrays of shape
``(trials, chunk, d)``; trial t's data depend only on its own seed, never on which trials run beside it.

Seeds
-----
:func:`derive_seed` gives the child ``SeedSequence(seed, spawn_key=(k1, k2, ...))``; trial t of a simulation with
seed ``s`` uses ``derive_seed(s, t)`` (the same as ``SeedSequence(s).spawn(t + 1)[t]``).

Examples
--------
>>> from theorylab.numeric.teachers import Teacher
>>> import numpy as np
>>> T = Teacher("He2(z)", np.eye(4)[:, :1])
>>> X, y = next(T.stream(seed=0, n=5, chunk_size=5))
>>> X.shape, y.shape
((5, 4), (5,))
>>> bool(np.allclose(y, X[:, 0] ** 2 - 1))
True
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import numpy as np

from theorylab._validation import check_int, check_orthonormal, check_real

__all__ = [
    "BLOCK_ROWS",
    "Teacher",
    "make_teacher",
    "derive_seed",
    "stream_trials",
    "check_dtype",
]

#: Rows per internal generation block. Changing it changes the numbers a seed gives.
BLOCK_ROWS = 2048

#: Default number of generation threads (the numbers never depend on it).
DEFAULT_WORKERS = max(1, min(2, os.cpu_count() or 1))

_POOLS: dict[int, ThreadPoolExecutor] = {}
if hasattr(os, "register_at_fork"):
    # A forked child inherits the pools without their threads: work submitted there would never run.
    os.register_at_fork(after_in_child=_POOLS.clear)


def _pool(workers: int) -> ThreadPoolExecutor:
    pool = _POOLS.get(workers)
    if pool is None:
        pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="theorylab-gen")
        _POOLS[workers] = pool
    return pool


def check_dtype(dtype: Any, name: str = "dtype") -> np.dtype:
    """Return ``numpy.float64`` or ``numpy.float32`` for ``dtype`` (``"float64"``/``"float32"`` or NumPy dtypes).

    Examples
    --------
    >>> check_dtype("float32")
    dtype('float32')
    >>> check_dtype("int8")
    Traceback (most recent call last):
    ...
    ValueError: dtype must be float64 or float32, got 'int8'
    """
    try:
        dt = np.dtype(dtype)
    except TypeError:
        raise TypeError(f"{name} must be 'float64' or 'float32', got {dtype!r}") from None
    if dt not in (np.dtype(np.float64), np.dtype(np.float32)):
        raise ValueError(f"{name} must be float64 or float32, got {dtype!r}")
    return dt


def derive_seed(seed: Any, *keys: int) -> np.random.SeedSequence:
    """The child ``SeedSequence`` of ``seed`` with spawn key extended by ``keys``.

    ``derive_seed(s, t)`` equals ``SeedSequence(s).spawn(t + 1)[t]``: it does not depend on how many
    siblings exist, which makes trial t's numbers independent of the number of trials.

    Parameters
    ----------
    seed : int or numpy.random.SeedSequence
    *keys : int
        Non-negative integers appended to the spawn key.

    Examples
    --------
    >>> import numpy as np
    >>> a = derive_seed(7, 3).generate_state(2)
    >>> b = np.random.SeedSequence(7).spawn(4)[3].generate_state(2)
    >>> bool((a == b).all())
    True
    """
    if isinstance(seed, np.random.SeedSequence):
        base = seed
    elif isinstance(seed, (int, np.integer)) and not isinstance(seed, bool):
        if seed < 0:
            raise ValueError(f"seed must be a non-negative integer, got {seed}")
        base = np.random.SeedSequence(int(seed))
    else:
        raise TypeError(f"seed must be a non-negative int or a numpy SeedSequence, got {type(seed).__name__}")
    for k in keys:
        if not isinstance(k, (int, np.integer)) or k < 0:
            raise ValueError(f"seed keys must be non-negative integers, got {k!r}")
    return np.random.SeedSequence(
        base.entropy, spawn_key=tuple(base.spawn_key) + tuple(int(k) for k in keys), pool_size=base.pool_size
    )


class Teacher:
    """A single- or multi-index teacher y = σ*(Vᵀx) + ε, x ~ N(0, I_d), ε ~ N(0, noise_std²).

    Parameters
    ----------
    link : str, sympy.Expr, callable or Link
        σ*: R^r -> R (see :func:`theorylab.symbolic.links.as_link`). Its arity must equal r.
        The link is used as given: it is *not* centred or scaled to unit variance unless ``normalize=True``.
    V : array_like, shape (d, r) or (d,)
        Orthonormal columns (checked to 1e-8).
    noise_std : float, default 0
        Standard deviation of the Gaussian label noise.
    normalize : bool, default False
        Replace σ* by (σ* - Eσ*)/sd(σ*) with ``theorylab.symbolic.hermite.normalize_link``.

    Attributes
    ----------
    link, V, noise_std, d, r, support (indices of the non-zero rows of V)

    Examples
    --------
    >>> import numpy as np
    >>> T = Teacher("z1*z2", np.eye(3)[:, :2])
    >>> T.d, T.r, T.support.tolist()
    (3, 2, [0, 1])
    >>> float(T.f(np.array([[2.0, 3.0, 5.0]]))[0])
    6.0
    >>> Teacher("z1*z2", np.eye(3)[:, :1])
    Traceback (most recent call last):
    ...
    ValueError: link: arity 2 does not match r = 1 (the number of columns of V)
    """

    def __init__(self, link: Any, V: Any, noise_std: float = 0.0, *, normalize: bool = False) -> None:
        from theorylab.symbolic.links import as_link

        V = check_orthonormal(V, "V")
        noise_std = check_real(noise_std, "noise_std", low=0.0)
        lk = as_link(link)
        d, r = V.shape
        if lk.arity != r and not (lk.func is not None and r > 1):
            raise ValueError(f"link: arity {lk.arity} does not match r = {r} (the number of columns of V)")
        if lk.func is not None and lk.arity != r:
            lk = as_link(lk.func, arity=r)
        if normalize:
            try:
                from theorylab.symbolic.hermite import normalize_link
            except ImportError as exc:  # pragma: no cover - depends on the symbolic layer
                raise ImportError("normalize=True needs theorylab.symbolic.hermite.normalize_link") from exc
            lk = normalize_link(lk)
        self.link = lk
        self.V = V
        self.noise_std = noise_std
        self.d = d
        self.r = r
        self.support = np.flatnonzero(np.any(V != 0.0, axis=1))
        self._Vs = np.ascontiguousarray(V[self.support])

    def __repr__(self) -> str:
        return f"Teacher(link={self.link.text!r}, d={self.d}, r={self.r}, noise_std={self.noise_std:g})"

    def f(self, X: Any) -> np.ndarray:
        """The noise-free target σ*(Vᵀx) on inputs ``X`` of shape (..., d) (extra columns beyond d are ignored)."""
        X = np.asarray(X)
        if X.ndim < 1 or X.shape[-1] < self.d:
            raise ValueError(f"X must have a last axis of length >= d = {self.d}, got shape {X.shape}")
        Z = X[..., self.support] @ self._Vs.astype(X.dtype if X.dtype.kind == "f" else float, copy=False)
        out = self.link.numpy(Z[..., 0] if self.r == 1 else Z)
        return np.asarray(out, dtype=np.result_type(X.dtype, np.float32))

    def sample(self, n: int, rng: Any = None, *, dtype: Any = "float64") -> tuple[np.ndarray, np.ndarray]:
        """``n`` i.i.d. samples (X, y) from a generator (not a stream; for quick checks).

        Examples
        --------
        >>> import numpy as np
        >>> X, y = Teacher("z", np.array([1.0, 0.0])).sample(3, rng=0)
        >>> bool(np.array_equal(X[:, 0], y))
        True
        """
        from theorylab._validation import check_rng

        n = check_int(n, "n", minimum=1)
        gen = check_rng(rng)
        dt = check_dtype(dtype)
        X = gen.standard_normal((n, self.d), dtype=dt)
        y = self.f(X)
        if self.noise_std > 0:
            y = y + self.noise_std * gen.standard_normal(n, dtype=dt)
        return X, y

    def stream(
        self,
        seed: Any,
        n: int,
        chunk_size: int = 4 * BLOCK_ROWS,
        *,
        augment: bool = False,
        clean: bool = False,
        start: int = 0,
        dtype: Any = "float64",
        workers: int | None = None,
    ) -> Iterator[tuple[np.ndarray, ...]]:
        """Yield chunks ``(X, y)`` (or ``(X, y, f)`` with ``clean=True``) covering samples ``start .. n-1``.

        See :func:`stream_trials`; this is the one-trial version with the trial axis removed.

        Examples
        --------
        >>> import numpy as np
        >>> T = Teacher("He3(z)", np.eye(5)[:, :1], noise_std=0.1)
        >>> a = np.concatenate([X for X, _ in T.stream(1, 10, chunk_size=3)])
        >>> b = next(T.stream(1, 4, chunk_size=4))[0]
        >>> bool(np.array_equal(a[:4], b))
        True
        """
        for out in stream_trials(
            [self], [seed], n, chunk_size, augment=augment, clean=clean, start=start, dtype=dtype, workers=workers
        ):
            yield tuple(a[0] for a in out)


def make_teacher(
    link: Any,
    d: int,
    r: int = 1,
    q: float = 0.0,
    alpha: float = 0.25,
    noise_std: float = 0.0,
    rng: Any = None,
    *,
    normalize: bool = False,
) -> Teacher:
    """A :class:`Teacher` whose V is drawn by :func:`theorylab.symbolic.sparsity.sparse_directions`.

    Parameters
    ----------
    link : link
        σ* of arity r.
    d, r : int
        Dimension and number of directions.
    q, alpha : float
        Sparsity index and exponent (q = 0: s = round(d^α) non-zero rows).
    noise_std : float
    rng : None, int, SeedSequence or Generator
        Draws V.
    normalize : bool

    Examples
    --------
    >>> T = make_teacher("He2(z)", d=256, alpha=0.25, rng=0)
    >>> len(T.support)
    4
    """
    d = check_int(d, "d", minimum=1)
    r = check_int(r, "r", minimum=1)
    from theorylab.symbolic.links import as_link

    lk = as_link(link)
    if lk.func is None and lk.arity != r:
        raise ValueError(f"link: arity {lk.arity} does not match r = {r}")
    from theorylab.symbolic.sparsity import sparse_directions

    V = sparse_directions(d, r=r, q=q, alpha=alpha, rng=rng)
    return Teacher(lk, V, noise_std=noise_std, normalize=normalize)


def _block_job(
    teacher: Teacher,
    seed: np.random.SeedSequence,
    block: int,
    lo: int,
    hi: int,
    X_out: np.ndarray,
    y_out: np.ndarray,
    f_out: np.ndarray | None,
    augment: bool,
    cache: dict | None = None,
    key: Any = None,
) -> None:
    """Generate block ``block`` and write its rows ``lo:hi`` (block-relative) into the output slices.

    A block split between two chunks is kept in ``cache[key]`` so that the next chunk does not regenerate it.
    """
    d = teacher.d
    dt = X_out.dtype
    full = lo == 0 and hi == BLOCK_ROWS and not augment
    if not full and cache is not None and key in cache:
        X, yx, fx, z = cache[key]
        _write(X, yx, fx, z, lo, hi, X_out, y_out, f_out, d)
        return
    gen = np.random.default_rng(  # block b of the stream: the child SeedSequence with spawn key (..., b)
        np.random.SeedSequence(seed.entropy, spawn_key=tuple(seed.spawn_key) + (block,), pool_size=seed.pool_size)
    )
    if full:
        X = X_out
        gen.standard_normal(out=X, dtype=dt)
    else:
        X = gen.standard_normal((BLOCK_ROWS, d), dtype=dt)
    fx = teacher.f(X)
    if teacher.noise_std > 0:
        eps = gen.standard_normal(BLOCK_ROWS, dtype=dt)
        yx = fx + dt.type(teacher.noise_std) * eps
    else:
        yx = fx
    z = gen.standard_normal(BLOCK_ROWS, dtype=dt) if augment else None
    if full:
        y_out[:] = yx
        if f_out is not None:
            f_out[:] = fx
        return
    if cache is not None and hi < BLOCK_ROWS:
        cache[key] = (X, yx, fx, z)
    _write(X, yx, fx, z, lo, hi, X_out, y_out, f_out, d)


def _write(X: Any, yx: Any, fx: Any, z: Any, lo: int, hi: int, X_out: Any, y_out: Any, f_out: Any, d: int) -> None:
    X_out[:, :d] = X[lo:hi]
    if z is not None:
        X_out[:, d] = z[lo:hi]
    y_out[:] = yx[lo:hi]
    if f_out is not None:
        f_out[:] = fx[lo:hi]


def stream_trials(
    teachers: Sequence[Teacher],
    seeds: Sequence[Any],
    n: int,
    chunk_size: int = 4 * BLOCK_ROWS,
    *,
    augment: bool = False,
    clean: bool = False,
    start: int = 0,
    dtype: Any = "float64",
    workers: int | None = None,
) -> Iterator[tuple[np.ndarray, ...]]:
    """Trial-batched, prefix-consistent stream of samples ``start .. n-1``.

    Parameters
    ----------
    teachers : sequence of Teacher
        One per trial, all with the same d.
    seeds : sequence of int or SeedSequence
        One per trial. Trial t's samples depend only on ``(teachers[t], seeds[t])``.
    n : int
        One past the index of the last sample.
    chunk_size : int, default 8192
        Rows per yielded chunk (the last chunk may be shorter). Multiples of :data:`BLOCK_ROWS` are fastest.
    augment : bool, default False
        Append Algorithm 1's independent N(0, 1) coordinate as column d (X then has d + 1 columns).
    clean : bool, default False
        Also yield the noise-free targets σ*(Vᵀx).
    start : int, default 0
        Index of the first sample to yield.
    dtype : "float64" or "float32"
        Float32 draws different numbers than float64.
    workers : int, optional
        Generation threads (default 2 or the number of cores if smaller); never changes the numbers.

    Yields
    ------
    X : ndarray (trials, chunk, d) or (trials, chunk, d + 1)
    y : ndarray (trials, chunk)
    f : ndarray (trials, chunk), only with ``clean=True``

    Examples
    --------
    >>> import numpy as np
    >>> T = [Teacher("z", np.eye(3)[:, :1]), Teacher("z", np.eye(3)[:, 1:2])]
    >>> X, y = next(stream_trials(T, [5, 6], n=4, chunk_size=4))
    >>> X.shape, y.shape
    ((2, 4, 3), (2, 4))
    >>> X1, _ = next(stream_trials(T[1:], [6], n=4, chunk_size=4))
    >>> bool(np.array_equal(X[1], X1[0]))
    True
    """
    teachers = list(teachers)
    seeds = [derive_seed(s) for s in seeds]
    if not teachers:
        raise ValueError("teachers must not be empty")
    if len(seeds) != len(teachers):
        raise ValueError(f"seeds: expected {len(teachers)} seeds (one per teacher), got {len(seeds)}")
    d = teachers[0].d
    if any(t.d != d for t in teachers):
        raise ValueError("teachers must all have the same dimension d")
    n = check_int(n, "n", minimum=1)
    chunk_size = check_int(chunk_size, "chunk_size", minimum=1)
    start = check_int(start, "start", minimum=0, maximum=n)
    dt = check_dtype(dtype)
    workers = DEFAULT_WORKERS if workers is None else check_int(workers, "workers", minimum=1)
    D = d + 1 if augment else d
    T = len(teachers)
    pool = _pool(workers) if workers > 1 else None

    cache: dict = {}

    def submit(s: int, e: int) -> tuple[tuple[np.ndarray, ...], list]:
        for key in [k for k in cache if k[1] < s // BLOCK_ROWS]:
            del cache[key]
        X = np.empty((T, e - s, D), dtype=dt)
        y = np.empty((T, e - s), dtype=dt)
        f = np.empty((T, e - s), dtype=dt) if clean else None
        jobs = []
        for t in range(T):
            for b in range(s // BLOCK_ROWS, (e - 1) // BLOCK_ROWS + 1):
                b0 = b * BLOCK_ROWS
                lo, hi = max(s, b0) - b0, min(e, b0 + BLOCK_ROWS) - b0
                r0, r1 = b0 + lo - s, b0 + hi - s
                args = (
                    teachers[t], seeds[t], b, lo, hi, X[t, r0:r1], y[t, r0:r1],
                    None if f is None else f[t, r0:r1], augment, cache, (t, b),
                )
                jobs.append(pool.submit(_block_job, *args) if pool is not None else args)
        out = (X, y) if f is None else (X, y, f)
        return out, jobs

    def wait(jobs: list) -> None:
        for j in jobs:
            if pool is not None:
                j.result()
            else:
                _block_job(*j)

    bounds = [(s, min(s + chunk_size, n)) for s in range(start, n, chunk_size)]
    if not bounds:
        return
    pending = submit(*bounds[0])
    for i in range(len(bounds)):
        out, jobs = pending
        if i + 1 < len(bounds):
            wait(jobs)
            pending = submit(*bounds[i + 1])  # prefetch the next chunk while the caller works
        else:
            wait(jobs)
        yield out
