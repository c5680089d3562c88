"""Tests of theorylab.numeric.baselines: online SGD on the sphere and multi-step GD with sample reuse.

Truth comes from outside the code: Ben Arous et al.'s Theorems 1.3-1.4 (recovery above and failure below the
thresholds) with tolerances derived below, closed-form Hermite coefficients, closed-form risks, plain-loop
reference implementations, and linear algebra (the fixed points of the reuse iteration). Seeds are fixed.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from theorylab.numeric.baselines import (
    INIT_KEY,
    default_delta,
    default_gd_steps,
    gd_reuse,
    online_sgd,
    run_baseline,
    transformed_hermite_coefficients,
)
from theorylab.numeric.metrics import METRICS
from theorylab.numeric.teachers import Teacher, derive_seed, stream_trials


def random_teachers(link: str, d: int, trials: int, seed: int = 123) -> list[Teacher]:
    """Dense directions drawn uniformly on the sphere, one per trial."""
    out = []
    for t in range(trials):
        v = np.random.default_rng(derive_seed(seed, t)).standard_normal(d)
        out.append(Teacher(link, v / np.linalg.norm(v)))
    return out


def seeds(trials: int, base: int = 7) -> list[np.random.SeedSequence]:
    return [derive_seed(base, t) for t in range(trials)]


def overlaps(out: dict, teachers: list[Teacher]) -> np.ndarray:
    """Signed ⟨w, v⟩ (trials, checkpoints) of the first neuron."""
    V = np.stack([t.V[:, 0] for t in teachers])
    return np.einsum("tkd,td->tk", out["W"][:, :, 0, :], V)


# ------------------------------------------------------------------------------------------ closed forms


def test_default_step_sizes_follow_the_stated_formulas():
    for d in (16, 100, 1000):
        assert default_delta(d, 1) == pytest.approx(1 / math.log(d))
        assert default_delta(d, 2) == pytest.approx(1 / math.log(d))
        assert default_delta(d, 4) == pytest.approx(1 / (d * math.log(d)))
        assert default_gd_steps(d) == math.ceil(10 * math.log(d))


def test_transformed_coefficients_closed_forms():
    # E[sign(He3(z)) z] = 2[-∫_0^√3 zφ + ∫_√3^∞ zφ] = 2φ(0)(2e^{-3/2} - 1)
    c = transformed_hermite_coefficients("He3(z)", "sign", degree=4)
    assert c[1] == pytest.approx(math.sqrt(2 / math.pi) * (2 * math.exp(-1.5) - 1), abs=1e-4)
    assert abs(c[0]) < 1e-6 and abs(c[2]) < 1e-6 and abs(c[4]) < 1e-6  # sign(He3) is odd
    # identity labels: E[He3 h3] = E[He3²]/√6 = √6, all other degrees 0 (information exponent 3)
    np.testing.assert_allclose(
        transformed_hermite_coefficients("He3(z)", "identity", degree=4), [0, 0, 0, math.sqrt(6), 0], atol=1e-8
    )
    # noisy sign: u = z + σε ~ N(0, 1+σ²), E[z | u] = u/(1+σ²), so E[sign(u) z] = √(2/π)/√(1+σ²)
    for s in (0.5, 2.0):
        c1 = transformed_hermite_coefficients("z", "sign", noise_std=s, degree=1)[1]
        assert c1 == pytest.approx(math.sqrt(2 / math.pi) / math.sqrt(1 + s * s), abs=1e-4)
    # squared labels of He1: z² = 1 + √2 h2
    np.testing.assert_allclose(transformed_hermite_coefficients("z", "square", degree=3), [1, 0, math.sqrt(2), 0], atol=1e-6)


# --------------------------------------------------------------------------------- reference implementations


def test_online_sgd_matches_a_plain_loop_of_benarous_eq_1_2():
    """One trial, 300 samples, square loss and correlation loss: X̃ = X - (δ/d)∇L, X = X̃/‖X̃‖."""
    d, n, delta = 12, 300, 0.4
    T = Teacher("He2(z)/sqrt(2)", np.eye(d)[:, :1] @ np.ones((1, 1)), noise_std=0.3)
    sd = derive_seed(3, 0)
    X, y = next(stream_trials([T], [sd], n, n))
    X, y = X[0], y[0]
    for loss in ("correlation", "square"):
        w = np.random.default_rng(derive_seed(sd, INIT_KEY, 0)).standard_normal((1, d))[0]
        w /= np.linalg.norm(w)
        for i in range(n):
            p = float(w @ X[i])
            sig, dsig = (p * p - 1) / math.sqrt(2), math.sqrt(2) * p
            dL = -y[i] * dsig if loss == "correlation" else -(y[i] - sig) * dsig  # dL/dp
            grad = dL * X[i]
            grad -= (grad @ w) * w  # spherical gradient
            w = w - delta / d * grad
            w /= np.linalg.norm(w)
        out = online_sgd(T, [sd], n_grid=[n], delta=delta, loss=loss, return_weights=True)
        np.testing.assert_allclose(out["W"][0, -1, 0], w, atol=1e-10)


def test_gd_reuse_k1_converges_to_the_transformed_first_moment():
    """With T = sign and σ = h1 the loss gradient is the constant -s·μ̂, μ̂ = (1/n)Σ (T_i - mean T) x_i,
    so spherical GD converges to ±μ̂/‖μ̂‖ (a slow reference computed from the same stream)."""
    d, n, trials = 32, 256, 4
    Ts = random_teachers("He3(z)/sqrt(6)", d, trials)
    sd = seeds(trials)
    out = gd_reuse(Ts, sd, n_grid=[n], steps=200, return_weights=True)
    X, y = next(stream_trials(Ts, sd, n, n))
    for t in range(trials):
        Tl = np.sign(y[t]) - np.sign(y[t]).mean()
        mu = Tl @ X[t] / n
        w = out["W"][t, 0, 0]
        assert abs(abs(w @ mu) / np.linalg.norm(mu) - 1) < 1e-8
        assert out["alignment_median"][t, 0] == pytest.approx(abs(mu @ Ts[t].V[:, 0]) / np.linalg.norm(mu))


def test_gd_reuse_k2_is_a_power_iteration_on_the_transformed_second_moment():
    """For He2 and T = sign the auto activation is h2 (c2 > 0) and GD's fixed point is the top eigenvector of
    (1/n) Σ (T_i - mean T) x_i x_iᵀ (the gradient is -√2 Ĉ w)."""
    d, n, trials = 24, 24 * 16, 3
    Ts = random_teachers("He2(z)/sqrt(2)", d, trials)
    sd = seeds(trials)
    out = gd_reuse(Ts, sd, n_grid=[n], steps=400, return_weights=True)
    X, y = next(stream_trials(Ts, sd, n, n))
    for t in range(trials):
        Tl = np.sign(y[t]) - np.sign(y[t]).mean()
        C = (X[t].T * Tl) @ X[t] / n
        evals, evecs = np.linalg.eigh(C)
        assert evals[-1] > abs(evals[0])  # the top of the spectrum is the signal here
        assert abs(out["W"][t, 0, 0] @ evecs[:, -1]) > 1 - 1e-6


def test_excess_risk_of_the_matched_student_is_closed_form_for_he1():
    """ŷ = ⟨w, x⟩, target ⟨v, x⟩: E(⟨v - w, x⟩)² = ‖v - w‖² = 2(1 - m)."""
    Ts = random_teachers("He1(z)", 16, 3)
    out = online_sgd(Ts, seeds(3), n_grid=[10, 100, 1000], k_star=1, return_weights=True)
    np.testing.assert_allclose(out["excess_risk"], 2 * (1 - overlaps(out, Ts)), atol=1e-10)
    assert set(out) == set(METRICS) | {"W"}


# ------------------------------------------------------------------------------ Ben Arous et al., Thm 1.3-1.4


def test_k1_online_sgd_aligns_after_n_much_larger_than_d_and_not_before():
    """He1, d = 128, 16 trials, δ = 1/log d.

    Above: near the optimum θ² = 1 - m² obeys E Δθ² ≈ -2ηθ² + η²(d-1) with η = δ/d, so the stationary
    θ² ≈ δ/2 ≈ 0.10 (m ≈ 0.95), with relative spread √(2/d) ≈ 0.13 over trials: every trial above 0.8 at n = 40 d.
    Below: after n = d/16 steps the drift moves m by at most ηn = δ/16 ≈ 0.013 and the noise by
    sd η√n·√3 < 0.01, so m stays at its initial size |N(0,1)|/√d: the median of 16 values of |N(0,1)| exceeds
    2 with probability < 1e-6, and the drift adds 0.013·√d ≈ 0.15."""
    d, trials = 128, 16
    Ts = random_teachers("He1(z)", d, trials)
    out = run_baseline("online_sgd", Ts, n_grid=np.array([d // 16, 40 * d]), seeds=seeds(trials), k_star=1)
    a = out["alignment_median"]
    assert np.median(a[:, 0]) * math.sqrt(d) < 2.2
    assert np.all(a[:, 1] > 0.8)
    np.testing.assert_allclose(out["coverage"], a, atol=1e-12)  # one neuron, r = 1: coverage = alignment
    assert np.all(out["J_size"] == d) and np.all(out["support_recall"] == 1)


def test_k2_online_sgd_stays_at_the_equator_below_d_log2_d():
    """He2/√2 (k* = 2), d = 128, δ = 1/log d ≈ 0.21, η = δ/d.

    At n = d (α = 1 ≪ log² d ≈ 23.5) the population drift dm = 2ηm per step multiplies m by e^{2δα} ≈ 1.5, and
    the noise η y σ'(p) ⟨x, v⟩ has E[y²σ'(p)²z²] = E[(z²-1)² z²]·E[p²] = 10, so sd η√(10n) ≈ 0.058 after n steps.
    So |m|√d ≈ |N(0, 1.5² + 0.65²)| (sd ≈ 1.65): P(|m|√d > 4) ≈ 0.015, and the median of 16 trials exceeds 4
    with probability < 1e-10. At n = 60 d > d log² d, Theorem 1.3's regime, the median is macroscopic."""
    d, trials = 128, 16
    Ts = random_teachers("He2(z)/sqrt(2)", d, trials)
    out = online_sgd(Ts, seeds(trials), n_grid=[d, 60 * d], k_star=2)
    a = out["alignment_median"]
    assert np.median(a[:, 0]) * math.sqrt(d) < 4
    assert np.median(a[:, 0]) < 0.35
    assert np.median(a[:, 1]) > 0.6


# --------------------------------------------------------------------------------- reuse versus one pass, He3


def test_he3_gd_with_reuse_and_sign_labels_beats_one_pass_sgd():
    """He3 (k* = 3, k_gen = 1), d = 32, n = 8d = 256 samples for both methods.

    Reuse with T = sign converges to μ̂/‖μ̂‖ (test above), μ̂ = c1 v + ξ v + ρ u with c1 ≈ -0.442,
    ξ ~ N(0, 1/n), ρ² ≈ (d-1)/n ± √(2/(d-1))·(d-1)/n: alignment |c1|/√(c1² + ρ²) ≈ 0.79 with sd ≈ 0.06
    (0.68·0.0625 from ξ and 1.24·0.031 from ρ², by the delta method); the median of 16 is > 0.6 with margin.
    One-pass SGD with δ = 1/(√d log d) ≈ 0.051: the drift 3η m² per step is negligible at m ≈ 1/√d and the noise
    has E[y²σ'(p)²z²] = (42/6)·(18/6) = 21, sd δ√(21n)/d ≈ 0.12, so m ≈ N(0, 1/d + 0.014) (sd 0.21):
    P(|m| > 0.35) ≈ 0.1 and the median of 16 exceeds 0.35 with probability < 1e-4."""
    d, trials, n = 32, 16, 256
    Ts = random_teachers("He3(z)/sqrt(6)", d, trials)
    reuse = run_baseline("gd_reuse", Ts, n_grid=[n], seeds=seeds(trials), k_star=3)
    one_pass = run_baseline("online_sgd", Ts, n_grid=[n], seeds=seeds(trials), k_star=3)
    assert np.median(reuse["alignment_median"]) > 0.6
    assert np.median(one_pass["alignment_median"]) < 0.35
    assert np.all(np.isnan(reuse["excess_risk"]))  # the h1 student is no predictor of He3


# ------------------------------------------------------------------------------------------ reproducibility


@pytest.mark.parametrize("method", ["online_sgd", "gd_reuse"])
def test_same_seed_identical_whatever_trials_together_or_chunking(method):
    d = 20
    Ts = random_teachers("He2(z)/sqrt(2)", d, 3)
    sd = seeds(3)
    grid = np.array([7, 100, 513, 1500])
    together = run_baseline(method, Ts, n_grid=grid, seeds=sd, return_weights=True)
    chunked = run_baseline(method, Ts, n_grid=grid, seeds=sd, return_weights=True, chunk_size=61)
    alone = [run_baseline(method, [T], n_grid=grid, seeds=[s], return_weights=True) for T, s in zip(Ts, sd, strict=True)]
    for key in ("W", *METRICS):
        np.testing.assert_array_equal(together[key], chunked[key])
        np.testing.assert_array_equal(together[key], np.concatenate([a[key] for a in alone]))
    if method == "gd_reuse":  # trial groups forced to size one by the memory cap
        small = run_baseline(method, Ts, n_grid=grid, seeds=sd, return_weights=True, max_bytes=1)
        np.testing.assert_array_equal(together["W"], small["W"])


def test_gd_reuse_checkpoints_use_prefixes_of_the_stream():
    """The result at checkpoint n does not depend on the other checkpoints (GD is rerun on the first n samples)."""
    Ts = random_teachers("He3(z)/sqrt(6)", 16, 2)
    a = gd_reuse(Ts, seeds(2), n_grid=[40, 90, 300], return_weights=True)["W"]
    b = gd_reuse(Ts, seeds(2), n_grid=[90], return_weights=True)["W"]
    np.testing.assert_array_equal(a[:, 1], b[:, 0])


# ------------------------------------------------------------------------------------------------ pruning


def test_oracle_pruning_restricts_the_learner_to_the_support():
    d, s = 64, 4
    Ts = []
    for t in range(3):
        v = np.zeros(d)
        idx = np.random.default_rng(t).choice(d, s, replace=False)
        v[idx] = 1 / math.sqrt(s)
        Ts.append(Teacher("He1(z)", v))
    out = online_sgd(Ts, seeds(3), n_grid=[10, 400], k_star=1, prune="oracle", M=s, n_prune=10, return_weights=True)
    support = np.stack([T.V[:, 0] != 0 for T in Ts])
    assert np.all(out["W"][~np.broadcast_to(support[:, None, None, :], out["W"].shape)] == 0)
    assert np.all(out["J_size"] == s) and np.all(out["support_recall"] == 1)
    assert np.all(out["alignment_median"][:, 1] > 0.6)
    g = gd_reuse(Ts, seeds(3), n_grid=[30, 60], prune="oracle", M=s, label_transform="identity", return_weights=True)
    assert np.all(g["W"][~np.broadcast_to(support[:, None, None, :], g["W"].shape)] == 0)
    assert np.all(g["J_size"] == s)


def test_random_pruning_that_misses_the_support_gives_zero_alignment():
    v = np.zeros(50)
    v[0] = 1.0
    T = Teacher("He1(z)", v)
    out = online_sgd(T, seeds(4), n_grid=[5, 200], prune="random", M=3, k_star=1, return_weights=True)
    missed = out["support_recall"][:, 0] == 0
    assert np.all(out["alignment_median"][missed] == 0)
    assert np.all(out["J_size"] == 3)


# ----------------------------------------------------------------------------------------------- validation


def test_validation_errors_name_their_argument():
    T = Teacher("He2(z)", np.eye(8)[:, :1])
    T2 = Teacher("z1*z2", np.eye(8)[:, :2])
    ok = {"n_grid": [10, 20], "seeds": [0]}
    with pytest.raises(ValueError, match="method"):
        run_baseline("adam", T, **ok)
    with pytest.raises(ValueError, match="n_grid"):
        run_baseline("online_sgd", T, n_grid=[20, 10], seeds=[0])
    with pytest.raises(ValueError, match="n_grid"):
        run_baseline("online_sgd", T, n_grid=[0, 10], seeds=[0])
    with pytest.raises(TypeError, match="seeds"):
        run_baseline("online_sgd", T, n_grid=[10], seeds=3)
    with pytest.raises(ValueError, match="delta"):
        run_baseline("online_sgd", T, delta=0.0, **ok)
    with pytest.raises(ValueError, match="k_star"):
        run_baseline("online_sgd", T, k_star=0, **ok)
    with pytest.raises(ValueError, match="loss"):
        run_baseline("online_sgd", T, loss="hinge", **ok)
    with pytest.raises(ValueError, match="label_transform"):
        run_baseline("gd_reuse", T, label_transform="log", **ok)
    with pytest.raises(ValueError, match="neurons"):
        run_baseline("gd_reuse", T, neurons=0, **ok)
    with pytest.raises(ValueError, match="steps"):
        run_baseline("gd_reuse", T, steps=0, **ok)
    with pytest.raises(ValueError, match="eta"):
        run_baseline("gd_reuse", T, eta=-1.0, **ok)
    with pytest.raises(ValueError, match="d = 9"):
        run_baseline("online_sgd", T, d=9, **ok)
    with pytest.raises(ValueError, match="M"):
        run_baseline("online_sgd", T, prune="oracle", M=9, **ok)
    with pytest.raises(ValueError, match="prune"):
        run_baseline("online_sgd", T, prune="lasso", M=2, **ok)
    with pytest.raises(ValueError, match="n_prune"):
        run_baseline("online_sgd", T, prune="oracle", M=2, n_prune=20, **ok)
    with pytest.raises(ValueError, match="prune_options"):
        run_baseline("online_sgd", T, prune="oracle", M=2, prune_options={"q": 1}, **ok)
    with pytest.raises(ValueError, match="activation"):
        run_baseline("online_sgd", T2, **ok)  # "link" needs r = 1
    with pytest.raises(ValueError, match="activation"):
        run_baseline("online_sgd", T, activation="sign(z)", **ok)  # zero derivative a.e.
    with pytest.raises(ValueError, match="seeds"):
        run_baseline("online_sgd", [T, T], n_grid=[10], seeds=[0])


def test_pruned_online_sgd_half_budget_prunes_on_the_first_half_of_each_checkpoint():
    """n_prune="half": J at checkpoint n_k is the strategy's answer on the first ⌊n_k/2⌋ samples (checked with
    pruning.prune on those samples), and checkpoint n_k's numbers do not depend on the other checkpoints."""
    from theorylab.numeric.pruning import prune as prune_fn

    d, s = 40, 3
    Ts = []
    for t in range(2):
        v = np.zeros(d)
        v[np.random.default_rng(10 + t).choice(d, s, replace=False)] = 1 / math.sqrt(s)
        Ts.append(Teacher("He2(z)/sqrt(2)", v))
    sd = seeds(2)
    grid = np.array([50, 201, 800])
    out = online_sgd(Ts, sd, n_grid=grid, prune="hermite", M=s, prune_options={"k": 2}, return_weights=True)
    X, y = next(stream_trials(Ts, sd, 400, 400))
    for t in range(2):
        for k, nk in enumerate(grid):
            J = prune_fn("hermite", X[t, : nk // 2], y[t, : nk // 2], M=s, k=2).J
            assert out["J_size"][t, k] == len(J)
            assert np.all(out["W"][t, k, 0, np.setdiff1d(np.arange(d), J)] == 0)
    alone = online_sgd(Ts, sd, n_grid=grid[1:2], prune="hermite", M=s, prune_options={"k": 2}, return_weights=True)
    np.testing.assert_array_equal(alone["W"][:, 0], out["W"][:, 1])
    with pytest.raises(ValueError, match="n_grid"):
        online_sgd(Ts, sd, n_grid=[1, 10], prune="hermite", M=s, prune_options={"k": 2})
