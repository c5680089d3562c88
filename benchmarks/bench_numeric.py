"""Benchmark of the numeric layer (a script, not a test): prints ratios measured in the same run.

    python benchmarks/bench_numeric.py [--quick]

(a) Algorithm 1's kernel (PaperPruner.update) in GFLOP/s, as a fraction of the matrix-multiply rate of NumPy's
    BLAS on the same shapes and of a square 1024³ product, float64 and float32, d = 256 and 512.
(b) The one-step pipeline (Algorithm 2's line 3 for all checkpoints, pruned J, 16 trials, data generated on the
    fly) in sample-coordinates per second, as a fraction of NumPy's raw Gaussian generation rate on all cores
    (one thread per core, each filling blocks with Generator.standard_normal).
(c) simulate(trials=16) against (i) a loop of 16 simulate(trials=1) calls and (ii) a plain per-trial,
    per-checkpoint loop of the in-memory prune_network + train_algorithm2 on the same data.
(d) Peak traced memory (tracemalloc) of simulate for two n (12 checkpoints each), showing it does not grow with n.

Every timing is the best of a few repetitions, interleaved with its reference, to resist other load on the
machine (measured figures are only as good as the machine is quiet).
"""

from __future__ import annotations

import argparse
import os
import sys
import time
import tracemalloc
from concurrent.futures import ThreadPoolExecutor

import numpy as np


def best(fn, reps: int) -> float:
    times = []
    for _ in range(reps):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return min(times)


def bench_kernel(d: int, dtype: str, n: int, reps: int) -> tuple[float, float, float, float]:
    """GFLOP/s of PaperPruner.update: one trial (default BLAS threads) and one trial per core in parallel with
    single-threaded BLAS (as simulate's pass 1 runs it); references: the kernel's own products Aᵀ X alone and
    a square 1024³ product, both with NumPy's default BLAS threads."""
    from theorylab.numeric.pruning import make_pruner
    from theorylab.numeric.simulate import _single_threaded_blas

    D = d + 1
    m = 8
    cores = os.cpu_count() or 1
    rng = np.random.default_rng(0)
    X = rng.standard_normal((n, D)).astype(dtype)
    y = rng.standard_normal(n).astype(dtype)
    prs = [make_pruner("paper", d=d, M=6, m=m, rng=i, dtype=dtype) for i in range(cores)]
    A = rng.standard_normal((n, 2 * D)).astype(dtype)
    S = rng.standard_normal((1024, 1024)).astype(dtype)
    flops = 4.0 * m * n * D * D
    tk, tp, tm, ts = [], [], [], []
    with ThreadPoolExecutor(cores) as ex:
        for _ in range(reps):
            tk.append(best(lambda: prs[0].update(X, y), 1))
            with _single_threaded_blas():
                tp.append(best(lambda: list(ex.map(lambda p: p.update(X, y), prs)), 1))
            tm.append(best(lambda: [A.T @ X for _ in range(m)], 1))  # the kernel's products, without the rest
            ts.append(best(lambda: S @ S, 1))
    return (flops / min(tk) / 1e9, cores * flops / min(tp) / 1e9, flops / min(tm) / 1e9,
            2 * 1024**3 / min(ts) / 1e9)


def raw_gaussian_rate(d: int, workers: int, seconds_target: float = 0.5) -> float:
    """Numbers per second of standard_normal on ``workers`` threads, each filling its own (2048, d) block."""
    gens = [np.random.default_rng(i) for i in range(workers)]
    outs = [np.empty((2048, d)) for _ in range(workers)]
    reps = max(4, int(seconds_target / (2048 * d * 16e-9)))

    def work(i: int) -> None:
        for _ in range(reps):
            gens[i].standard_normal(out=outs[i])

    with ThreadPoolExecutor(workers) as ex:
        t = time.perf_counter()
        list(ex.map(work, range(workers)))
        dt = time.perf_counter() - t
    return workers * reps * 2048 * d / dt


def bench_pipeline(d: int, n: int, trials: int, reps: int) -> tuple[float, float]:
    from theorylab.numeric.simulate import checkpoint_grid
    from theorylab.numeric.students import draw_half_init
    from theorylab.numeric.teachers import derive_seed, make_teacher, stream_trials
    from theorylab.numeric.training import OneStepAccumulator

    cps = checkpoint_grid(n, 64)
    K, m = cps.size, 8
    teachers = [make_teacher("He2(z)", d=d, alpha=0.25, rng=t) for t in range(trials)]
    seeds = [derive_seed(0, t, 2) for t in range(trials)]
    rng = np.random.default_rng(0)
    masks = np.zeros((trials, K, d), dtype=bool)
    for t in range(trials):
        base = rng.choice(d, 18, replace=False)
        for k in range(K):
            masks[t, k, base[: 10 + (k % 8)]] = True
    init = [draw_half_init(m, d, np.random.default_rng(t)) for t in range(trials)]
    a = np.stack([i[0] for i in init])
    b = np.stack([i[1] for i in init])
    G = np.stack([i[2] for i in init])
    chunk = max(2048, ((1 << 22) // (trials * d)) // 2048 * 2048)

    from theorylab.numeric.simulate import _single_threaded_blas

    def run() -> None:  # as simulate's pass 2 runs it
        one = OneStepAccumulator(masks, a, b, G, cps)
        pos = 0
        with _single_threaded_blas():
            for X, y in stream_trials(teachers, seeds, n, chunk):
                one.update(X, y, pos)
                pos += X.shape[1]

    rates, raws = [], []
    for _ in range(reps):
        raws.append(raw_gaussian_rate(d, os.cpu_count() or 1))
        rates.append(trials * n * d / best(run, 1))
    return max(rates), max(raws)


def bench_batching(d: int, n: int, trials: int, method: str) -> tuple[float, float, float]:
    from theorylab.numeric.pruning import prune_network
    from theorylab.numeric.simulate import simulate
    from theorylab.numeric.teachers import Teacher, derive_seed, stream_trials
    from theorylab.numeric.training import train_algorithm2
    from theorylab.symbolic.sparsity import sparse_directions

    kw = dict(d=d, n=n, alpha=0.25, n_min=64, seed=0, method=method)
    simulate("He2(z)", trials=1, **kw)  # warm-up (imports, thread pool)
    t_batched = best(lambda: simulate("He2(z)", trials=trials, **kw), 1)
    t_loop = best(lambda: [simulate("He2(z)", trials=1, **kw) for _ in range(trials)], 1)
    res = simulate("He2(z)", trials=1, **kw)
    cps, M, eta1 = res.n, res.config["M"], res.config["eta1"]

    def plain() -> None:
        for t in range(trials):
            V = sparse_directions(d, alpha=0.25, rng=np.random.default_rng(derive_seed(0, t, 0)))
            X, y = next(stream_trials([Teacher("He2(z)", V)], [derive_seed(0, t, 2)], n, n, augment=True))
            X, y = X[0], y[0]
            for nk in cps:
                if method == "dense":
                    J = np.arange(d)
                else:
                    J = prune_network(X[:nk, :d], y[:nk], m=8, M=M, rng=np.random.default_rng(derive_seed(0, t, 1)),
                                      x_aug=X[:nk, d]).J
                train_algorithm2(X[:nk, :d], y[:nk], J=J, m=8, eta1=eta1, rng=np.random.default_rng(derive_seed(0, t, 3)))

    t_plain = best(plain, 1)
    return t_batched, t_loop, t_plain


def bench_memory(d: int, ns: list[int], trials: int, method: str) -> list[float]:
    from theorylab.numeric.simulate import simulate

    peaks = []
    for n in ns:
        # the same number of checkpoints for both n: the accumulators grow with the number of checkpoints
        # (log n on the default grid), not with n
        cps = np.unique(np.geomspace(64, n, 12).astype(np.int64))
        cps[-1] = n
        tracemalloc.start()
        simulate("He2(z)", d=d, n=n, trials=trials, method=method, alpha=0.25, checkpoints=cps, compute_risk=True,
                 chunk_size=4096)
        peaks.append(tracemalloc.get_traced_memory()[1] / 2**20)
        tracemalloc.stop()
    return peaks


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--quick", action="store_true", help="smaller sizes (a smoke run)")
    args = p.parse_args(argv)
    quick = args.quick
    reps = 2 if quick else 3
    t0 = time.perf_counter()
    print(f"numpy {np.__version__}, {os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f}")

    print("\n(a) Algorithm 1 kernel (PaperPruner.update, m = 8), GFLOP/s")
    print("    kernel: 1 trial, default BLAS threads; kernel||: one trial per core, 1 BLAS thread each (simulate)")
    print(f"{'d':>5} {'dtype':>8} {'kernel':>8} {'kernel||':>9} {'AᵀX alone':>10} {'1024^3':>8}"
          f" {'kernel/AᵀX':>11} {'kernel||/AᵀX':>13} {'kernel||/1024^3':>16}")
    for d in ([256] if quick else [256, 512]):
        for dt in ("float64", "float32"):
            k, kp, mm, sq = bench_kernel(d, dt, 2048 if quick else 4096, reps)
            print(f"{d:>5} {dt:>8} {k:8.1f} {kp:9.1f} {mm:10.1f} {sq:8.1f} {k / mm:11.2f} {kp / mm:13.2f}"
                  f" {kp / sq:16.2f}")

    print("\n(b) one-step pipeline (16 trials, pruned J, all checkpoints, data generated on the fly)")
    d, n = 256, (1 << 13) if quick else (1 << 15)
    rate, raw = bench_pipeline(d, n, 16, reps)
    print(f"  pipeline {rate / 1e6:8.1f} M sample-coords/s   raw Gaussian on all cores {raw / 1e6:8.1f} M/s   "
          f"ratio {rate / raw:.2f}")

    print("\n(c) batched trials (simulate, d = 64, n = 4096, 16 trials)")
    for method in ("pruned", "dense"):
        tb, tl, tp = bench_batching(64, 2048 if quick else 4096, 16, method)
        print(f"  {method:>6}: simulate(trials=16) {tb:6.2f} s | 16 x simulate(trials=1) {tl:6.2f} s (x{tl / tb:.1f}) | "
              f"plain per-trial, per-checkpoint loop {tp:6.2f} s (x{tp / tb:.1f})")

    print("\n(d) peak traced memory of simulate (d = 128, 4 trials, 12 checkpoints, chunk 4096, with the risk pass)")
    ns = [8192, 32768] if quick else [16384, 131072]
    for method in ("pruned", "dense"):
        peaks = bench_memory(128, ns, 4, method)
        print(f"  {method:>6}: " + ", ".join(f"n = {n_:>6}: {pk:7.1f} MiB" for n_, pk in zip(ns, peaks, strict=True)))
    print(f"\ntotal {time.perf_counter() - t0:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
