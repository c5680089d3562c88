"""Sweep specifications: validation messages name the field, seeds are stable per cell."""

from __future__ import annotations

import hashlib
import json

import numpy as np
import pytest

from theorylab.sweeps.spec import CaseSpec, SweepSpec, load_sweep, sweep_from_dict

GOOD_TOML = """
name = "he2"
seed = 7

[defaults]
link = "He2(z)"
alpha = 0.25
trials = 4

[[cases]]
label = "pruned"
methods = ["pruned"]
d_grid = [256, 81]
n_min = 100
n_max = 10000

[[cases]]
label = "dense"
methods = ["dense"]
d_grid = [81]
n_min = 1000
n_max = 100000
q = 1.0
"""


def _case(**kw):
    base = {"link": "He2(z)", "methods": ["pruned"], "d_grid": [81], "n_min": 10, "n_max": 100}
    base.update(kw)
    return base


def _sweep(**case_kw):
    return {"name": "x", "seed": 0, "cases": [_case(**case_kw)]}


def test_toml_file_loads_with_defaults(tmp_path):
    path = tmp_path / "s.toml"
    path.write_text(GOOD_TOML)
    spec = load_sweep(path)
    assert spec.name == "he2" and spec.seed == 7
    pruned, dense = spec.cases
    assert pruned.d_grid == (81, 256)  # sorted
    assert pruned.trials == 4 and dense.trials == 4  # from [defaults]
    assert dense.q == 1.0 and pruned.q == 0.0
    assert len(spec.cells()) == 3
    # the dict form reads back to the same specification
    assert sweep_from_dict(json.loads(json.dumps(spec.to_dict()))) == spec


@pytest.mark.parametrize(
    ("data", "match"),
    [
        (dict(_sweep(), sedd=1), r"^sedd: unknown key \(did you mean 'seed'\?\)$"),
        (_sweep(alpah=0.25), r"^cases\[0\]\.alpah: unknown key \(did you mean 'alpha'\?\)$"),
        (_sweep(d_gird=[81]), r"^cases\[0\]\.d_gird: unknown key \(did you mean 'd_grid'\?\)$"),
        (dict(_sweep(), defaults={"trails": 3}), r"^defaults\.trails: unknown key \(did you mean 'trials'\?\)$"),
        (_sweep(link="Hx(z)"), r"^cases\[0\]\.link: unknown name 'Hx'"),
        (_sweep(methods=["prunde"]), r"^cases\[0\]\.methods: unknown method 'prunde' \(did you mean 'pruned'\?\)"),
        (_sweep(methods=[]), r"^cases\[0\]\.methods: must list at least one method$"),
        (_sweep(d_grid=[]), r"^cases\[0\]\.d_grid: must list at least one dimension$"),
        (_sweep(n_min=1000, n_max=100), r"^cases\[0\]\.n_min: the n range is upside down: n_min = 1000 > n_max = 100$"),
        (_sweep(trials=0), r"^cases\[0\]\.trials must be >= 1, got 0$"),
        (_sweep(alpha=1.5), r"^cases\[0\]\.alpha must be in \(0, 1\)"),
        (_sweep(q=2.0), r"^cases\[0\]\.q must be in \[0, 2\)"),
        (_sweep(options={"d": 5}), r"^cases\[0\]\.options\.d: set by the sweep itself"),
        ({"name": "x", "seed": 0, "cases": []}, r"^cases: a sweep needs at least one case$"),
        ({"name": "x", "cases": [_case()]}, r"^seed: missing"),
        ({"name": "a b", "seed": 0, "cases": [_case()]}, r"^name: must be"),
    ],
)
def test_bad_input_names_the_field(data, match):
    with pytest.raises(ValueError, match=match):
        sweep_from_dict(data)


def test_missing_case_key_is_named():
    case = _case()
    del case["n_max"]
    with pytest.raises(ValueError, match=r"^cases\[0\]\.n_max: missing"):
        sweep_from_dict({"name": "x", "seed": 0, "cases": [case]})


def test_type_errors_name_the_field():
    with pytest.raises(TypeError, match=r"^cases\[0\]\.trials must be an integer"):
        sweep_from_dict(_sweep(trials="many"))
    with pytest.raises(TypeError, match=r"^cases\[0\]\.methods: must be a list"):
        sweep_from_dict(_sweep(methods="pruned"))


def test_toml_syntax_error_is_one_line(tmp_path):
    path = tmp_path / "bad.toml"
    path.write_text("name = \n")
    with pytest.raises(ValueError, match="not valid TOML") as info:
        load_sweep(path)
    assert "\n" not in str(info.value)


def test_duplicate_cells_and_labels_are_refused():
    case = CaseSpec("He2(z)", ["pruned"], [81], n_min=10, n_max=100, label="a")
    with pytest.raises(ValueError, match=r"cases\[1\]\.label"):
        SweepSpec("x", 0, [case, case])
    other = CaseSpec("He2(z)", ["pruned"], [81], n_min=10, n_max=100, label="b")
    with pytest.raises(ValueError, match=r"cases\[1\]: the cell pruned / d=81 repeats a cell of cases\[0\]"):
        SweepSpec("x", 0, [case, other])


def test_callable_links_are_refused():
    with pytest.raises(ValueError, match="^link: a sweep needs a link written as text"):
        CaseSpec(np.tanh, ["pruned"], [81], n_min=10, n_max=100)


def _reference_seed(sweep_seed: int, config: dict) -> int:
    """The documented derivation, written out independently of the package's helpers."""
    config = {k: v for k, v in config.items() if k != "sweep_seed"}
    text = json.dumps(config, sort_keys=True, separators=(",", ":"))
    words = np.frombuffer(hashlib.sha256(text.encode()).digest(), dtype="<u4").tolist()
    state = np.random.SeedSequence(entropy=[sweep_seed, *words]).generate_state(1, dtype=np.uint64)
    return int(state[0]) & (2**63 - 1)


def test_cell_seed_follows_the_documented_derivation():
    spec = SweepSpec("x", 11, [CaseSpec("He2(z)", ["pruned", "dense"], [81, 256], n_min=10, n_max=100)])
    for cell in spec.cells():
        assert cell.seed == _reference_seed(11, cell.config)
        assert cell.simulate_kwargs()["seed"] == cell.seed


def test_adding_cells_does_not_change_the_others():
    a = CaseSpec("He2(z)", ["pruned"], [81, 256], n_min=10, n_max=100, label="a")
    b = CaseSpec("He3(z)", ["dense"], [64], n_min=10, n_max=100, label="b")
    small = SweepSpec("x", 3, [a])
    large = SweepSpec("x", 3, [b, CaseSpec("He2(z)", ["pruned", "dense"], [81, 256, 625], n_min=10, n_max=100, label="a")])
    seeds_small = {(c.method, c.d): c.seed for c in small.cells()}
    seeds_large = {(c.method, c.d): c.seed for c in large.cells() if c.label == "a"}
    for key, seed in seeds_small.items():
        assert seeds_large[key] == seed
    # distinct cells get distinct seeds, another sweep seed changes them all
    all_seeds = [c.seed for c in large.cells()]
    assert len(set(all_seeds)) == len(all_seeds)
    other = SweepSpec("x", 4, [a])
    assert not set(seeds_small.values()) & {c.seed for c in other.cells()}


def test_equivalent_links_share_the_configuration():
    """The configuration holds the link's canonical SymPy form, so spellings of one link agree."""
    a = SweepSpec("x", 0, [CaseSpec("He2(z)", ["pruned"], [81], n_min=10, n_max=100)]).cells()[0]
    b = SweepSpec("x", 0, [CaseSpec("z**2 - 1", ["pruned"], [81], n_min=10, n_max=100)]).cells()[0]
    assert a.config == b.config and a.seed == b.seed


def test_per_d_n_ranges_follow_the_grid_as_written():
    case = CaseSpec("He2(z)", ["dense"], [256, 64, 128], n_min=100, n_max=[40_000, 3_000, 9_000])
    assert case.d_grid == (64, 128, 256)
    assert [case.n_range(d) for d in case.d_grid] == [(100, 3_000), (100, 9_000), (100, 40_000)]
    cells = SweepSpec("x", 0, [case]).cells()
    assert [(c.config["n_max"], c.simulate_kwargs()["n"]) for c in cells] == [(3_000, 3_000), (9_000, 9_000), (40_000, 40_000)]
    # a per-d list that gives every d the same value is the same cell as the scalar form
    same = CaseSpec("He2(z)", ["dense"], [64], n_min=[100], n_max=3_000)
    assert SweepSpec("x", 0, [same]).cells()[0].config == cells[0].config


@pytest.mark.parametrize(
    ("kw", "match"),
    [
        ({"n_max": [10, 20]}, r"^cases\[0\]\.n_max: a list needs one entry per dimension of d_grid \(3\), got 2$"),
        ({"n_min": [10, 10, 500], "n_max": 100}, r"^cases\[0\]\.n_min: the n range is upside down at d = 256"),
        ({"d_grid": [81, 81, 256]}, r"^cases\[0\]\.d_grid: the dimension 81 is listed twice$"),
        ({"criterion": "acuracy"}, r"^cases\[0\]\.criterion: unknown metric 'acuracy'"),
        ({"threshold": 1.5}, r"^cases\[0\]\.threshold: "),
    ],
)
def test_more_bad_input(kw, match):
    base = {"d_grid": [81, 128, 256]}
    base.update(kw)
    with pytest.raises(ValueError, match=match):
        sweep_from_dict(_sweep(**base))


def test_options_must_be_simulate_arguments():
    with pytest.raises(ValueError, match=r"^cases\[0\]\.options\.widht: not an argument of simulate \(did you mean 'width'\?\)$"):
        sweep_from_dict(_sweep(options={"widht": 8}))


def test_criterion_becomes_a_success_criterion():
    from theorylab.numeric.metrics import SuccessCriterion

    case = CaseSpec("He2(z)", ["pruned"], [81], n_min=10, n_max=100, criterion="alignment_max", threshold=0.6)
    kwargs = SweepSpec("x", 0, [case]).cells()[0].simulate_kwargs()
    assert kwargs["criterion"] == SuccessCriterion("alignment", 0.6, "max")
    plain = SweepSpec("x", 0, [CaseSpec("He2(z)", ["pruned"], [81], n_min=10, n_max=100)]).cells()[0]
    assert "criterion" not in plain.simulate_kwargs()


def test_known_methods_are_simulates_own_list():
    from theorylab.numeric.simulate import METHODS
    from theorylab.sweeps.spec import known_methods

    assert set(known_methods()) == set(METHODS)
    assert {"gd_reuse", "online_sgd", "oracle"} <= set(known_methods())


@pytest.mark.parametrize(
    "kw, match",
    [
        ({"s_grid": [2, 4]}, r"^s_grid: an s-scan needs at least 3 support sizes, got 2$"),
        ({"s_grid": [2, 4, 300]}, r"^s_grid: every s must lie in \[r, d\] = \[1, 256\], got 300$"),
        ({"s_grid": [2, 4, 4]}, r"^s_grid: a support size is listed twice"),
        ({"s_grid": [], "alpha_grid": [0.1, 0.11, 0.5]}, r"alpha_grid: α = 0.1 and α = 0.11 both give s = round"),
        ({"d_grid": [64, 256]}, r"^d_grid: an s-scan runs at one fixed d"),
        ({"axis": "q"}, r"^axis: must be 'd' or 's'"),
        ({"s_grid": [2, 4, 8], "alpha_grid": [0.2, 0.3, 0.4]}, r"^alpha_grid: give s_grid or alpha_grid"),
    ],
)
def test_s_scan_bad_input_names_the_field(kw, match):
    base = {"link": "He2(z)", "methods": ["pruned"], "d_grid": [256], "n_min": 10, "n_max": 100, "axis": "s",
            "s_grid": [2, 4, 8]}
    base.update(kw)
    with pytest.raises(ValueError, match=match):
        CaseSpec(**base)


def test_s_scan_cells_run_at_alpha_log_s_over_log_d_and_keep_d_scan_seeds():
    scan = CaseSpec("He2(z)", ["pruned"], [256], n_min=10, n_max=[100, 200, 300], axis="s", s_grid=[16, 2, 4])
    cells = SweepSpec("s", 1, [scan]).cells()
    assert [c.s for c in cells] == [2, 4, 16] and {c.d for c in cells} == {256}
    for c in cells:  # d^α = s exactly, so the q = 0 teacher has exactly s non-zero rows
        assert round(256 ** c.simulate_kwargs()["alpha"]) == c.s
    assert [scan.n_range(s)[1] for s in (2, 4, 16)] == [200, 300, 100]  # lists follow s_grid as written
    # a d-scan cell's configuration, and so its seed, does not mention s
    plain = SweepSpec("d", 1, [CaseSpec("He2(z)", ["pruned"], [256], n_min=10, n_max=100)]).cells()[0]
    assert "s" not in plain.config
    # TOML round trip
    again = sweep_from_dict(SweepSpec("s", 1, [scan]).to_dict())
    assert again.cases[0].s_grid == (2, 4, 16) and again.cases[0].axis == "s"


@pytest.mark.parametrize("method", ["oracle", "hermite", "magnitude", "random"])
def test_every_pruning_method_is_sized_with_algorithm_1s_statistics(method):
    """The size check reads the method tables, not the method's name: a pruning method whose name lacks
    "pruned" still carries Algorithm 1's 2 m (d+1)² statistics (about 51 GB at d = 20000, width 8), while the
    same case for the dense learner (no pruning pass) fits."""
    from theorylab.sweeps.spec import CaseSpec

    CaseSpec("He2(z)", methods=["dense"], d_grid=[20000], n_min=64, n_max=128, trials=1,
             options={"engine": "full"})
    with pytest.raises(ValueError, match="d_grid: at d = 20000"):
        CaseSpec("He2(z)", methods=[method], d_grid=[20000], n_min=64, n_max=128, trials=1)
