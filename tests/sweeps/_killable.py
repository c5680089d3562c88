"""Run a small sweep in a subprocess so that a test can SIGKILL it half-way.

Usage: python _killable.py STORE_DIR {standin,simulate} WORKERS
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from _standin import power_law_cell, slow_simulate_cell  # noqa: E402
from _sweeps_fixtures import kill_spec  # noqa: E402

from theorylab.sweeps import run_sweep  # noqa: E402

if __name__ == "__main__":
    store_dir, mode, workers = sys.argv[1], sys.argv[2], int(sys.argv[3])
    cell_function = power_law_cell if mode == "standin" else slow_simulate_cell
    run_sweep(kill_spec(mode), store_dir=store_dir, workers=workers, progress=False, cell_function=cell_function)
