"""Every table the command line prints fits 100 columns in one number format, and --json gives the same as JSON."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from theorylab._table import WIDTH, number
from theorylab.cli import main

FIXTURE = Path(__file__).parent / "data" / "sscan_he2_d256"
_NUM = r"[-+]?\d[\d,.]*(?:e[-+]\d+)?"

BOUNDS = ["bounds", "--link", "He2", "--d", "1e4", "--d", "1e6", "--alpha", "0.25"]
HERMITE = ["hermite", "He3(z) + z", "--degree", "6"]
SIMULATE = ["simulate", "He1", "--d", "16", "--n", "200", "--n-min", "4", "--trials", "4", "--no-progress"]
COMPARE = ["compare", str(FIXTURE), "--resamples", "99"]


def _out(argv: list[str], capsys: pytest.CaptureFixture[str]) -> str:
    assert main(argv) == 0
    return capsys.readouterr().out


def _table_rows(out: str) -> list[str]:
    """The rows of every table in ``out``: the lines after a rule line (``---  ---``) up to a blank line."""
    rows, inside = [], False
    for line in out.splitlines():
        if re.fullmatch(r"-+(  -+)+", line):
            inside = True
        elif not line.strip():
            inside = False
        elif inside:
            rows.append(line)
    return rows


def _numbers(row: str) -> list[str]:
    """The numbers of a row's numeric cells (cells are 2+ spaces apart; an interval cell holds two)."""
    out = []
    for cell in re.split(r"\s{2,}", row.strip()):
        if re.fullmatch(_NUM, cell):
            out.append(cell)
        elif re.fullmatch(rf"\[({_NUM}), ({_NUM}|inf)\]", cell):
            out += [x for x in cell[1:-1].split(", ") if x != "inf"]
    return out


def _one_format(token: str) -> bool:
    """``token`` is what :func:`number` prints for the value it denotes (an integer or a float)."""
    try:
        value = float(token)
    except ValueError:  # "1,000"
        return False
    return token == number(value) or (token.lstrip("-").isdigit() and token == number(int(token)))


@pytest.mark.parametrize("argv", [BOUNDS, HERMITE, SIMULATE, COMPARE], ids=lambda a: a[0])
def test_tables_fit_100_columns(argv: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    out = _out(argv, capsys)
    wide = [line for line in out.splitlines() if len(line) > WIDTH]
    assert not wide, wide
    assert _table_rows(out), out  # there is a table


@pytest.mark.parametrize("argv", [BOUNDS, SIMULATE, COMPARE], ids=lambda a: a[0])
def test_tables_have_one_number_format(argv: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    out = _out(argv, capsys)
    tokens = [t for row in _table_rows(out) for t in _numbers(row)]
    assert tokens
    odd = [t for t in tokens if not _one_format(t)]
    assert not odd, odd


def test_bounds_numbers_are_the_rates(capsys: pytest.CaptureFixture[str]) -> None:
    # the table's n(d) cells are d^β: pruned d^{1/2}, dense d^2, CSQ-dense d^1 (He2, α = 1/4)
    rows = {line.split()[0]: line.split() for line in _table_rows(_out(BOUNDS, capsys))}
    for name, beta in (("pruned", 0.5), ("dense", 2.0), ("csq_dense", 1.0)):
        assert [float(x) for x in rows[name][3:5]] == pytest.approx([1e4**beta, 1e6**beta], rel=5e-3)


def test_simulate_prints_a_table_not_a_dict(capsys: pytest.CaptureFixture[str]) -> None:
    out = _out(SIMULATE, capsys)
    assert "{" not in out and "'" not in out
    assert "success: median alignment >= 0.500" in out


@pytest.mark.parametrize(
    ("argv", "keys"),
    [
        (BOUNDS, {"link", "r", "k_star", "k_gen", "alpha", "q", "d", "rates"}),
        (HERMITE, {"link", "r", "exact", "coefficients", "k_star", "k_gen"}),
        (["hermite", "z1*z2", "--degree", "2"], {"link", "r", "tensors", "k_star", "assumption_1"}),
        (SIMULATE, {"link", "method", "d", "trials", "seed", "criterion", "checkpoints", "threshold"}),
        (COMPARE, {"sweep", "rows"}),
    ],
    ids=lambda a: a[0] if isinstance(a, list) else "",
)
def test_json_output(argv: list[str], keys: set[str], capsys: pytest.CaptureFixture[str]) -> None:
    data = json.loads(_out([*argv, "--json"], capsys))
    assert keys <= set(data)


def test_bounds_json_is_the_table(capsys: pytest.CaptureFixture[str]) -> None:
    data = json.loads(_out([*BOUNDS, "--json"], capsys))
    pruned = next(r for r in data["rates"] if r["name"] == "pruned")
    assert data["d"] == [1e4, 1e6] and pruned["exponent"] == 0.5
    assert pruned["n"] == pytest.approx([100.0, 1000.0])


def test_hermite_json_coefficients(capsys: pytest.CaptureFixture[str]) -> None:
    # He3(z) + z: γ_1 = E[(He3 + z) z] = 1, γ_3 = 3! = 6, all others 0 (orthogonality)
    data = json.loads(_out([*HERMITE, "--json"], capsys))
    gammas = [c["gamma"] for c in data["coefficients"]]
    assert gammas == pytest.approx([0, 1, 0, 6, 0, 0, 0]) and data["k_star"] == 1


def test_simulate_json_checkpoints(capsys: pytest.CaptureFixture[str]) -> None:
    data = json.loads(_out([*SIMULATE, "--json"], capsys))
    ns = [c["n"] for c in data["checkpoints"]]
    assert ns[0] == 4 and ns[-1] == 200 and ns == sorted(ns)
    assert all(0.0 <= c["success"] <= 1.0 for c in data["checkpoints"])


def test_plan_json(capsys: pytest.CaptureFixture[str]) -> None:
    main(["plan", str(FIXTURE), "--case", "He2 s-scan d=256", "--budget", "60", "--json"])
    data = json.loads(capsys.readouterr().out)
    assert {"case", "method", "axis", "feasible", "reason", "design", "considered"} <= set(data)
    assert data["axis"] == "s" and isinstance(data["considered"], list)
