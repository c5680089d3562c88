"""Regenerate the s-scan fixtures: real ``simulate`` output at d = 256, q = 0, the pruned learner.

* tests/data/sscan_he2_d256: He₂/√2 (k* = 2), s = 2, 4, 8, 16, 32 trials;
* tests/data/sscan_he1_d256: He₁ (k* = 1), the reproduction's own case (same seed and configuration, so the
  same numbers as the full report's He₁ s-scan row), 16 trials;
* tests/data/sscan_he2_d256_extra.npz: 32 more He₂/√2 trials at d = 256 for s = 2, 4, 8 (s <= √d/2, inside the
  regime α < ½ where pruning is to beat every basis-independent learner; ``simulate`` seed 3000 + s), on the main
  fixture's checkpoints up to about 2.3 n* (the main fixture's rows, cut there, join them: 64 trials per s);
* tests/data/sscan_he2_d64_pool.npz: a pool of 128 independent pruned He₂/√2 trials per support size at d = 64,
  s = 2, 4, 8 (``simulate`` seed 1000 + s), only the checkpoints and the success matrices. Trials are i.i.d. (each
  draws its own V, pruning initialisation, stream and re-initialisation), so subsets of the pool are real
  replicates of an s-scan: tests/test_sscan_coverage.py checks the slope interval's coverage on them (about
  15 minutes on two shared cores).

The pruned learner at s = 2, 4, 8, 16 (pruning level M = s + 2), 32 trials, float32 Algorithm 1. The store is
what ``theorylab sweep`` writes (checksummed NPZ per cell, no pickles); the test reads it and judges it, so the
suite does not pay the simulation (about 5 minutes on two cores). Run from the repository root:

    python tests/data/make_sscan_fixture.py
"""

from __future__ import annotations

import io
import json
import math
from pathlib import Path

import numpy as np

from theorylab._files import atomic_write
from theorylab.numeric import simulate
from theorylab.numeric.config import checkpoint_grid
from theorylab.sweeps import CaseSpec, SweepSpec, run_sweep

HERE = Path(__file__).parent / "sscan_he2_d256"
HERE_K1 = Path(__file__).parent / "sscan_he1_d256"
SPEC = SweepSpec("sscan-he2-d256", seed=2024, cases=[
    CaseSpec("He2(z)/sqrt(2)", ["pruned"], d_grid=[256], n_min=64, n_max=[8_000, 20_000, 40_000, 80_000],
             trials=32, axis="s", s_grid=[2, 4, 8, 16], options={"dtype": "float32"}, label="He2 s-scan d=256"),
])

SPEC_K1 = SweepSpec("sscan-he1-d256", seed=2024, cases=[
    CaseSpec("He1(z)", ["pruned"], d_grid=[256], n_min=4, n_max=[2_000, 4_000, 8_000, 16_000], trials=16,
             axis="s", s_grid=[2, 4, 8, 16], options={"dtype": "float32"}, label="He1 s-scan d=256 / pruned"),
])

POOL = Path(__file__).parent / "sscan_he2_d64_pool.npz"
POOL_N_MAX = {2: 8_000, 4: 20_000, 8: 40_000}  # s -> the largest n (each cell's n* lies well inside)
POOL_CONFIG = {"link": "He2(z)/sqrt(2)", "d": 64, "method": "pruned", "q": 0.0, "trials": 128, "dtype": "float32",
               "n_min": 64, "n_max": {str(s): n for s, n in POOL_N_MAX.items()}, "seed": "1000 + s"}


def make_pool() -> None:
    """128 pruned trials per s at d = 64; stores n_<s>, success_<s> and the configuration (JSON text)."""
    arrays: dict[str, np.ndarray] = {"config": np.array(json.dumps(POOL_CONFIG))}
    for s, n_max in POOL_N_MAX.items():
        res = simulate("He2(z)/sqrt(2)", d=64, n=n_max, method="pruned", alpha=math.log(s) / math.log(64), q=0.0,
                       trials=128, seed=1000 + s, dtype="float32", n_min=64, progress=True)
        arrays[f"n_{s}"], arrays[f"success_{s}"] = res.n, res.success
    _save(POOL, arrays)


EXTRA = Path(__file__).parent / "sscan_he2_d256_extra.npz"
EXTRA_CUT = {2: 4_202, 4: 7_678, 8: 15_229}  # s -> the last checkpoint kept (a checkpoint of the main fixture's grid)


def extra_checkpoints(s: int) -> np.ndarray:
    """The main He₂ fixture's checkpoints for support s (n_min = 64, ratio 1.4), up to ``EXTRA_CUT[s]``."""
    n_max = SPEC.cases[0].n_max[SPEC.cases[0].s_grid.index(s)]
    grid = checkpoint_grid(n_max, n_min=64)
    return grid[grid <= EXTRA_CUT[s]]


def make_extra() -> None:
    """32 more pruned He₂ trials per s = 2, 4, 8 at d = 256; stores n_<s>, success_<s> and the configuration."""
    arrays: dict[str, np.ndarray] = {}
    for s in EXTRA_CUT:
        cps = extra_checkpoints(s)
        res = simulate("He2(z)/sqrt(2)", d=256, n=int(cps[-1]), checkpoints=cps, method="pruned",
                       alpha=math.log(s) / math.log(256), q=0.0, trials=32, seed=3000 + s, dtype="float32", progress=True)
        arrays[f"n_{s}"], arrays[f"success_{s}"] = res.n, res.success
    config = {"link": "He2(z)/sqrt(2)", "d": 256, "method": "pruned", "q": 0.0, "trials": 32, "dtype": "float32",
              "seed": "3000 + s", "last_checkpoint": {str(s): n for s, n in EXTRA_CUT.items()}}
    arrays["config"] = np.array(json.dumps(config))
    _save(EXTRA, arrays)


def _save(path: Path, arrays: dict[str, np.ndarray]) -> None:
    def write(fh):
        buf = io.BytesIO()
        np.savez_compressed(buf, **arrays)
        fh.write(buf.getvalue())

    atomic_write(path, write)


if __name__ == "__main__":
    run_sweep(SPEC, store_dir=HERE, progress=True)
    run_sweep(SPEC_K1, store_dir=HERE_K1, progress=True)
    make_extra()
    make_pool()
