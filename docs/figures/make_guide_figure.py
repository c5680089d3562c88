"""Make docs/figures/guide_thresholds.png, the figure of docs/own-paper.md §6 (about 2 min on 2 cores).

Run from the repository root: ``python docs/figures/make_guide_figure.py [STORE_DIR]``.
"""

import sys
import tempfile
from pathlib import Path

import theorylab as tl
from theorylab.plots import plot

if __name__ == "__main__":
    tl.register_method(tl.Method("theorylab.learners:TEN_STEPS", "pruned + 10 steps", "pruned",
                                 ("dense", "csq_dense"), False, "Algorithm 1, then ten first-layer steps"))
    case = tl.CaseSpec("He2(z)/sqrt(2)", ["pruned", "theorylab.learners:TEN_STEPS"], d_grid=[16, 81, 256],
                       n_min=16, n_max=[4000, 8000, 20000], trials=16, label="He2 guide")
    spec = tl.SweepSpec("guide", seed=1, cases=[case])
    store = sys.argv[1] if len(sys.argv) > 1 else tempfile.mkdtemp()
    tl.run_sweep(spec, store_dir=store, progress=False, workers=2)
    summary = tl.summarize_sweep(spec, store)
    for row in summary.rows:
        print(row)
    with tempfile.TemporaryDirectory() as tmp:
        for path in plot(summary, tmp):
            if Path(path).name.startswith("thresholds_"):
                Path("docs/figures/guide_thresholds.png").write_bytes(Path(path).read_bytes())
