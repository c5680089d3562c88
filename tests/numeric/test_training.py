"""Algorithm 2 / 2⁺: the plain-loop reference of theorylab.numeric.reference as oracle (one step + the paper's GD
with weight decay on the second layer),
k* = 1 alignment, the μ̂ correction."""


import numpy as np
import pytest

from theorylab.numeric.reference import train_algorithm2_reference
from theorylab.numeric.teachers import Teacher
from theorylab.numeric.training import default_eta1, default_M, segments, train_algorithm2


@pytest.mark.parametrize("mu_correction", [False, True])
def test_vectorised_algorithm2_matches_slow_loops(mu_correction):
    d, n, m = 6, 80, 3
    v = np.zeros(d)
    v[[1, 4]] = [0.8, 0.6]
    X, y = Teacher("He2(z) + z", v, noise_std=0.2).sample(n, rng=0)
    J = [1, 2, 4]
    eta1, lam = 1.7, 0.5
    net = train_algorithm2(X, y, J=J, m=m, eta1=eta1, ridge=lam, rng=np.random.default_rng(5), mu_correction=mu_correction)
    gen = np.random.default_rng(5)  # documented order: m signs, m biases, m x d Gaussian, m new biases
    a_half = 2.0 * gen.integers(0, 2, size=m) - 1.0
    b_half = gen.standard_normal(m)
    G = gen.standard_normal((m, d))
    b1_half = gen.standard_normal(m)
    a, W1, b1, mu = train_algorithm2_reference(X, y, J, a_half, b_half, G, b1_half, eta1, lam, mu_correction)
    np.testing.assert_allclose(net.W, W1, rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(net.b, b1, rtol=1e-12)
    np.testing.assert_allclose(net.mu, mu, rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(net.a, a, rtol=1e-9, atol=1e-10)
    Xt = np.random.default_rng(1).standard_normal((5, d))
    slow_pred = np.maximum(Xt @ W1.T + b1, 0) @ a + Xt @ mu
    np.testing.assert_allclose(net.predict(Xt), slow_pred, rtol=1e-9, atol=1e-10)


def test_mirrored_first_layer_is_antisymmetric():
    X, y = Teacher("z", np.eye(5)[:, 0]).sample(200, rng=1)
    net = train_algorithm2(X, y, J=[0, 1], m=4, rng=2)
    np.testing.assert_allclose(net.W, -net.W[::-1])
    assert np.all(net.W[:, 2:] == 0)


def test_k_star_one_step_aligns_with_v():
    """k* = 1: E[y x ϕ'(⟨w,x⟩+b)] = Φ(b) γ₁ v + (terms of order ⟨v,w⟩), so W⁽¹⁾ points along v for large n."""
    d = 50
    v = np.zeros(d)
    v[[2, 11, 40]] = [0.6, 0.48, 0.64]
    X, y = Teacher("z", v).sample(20000, rng=3)
    net = train_algorithm2(X, y, J=np.arange(d), m=8, rng=4)
    al = np.abs(net.W @ v) / np.linalg.norm(net.W, axis=1)
    # noise in W1/‖W1‖ is about sqrt(d/n)/Φ(b) ≈ 0.05/0.5 per neuron; alignment >= 0.9 leaves room
    assert np.median(al) > 0.9


def test_multi_index_mu_correction_fits_linear_part():
    V = np.zeros((8, 2))
    V[0, 0] = V[5, 1] = 1.0
    X, y = Teacher("z1 + z2", V).sample(5000, rng=5)
    net = train_algorithm2(X, y, J=[0, 5], m=4, rng=6, mu_correction=True)
    # μ̂|_J estimates E[yx]|_J = (1, 1) on coordinates 0 and 5 with sd sqrt(2/n) = 0.02
    np.testing.assert_allclose(net.mu[[0, 5]], [1.0, 1.0], atol=0.12)
    assert np.all(net.mu[[1, 2, 3, 4, 6, 7]] == 0)


def test_defaults():
    assert default_M(256, 0.25) == 6  # s = 4 non-zero rows + 2
    assert default_M(625, 0.25, r=2) == 7
    assert default_eta1(16, 1) == 1.0 and default_eta1(16, 3) == 16.0 and default_eta1(16, 2, r=2) == 16.0
    assert list(segments(5, 12, np.array([3, 8, 12, 20]))) == [(0, 3, 1), (3, 7, 2)]


def test_bad_inputs():
    X, y = np.zeros((10, 3)), np.zeros(10)
    with pytest.raises(ValueError, match="J must hold"):
        train_algorithm2(X, y, J=[5])
    with pytest.raises(ValueError, match="eta1"):
        train_algorithm2(X, y, J=[0], eta1=0.0)
    with pytest.raises(ValueError, match="m must be >= 1"):
        train_algorithm2(X, y, J=[0], m=0)
    with pytest.raises(ValueError, match="ridge"):
        train_algorithm2(X, y, J=[0], ridge=-1.0)
