"""The dimension-free engines against the d-dimensional simulation.

* the overlap chain of online SGD reproduces the d-dimensional spherical step sample by sample (same samples);
* the Bartlett factor has the Wishart law's first two moments;
* ``simulate(engine="reduced")`` and ``simulate(engine="full")`` give the same distribution of every metric at every
  checkpoint, at d = 64 and 256 (two-sample Kolmogorov-Smirnov tests and mean differences within four standard
  errors, with enough trials that a shift of 0.05 in the mean alignment exceeds those four standard errors).
"""

import numpy as np
import pytest
from scipy.stats import ks_2samp

from theorylab.numeric.activations import resolve_activation
from theorylab.numeric.config import reduction_obstacle, simulation_config
from theorylab.numeric.online_sgd import _sgd_steps
from theorylab.numeric.reduced_onestep import bartlett_factor, reduced_dense_one_step
from theorylab.numeric.reduced_sgd import activation_polynomial, overlap_chain, reduced_online_sgd
from theorylab.numeric.simulate import simulate
from theorylab.numeric.teachers import Teacher

TRIALS = 200
P_MIN = 1e-3  # per comparison; about 100 comparisons in this file, so a correct engine fails with probability < 0.1
ALIGNMENT_KEYS = ("alignment_median", "alignment_max", "alignment_min", "alignment_mean", "coverage")


@pytest.mark.parametrize(("link", "r", "activation", "loss"), [
    ("He2(z)/sqrt(2)", 1, "link", "correlation"),
    ("He3(z)", 1, "link", "square"),
    ("z1*z2", 2, "He2(z) + z", "correlation"),
    ("z1*z2", 2, "He2(z)", "square"),
])
def test_overlap_chain_is_the_spherical_step(link, r, activation, loss):
    """Same samples: (m, s) of the chain = (Vᵀw, ‖w - VVᵀw‖) of the d-dimensional learner after every step."""
    d, steps, eta = 40, 300, 0.1
    gen = np.random.default_rng(0)
    teacher = Teacher(link, np.eye(d)[:, :r])
    act = resolve_activation(activation, teacher, "identity")
    coef, sign, _ = activation_polynomial(activation, link, r)
    dcoef = np.polyder(coef)
    w = gen.standard_normal(d)
    w /= np.linalg.norm(w)
    W = w[None, None, :].copy()
    state = np.concatenate([w[:r], [np.linalg.norm(w[r:])]])[None]
    for i in range(steps):
        x = gen.standard_normal(d)
        ty = float(teacher.f(x[None])[0]) * sign
        perp = W[0, 0, r:] / np.linalg.norm(W[0, 0, r:])
        xi = float(perp @ x[r:])
        chi = float(x[r:] @ x[r:]) - xi * xi
        overlap_chain(state, x[None, None, :r].copy(), np.array([[xi]]), np.array([[chi]]), np.array([[ty]]), coef,
                      dcoef, eta, loss == "square")
        _sgd_steps(W, x[None, None, :], np.array([[ty]]), act, loss, eta, i)
        np.testing.assert_allclose(state[0, :r], W[0, 0, :r], rtol=0, atol=1e-10)
        np.testing.assert_allclose(state[0, r], np.linalg.norm(W[0, 0, r:]), rtol=0, atol=1e-10)
    assert np.max(np.abs(state[0, :r] - w[:r])) > 0.05  # the steps moved the overlaps


def test_bartlett_factor_moments():
    """B Bᵀ ~ Wishart(dof, I): mean dof·I, Var(entry ij) = dof (1 + δ_ij)."""
    rows, dof, N = 4, 7, 20000
    gen = np.random.default_rng(1)
    Ws = np.stack([(lambda B: B @ B.T)(bartlett_factor(rows, dof, gen)) for _ in range(N)])
    mean = Ws.mean(axis=0)
    se = np.sqrt(dof * (1 + np.eye(rows)) / N)
    assert np.all(np.abs(mean - dof * np.eye(rows)) < 4 * se)
    np.testing.assert_allclose(Ws.var(axis=0), dof * (1 + np.eye(rows)), rtol=0.08)
    small = bartlett_factor(5, 3, gen)
    assert small.shape == (5, 3)  # fewer dimensions than rows: the Gaussian matrix itself


def _same_law(full, reduced, keys):
    for key in keys:
        a, b = full.metrics[key], reduced.metrics[key]
        for k in range(a.shape[1]):
            if np.ptp(np.concatenate([a[:, k], b[:, k]])) == 0:
                continue
            p = ks_2samp(a[:, k], b[:, k]).pvalue
            assert p > P_MIN, f"{key} at n = {full.n[k]}: KS p = {p:.2g}"
            se = np.sqrt(a[:, k].var(ddof=1) / a.shape[0] + b[:, k].var(ddof=1) / b.shape[0])
            assert abs(a[:, k].mean() - b[:, k].mean()) <= 4 * se, f"{key} at n = {full.n[k]}"
            if key == "alignment_mean":
                assert 4 * se < 0.05  # the comparison can see a shift of 0.05 in the mean alignment


@pytest.mark.parametrize(("link", "d", "checkpoints"), [
    ("He2(z) + z", 4, [50, 400]),  # d < r + m: the Gaussian complements are drawn as they are
    ("z", 64, [32, 128, 512]),
    ("He2(z)", 64, [1000, 4000, 12000]),
    ("z", 256, [128, 512, 2048]),
    ("He2(z) + 0.3*z", 256, [256, 1024, 4096]),
])
def test_dense_reduced_has_the_law_of_full(link, d, checkpoints):
    kw = dict(d=d, n=checkpoints[-1], method="dense", trials=TRIALS, seed=11, checkpoints=checkpoints, width=8)
    full = simulate(link, engine="full", **kw)
    reduced = simulate(link, engine="reduced", **kw)
    assert full.config["engine"] == "full" and reduced.config["engine"] == "reduced"
    assert full.config["eta1"] == reduced.config["eta1"]
    _same_law(full, reduced, ALIGNMENT_KEYS + ("alignment_frac",))
    np.testing.assert_array_equal(reduced.metrics["J_size"], d)
    np.testing.assert_array_equal(reduced.metrics["support_recall"], 1.0)
    assert np.all(np.isnan(reduced.metrics["excess_risk"])) and np.all(np.isnan(full.metrics["excess_risk"]))


def test_dense_reduced_multi_index_coverage():
    """r = 2, Algorithm 2 (no μ̂ correction): the subspace coverage has the same law."""
    V = np.eye(64)[:, :2]
    kw = dict(d=64, r=2, V=V, n=4000, method="dense", trials=TRIALS, seed=2, checkpoints=[500, 4000],
              mu_correction=False, noise_std=0.5)
    full = simulate("He2(z1) + z1*z2", engine="full", **kw)
    reduced = simulate("He2(z1) + z1*z2", engine="reduced", **kw)
    _same_law(full, reduced, ALIGNMENT_KEYS)


@pytest.mark.parametrize(("link", "d", "checkpoints", "options", "trials"), [
    # more trials where the escape from the equator spreads the alignments
    ("He2(z)/sqrt(2)", 64, [500, 1000, 4000], {}, 600),
    pytest.param("He2(z)/sqrt(2)", 256, [1000, 4000, 6000], {}, 300, marks=pytest.mark.slow),
    ("He3(z)", 64, [2000, 8000], {"delta": 0.3, "loss": "square"}, TRIALS),
])
def test_online_sgd_reduced_has_the_law_of_full(link, d, checkpoints, options, trials):
    kw = dict(d=d, n=checkpoints[-1], method="online_sgd", trials=trials, seed=7, checkpoints=checkpoints,
              baseline_options=options)
    full = simulate(link, engine="full", **kw)
    reduced = simulate(link, engine="reduced", **kw)
    _same_law(full, reduced, ALIGNMENT_KEYS + ("excess_risk",))


def test_online_sgd_reduced_multi_index():
    kw = dict(d=64, r=2, n=3000, method="online_sgd", trials=TRIALS, seed=3, checkpoints=[1000, 3000],
              baseline_options={"activation": "He2(z)", "delta": 2.0}, noise_std=0.3)
    full = simulate("He2(z1) + z1*z2", engine="full", **kw)
    reduced = simulate("He2(z1) + z1*z2", engine="reduced", **kw)
    _same_law(full, reduced, ("alignment_median",))
    assert np.all(reduced.metrics["coverage"] == 0)  # one neuron cannot span two directions, as in full


def test_reduced_online_sgd_prefix_and_trial_consistency():
    kw = dict(d=10**5, k_star=2)
    long = reduced_online_sgd("He2(z)", checkpoints=[500, 3 * 2**14 + 7], seeds=[4, 5, 6], **kw)
    short = reduced_online_sgd("He2(z)", checkpoints=[500], seeds=[5], **kw)
    assert long["alignment_median"][1, 0] == short["alignment_median"][0, 0]


def test_reduced_dense_trial_consistency():
    kw = dict(d=10**4, checkpoints=[100, 1000], width=4)
    many = reduced_dense_one_step("He2(z)", seeds=[1, 2, 3], **kw)
    one = reduced_dense_one_step("He2(z)", seeds=[2], **kw)
    np.testing.assert_array_equal(many["alignment_median"][1], one["alignment_median"][0])


def test_engine_choice_and_record():
    assert simulation_config("z", d=32, n=100, method="dense").engine == "reduced"
    assert simulation_config("z", d=32, n=100, method="dense", engine="full").engine == "full"
    assert simulation_config("z1*z2", d=32, n=100, r=2, method="dense").engine == "full"  # Algorithm 2+
    assert simulation_config("z", d=32, n=100, method="dense", compute_risk=True).engine == "full"
    assert simulation_config("z", d=32, n=100, method="online_sgd").engine == "reduced"
    opts = {"activation": "relu(z)"}
    assert simulation_config("z", d=32, n=100, method="online_sgd", baseline_options=opts).engine == "full"
    for method in ("pruned", "oracle", "random", "hermite", "magnitude", "gd_reuse", "online_sgd_pruned"):
        assert simulation_config("z", d=32, n=100, method=method).engine == "full"
        assert reduction_obstacle(simulation_config("z", d=32, n=100, method=method)) is not None


@pytest.mark.parametrize(("kwargs", "match"), [
    ({"method": "pruned"}, "method 'pruned' has no exact reduction"),
    ({"method": "gd_reuse"}, "method 'gd_reuse' has no exact reduction"),
    ({"method": "dense", "compute_risk": True}, "method 'dense' has no exact reduction .*excess risk"),
    ({"method": "dense", "r": 2, "link": "z1*z2"}, "method 'dense' has no exact reduction .*Algorithm 2⁺"),
    ({"method": "online_sgd", "baseline_options": {"neurons": 2}}, "method 'online_sgd' .*neurons"),
    ({"method": "online_sgd", "baseline_options": {"activation": "relu(z)"}}, "method 'online_sgd' .*polynomial"),
    ({"method": "online_sgd", "baseline_options": {"return_weights": True}}, "method 'online_sgd' .*return_weights"),
])
def test_reduced_refuses_what_it_cannot_do(kwargs, match):
    kwargs = {"link": "He2(z)", "d": 32, "n": 100, "trials": 1, "engine": "reduced", **kwargs}
    with pytest.raises(ValueError, match=match):
        simulate(kwargs.pop("link"), **kwargs)


def test_bad_engine():
    with pytest.raises(ValueError, match="engine"):
        simulate("z", d=8, n=10, engine="fast")
