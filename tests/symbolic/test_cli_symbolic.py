"""The `theorylab bounds` and `theorylab hermite` subcommands."""

from __future__ import annotations

import pytest

from theorylab.cli import main


def _row_numbers(line: str) -> list[float]:
    out = []
    for cell in line.split():
        try:
            out.append(float(cell))
        except ValueError:
            pass
    return out


def test_bounds_table(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["bounds", "--link", "He2", "--d", "1e4", "--d", "1e6", "--alpha", "0.25"]) == 0
    out = capsys.readouterr().out
    assert "k* = 2" in out and "k_gen = 2" in out
    lines = {line.split()[0]: line for line in out.splitlines() if line.strip()}
    # pruned: d^{α k*} = d^{1/2}: 100 at d = 1e4, 1000 at d = 1e6; dense d^2 = 1e8, 1e12 (β, log, n, n)
    assert _row_numbers(lines["pruned"]) == [0.5, 0, 100, 1000]
    assert _row_numbers(lines["dense"]) == [2, 0, 1e8, 1e12]
    assert "Theorem 4" in lines["pruned:"] and "Theorem 1.3" in lines["online_sgd:"]


def test_bounds_with_k_star_and_sparsity_level(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["bounds", "--k-star", "3", "--d", "1e4", "--q", "0", "--Rq", "10"]) == 0
    out = capsys.readouterr().out
    assert "α = 0.25" in out
    csq = next(line for line in out.splitlines() if line.startswith("csq_sparse"))
    assert _row_numbers(csq)[0] == 0.75 and _row_numbers(csq)[-1] == 1000  # (1e4)^{0.75} = 1000


@pytest.mark.parametrize(
    ("argv", "match"),
    [
        (["bounds", "--d", "1e4", "--alpha", "0.25"], "--link or --k-star"),
        (["bounds", "--link", "foo(z)", "--d", "1e4"], "foo"),
        (["bounds", "--k-star", "2", "--d", "1e4", "--alpha", "1.5"], "alpha"),
        (["bounds", "--k-star", "2", "--d", "1", "--alpha", "0.5"], "d"),
        (["bounds", "--k-star", "2", "--d", "100", "--Rq", "3"], "q"),
        (["bounds", "--link", "He3", "--k-star", "2", "--d", "100", "--alpha", "0.5"], "k_star"),
        (["hermite", "z", "--degree", "-1"], "degree"),
        (["hermite", "__import__('os')"], "__import__"),
    ],
)
def test_bad_input_exit_2(argv, match: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(argv) == 2
    assert match in capsys.readouterr().err


def test_hermite_command(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["hermite", "tanh(z)", "--degree", "8"]) == 0
    out = capsys.readouterr().out
    assert "information exponent k* = 1" in out and "generative exponent k_gen = 1" in out
    assert "0.6057055096" in out  # E[tanh(z) z], independent quadrature: 0.605705509602...
    assert main(["hermite", "He3(z)", "--degree", "4"]) == 0
    out = capsys.readouterr().out
    assert "k* = 3" in out and "k_gen = 1" in out and "exact" in out


def test_hermite_command_multi_index(capsys: pytest.CaptureFixture[str]) -> None:
    # z1 z2 + He3(z2): T_2[1,2] = E[z1 z2 · z1 z2] = 1, T_3[2,2,2] = 3! = 6; E[σ z zᵀ] = [[0, 1], [1, 0]]
    assert main(["hermite", "z1*z2 + He3(z2)", "--degree", "3"]) == 0
    out = capsys.readouterr().out
    assert "T_2: [1,2] = 1" in out and "T_3: [2,2,2] = 6" in out
    assert "k* = 2" in out and "holds" in out
