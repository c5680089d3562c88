"""Small sweep specifications shared by the runner tests and the kill-and-resume subprocess."""

from __future__ import annotations

from theorylab.sweeps import CaseSpec, SweepSpec


def kill_spec(mode: str) -> SweepSpec:
    """12 cells: stand-in power laws, or the real simulate at tiny sizes (well under a second each)."""
    if mode == "standin":
        case = CaseSpec("He2(z)", ["pruned", "dense"], [16, 32, 64, 128, 256, 512], n_min=10, n_max=10**5, trials=8)
    else:
        case = CaseSpec(
            "He2(z)", ["pruned", "dense"], [16, 20, 24, 32, 40, 48], n_min=16, n_max=512, trials=3, options=TINY
        )
    return SweepSpec("kill", 2024, [case])


#: simulate options that keep real cells tiny; k_star given spares each worker the symbolic computation.
TINY = {"width": 4, "k_star": 2}
