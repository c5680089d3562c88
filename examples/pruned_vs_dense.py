"""Pruned against dense students on He2 (k* = 2, alpha = 1/4, q = 0) at one dimension d.

What it shows
-------------
The teacher is y = He2(<v, x>) with a v that has s = round(d^alpha) non-zero entries (q = 0). Algorithm 2
run on the network pruned by Algorithm 1 ("pruned") learns v with n of order d^{alpha k*} = d^{1/2} samples
(Theorem 4, up to logs); without pruning ("dense") it needs n of order d^{k*} = d^2. The script runs both
students on the same checkpoint grid, prints the fraction of successful trials (median neuron alignment
>= 1/2) against n, and the threshold n*(d) where that fraction crosses 1/2 (trials that never succeed are
censored, not dropped; see docs/verification.md). As in examples/sweep_he2.toml the link is the plain He2
(E σ*² = 2) and the width is fixed at m = 8, where Theorem 4 takes m = Θ(d^ε).

Run it with ``python examples/pruned_vs_dense.py`` (about 6 s at d = 81 with 16 trials on 2 cores);
``--plot success.png`` also draws the success curves (needs matplotlib); ``--tiny`` runs a smaller d with
few trials (for the test suite). ``--d``, ``--trials`` and ``--seed`` change the run.
"""

from __future__ import annotations

import argparse
import sys

import numpy as np

import theorylab as tl

LINK = "He2(z)"
ALPHA = 0.25


def run(d: int, trials: int, seed: int) -> dict[str, tl.SimulationResult]:
    """Simulate both students on one grid n = 100 * 2^j <= 8 d^2; the pruned one stops at 60 d."""
    grid = [int(n) for n in 100 * 2.0 ** np.arange(30) if n <= 8 * d**2]
    limits = {"pruned": 60 * d, "dense": 8 * d**2}
    results = {}
    for method, n_max in limits.items():
        checkpoints = [n for n in grid if n <= n_max]
        results[method] = tl.simulate(
            LINK, d=d, n=checkpoints[-1], method=method, alpha=ALPHA, q=0.0, trials=trials, seed=seed,
            width=8, dtype="float32", checkpoints=checkpoints,
        )
    return results


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--d", type=int, default=81, help="the dimension (default 81 = 3^4, so d^alpha = 3)")
    parser.add_argument("--trials", type=int, default=16, help="independent trials per method (default 16)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--plot", metavar="PATH", help="save the success curves to PATH (needs matplotlib)")
    parser.add_argument("--tiny", action="store_true", help="d = 16, 4 trials (for the test suite)")
    args = parser.parse_args(argv)
    d, trials = (16, 4) if args.tiny else (args.d, args.trials)

    print(f"sigma* = {LINK}, alpha = {ALPHA}, q = 0, d = {d}, s = {round(d**ALPHA)} non-zero coordinates, "
          f"{trials} trials per method")
    results = run(d, trials, args.seed)

    print(f"\n{'n':>8}  {'pruned':>7}  {'dense':>7}   (fraction of trials that succeeded)")
    rates = {m: dict(zip(r.n.tolist(), r.success.mean(axis=0).tolist(), strict=True)) for m, r in results.items()}
    for n in results["dense"].n.tolist():
        pruned = rates["pruned"].get(n)
        cell = "-" if pruned is None else f"{pruned:.2f}"
        print(f"{n:>8}  {cell:>7}  {rates['dense'][n]:>7.2f}")

    print("\nthreshold n*(d) (success probability 1/2); the theory fixes how it grows with d, not its constant:")
    predicted = tl.predicted_rates(2, ALPHA)
    for method, result in results.items():
        threshold = tl.estimate_threshold(result.n, result.success, rng=args.seed)
        rate = predicted[method]
        print(f"  {method:<6}  {threshold}   predicted growth n* ~ {rate.expression} (up to logs)")

    if args.plot:
        try:
            import matplotlib

            matplotlib.use("Agg")
            import matplotlib.pyplot as plt
        except ImportError:
            print("--plot: matplotlib is not installed (pip install 'theorylab[plots]')", file=sys.stderr)
            return 1
        from theorylab.plots import plot_success_curves

        fig, axes = plt.subplots(1, 2, figsize=(11, 4), sharex=True, sharey=True)
        for ax, (method, result) in zip(axes, results.items(), strict=True):
            plot_success_curves({d: (result.n, result.success)}, ax=ax, title=f"{method} ({LINK}, alpha = {ALPHA})")
        fig.tight_layout()
        fig.savefig(args.plot, dpi=120)
        print(f"\nwrote {args.plot}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
