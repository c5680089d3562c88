"""A plan refused for its budget alone still names the rates it was to separate (it said "from :")."""

from __future__ import annotations

import theorylab as tl
from theorylab.compare.planner import Pilot, plan_design


def test_over_budget_reason_names_the_competitors() -> None:
    pruned, dense = tl.predicted_rate("pruned", 2, alpha=0.25), tl.predicted_rate("dense", 2)
    pilot = Pilot((16.0, 64.0, 256.0), 0.4, (10.0, 20.0, 50.0))  # slow trials: nothing fits 1 s
    plan = plan_design(pruned, [dense], pilot, grids=[[16, 64, 256, 1024]], budget_s=1.0)
    assert not plan.feasible and any(d.separates for d in plan.considered)
    assert "from dense:" in plan.reason
