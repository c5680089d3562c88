"""The scripts in examples/ run to the end with tiny settings and print what they promise.

Each script is run in a fresh interpreter (as a user runs it) with ``--tiny``; the checks compare the output
with facts known independently of the code: He3 has k* = 3 (E[He3 He1] = E[He3 He2] = 0, E[He3^2] = 3! = 6)
and generative exponent 1 (y = He3(z) is odd and not constant on level sets of z^2, so E[z | y] != 0;
Damian et al. 2024), the CSQ bound at d = 1e4, alpha = 1/4, k* = 3 is (1e4)^{3/4} = 1000,
success fractions over 4 trials are multiples of 1/4, a sweep run twice computes nothing the second time.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"


def run_example(name: str, *args: str, tmp_path: Path | None = None) -> str:
    env = dict(os.environ, THEORYLAB_EXAMPLES_TINY="1", MPLBACKEND="Agg")
    proc = subprocess.run(
        [sys.executable, str(EXAMPLES / name), *args],
        capture_output=True, text=True, timeout=120, env=env, cwd=tmp_path or EXAMPLES.parent,
    )
    assert proc.returncode == 0, f"{name} exited with {proc.returncode}:\n{proc.stderr[-3000:]}"
    return proc.stdout


def test_every_example_is_tested() -> None:
    scripts = {p.name for p in EXAMPLES.glob("*.py")}
    assert scripts == {"bounds_repl.py", "pruned_vs_dense.py", "own_sweep.py", "conjecture_test.py", "own_learners.py"}
    for path in EXAMPLES.glob("*.py"):
        text = path.read_text(encoding="utf-8")
        assert text.startswith('"""'), f"{path.name} has no module docstring"
        assert f"examples/{path.name}" in text.split('"""')[1], f"{path.name}'s docstring does not say how to run it"


def test_bounds_repl() -> None:
    out = run_example("bounds_repl.py", "--tiny")
    lines = out.splitlines()
    # He3: k* = 3 (gamma_3 = 3! = 6 is its first non-zero coefficient), k_gen = 1
    assert lines[lines.index(">>> tl.information_exponent('He3(z)'), tl.generative_exponent('He3(z)')") + 1] == "(3, 1)"
    # gamma_3(He3) = E[He3^2] = 3! = 6, c_3 = 6 / sqrt(3!) = sqrt(6)
    assert "[0, 0, 0, 6, 0]" in lines and "[0, 0, 0, sqrt(6), 0]" in lines
    # d^{(alpha ∧ 1/2) k*} at d = 1e4: alpha = 1/4 gives 10^3, alpha = 3/4 gives the dense (1e4)^{3/2} = 10^6
    assert lines[lines.index(">>> tl.csq_lower_bound(3, 10**4, 0.25)") + 1] == "1000"
    assert "1000000" in lines
    pruned_he3 = [line.split() for line in lines if line.startswith("pruned")][1]
    assert pruned_he3[1:] == ["d**(3/4)", "0.75", "1000", "0.750"]


@pytest.mark.slow
def test_pruned_vs_dense(tmp_path: Path) -> None:
    try:
        import matplotlib  # noqa: F401
    except ImportError:
        png = None
    else:
        png = tmp_path / "success.png"
    out = run_example("pruned_vs_dense.py", "--tiny", *(["--plot", str(png)] if png else []))
    assert "d = 16, s = 2 non-zero coordinates, 4 trials per method" in out  # round(16^{1/4}) = 2
    rows = [line.split() for line in out.splitlines() if re.fullmatch(r"\s*\d+\s+(-|[\d.]+)\s+[\d.]+", line)]
    assert rows, out
    ns = [int(r[0]) for r in rows]
    assert ns == [100 * 2**j for j in range(len(ns))] and ns[-1] <= 8 * 16**2
    fractions = [float(x) for r in rows for x in r[1:] if x != "-"]
    assert all(0 <= f <= 1 and abs(4 * f - round(4 * f)) < 1e-9 for f in fractions)  # k / 4 trials
    assert re.search(r"^\s+pruned\s+n\* ", out, re.M) and re.search(r"^\s+dense\s+n\* ", out, re.M)
    if png is not None:
        assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


@pytest.mark.slow
@pytest.mark.parametrize("source", [[], ["--from-toml"]], ids=["python", "toml"])
def test_own_sweep(source: list[str]) -> None:
    out = run_example("own_sweep.py", "--tiny", *source)
    cells = int(re.search(r"(\d+) cells", out).group(1))
    assert f"first run: {cells} computed, 0 reused" in out
    assert f"second run: 0 computed, {cells} reused" in out  # the store is resumable
    assert f"{cells}/{cells} cells stored" in out
    # a verdict, or n/a with the reason when the tiny run leaves the slope interval unbounded
    assert re.search(r"^pruned\s.*\b(consistent|inconsistent|inconclusive|n/a)\s*$", out, re.M)


@pytest.mark.slow
def test_own_learners() -> None:
    out = run_example("own_learners.py", "--tiny")
    assert "d = 16, s = 2, 4 trials" in out  # round(16^{1/4}) = 2
    # ONE_STEP rebuilds Algorithm 2's step through the protocol: the built-in's curves, exactly
    assert "gives the built-in's success curves: True" in out
    names = ["pruned (built-in)", "pruned + 1 GD step", "pruned + 10 GD steps", "pruned, standard init |a| = 1",
             "pruned, standard init |a| = 0.1"]
    rows = {line[:34].strip(): line[34:].split() for line in out.splitlines() if line[:34].strip() in names}
    assert sorted(rows) == sorted(names), out
    assert rows["pruned (built-in)"] == rows["pruned + 1 GD step"]
    for cells in rows.values():
        final = float(cells[-1])
        assert 0 <= final <= 1 and abs(4 * final - round(4 * final)) < 1e-9  # k / 4 trials


def test_conjectures_as_script() -> None:
    out = run_example("conjecture_test.py", "--tiny")
    assert "all 4 conjectures held" in out


@pytest.mark.slow
def test_conjectures_under_pytest() -> None:
    env = dict(os.environ, THEORYLAB_EXAMPLES_TINY="1")
    proc = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", str(EXAMPLES / "conjecture_test.py")],
        capture_output=True, text=True, timeout=120, env=env, cwd=EXAMPLES.parent,
    )
    assert proc.returncode == 0, proc.stdout[-3000:]
    assert "4 passed" in proc.stdout
