"""Algorithm 1 (PruneNetwork): the plain-loop reference of theorylab.numeric.reference as oracle, the even/odd split (Cor. 16), the paper's worked
examples (§4, (6.1), (6.4); App. A), and the other strategies."""

import math

import numpy as np
import pytest

from theorylab.numeric.pruning import PaperPruner, default_c, make_pruner, prune, prune_network
from theorylab.numeric.reference import prune_network_reference
from theorylab.numeric.teachers import Teacher
from theorylab.numeric.training import train_algorithm2

# ReLU Hermite coefficients at b = 0 (THEORY §2, App. A): γ̃1 = 1/2, γ̃2 = 1/√(2π), γ̃4 = -1/√(2π), γ̃6 = 3/√(2π)
G2 = 1 / math.sqrt(2 * math.pi)


@pytest.mark.parametrize("link", ["He2(z) + z", "He3(z)"])
def test_vectorised_algorithm1_matches_slow_loops(link):
    rng = np.random.default_rng(0)
    d, n, m, M = 5, 120, 3, 2
    v = np.zeros(d)
    v[[0, 3]] = [0.6, -0.8]
    X, y = Teacher(link, v, noise_std=0.1).sample(n, rng=rng)
    z = rng.standard_normal(n)
    c = 0.4
    gen = np.random.default_rng(7)
    res = prune_network(X, y, m=m, M=M, c=c, rng=gen, x_aug=z)
    gen = np.random.default_rng(7)  # same draws: m signs, then m biases
    a_half = 2.0 * gen.integers(0, 2, size=m) - 1.0
    b_half = gen.standard_normal(m)
    J, np_, nm, g_ed = prune_network_reference(X, y, z, a_half, b_half, M, c)
    np.testing.assert_allclose(res.scores["norms_plus"], np_, rtol=1e-10, atol=1e-13)
    np.testing.assert_allclose(res.scores["norms_minus"], nm, rtol=1e-10, atol=1e-13)
    if g_ed is not None:
        np.testing.assert_allclose(res.scores["grad_minus_ed"], g_ed, rtol=1e-10, atol=1e-13)
    assert res.J.tolist() == J


def test_partial_sums_over_chunks_equal_one_shot():
    rng = np.random.default_rng(1)
    X = rng.standard_normal((300, 8))
    y = rng.standard_normal(300)
    a, b = np.array([1.0, -1.0]), np.array([0.3, -0.2])
    p1 = PaperPruner(7, 2, 3, 0.3, a, b)
    p1.update(X, y)
    p2 = PaperPruner(7, 2, 3, 0.3, a, b)
    for s in range(0, 300, 77):
        p2.update(X[s : s + 77], y[s : s + 77])
    np.testing.assert_allclose(p1.result().scores["norms_plus"], p2.result().scores["norms_plus"], rtol=1e-12)


def _pruner_at_zero_bias(d, m, c):
    return PaperPruner(d, m, d + 1, c, np.ones(m), np.zeros(m))


def test_even_odd_split_separates_degrees():
    """Cor. 16: ∇R^+ holds the even Hermite degrees of σ*, ∇R^- the odd ones (including degree 1)."""
    d, n = 6, 60000
    v = np.zeros(d)
    v[2] = 1.0
    rng = np.random.default_rng(3)
    out = {}
    for link in ["He2(z)", "He3(z)", "He4(z)/5", "z"]:
        X, y = Teacher(link, v).sample(n, rng=rng)
        pr = make_pruner("paper", d=d, M=d, m=4, c=0.8, rng=rng)
        pr.update(np.column_stack([X, rng.standard_normal(n)]), y)
        r = pr.result()
        out[link] = (r.scores["norms_plus"][2], r.scores["norms_minus"][2])
    # The wrong-parity norm is pure noise: 8 neurons x 7 coordinates, each coordinate of mean 0 and variance
    # <= E[y² x²]/n ≈ 1/60000 (E y² ≈ 1 for these links), so its expectation is ≈ 56/60000 ≈ 1e-3. The right-parity
    # population norms are ≈ 0.02 (He4/5, which enters at order c³) to 2 (He1); a ratio of 10 separates them.
    for link in ["He2(z)", "He4(z)/5"]:
        plus, minus = out[link]
        assert plus > 10 * minus, (link, plus, minus)
    for link in ["He3(z)", "z"]:
        plus, minus = out[link]
        assert minus > 10 * plus, (link, plus, minus)


def test_line3_gradient_is_phi_b_gamma1_v():
    """(E.5): ∇_j R^-(ẽ_d) = -a_j Φ(b_j) γ₁ v (population); here σ* = He1, γ₁ = 1."""
    from scipy.stats import norm

    d, n = 8, 200000
    v = np.zeros(d)
    v[[1, 5]] = [0.6, 0.8]
    rng = np.random.default_rng(4)
    X, y = Teacher("z", v).sample(n, rng=rng)
    pr = PaperPruner(d, 1, 3, 0.3, np.array([1.0]), np.array([0.4]))
    pr.update(np.column_stack([X, rng.standard_normal(n)]), y)
    g = pr.result().scores["grad_minus_ed"]
    expected = -norm.cdf(0.4) * np.append(v, 0.0)
    # each coordinate is a mean of n terms with variance <= E[y^2 x_k^2] <= 3: sd <= sqrt(3/n) = 0.0039; 6 sd
    np.testing.assert_allclose(g, expected, atol=6 * math.sqrt(3 / n))


def test_section4_population_gradient_and_support():
    """§4: for σ* = He2(⟨v, x⟩), a = 1, b = 0, Prop. 13 (C.4) with T_2 = 2 v⊗v gives
    E[σ* ϕ'(⟨e_i, x⟩) x] = 2γ̃₂ v_i v + γ̃₄ v_i² e_i = √(2/π) v_i v - (1/√(2π)) v_i² e_i
    (the paper's (4.1) prints + before the e_i term; γ̃₄ = -1/√(2π) < 0 makes it -, as in (A.1)).
    Squared norm (2/π) v_i² - (3/(2π)) v_i⁴ = (2/π) v_i² + O(1/d)."""
    from theorylab.numeric.training import OneStepAccumulator

    d, n = 16, 400000
    s = 4  # √d coordinates with v_i = d^{-1/4}
    v = np.zeros(d)
    v[:s] = d**-0.25
    X, y = Teacher("He2(z)", v).sample(n, rng=5)
    # one step from W0 = e_i with a = 1, b = 0 gives W1 = (1/n) Σ y x ϕ'(x_i) = -∇R(e_i)
    i_s = [0, 7]
    G = np.zeros((1, 2, d))
    G[0, 0, i_s[0]] = G[0, 1, i_s[1]] = 1.0
    acc = OneStepAccumulator(np.ones((1, 1, d), bool), np.ones((1, 2)), np.zeros((1, 2)), G, np.array([n]))
    acc.update(X[None], y[None], 0)
    g = acc.first_layer(1.0)[0, 0]
    for row, i in zip(g, i_s, strict=True):
        expected = math.sqrt(2 / math.pi) * v[i] * v - G2 * v[i] ** 2 * np.eye(d)[i]
        # sd of each coordinate <= sqrt(E[y^2 x^2]/n) <= sqrt(sqrt(60*3)/n) = 0.0058; 6 sd
        np.testing.assert_allclose(row, expected, atol=6 * math.sqrt(math.sqrt(180) / n))
        # squared norm: the error is 2⟨g, δ⟩ + |δ|² with |δ| <= 6 sd * sqrt(d) = 0.14, so allow 2 * 0.35 * 0.03
        assert abs(row @ row - (2 / math.pi * v[i] ** 2 - 3 / (2 * math.pi) * v[i] ** 4)) < 0.02


@pytest.mark.slow
def test_section4_pruning_recovers_sqrt_d_support():
    d = 256
    s = 16
    v = np.zeros(d)
    idx = np.random.default_rng(6).choice(d, s, replace=False)
    v[idx] = d**-0.25 * np.random.default_rng(7).choice([-1, 1], s)
    X, y = Teacher("He2(z)", v).sample(24000, rng=8)
    res = prune_network(X, y, m=4, M=s + 2, rng=9)
    assert set(idx.tolist()) <= set(res.J.tolist())
    assert set(idx.tolist()) <= set(res.parts["plus"].tolist())


def test_example_6_1_first_order_term():
    """(6.1)-(6.3), App. A: with a degree-1 term v = -(e1+e2)/√π, the plain gradients (c = 1, no split) give the
    support the SMALLEST norms (1/(2√π) vs √2/(2√π)); with the even/odd split ∇R^+ ranks it first."""
    d, n = 32, 100000
    rng = np.random.default_rng(10)
    X = rng.standard_normal((n, d))
    y = (X[:, 0] ** 2 - 1 + X[:, 1] ** 2 - 1) / math.sqrt(2) - (X[:, 0] + X[:, 1]) / math.sqrt(math.pi)
    Xa = np.column_stack([X, rng.standard_normal(n)])
    pr = _pruner_at_zero_bias(d, 1, 1.0)  # c = 1: ẽ_i = e_i
    pr.update(Xa, y)
    D = d + 1
    plain = pr.G[0, :, :D] / n  # column i = (1/n) Σ y x ϕ'(x_i) = -∇R(e_i)
    norms = np.linalg.norm(plain, axis=0)[:d]
    # population norms: 1/(2√π) = 0.141 at i = 0, 1 and √2/(2√π) = 0.199 elsewhere
    np.testing.assert_allclose(norms[:2], 1 / (2 * math.sqrt(math.pi)), atol=0.02)
    np.testing.assert_allclose(norms[2:], math.sqrt(2) / (2 * math.sqrt(math.pi)), atol=0.02)
    assert set(np.argsort(norms)[:2].tolist()) == {0, 1}
    # with the split (and the paper's defaults: random biases, c = 1/log d) the support is found
    res = prune_network(X, y, m=8, M=2, rng=11)
    assert res.parts["plus"].tolist() == [0, 1]


def test_example_6_4_shift_needed_for_large_entry():
    """(6.4), App. A: σ* = He2/√2 + (2√3/√24) He4 with v ≈ e1 (ε = e^{-d} is below float precision):
    at c = 1 the informative and extra terms cancel at e1 (population gradient 0), at c = 1/log d they do not."""
    d, n = 64, 100000
    rng = np.random.default_rng(12)
    X = rng.standard_normal((n, d))
    x1 = X[:, 0]
    y = (x1**2 - 1) / math.sqrt(2) + 2 * math.sqrt(3) / math.sqrt(24) * (x1**4 - 6 * x1**2 + 3)
    Xa = np.column_stack([X, rng.standard_normal(n)])
    ranks = {}
    vals = {}
    for c in (1.0, default_c(d)):
        pr = PaperPruner(d, 2, 3, c, np.array([1.0, -1.0]), np.zeros(2))
        pr.update(Xa, y)
        r = pr.result()
        norms = r.scores["norms_plus"]
        ranks[c] = int(np.argsort(-norms[:d], kind="stable").tolist().index(0))
        vals[c] = norms[0] / np.median(norms[:d])
    assert ranks[default_c(d)] == 0 and vals[default_c(d)] > 10
    # c = 1: the large entry's norm is at the noise level (population value 0)
    assert vals[1.0] < 3


def test_other_strategies():
    d = 40
    v = np.zeros(d)
    v[[3, 17, 30]] = [0.6, 0.64, 0.48]
    X, y = Teacher("He2(z)", v).sample(8000, rng=13)
    assert prune("oracle", X, y, M=5, V=v).J.tolist() == [3, 17, 30]
    assert prune("oracle", X, y, M=2, V=v).J.tolist() == [3, 17]
    assert prune("hermite", X, y, M=3, k=2).J.tolist() == [3, 17, 30]
    assert set(prune("magnitude", X, y, M=6, rng=1).J.tolist()) >= {3, 17}
    rj = prune("random", X, y, M=5, rng=2).J
    assert rj.size == 5 and len(set(rj.tolist())) == 5
    assert prune("none", X, y).J.tolist() == list(range(d))


def test_bad_inputs():
    X = np.zeros((10, 4))
    y = np.zeros(10)
    with pytest.raises(ValueError, match="M must be <= 4"):
        prune_network(X, y, m=2, M=5)
    with pytest.raises(ValueError, match="m must be >= 1"):
        prune_network(X, y, m=0, M=2)
    with pytest.raises(ValueError, match="c must be in"):
        prune_network(X, y, m=2, M=2, c=1.0)
    with pytest.raises(ValueError, match="y must have shape"):
        prune_network(X, np.zeros(9), m=2, M=2)
    with pytest.raises(ValueError, match="unknown strategy"):
        prune("papr", X, y, M=2)
    with pytest.raises(ValueError, match="V"):
        prune("oracle", X, y, M=2)


# ---------------------------------------------------------------------------------------------
# float32 against float64 on the pruned pipeline (every pruned cell of the reproduction runs in float32).
# The tolerances are rounding-error bounds derived from the float32 unit roundoff u = 2^-24 and the problem size
# (Higham's γ_k = k u / (1 - k u) for a k-term dot product in any summation order), plus the samples whose ReLU
# derivative may flip because their pre-activation lies within the rounding error of the kink; both are computed
# here from the float64 data, not from the code under test.

U32 = 2.0**-24


def _gamma(k: int) -> float:
    return k * U32 / (1 - k * U32)


def _relu_gradient_error(X, y, P, P_err, b):
    """Bound on |float32 - exact| of (1/n) Σ_l y_l x_lk ϕ'(P_lj + b_j) for every (j, k): rounding of the n-term sum,
    plus (1/n) Σ |y_l x_lk| over the samples l whose P_lj + b_j is within its rounding error of 0."""
    n = X.shape[0]
    yx = np.abs(y)[:, None] * np.abs(X)  # (n, D)
    near = np.abs(P + b[None, :]) <= P_err + 4 * U32 * (np.abs(P) + np.abs(b)[None, :])  # (n, J)
    return _gamma(n + 8) * yx.sum(axis=0)[None, :] / n + (near.T.astype(float) @ yx) / n  # (J, D)


def test_float32_pruning_and_first_step_agree_with_float64():
    rng = np.random.default_rng(11)
    d, n, m, M, c = 30, 3000, 4, 4, 0.8
    v = np.zeros(d)
    v[[2, 7, 11, 19]] = 0.5
    X, y = Teacher("He2(z) + z", v, noise_std=0.1).sample(n, rng=rng)
    z = rng.standard_normal(n)
    res = {dt: prune_network(X, y, m=m, M=M, c=c, rng=np.random.default_rng(7), x_aug=z, dtype=dt)
           for dt in ("float64", "float32")}
    gen = np.random.default_rng(7)  # the documented draws: m signs, then m biases
    gen.integers(0, 2, size=m)
    b = gen.standard_normal(m)
    # Algorithm 1: t_{l,i} = ⟨ẽ_i, x_l⟩ for all D = d + 1 shifted directions, and the bound on each gradient entry
    Xa = np.column_stack([X, z])
    D = d + 1
    E = np.zeros((D, D))
    E[np.arange(d), np.arange(d)] = c
    E[:d, d] = math.sqrt(1 - c * c)
    E[d, d] = 1.0
    T = Xa @ E.T
    T_err = _gamma(D + 4) * (np.abs(Xa) @ np.abs(E).T)
    err = np.zeros(D)  # per direction i: the largest entry error over neurons and coordinates
    ambiguous: set[int] = set()
    for j in range(m):
        for sgn in (1.0, -1.0):  # ϕ'(t + b) and ϕ'(-t + b)
            e_ij = _relu_gradient_error(Xa, y, sgn * T, T_err, np.full(D, b[j]))  # (D directions, D coordinates)
            err = np.maximum(err, e_ij.max(axis=1))
    # ∇R^± = -(a/2n) Σ y x (ϕ'(t+b) ∓ ϕ'(-t+b)): each entry is off by at most err (two halves of err each).
    # Top-M sums of squares over 2m neurons: order statistics move by at most err, so
    # |Σ ĝ² - Σ g²| <= 2 err √(2m M N) + 2m M err² (Cauchy-Schwarz), plus the rounding of the sums themselves.
    for key in ("norms_plus", "norms_minus"):
        N64 = res["float64"].scores[key]
        N32 = res["float32"].scores[key]
        bound = 2 * err * np.sqrt(2 * m * M * N64) + 2 * m * M * err**2 + _gamma(2 * m * M + 4) * N64
        assert np.all(np.abs(N32 - N64) <= bound), key
        # a coordinate may change sides of the top-M cut only if its score is within the bounds of the cut
        top = np.sort(N64[:d])[::-1]
        sel = {p: set(np.argsort(-N[:d], kind="stable")[:M].tolist()) for p, N in (("64", N64), ("32", N32))}
        for k in sel["64"] ^ sel["32"]:
            assert min(abs(N64[k] - top[M - 1]), abs(N64[k] - top[M])) <= 2 * bound.max(), (key, k)
        ambiguous |= {k for k in range(d) if min(abs(N64[k] - top[M - 1]), abs(N64[k] - top[M])) <= 2 * bound.max()}
    # line 3: the top-M entries of |∇_j R^-(ẽ_d)| for the first neuron with b_j >= 0
    g64, g32 = res["float64"].scores["grad_minus_ed"], res["float32"].scores["grad_minus_ed"]
    assert np.all(np.abs(g32 - g64) <= err[d] + _gamma(4) * np.abs(g64))
    g_top = np.sort(np.abs(g64[:d]))[::-1]
    ambiguous |= {k for k in range(d) if min(abs(abs(g64[k]) - g_top[M - 1]), abs(abs(g64[k]) - g_top[M])) <= 2 * err[d]}
    J64, J32 = set(res["float64"].J.tolist()), set(res["float32"].J.tolist())
    assert J64 ^ J32 <= ambiguous
    support = set(np.flatnonzero(v).tolist())
    assert support <= J64 and support <= J32  # not vacuous: both precisions find the support, and the
    # ∇R^+ ranking (He2, even) separates it by a gap far above the bounds; the ∇R^- ranking is flat here (every
    # ∇R^-(ẽ_i) carries the same degree-1 term γ₁ v, which line 3 catches), so its M-th place may go either way
    for N in (res["float64"].scores["norms_plus"], res["float32"].scores["norms_plus"]):
        assert set(np.argsort(-N[:d], kind="stable")[:M].tolist()) == support

    # Algorithm 2, line 3 (the first-layer step behind the alignment and the success flag), on the same J
    J = res["float64"].J
    eta1 = 3.0
    nets = {dt: train_algorithm2(X, y, J=J, m=m, eta1=eta1, rng=np.random.default_rng(5), dtype=dt)
            for dt in ("float64", "float32")}
    W0 = nets["float64"].W0[:m]  # (m, d), unit rows supported on J
    P = X @ W0.T
    P_err = _gamma(d + 8) * (np.abs(X) @ np.abs(W0).T)
    b0 = np.random.default_rng(5)
    b0.integers(0, 2, size=m)
    b0 = b0.standard_normal(m)
    W_err = eta1 * _relu_gradient_error(X, y, P, P_err, b0)[:, :]  # (m, d)
    W_err[:, np.setdiff1d(np.arange(d), J)] = 0.0
    W64, W32 = nets["float64"].W[:m], nets["float32"].W[:m].astype(float)
    assert np.all(np.abs(W32 - W64) <= W_err + _gamma(4) * np.abs(W64))
    # alignment |⟨w, v⟩|/‖w‖ moves by at most 2‖Δw‖/‖w‖; the success flag (median alignment >= 0.5) is the same
    # unless the median lies within that of 0.5
    al = {k: np.abs(W @ v) / np.linalg.norm(W, axis=1) for k, W in (("64", W64), ("32", W32))}
    al_bound = 2 * np.linalg.norm(W_err, axis=1) / np.linalg.norm(W64, axis=1) + 1e-6
    assert np.all(np.abs(al["32"] - al["64"]) <= al_bound)
    med64, med32 = np.median(al["64"]), np.median(al["32"])
    assert abs(med64 - 0.5) > al_bound.max()
    assert (med32 >= 0.5) == (med64 >= 0.5)
