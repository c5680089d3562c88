"""Validation of the moment engine (an approximation) against the exact reduced engine (a script, not a test).

    python benchmarks/validate_moment.py [--trials 400]

For dense Algorithm 2 on He3 (k* = 3) at d = 8, 16, 32 and n from 64 to ~16 d³ it runs ``engine="reduced"``
(exact) and ``engine="moment"`` with the same number of trials (independent seeds) and prints, per metric and
checkpoint, both means, the standardised difference of the means z (|z| > 4 is a failure at these trial counts:
a 0.05 shift in mean median-alignment is about 5-8 standard errors) and the two-sample Kolmogorov-Smirnov p-value.
The moment engine refuses a first checkpoint below ``MIN_N``; this script lowers that guard for the small-n rows
only, to show where the approximation is poor.
"""

from __future__ import annotations

import argparse
import time

import numpy as np
from scipy.stats import ks_2samp

import theorylab.numeric.moment_onestep as mo
from theorylab.numeric.moment_onestep import moment_dense_one_step
from theorylab.numeric.reduced_onestep import reduced_dense_one_step

HE3 = "He3(z)/sqrt(6)"
METRICS = ("alignment_median", "alignment_max", "alignment_frac")
GRIDS = {8: [64, 256, 1024, 4096, 16384], 16: [256, 1024, 4096, 16384, 65536], 32: [1024, 4096, 16384, 65536, 262144]}


def compare(d: int, cps: list[int], trials: int) -> None:
    t = time.perf_counter()
    exact = reduced_dense_one_step(HE3, d=d, checkpoints=np.array(cps), seeds=[np.random.SeedSequence([d, 0, i]) for i in range(trials)])
    t_red = time.perf_counter() - t
    mo.MIN_N = 1  # only here: show the small-n rows the engine normally refuses
    t = time.perf_counter()
    approx = moment_dense_one_step(HE3, d=d, checkpoints=np.array(cps), seeds=[np.random.SeedSequence([d, 1, i]) for i in range(trials)])
    t_mom = time.perf_counter() - t
    print(f"d = {d}, {trials} trials each; reduced {t_red:.1f} s, moment {t_mom:.1f} s")
    print(f"{'metric':>17} {'n':>8} {'n/d^3':>7} {'exact':>7} {'moment':>7} {'z':>6} {'KS p':>8}")
    for name in METRICS:
        for k, n in enumerate(cps):
            a, b = exact[name][:, k], approx[name][:, k]
            se = np.sqrt(a.var(ddof=1) / a.size + b.var(ddof=1) / b.size)
            z = (b.mean() - a.mean()) / se if se > 0 else 0.0
            p = ks_2samp(a, b).pvalue
            flag = " <-" if abs(z) > 4 or p < 1e-3 else ""
            print(f"{name:>17} {n:>8} {n / d**3:>7.2f} {a.mean():>7.3f} {b.mean():>7.3f} {z:>6.1f} {p:>8.2g}{flag}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--trials", type=int, default=400)
    args = ap.parse_args()
    for d, cps in GRIDS.items():
        compare(d, cps, args.trials)


if __name__ == "__main__":
    main()
