"""A learner of one's own runs like a built-in method (issue 11, item 2).

Truth from outside the code: a learner that rebuilds Algorithm 1 + Algorithm 2's one step through the protocol
must give exactly the success curves of the built-in ``method="pruned"`` with the same seed (both read the same
streams); a built-in sweep cell keeps the seed it had before learners existed (the value below was computed on
the code before this change).
"""

from __future__ import annotations

import numpy as np
import pytest

from theorylab.learners import (
    ONE_STEP,
    STANDARD_INIT,
    STANDARD_INIT_SMALL,
    TEN_STEPS,
    PrunedMultiStepGD,
)
from theorylab.numeric import SimulationResult, simulate
from theorylab.numeric.learner import Learner, Trial, learner_name, resolve_learner, weight_metrics
from theorylab.numeric.students import draw_half_init
from theorylab.numeric.training import OneStepAccumulator, default_eta1
from theorylab.sweeps import CaseSpec, SweepSpec, run_sweep, summarize_sweep

LINK = "He2(z)/sqrt(2)"
SETTING = {"d": 32, "n": 4000, "trials": 6, "seed": 2024, "checkpoints": [100, 200, 400, 800, 1600, 4000]}


class RebuiltOneStep:
    """Algorithm 1 then Algorithm 2's one step, written only with the protocol and the numeric layer."""

    name = "rebuilt one-step"

    def run(self, trial: Trial) -> dict[str, np.ndarray]:
        cfg = trial.config
        masks = trial.pruning_masks("paper")
        a, b, G = draw_half_init(cfg.width, cfg.d, trial.rng("init"))
        acc = OneStepAccumulator(masks[None], a[None], b[None], G[None], trial.checkpoints)
        pos = 0
        for X, y in trial.stream():
            acc.update(X[None], y[None], pos)
            pos += len(y)
        W = acc.first_layer(default_eta1(cfg.M, cfg.k_star))[0]
        return weight_metrics(W, trial.V, masks)


class Returns:
    """A learner that returns whatever it is given (to test the checks)."""

    def __init__(self, metrics):
        self.name = "returns"
        self.metrics = metrics

    def run(self, trial):
        return self.metrics


BAD = Returns({"alignment_median": np.zeros(3)})


def test_rebuilt_one_step_gives_the_builtin_success_curves() -> None:
    builtin = simulate(LINK, method="pruned", **SETTING)
    assert 0 < builtin.success.mean() < 1  # the curves cross the level: the comparison can fail
    for learner in (RebuiltOneStep(), ONE_STEP):
        mine = simulate(LINK, method=learner, **SETTING)
        assert np.array_equal(mine.success, builtin.success), learner.name
        np.testing.assert_allclose(mine.metrics["alignment_median"], builtin.metrics["alignment_median"],
                                   rtol=1e-9, atol=1e-12)
        assert np.array_equal(mine.metrics["J_size"], builtin.metrics["J_size"])
        assert np.array_equal(mine.n, builtin.n)


def test_learners_satisfy_the_protocol_and_record_their_importable_name() -> None:
    for learner in (ONE_STEP, TEN_STEPS, STANDARD_INIT, STANDARD_INIT_SMALL):
        assert isinstance(learner, Learner)
    by_object = simulate(LINK, method=TEN_STEPS, d=16, n=400, trials=2, checkpoints=[200, 400])
    name = by_object.config["method"]
    assert name == "theorylab.learners.multistep:TEN_STEPS" and by_object.config["learner"] == TEN_STEPS.name
    assert resolve_learner(name) is TEN_STEPS and learner_name(TEN_STEPS) == name
    by_name = simulate(LINK, method=name, d=16, n=400, trials=2, checkpoints=[200, 400])
    assert by_name.config == by_object.config
    assert np.array_equal(by_name.metrics["alignment_median"], by_object.metrics["alignment_median"])


def test_a_learner_result_saves_and_loads(tmp_path) -> None:
    res = simulate(LINK, method=STANDARD_INIT_SMALL, d=16, n=400, trials=2, checkpoints=[200, 400])
    back = SimulationResult.load(res.save(tmp_path / "run.npz"))
    assert back.config["method"] == "theorylab.learners.standard_init:STANDARD_INIT_SMALL"
    assert resolve_learner(back.config["method"]) is STANDARD_INIT_SMALL


@pytest.mark.parametrize(
    ("method", "error", "match"),
    [
        ("math:pi", TypeError, r"method: 'math:pi' \(float\) is not a Learner"),
        ("theorylab.no_such_module:X", ValueError, "method: cannot import module 'theorylab.no_such_module'"),
        ("theorylab.learners:NOPE", ValueError, "method: module 'theorylab.learners' has no attribute 'NOPE'"),
        ("theorylab.learners:PrunedMultiStepGD", TypeError, "method: .* is a class; give an instance"),
        ("pruend", ValueError, "method"),
        (Returns({"alignment_median": np.zeros(3)}), ValueError,
         r"learner 'returns': metric 'alignment_median' has shape \(3,\); .* shape \(2,\)"),
        (Returns({"coverage": np.zeros(2)}), ValueError, "learner 'returns': run\\(\\) returned no 'alignment_median'"),
        (Returns({"alignment_median": [0.1, np.inf]}), ValueError, "learner 'returns': metric 'alignment_median' is infinite"),
        (Returns([0.1, 0.2]), TypeError, "learner 'returns': run\\(\\) must return a dict"),
        (Returns({"alignment_median": ["a", "b"]}), TypeError, "learner 'returns': metric 'alignment_median' is not"),
    ],
)
def test_protocol_errors_name_the_learner_or_the_argument(method, error, match) -> None:
    with pytest.raises(error, match=match):
        simulate(LINK, method=method, d=16, n=400, trials=1, checkpoints=[200, 400])


def test_learner_configuration_errors_name_the_argument() -> None:
    with pytest.raises(ValueError, match="steps must be >= 1"):
        PrunedMultiStepGD(steps=0)
    with pytest.raises(ValueError, match="engine='reduced': method .* has no exact reduction"):
        simulate(LINK, method=ONE_STEP, d=16, n=400, trials=1, engine="reduced")
    with pytest.raises(ValueError, match="learner 'pruned \\+ 1 GD step': Algorithm 2⁺"):
        simulate("z1*z2", r=2, method=ONE_STEP, d=16, n=400, trials=1, checkpoints=[400])
    trial_seen = []

    class Peek:
        name = "peek"

        def run(self, trial):
            trial_seen.append(trial)
            return {"alignment_median": np.zeros(trial.checkpoints.size)}

    simulate(LINK, method=Peek(), d=16, n=400, trials=1, checkpoints=[400])
    with pytest.raises(ValueError, match="purpose: unknown stream 'bogus'"):
        trial_seen[0].rng("bogus")
    with pytest.raises(ValueError, match="keys: only the learner's own stream"):
        trial_seen[0].rng("init", 3)


def test_trial_streams_are_the_builtin_ones_and_prefix_consistent() -> None:
    seen = []

    class Keep:
        name = "keep"

        def run(self, trial):
            seen.append(trial)
            return {"alignment_median": np.zeros(trial.checkpoints.size)}

    simulate(LINK, method=Keep(), d=8, n=300, trials=2, seed=5, checkpoints=[300])
    X, y = seen[1].samples(300)
    X50, _ = seen[1].samples(50)
    assert X.shape == (300, 8) and y.shape == (300,) and np.array_equal(X[:50], X50)
    np.testing.assert_allclose(y, (X @ seen[1].V[:, 0]) ** 2 / np.sqrt(2) - 1 / np.sqrt(2), atol=1e-12)
    assert not np.array_equal(seen[0].samples(50)[0], X50)  # each trial has its own stream
    assert np.array_equal(seen[0].rng("own", 1).standard_normal(3), seen[0].rng("own", 1).standard_normal(3))


def test_sweeps_run_a_learner_by_its_importable_name(tmp_path) -> None:
    from theorylab.symbolic.methods import METHODS, Method, register_method

    name = "theorylab.learners:ONE_STEP"
    case = CaseSpec(LINK, ["pruned", name], d_grid=[16, 32], n_min=50, n_max=3000, trials=4,
                    options={"width": 4, "k_star": 2})
    spec = SweepSpec("mine", 3, [case])
    assert {c.method for c in spec.cells()} == {"pruned", name}
    run_sweep(spec, store_dir=tmp_path, progress=False, workers=1)
    rows = {r.method: r for r in summarize_sweep(spec, tmp_path, n_resamples=99).rows}
    assert rows[name].values == (16, 32) and len(rows[name].thresholds) == 2
    assert any("no rate registered" in note for note in rows[name].notes)
    register_method(Method(name, "one step via the protocol", "pruned", ("dense",), False, "test"))
    try:
        judged = {r.method: r for r in summarize_sweep(spec, tmp_path, n_resamples=99).rows}[name]
        assert judged.rate == "pruned" and judged.competitors == ("dense",)
    finally:
        METHODS.pop(name)
    with pytest.raises(ValueError, match="methods: module 'theorylab.learners' has no attribute 'NOPE'"):
        CaseSpec(LINK, ["theorylab.learners:NOPE"], d_grid=[16], n_min=10, n_max=100)
    with pytest.raises(ValueError, match="or name a learner of your own as 'package.module:attribute'"):
        CaseSpec(LINK, ["prunde"], d_grid=[16], n_min=10, n_max=100)


def test_a_builtin_cell_keeps_its_seed() -> None:
    # computed with the code before learners existed (commit f432fc0)
    cell = SweepSpec("he2", 2024, [CaseSpec("He2(z)", ["pruned", "dense"], [64, 256], n_min=100,
                                            n_max=20_000, trials=16)]).cells()[1]
    assert (cell.method, cell.d) == ("pruned", 256)
    assert cell.seed == BUILTIN_SEED


BUILTIN_SEED = 7515543342928486563
