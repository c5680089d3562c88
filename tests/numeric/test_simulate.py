"""simulate(): seeds and chunking, agreement with the in-memory Algorithms 1-2, methods, validation."""

import json

import numpy as np
import pytest

from theorylab.numeric.metrics import SuccessCriterion, alignment
from theorylab.numeric.pruning import prune_network
from theorylab.numeric.simulate import METHODS, checkpoint_grid, simulate
from theorylab.numeric.teachers import Teacher, derive_seed, stream_trials
from theorylab.numeric.training import train_algorithm2

KW = dict(d=24, alpha=0.5, n=1500, seed=3, width=4, checkpoints=[200, 700, 1500])


def _same(a, b):
    assert a.n.tolist() == b.n.tolist()
    np.testing.assert_array_equal(a.success, b.success)
    for k in a.metrics:
        np.testing.assert_allclose(a.metrics[k], b.metrics[k], rtol=1e-10, atol=1e-12, equal_nan=True)


@pytest.mark.parametrize("method", ["pruned", "dense"])
def test_trial_results_do_not_depend_on_batch_or_chunk(method):
    many = simulate("He2(z)", method=method, trials=3, compute_risk=True, **KW)
    one = simulate("He2(z)", method=method, trials=1, compute_risk=True, chunk_size=333, **KW)
    sub = type(one)(many.n, many.success[:1], {k: v[:1] for k, v in many.metrics.items()})
    _same(sub, one)
    again = simulate("He2(z)", method=method, trials=3, compute_risk=True, chunk_size=2048, **KW)
    _same(many, again)


def test_simulate_equals_in_memory_algorithms():
    res = simulate("He2(z) + z", trials=2, **KW)
    d, m = KW["d"], KW["width"]
    for t in range(2):
        from theorylab.symbolic.sparsity import sparse_directions

        V = sparse_directions(d, alpha=0.5, rng=np.random.default_rng(derive_seed(3, t, 0)))
        T = Teacher("He2(z) + z", V)
        X, y = next(stream_trials([T], [derive_seed(3, t, 2)], 1500, 1500, augment=True))
        X, y = X[0], y[0]
        for k, nk in enumerate(KW["checkpoints"]):
            pr = prune_network(X[:nk, :d], y[:nk], m=m, M=res.config["M"], rng=np.random.default_rng(derive_seed(3, t, 1)),
                               x_aug=X[:nk, d])
            net = train_algorithm2(X[:nk, :d], y[:nk], J=pr.J, m=m, eta1=res.config["eta1"],
                                   rng=np.random.default_rng(derive_seed(3, t, 3)))
            al = alignment(net.W[:m], V)
            assert res.metrics["J_size"][t, k] == pr.J.size
            np.testing.assert_allclose(np.median(al), res.metrics["alignment_median"][t, k], rtol=1e-10)


def test_oracle_and_methods_run():
    for method in ["oracle", "hermite", "magnitude", "random"]:
        r = simulate("He2(z)", method=method, trials=2, **KW)
        assert r.success.shape == (2, 3) and r.success.dtype == bool
        if method == "oracle":
            np.testing.assert_allclose(r.metrics["support_recall"], 1.0)
    assert set(METHODS) >= {"pruned", "dense", "oracle", "hermite", "magnitude", "random", "online_sgd", "gd_reuse"}


def test_multi_index_and_risk_criterion():
    V = np.zeros((24, 2))
    V[[1, 7], [0, 1]] = 1.0
    crit = SuccessCriterion("excess_risk", 0.5)
    r = simulate("z1*z2", r=2, V=V, trials=2, criterion=crit, **{**KW, "n": 3000, "checkpoints": [300, 3000]})
    assert r.config["mu_correction"] is True
    assert np.all(np.isfinite(r.metrics["excess_risk"]))
    # the risk of the zero predictor is E[(z1 z2)^2] = 1; learning lowers it
    assert np.all(r.metrics["excess_risk"][:, -1] < 1.0)
    np.testing.assert_array_equal(r.success, r.metrics["excess_risk"] <= 0.5)


def test_learning_happens_k1():
    r = simulate("z", trials=4, **{**KW, "n": 4000, "checkpoints": [4000]})
    assert r.success.all()


def test_float32_and_dataframe_and_config():
    r = simulate("He2(z)", trials=2, dtype="float32", **KW)
    df = r.to_dataframe()
    assert len(df) == 6 and {"trial", "n", "success", "alignment_median"} <= set(df.columns)
    cfg = json.loads(json.dumps(r.config))
    assert cfg["dtype"] == "float32" and cfg["checkpoints"] == [200, 700, 1500]


def test_baseline_dispatch():
    r = simulate("z", method="online_sgd", trials=2, d=16, n=3000, alpha=0.5, checkpoints=[300, 3000])
    assert r.success.shape == (2, 2)


def test_checkpoint_grid():
    g = checkpoint_grid(10000, 100, 1.5)
    assert g[0] == 100 and g[-1] == 10000 and np.all(np.diff(g) > 0)
    ratios = g[1:] / g[:-1]
    assert np.all((ratios > 1.3) & (ratios < 1.7))


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"n": 0}, "n must be >= 1"),
        ({"width": 0}, "width must be >= 1"),
        ({"M": 25}, "M must be <= 24"),
        ({"trials": 0}, "trials must be >= 1"),
        ({"V": np.ones((24, 1))}, "V must have orthonormal"),
        ({"V": np.eye(5)[:, :1]}, "V must have shape"),
        ({"r": 2}, "^r: r = 2 contradicts the link"),
        ({"method": "prunned"}, "unknown method 'prunned'"),
        ({"checkpoints": [10, 5]}, "checkpoints"),
        ({"alpha": 1.5}, "alpha"),
        ({"dtype": "float16"}, "dtype"),
    ],
)
def test_bad_inputs(kwargs, match):
    args = {"d": 24, "n": 100, "trials": 1}
    args.update(kwargs)
    with pytest.raises(ValueError, match=match):
        simulate("He2(z)", **args)


class _RecordingBar:
    """Stands in for tqdm: records total and the sum of the updates."""

    bars: list = []

    def __init__(self, total=None, **_kw):
        self.total, self.n, self.closed = total, 0, False
        _RecordingBar.bars.append(self)

    def update(self, k=1):
        self.n += k

    def close(self):
        self.closed = True


@pytest.mark.parametrize(("kwargs"), [
    {"method": "pruned"},
    {"method": "dense", "engine": "full"},
    {"method": "dense", "compute_risk": True, "n_test": 300},
    {"method": "oracle", "r": 2, "link": "z1*z2"},
    {"method": "dense", "engine": "reduced"},
    {"method": "online_sgd", "engine": "reduced"},
])
def test_progress_bar_reaches_its_total(monkeypatch, kwargs):
    import tqdm.auto

    monkeypatch.setattr(tqdm.auto, "tqdm", _RecordingBar)
    _RecordingBar.bars = []
    kw = {"link": "He2(z)", "d": 16, "n": 700, "trials": 2, "checkpoints": [100, 700], "progress": True, **kwargs}
    simulate(kw.pop("link"), **kw)
    assert _RecordingBar.bars and all(b.closed and b.n == b.total for b in _RecordingBar.bars)


def test_config_records_engine():
    assert simulate("z", d=16, n=100, trials=1, method="dense").config["engine"] == "reduced"
    assert simulate("z", d=16, n=100, trials=1, method="dense", engine="full").config["engine"] == "full"
    assert simulate("z", d=16, n=100, trials=1).config["engine"] == "full"
