"""Issue 12: the command line never shows a traceback, prints one line naming the cause and exits non-zero;
contradictory or ignored options are refused, and what can be checked before computing is checked first."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

import theorylab.cli.simulate as cli_simulate
import theorylab.cli.sweep as cli_sweep
from theorylab.cli import main


def _error_line(capsys) -> str:
    err = capsys.readouterr().err.strip()
    assert "Traceback" not in err
    lines = [ln for ln in err.splitlines() if "error:" in ln]
    assert len(lines) == 1, err
    return lines[0]


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["hermite", "z100000000"], "beyond z64"),
        (["hermite", "He200(He200(z))"], "link_degree"),
        (["hermite", "He3(z)", "--noise-std", "-1"], "--noise-std must be in"),
        (["hermite", "relu(z)", "--degree", "1000000"], "degree must be <= 2000"),
        (["hermite", "1/z"], "pole"),
        (["bounds", "--k-star", "2", "--d", "1e4", "--q", "1"], "--q needs --alpha or --Rq"),
        (["bounds", "--k-star", "2", "--k-gen", "9", "--d", "1e4", "--alpha", "0.25"], "above k* = 2"),
        (["bounds", "--link", "He3", "--k-gen", "3", "--d", "1e4"], "contradicts"),
        (["simulate", "He2", "--d", "1000000000", "--n", "1000"], "memory"),
        (["simulate", "He2", "--d", "64", "--n", "1000000000000"], "samples"),
        (["simulate", "He2", "--d", "4096", "--n", "1000000000", "--trials", "64"], "would take about"),
        (["simulate", "He2", "--d", "64", "--n", "1000", "--trials", "1000000000"], "trials"),
        (["sweep", "/dev/zero"], "not a regular file"),
        (["compare", "/nonexistent-dir", "--resamples", "1000000000"], "--resamples must be <="),
    ],
)
def test_one_line_refusals(argv, message, capsys) -> None:
    assert main(argv) == 2
    line = _error_line(capsys)
    assert message in line, line


def test_trials_1_refused_before_simulating(monkeypatch, capsys) -> None:
    import theorylab.numeric

    def forbidden(*args, **kwargs):
        raise AssertionError("simulate ran before the refusal")

    monkeypatch.setattr(theorylab.numeric, "simulate", forbidden)
    assert main(["simulate", "He2", "--d", "64", "--n", "100000000", "--trials", "1", "--no-progress"]) == 2
    assert "at least 2 trials" in _error_line(capsys)
    assert cli_simulate is not None


def test_reproduce_trials_1_refused_before_computing(monkeypatch, capsys, tmp_path: Path) -> None:
    import theorylab.reproduction

    monkeypatch.setattr(theorylab.reproduction, "reproduce", lambda *a, **k: (_ for _ in ()).throw(AssertionError("ran")))
    assert main(["reproduce", "--quick", "--trials", "1", "--out", str(tmp_path / "r"), "--no-progress"]) == 2
    assert "at least 2 trials" in _error_line(capsys)


@pytest.mark.parametrize(
    "exc",
    [
        OSError(28, "No space left on device"),
        PermissionError(13, "Permission denied", "/ro/sweep.json"),
        MemoryError(),
        RecursionError("maximum recursion depth exceeded"),
        RuntimeError("cell He2 / pruned / d=81 failed: ZeroDivisionError: division by zero"),
    ],
    ids=["ENOSPC", "EACCES", "MemoryError", "RecursionError", "worker"],
)
def test_every_user_caused_error_is_one_line(exc, monkeypatch, capsys, tmp_path: Path) -> None:
    toml = tmp_path / "s.toml"
    toml.write_text('name = "s"\nseed = 1\n[[cases]]\nlink = "He2(z)"\nmethods = ["pruned"]\nd_grid = [16]\n'
                    "n_min = 16\nn_max = 64\ntrials = 2\n")

    def boom(*args, **kwargs):
        raise exc

    import theorylab.sweeps

    monkeypatch.setattr(theorylab.sweeps, "run_sweep", boom)
    assert main(["sweep", str(toml), "--out", str(tmp_path / "out"), "--no-progress"]) == 2
    _error_line(capsys)
    assert cli_sweep is not None


def test_out_pointing_at_a_file(capsys, tmp_path: Path) -> None:
    toml = tmp_path / "s.toml"
    toml.write_text('name = "s"\nseed = 1\n[[cases]]\nlink = "He2(z)"\nmethods = ["pruned"]\nd_grid = [16]\n'
                    "n_min = 16\nn_max = 64\ntrials = 2\n")
    target = tmp_path / "file"
    target.write_text("")
    assert main(["sweep", str(toml), "--out", str(target)]) == 2
    assert "not a directory" in _error_line(capsys)


def test_nested_toml_is_one_line(capsys, tmp_path: Path) -> None:
    toml = tmp_path / "nested.toml"
    toml.write_text("x = " + "[" * 100_000 + "]" * 100_000 + "\n")
    assert main(["sweep", str(toml)]) == 2
    assert "nested too deeply" in _error_line(capsys)


def test_broken_pipe_is_quiet() -> None:
    code = (
        "import sys; from theorylab.cli import main; sys.stdout.close = None\n"
        "import os; r, w = os.pipe(); os.close(r); os.dup2(w, 1)\n"
        "sys.exit(main(['bounds', '--k-star', '2', '--d', '1e4', '--alpha', '0.25']))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert "Traceback" not in done.stderr, done.stderr
    assert done.returncode == 141
