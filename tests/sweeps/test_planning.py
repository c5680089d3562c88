"""The planner on a stored pilot: ``plan_case`` and ``theorylab plan``."""

from __future__ import annotations

import math
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from theorylab.cli import main
from theorylab.sweeps import CaseSpec, SweepSpec, run_sweep
from theorylab.sweeps.planning import pilot_from_row, plan_case

sys.path.insert(0, str(Path(__file__).parent))
from _standin import power_law_cell  # noqa: E402


@pytest.fixture(scope="module")
def pilot_dir(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("pilot")
    spec = SweepSpec("pilot", 3, [
        CaseSpec("He2(z)", ["pruned"], [16, 81, 256], n_min=10, n_max=10**6, trials=16, label="over d"),
        CaseSpec("He2(z)", ["pruned"], [4096], n_min=10, n_max=10**7, trials=16, axis="s", s_grid=[2, 4, 8],
                 label="over s"),
    ])
    with ThreadPoolExecutor(2) as pool:
        run_sweep(spec, store_dir=path, executor=pool, progress=False, cell_function=power_law_cell)
    return path


def test_pilot_spread_matches_the_stand_in(pilot_dir):
    # the stand-in's log-thresholds have sd 0.3 per trial: the pilot's estimate (from the n* intervals of 16
    # trials at three points) is within a factor 2 of it
    plan = plan_case(pilot_dir, "over s")
    assert 0.15 < plan.pilot.sd_log_threshold < 0.6
    assert all(t > 0 for t in plan.pilot.seconds_per_trial)


def test_over_s_a_design_separates_over_d_none_does(pilot_dir, capsys):
    over_s = plan_case(pilot_dir, "over s", budget_s=3600)
    assert over_s.plan.feasible and over_s.plan.design is not None
    d = over_s.plan.design
    assert d.half_width < d.gap / 2 and math.isfinite(d.seconds)
    over_d = plan_case(pilot_dir, "over d", budget_s=3600)
    assert not over_d.plan.feasible and "csq_dense" in over_d.plan.reason
    assert main(["plan", str(pilot_dir), "--case", "over s", "--budget", "3600"]) == 0
    assert "separates pruned from" in capsys.readouterr().out
    assert main(["plan", str(pilot_dir), "--case", "over d"]) == 1
    assert "no design within the budget" in capsys.readouterr().out


def test_plan_bad_input_is_one_line(pilot_dir, capsys):
    assert main(["plan", str(pilot_dir), "--case", "nope"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "no stored case 'nope'" in err
    assert main(["plan", str(pilot_dir), "--case", "over s", "--grid", "2,x"]) == 2
    with pytest.raises(TypeError, match="row must be a CaseReport"):
        pilot_from_row("row")
