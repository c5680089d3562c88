"""Sweeps above the three layers: specifications (TOML or Python), a resumable runner, a result store, summaries.

>>> from theorylab.sweeps import CaseSpec, SweepSpec
>>> spec = SweepSpec("demo", seed=0, cases=[CaseSpec("He2(z)", ["pruned"], [81, 256], n_min=100, n_max=10**4)])
>>> len(spec.cells())
2
"""

from theorylab.sweeps.planning import CasePlan, pilot_from_row, plan_case
from theorylab.sweeps.runner import SweepRun, run_sweep, simulate_cell
from theorylab.sweeps.spec import (
    CaseSpec,
    Cell,
    SweepSpec,
    canonical_json,
    load_sweep,
    sweep_from_dict,
)
from theorylab.sweeps.store import (
    RESULT_FORMAT_VERSION,
    CellResult,
    CorruptResultWarning,
    ResultStore,
    cell_key,
    load_results,
)
from theorylab.sweeps.summary import SummaryRow, SweepSummary, format_summary, summarize_sweep

__all__ = [
    "CasePlan",
    "pilot_from_row",
    "plan_case",
    "RESULT_FORMAT_VERSION",
    "CaseSpec",
    "Cell",
    "CellResult",
    "CorruptResultWarning",
    "ResultStore",
    "SummaryRow",
    "SweepRun",
    "SweepSpec",
    "SweepSummary",
    "canonical_json",
    "cell_key",
    "format_summary",
    "load_results",
    "load_sweep",
    "run_sweep",
    "simulate_cell",
    "summarize_sweep",
    "sweep_from_dict",
]
