"""Benchmark of the dimension-free engines (a script, not a test): prints ratios and curves measured in one run.

    python benchmarks/bench_reduced.py [--quick] [--trials 32] [--only moment]

(a) Time per trial of ``simulate(engine="full")`` against ``engine="reduced"`` at d = 256, 1024, 4096, for the
    dense Algorithm 2 (He2, n = 16384) and online SGD (He2, n = 16384), and their ratio.
(b) The dense He2 threshold curve n*(d) (success: median alignment >= 0.5) for d = 16 ... 4096, checkpoints
    from d²/4 to 6 d² (ratio 1.4), with its log-log slope.
(c) Online SGD on He2 for d = 10² ... 10⁵ (checkpoints 0.05 ... 0.8 · d log² d) and on He3 for d = 30 ... 10³
    (checkpoints 0.01 ... 0.6 · d² log² d): n*, n*/(d^{k*-1} log² d), n*/d^{k*-1} and the slopes.

(d) The moment engine (a Gaussian APPROXIMATION, :mod:`theorylab.numeric.moment_onestep`) against the exact
    reduced engine: time per trial for dense He3 at n = 10 d³ (d = 16, 32, 64) and their ratio; then the dense
    He3 curve n*(d) for d = 16 ... 5120 with the moment engine (checkpoints from 1024 to 256 d³).
    ``--only moment`` runs this section alone.

Every section prints its wall time and the CPU time of all its threads (on a machine shared with other work the
CPU time divided by the number of cores is the better estimate of the wall time on an idle one). The thresholds are the crossing estimator of
:func:`theorylab.compare.thresholds.estimate_threshold` with its bootstrap 95% interval. Timings are only as good
as the machine is quiet (its load average is printed).
"""

from __future__ import annotations

import argparse
import math
import os
import time

import numpy as np

from theorylab.compare.thresholds import estimate_threshold
from theorylab.numeric.simulate import simulate

HE2, HE3 = "He2(z)/sqrt(2)", "He3(z)/sqrt(6)"


def per_trial(method: str, d: int, n: int, engine: str, trials: int) -> float:
    t = time.perf_counter()
    simulate(HE2, d=d, n=n, method=method, trials=trials, seed=1, checkpoints=[n // 4, n], engine=engine)
    return (time.perf_counter() - t) / trials


def section_speed(ds: list[int], n: int) -> None:
    print(f"(a) time per trial, n = {n}: full vs reduced")
    print(f"{'method':>11} {'d':>6} {'full s':>9} {'reduced s':>10} {'ratio':>8}")
    simulate(HE2, d=64, n=100, method="online_sgd", trials=2, engine="reduced")  # compile the kernel first
    for method in ("dense", "online_sgd"):
        for d in ds:
            full = per_trial(method, d, n, "full", 2)
            red = per_trial(method, d, n, "reduced", 8)
            print(f"{method:>11} {d:>6} {full:>9.3f} {red:>10.4f} {full / red:>8.0f}")


def section_moment(ds: list[int], trials: int) -> None:
    """(d): moment against reduced, time per trial for dense He3 at n = 10 d³ (the same checkpoints)."""
    print("(d) dense He3, time per trial at n = 10 d^3: exact reduced vs moment (an approximation)")
    print(f"{'d':>6} {'n':>11} {'reduced s':>10} {'moment s':>9} {'ratio':>8}")
    for d in ds:
        n = 10 * d**3
        cps = [n // 8, n]
        times = {}
        for engine, reps in (("reduced", trials), ("moment", trials)):
            t = time.perf_counter()
            simulate(HE3, d=d, n=n, method="dense", trials=reps, seed=1, checkpoints=cps, engine=engine)
            times[engine] = (time.perf_counter() - t) / reps
        print(f"{d:>6} {n:>11} {times['reduced']:>10.4f} {times['moment']:>9.4f} "
              f"{times['reduced'] / times['moment']:>8.1f}")


def _curve(title: str, link: str, method: str, ds: list[int], scale, lo: float, hi: float, trials: int,
           engine: str = "reduced", n_lo: int | None = None) -> None:
    """Thresholds over d with checkpoints lo·scale(d) (or n_lo) ... hi·scale(d) (ratio 1.4)."""
    print(title)
    print(f"{'d':>7} {'n*':>11} {'95% interval':>25} {'n*/scale':>9} {'n_max':>11} {'wall s':>8} {'cpu s':>8}")
    t_all, cpu_all = time.perf_counter(), time.process_time()
    rows = []
    for d in ds:
        s = scale(d)
        first = lo * s if n_lo is None else n_lo
        K = int(math.ceil(math.log(hi * s / first) / math.log(1.4))) + 1
        cps = np.unique(np.round(np.geomspace(first, hi * s, K)).astype(np.int64))
        t, cpu = time.perf_counter(), time.process_time()
        res = simulate(link, d=d, n=int(cps[-1]), method=method, trials=trials, seed=2024, checkpoints=cps,
                       engine=engine)
        wall, cpu = time.perf_counter() - t, time.process_time() - cpu
        th = estimate_threshold(res.n, res.success, rng=0)
        ci = th.confidence_interval
        rows.append((d, th.threshold))
        print(f"{d:>7} {th.threshold:>11.4g} [{ci.low:>11.4g}, {ci.high:>11.4g}] {th.threshold / s:>9.3f} "
              f"{int(cps[-1]):>11} {wall:>8.1f} {cpu:>8.1f}")
    d_arr, n_arr = np.array(rows, dtype=float).T
    ok = np.isfinite(n_arr)
    slope = np.polyfit(np.log(d_arr[ok]), np.log(n_arr[ok]), 1)[0]
    slope_log = np.polyfit(np.log(d_arr[ok]), np.log(n_arr[ok] / np.log(d_arr[ok]) ** 2), 1)[0]
    print(f"  log-log slope of n*: {slope:.3f}; of n*/log² d: {slope_log:.3f}; "
          f"wall {time.perf_counter() - t_all:.1f} s, cpu {time.process_time() - cpu_all:.1f} s (all threads)")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="small dimensions only (a smoke run)")
    ap.add_argument("--trials", type=int, default=32)
    ap.add_argument("--only", choices=["moment"], help="run one section only")
    args = ap.parse_args()
    print(f"cores: {os.cpu_count()}, load average: {os.getloadavg()[0]:.2f}, trials: {args.trials}")
    t0 = time.perf_counter()
    quick = args.quick
    if args.only != "moment":
        _exact_sections(quick, args.trials)
    t = time.perf_counter()
    section_moment([16, 32] if quick else [16, 32, 64], 8)
    print(f"  wall {time.perf_counter() - t:.1f} s")
    moment_ds = [16, 64] if quick else [16, 27, 46, 77, 130, 220, 372, 629, 1062, 1794, 3031, 5120]
    _curve("(d) dense Algorithm 2, He3, MOMENT engine (approximation): n*(d), checkpoints 1024 ... 256 d³; "
           "scale = d³", HE3, "dense", moment_ds, lambda d: d**3, 0.0, 256.0, args.trials, engine="moment",
           n_lo=1024)
    print(f"total wall {time.perf_counter() - t0:.1f} s, load average {os.getloadavg()[0]:.2f}")


def _exact_sections(quick: bool, trials: int) -> None:
    """Sections (a)-(c): the exact reduced engine against the full one, and its curves."""
    args = argparse.Namespace(trials=trials)
    t = time.perf_counter()
    section_speed([64, 128] if quick else [256, 1024, 4096], 4096 if quick else 16384)
    print(f"  wall {time.perf_counter() - t:.1f} s")
    dense_ds = [16, 32, 64] if quick else [16, 32, 64, 128, 256, 512, 1024, 2048, 4096]
    _curve("(b) dense Algorithm 2, He2: n*(d), checkpoints d²/4 ... 6 d²; scale = d²", HE2, "dense", dense_ds,
           lambda d: d**2, 0.25, 6.0, args.trials)
    sgd2_ds = [100, 1000] if quick else [100, 316, 1000, 3162, 10_000, 31_623, 100_000]
    _curve("(c) online SGD, He2: scale = d log² d", HE2, "online_sgd", sgd2_ds,
           lambda d: d * math.log(d) ** 2, 0.05, 0.8, args.trials)
    sgd3_ds = [30, 100] if quick else [30, 100, 300, 1000]
    _curve("(c) online SGD, He3: scale = d² log² d", HE3, "online_sgd", sgd3_ds,
           lambda d: d**2 * math.log(d) ** 2, 0.01, 0.6, args.trials)


if __name__ == "__main__":
    main()
