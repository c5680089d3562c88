"""Regenerate the s-scan fixtures: real ``simulate`` output at d = 256, q = 0, the pruned learner.

* tests/data/sscan_he2_d256: He₂/√2 (k* = 2), s = 2, 4, 8, 16, 32 trials;
* tests/data/sscan_he1_d256: He₁ (k* = 1), the reproduction's own case (same seed and configuration, so the
  same numbers as the full report's He₁ s-scan row), 16 trials.

The pruned learner at s = 2, 4, 8, 16 (pruning level M = s + 2), 32 trials, float32 Algorithm 1. The store is
what ``theorylab sweep`` writes (checksummed NPZ per cell, no pickles); the test reads it and judges it, so the
suite does not pay the simulation (about 5 minutes on two cores). Run from the repository root:

    python tests/data/make_sscan_fixture.py
"""

from __future__ import annotations

from pathlib import Path

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

if __name__ == "__main__":
    run_sweep(SPEC, store_dir=HERE, progress=True)
    run_sweep(SPEC_K1, store_dir=HERE_K1, progress=True)
