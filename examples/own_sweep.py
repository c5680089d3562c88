"""Writing and running your own sweep, then reading its summary.

What it shows
-------------
A sweep is a list of cases (teacher, methods, d grid, n range, trials) that ``run_sweep`` turns into cells
(one simulate call per case x method x d), runs in worker processes and stores, one file per cell, in a
result directory; running it again reuses every stored cell. ``summarize_sweep`` then estimates n*(d) per
cell, fits the exponent of n*(d) against d with a bootstrap interval and gives the verdict against the
predicted rate (docs/verification.md).

The script writes a tiny sweep in Python (``--from-toml`` instead loads ``examples/sweep_he2.toml`` and
shrinks it with ``dataclasses.replace``), runs it into a temporary directory, runs it a second time to show
the reuse, and prints the summary. With a handful of trials and a short d range the verdict is often "inconclusive"
(the interval too wide to tell); the grids of a real run are in examples/sweep_he2.toml.

Run it with ``python examples/own_sweep.py`` (about 10 s); ``--tiny`` is smaller still (for the test
suite); ``--out DIR`` keeps the results (then ``theorylab compare DIR`` re-summarises them).
"""

from __future__ import annotations

import argparse
import dataclasses
import sys
import tempfile
from pathlib import Path

import theorylab as tl
from theorylab.sweeps import format_summary

TOML = Path(__file__).with_name("sweep_he2.toml")


def python_spec(tiny: bool) -> tl.SweepSpec:
    """Pruned students on He2 with alpha = 1/4 at d = s^4 (s = 2, 3, 4), so that d^alpha is an integer."""
    trials = 4 if tiny else 12
    pruned = tl.CaseSpec(
        "He2(z)", methods=["pruned"], d_grid=[16, 81, 256], n_min=50, n_max=[800, 4000, 10000],
        trials=trials, alpha=0.25, q=0.0, options={"width": 8, "dtype": "float32"}, label="pruned He2",
    )
    cases = [pruned]
    if not tiny:
        cases.append(tl.CaseSpec(
            "He2(z)", methods=["dense"], d_grid=[16, 24, 32], n_min=50, n_max=[2048, 4608, 8192],
            trials=trials, options={"width": 8, "dtype": "float32"}, label="dense He2",
        ))
    return tl.SweepSpec("my-he2", seed=1, cases=cases, description="pruned vs dense on He2, tiny")


def toml_spec(tiny: bool) -> tl.SweepSpec:
    """examples/sweep_he2.toml with its grids cut to the two smallest d and a few trials."""
    spec = tl.load_sweep(TOML)
    trials = 4 if tiny else 8
    cases = []
    for case in spec.cases:
        keep = 2
        n_max = case.n_max[:keep] if isinstance(case.n_max, tuple) else case.n_max
        n_min = case.n_min[:keep] if isinstance(case.n_min, tuple) else case.n_min
        cases.append(dataclasses.replace(case, d_grid=case.d_grid[:keep], n_min=n_min, n_max=n_max, trials=trials))
    return dataclasses.replace(spec, name=spec.name + "-small", cases=tuple(cases))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--from-toml", action="store_true", help=f"start from {TOML.name} instead")
    parser.add_argument("--out", metavar="DIR", help="keep the results in DIR (default: a temporary directory)")
    parser.add_argument("--tiny", action="store_true", help="fewer cells and trials (for the test suite)")
    args = parser.parse_args(argv)

    spec = toml_spec(args.tiny) if args.from_toml else python_spec(args.tiny)
    print(f"sweep {spec.name!r}: {len(spec.cases)} case(s), {len(spec.cells())} cells")
    for cell in spec.cells():
        print(f"  {cell.method:<6} d = {cell.d:<4} n <= {cell.simulate_kwargs()['n']}, {cell.case.trials} trials")

    with tempfile.TemporaryDirectory() as tmp:
        out = Path(args.out) if args.out else Path(tmp) / spec.name
        first = tl.run_sweep(spec, store_dir=out, progress=False, workers=2)
        print(f"first run: {first.computed} computed, {first.reused} reused")
        again = tl.run_sweep(spec, store_dir=out, progress=False, workers=2)
        print(f"second run: {again.computed} computed, {again.reused} reused")
        summary = tl.summarize_sweep(spec, out, n_resamples=499)
        print()
        print(format_summary(summary))
    return 0


if __name__ == "__main__":
    sys.exit(main())
