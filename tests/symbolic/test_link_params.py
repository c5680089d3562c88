"""Issue 11 item 3: bare He<k> everywhere, parameters in links, erf/log/max in the grammar, arity and r inferred.

Truth from outside the code: the orthogonality E[He_j He_k] = k! δ_jk, E[erf(z) z] = E[erf'(z)] = 2/√(3π),
relu(z) = max(z, 0) = -min(-z, 0), and NumPy's own functions.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
import sympy

from theorylab.cli import main
from theorylab.numeric.config import simulation_config
from theorylab.symbolic import as_link, hermite_coefficients, information_exponent, parse_link
from theorylab.symbolic.links import Z, name_kind

a, b = sympy.symbols("a b", real=True)


# -- 1. bare He<k> ---------------------------------------------------------------------------------


def test_bare_hermite_is_hermite_of_z_everywhere() -> None:
    assert parse_link("He3")[0] == Z**3 - 3 * Z
    assert information_exponent("He3") == 3
    assert hermite_coefficients("He3", 3) == [0, 0, 0, 6]  # E[He_3²] = 3!
    assert as_link("He2 + He3").expr == sympy.expand(Z**2 - 1 + Z**3 - 3 * Z)
    z1 = sympy.Symbol("z1", real=True)
    assert as_link("He2", arity=2).expr == z1**2 - 1


def test_cli_hermite_accepts_a_bare_hermite(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["hermite", "He3", "--degree", "3"]) == 0
    assert "information exponent k* = 3" in capsys.readouterr().out


# -- 3. parameters ---------------------------------------------------------------------------------


def test_symbolic_parameters_give_exact_coefficients_in_them() -> None:
    # E[(a He_2 + b He_4) He_k] = a 2! δ_k2 + b 4! δ_k4 (orthogonality)
    g = hermite_coefficients("a*He2(z) + b*He4(z)", 5, params={"a": None, "b": None})
    assert g == [0, 0, 2 * a, 0, 24 * b, 0]


def test_parameter_values_are_exact() -> None:
    g = hermite_coefficients("a*He2(z) + b*He4(z)", 4, params={"a": 1, "b": sympy.Rational(1, 2)})
    assert g == [0, 0, 2, 0, 12]
    assert hermite_coefficients("a*He2(z) + b*He4(z)", 4, params={"a": "1", "b": 0.5}) == g
    assert parse_link("c*z", params={"c": 0.1})[0] == sympy.Rational(1, 10) * Z
    assert parse_link("c*z", params={"c": "1/sqrt(2)"})[0] == Z / sympy.sqrt(2)


def test_symbolic_then_substituted_equals_valued() -> None:
    text = "a*z**3 + b*relu(z)**0 + a*b*z"
    sym = hermite_coefficients(text.replace("relu(z)**0", "1"), 4, params={"a": None, "b": None})
    val = hermite_coefficients(text, 4, params={"a": 3, "b": -2})
    assert [sympy.expand(s.subs({a: 3, b: -2})) for s in sym] == val


def test_information_exponent_with_parameters() -> None:
    assert information_exponent("a*He2(z) + b*He4(z)", params={"a": 0, "b": 1}) == 4
    assert information_exponent("a*He2(z) + b*He4(z)", params={"a": 2, "b": 1}) == 2
    with pytest.raises(ValueError, match=r"parameter 'a'.*params=\{'a'"):
        information_exponent(as_link("a*He2(z)", params={"a": None}))


def test_unknown_name_says_how_to_pass_a_parameter() -> None:
    with pytest.raises(ValueError, match=r"unknown name 'a'.*params=\{'a': .*--param a="):
        as_link("a*He2(z)")
    with pytest.raises(ValueError, match=r"unknown name 'b'"):
        as_link("a*He2(z) + b", params={"a": 1})
    with pytest.raises(ValueError, match=r"params: the link has no parameter 'c'"):
        as_link("a*He2(z)", params={"a": 1, "c": 2})
    with pytest.raises(ValueError, match=r"params: 'z' is not a parameter name"):
        as_link("a*He2(z)", params={"a": 1, "z": 2})
    with pytest.raises(TypeError, match=r"params\['a'\]"):
        as_link("a*z", params={"a": [1]})
    with pytest.raises(ValueError, match=r"params\['a'\] must be finite"):
        as_link("a*z", params={"a": math.inf})
    with pytest.raises(ValueError, match=r"params\['a'\] must be a number, got 'z'"):
        as_link("a*z", params={"a": "z"})


def test_numeric_evaluation_needs_values() -> None:
    link = as_link("a*tanh(z)", params={"a": None})
    assert link.parameters == (a,)
    with pytest.raises(ValueError, match=r"parameter 'a'"):
        link.numpy(np.zeros(3))
    with pytest.raises(ValueError, match=r"parameter 'a'"):
        hermite_coefficients(link, 3)
    valued = as_link(link, params={"a": 2})
    np.testing.assert_allclose(valued.numpy(np.array([0.5])), 2 * np.tanh([0.5]))


def test_sympy_links_take_parameters_by_the_same_rule() -> None:
    c = sympy.Symbol("c")
    z = sympy.Symbol("z")
    assert as_link(c * z**2, params={"c": 3}).expr == 3 * Z**2
    with pytest.raises(ValueError, match="unknown name 'c'"):
        as_link(c * z**2)


@pytest.mark.parametrize(
    ("name", "kind"),
    [("z", "variable"), ("z7", "variable"), ("e", "constant"), ("pi", "constant"), ("He9", "function"),
     ("log", "function"), ("max", "function"), ("a", "parameter"), ("sigma_2", "parameter"), ("_a", "invalid")],
)
def test_one_rule_for_names(name: str, kind: str) -> None:
    assert name_kind(name) == kind


def test_simulation_config_takes_params() -> None:
    cfg = simulation_config("a*He2(z) + b*He4(z)", d=16, n=64, params={"a": 1, "b": 0.5})
    assert cfg.link.expr == sympy.expand(Z**2 - 1 + (Z**4 - 6 * Z**2 + 3) / 2)
    assert cfg.k_star == 2
    with pytest.raises(ValueError, match="unknown name 'b'"):
        simulation_config("a*He2(z) + b*He4(z)", d=16, n=64, params={"a": 1})


def test_cli_param(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["hermite", "a*He2(z) + b*He4(z)", "--param", "a=0", "--param", "b=0.5", "--degree", "4"]) == 0
    assert "information exponent k* = 4" in capsys.readouterr().out
    assert main(["bounds", "--link", "a*He3", "--param", "a=2", "--d", "100"]) == 0
    assert "k* = 3" in capsys.readouterr().out
    assert main(["hermite", "a*He2(z)", "--param", "a"]) == 2
    assert "--param: expected NAME=VALUE" in capsys.readouterr().err
    assert main(["hermite", "a*He2(z)"]) == 2
    assert "--param a=" in capsys.readouterr().err


# -- 4. erf, log, max ------------------------------------------------------------------------------


def test_erf_log_max_min_in_the_grammar() -> None:
    x = np.linspace(-3, 3, 13)
    np.testing.assert_allclose(as_link("log(2 + z**2)").numpy(x), np.log(2 + x**2))
    np.testing.assert_allclose(as_link("max(z, 0, z**2 - 2)").numpy(x), np.maximum(np.maximum(x, 0), x**2 - 2))
    assert as_link("max(z, 0)").expr == as_link("relu(z)").expr
    assert hermite_coefficients("max(z, 0)", 6) == hermite_coefficients("relu(z)", 6)
    assert hermite_coefficients("-min(-z, 0)", 6) == hermite_coefficients("relu(z)", 6)
    assert hermite_coefficients("max(z, 0)", 2, method="exact")[1] == sympy.Rational(1, 2)
    g1 = hermite_coefficients("erf(z)", 1)[1]  # E[erf(z) z] = E[erf'(z)] = E[2 e^{-z²}/√π] = 2/√(3π)
    assert abs(float(g1) - 2 / math.sqrt(3 * math.pi)) < 1e-10
    with pytest.raises(ValueError, match="'max' takes two or more"):
        as_link("max(z)")


# -- 6. arity and r inferred -----------------------------------------------------------------------


def test_callable_arity_from_its_signature() -> None:
    link = as_link(lambda z1, z2: z1 * z2)
    assert link.arity == 2
    pts = np.array([[2.0, 3.0], [-1.0, 4.0]])
    np.testing.assert_allclose(link.numpy(pts), [6.0, -4.0])
    assert as_link(np.tanh).arity == 1
    with pytest.raises(ValueError, match="arity"):
        as_link(lambda z1, z2: z1 * z2, arity=3)


def test_simulate_infers_r_from_the_link() -> None:
    assert simulation_config("He2(z1) + He2(z2)", d=16, n=64).r == 2
    assert simulation_config(lambda z1, z2, z3: z1 * z2 * z3, d=16, n=64, k_star=3).r == 3
    assert simulation_config("He2(z)", d=16, n=64).r == 1
    with pytest.raises(ValueError, match=r"^r: r = 1 contradicts"):
        simulation_config("He2(z1) + He2(z2)", d=16, n=64, r=1)
    with pytest.raises(ValueError, match=r"^r: r = 3 contradicts"):
        simulation_config(lambda z1, z2: z1 * z2, d=16, n=64, r=3, k_star=2)
    with pytest.raises(ValueError, match=r"multi-index information exponent needs a polynomial link.*pass k_star"):
        simulation_config(lambda z1, z2: z1 * z2, d=16, n=64)  # not "constant": its arity is known


def test_sweep_case_params_act_as_the_written_value() -> None:
    from theorylab.sweeps import SweepSpec, sweep_from_dict
    from theorylab.sweeps.case import CaseSpec

    def cells(case: CaseSpec) -> list:
        return SweepSpec("p", 1, [case]).cells()

    with_param = CaseSpec("a*He2(z)", ["pruned"], d_grid=[64], n_min=10, n_max=100, params={"a": "1/2"})
    written = CaseSpec("He2(z)/2", ["pruned"], d_grid=[64], n_min=10, n_max=100)
    other = CaseSpec("a*He2(z)", ["pruned"], d_grid=[64], n_min=10, n_max=100, params={"a": 2})
    assert cells(with_param)[0].config == cells(written)[0].config
    assert cells(with_param)[0].seed == cells(written)[0].seed != cells(other)[0].seed
    assert cells(with_param)[0].simulate_kwargs()["params"] == {"a": "1/2"}
    table = {"name": "p", "seed": 1, "cases": [with_param.to_dict()]}
    assert sweep_from_dict(table).cases[0].link_object.expr == written.link_object.expr
    with pytest.raises(ValueError, match="unknown name 'a'"):
        CaseSpec("a*He2(z)", ["pruned"], d_grid=[64], n_min=10, n_max=100)


def test_cli_simulate_names_r_when_it_contradicts_the_link(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["simulate", "He2(z1) + He2(z2)", "--d", "16", "--n", "100", "--r", "1", "--no-progress"]) == 2
    assert "r: --r 1 contradicts the link's arity 2" in capsys.readouterr().err
    assert main(["simulate", "a*He2", "--d", "16", "--n", "100", "--no-progress"]) == 2
    assert "--param a=" in capsys.readouterr().err
