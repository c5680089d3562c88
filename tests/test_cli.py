"""The command line as a user meets it: help on every subcommand, one-line errors, no tracebacks."""

import subprocess
import sys

import pytest

from theorylab.cli import SUBCOMMANDS, main


def _run(*argv):
    return subprocess.run([sys.executable, "-m", "theorylab", *argv], capture_output=True, text=True, timeout=120)


@pytest.mark.parametrize("sub", SUBCOMMANDS)
def test_every_subcommand_has_help(sub, capsys):
    with pytest.raises(SystemExit) as exc:
        main([sub, "--help"])
    assert exc.value.code == 0
    assert "usage: theorylab " + sub in capsys.readouterr().out


def test_simulate_prints_the_curve_and_threshold(capsys):
    # k* = 1 at d = 16: the pruned student aligns with v within a few hundred samples.
    assert main(["simulate", "He1", "--d", "16", "--n", "400", "--n-min", "4", "--trials", "4", "--no-progress"]) == 0
    out = capsys.readouterr().out
    assert "He1(z): method pruned, d = 16" in out
    assert "median alignment_median" in out
    assert "n* " in out


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["simulate", "He2", "--d", "81", "--n", "0"], "n must be >= 1"),
        (["simulate", "He2", "--d", "81", "--n", "100", "--method", "prunde"], "did you mean 'pruned'"),
        (["simulate", "foo(z)", "--d", "8", "--n", "100"], "unknown name 'foo'"),
        (["bounds", "--k-star", "2", "--d", "1e4", "--alpha", "1.5"], "alpha"),
        (["plot", "/nonexistent/report.json"], "no such file"),
        (["sweep", "/nonexistent/sweep.toml"], "sweep.toml"),
    ],
)
def test_bad_input_is_one_line_and_exit_status_2(argv, message):
    out = _run(*argv)
    assert out.returncode == 2
    lines = out.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in out.stderr
    assert message in lines[0]
