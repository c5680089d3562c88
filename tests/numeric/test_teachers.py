"""Teachers and streams: labels, prefix consistency, trial independence, seeds, validation."""

import numpy as np
import pytest

from theorylab.numeric.teachers import BLOCK_ROWS, Teacher, derive_seed, make_teacher, stream_trials


def _collect(teacher, seed, n, chunk, **kw):
    parts = list(teacher.stream(seed, n, chunk, **kw))
    return [np.concatenate([p[i] for p in parts]) for i in range(len(parts[0]))]


def test_labels_are_link_of_projection():
    v = np.zeros(6)
    v[[1, 4]] = [0.6, 0.8]
    T = Teacher("He3(z)", v)
    X, y = _collect(T, 3, 50, 7)
    z = X @ v
    np.testing.assert_allclose(y, z**3 - 3 * z, rtol=1e-12, atol=1e-12)


def test_multi_index_labels():
    V = np.zeros((5, 2))
    V[0, 0] = V[3, 1] = 1.0
    T = Teacher("z1*z2", V)
    X, y = _collect(T, 0, 30, 30)
    np.testing.assert_allclose(y, X[:, 0] * X[:, 3], rtol=1e-12)


@pytest.mark.parametrize("chunk", [1, 7, BLOCK_ROWS - 1, BLOCK_ROWS, 3 * BLOCK_ROWS + 5])
def test_prefix_consistency_any_chunk_and_total(chunk):
    T = make_teacher("He2(z)", d=9, alpha=0.5, noise_std=0.5, rng=1)
    n = 2 * BLOCK_ROWS + 300
    ref_X, ref_y = _collect(T, 11, n, 4096)
    X, y = _collect(T, 11, n // 2 + 13, chunk)
    np.testing.assert_array_equal(X, ref_X[: len(X)])
    np.testing.assert_array_equal(y, ref_y[: len(y)])


def test_start_offset_and_workers_do_not_change_numbers():
    T = make_teacher("z", d=4, alpha=0.5, noise_std=1.0, rng=2)
    full_X, full_y = _collect(T, 5, 3000, 1000)
    X, y = _collect(T, 5, 3000, 999, start=1234, workers=1)
    np.testing.assert_array_equal(X, full_X[1234:])
    np.testing.assert_array_equal(y, full_y[1234:])


def test_augmented_column_keeps_x_and_y():
    T = make_teacher("He2(z)", d=8, alpha=0.5, noise_std=0.3, rng=3)
    X, y = _collect(T, 4, 2500, 600)
    Xa, ya = _collect(T, 4, 2500, 2048, augment=True)
    assert Xa.shape == (2500, 9)
    np.testing.assert_array_equal(Xa[:, :8], X)
    np.testing.assert_array_equal(ya, y)
    # the augmented coordinate is independent of x and standard normal: |corr| < 5/sqrt(n)
    assert abs(np.corrcoef(Xa[:, 8], Xa[:, 0])[0, 1]) < 5 / np.sqrt(2500)
    assert abs(Xa[:, 8].std() - 1) < 0.1


def test_noise_has_stated_std():
    T = Teacher("z", np.array([1.0, 0.0]), noise_std=0.7)
    X, y, f = _collect(T, 0, 40000, 8192, clean=True)
    np.testing.assert_allclose(f, X[:, 0])
    # sd of the sample sd of N(0, s^2): s / sqrt(2n) = 0.0025; allow 6 of them
    assert abs((y - f).std() - 0.7) < 6 * 0.7 / np.sqrt(2 * 40000)


def test_trial_batches_do_not_mix():
    Ts = [make_teacher("He2(z)", d=6, alpha=0.5, rng=i) for i in range(3)]
    seeds = [derive_seed(9, t, 2) for t in range(3)]
    X, y = next(stream_trials(Ts, seeds, 500, 500))
    for t in range(3):
        Xt, yt = next(stream_trials([Ts[t]], [seeds[t]], 500, 500))
        np.testing.assert_array_equal(X[t], Xt[0])
        np.testing.assert_array_equal(y[t], yt[0])


def test_float32_stream():
    T = make_teacher("He2(z)", d=6, alpha=0.5, rng=0)
    X, y = _collect(T, 0, 100, 100, dtype="float32")
    assert X.dtype == np.float32 and y.dtype == np.float32


def test_derive_seed_matches_spawn():
    a = derive_seed(3, 5, 1).generate_state(4)
    b = np.random.SeedSequence(3).spawn(6)[5].spawn(2)[1].generate_state(4)
    np.testing.assert_array_equal(a, b)


def test_bad_inputs():
    with pytest.raises(ValueError, match="V must have orthonormal"):
        Teacher("z", np.array([1.0, 1.0]))
    with pytest.raises(ValueError, match="link: arity 2"):
        Teacher("z1*z2", np.eye(3)[:, :1])
    with pytest.raises(ValueError, match="noise_std"):
        Teacher("z", np.eye(3)[:, :1], noise_std=-1)
    T = Teacher("z", np.eye(3)[:, :1])
    with pytest.raises(ValueError, match="n must be >= 1"):
        next(T.stream(0, 0))
    with pytest.raises(ValueError, match="chunk_size"):
        next(T.stream(0, 10, 0))
    with pytest.raises(ValueError, match="dtype"):
        next(T.stream(0, 10, dtype="int32"))
    with pytest.raises(ValueError, match="seed"):
        derive_seed(-1)


def test_normalize_option():
    T = Teacher("z**2", np.eye(3)[:, :1], normalize=True)
    X, y = _collect(T, 0, 20000, 8192)
    # normalised link (z^2 - 1)/sqrt(2): mean 0 (sd 1/sqrt(n)), variance 1 (sd ~ sqrt(E y^4 - 1)/sqrt(n) = sqrt(59)/sqrt(n))
    assert abs(y.mean()) < 6 / np.sqrt(20000)
    assert abs(y.var() - 1) < 6 * np.sqrt(59 / 20000)


def test_stream_works_in_a_forked_child_after_use_in_the_parent():
    # The generation threads do not survive fork(); the pools must be rebuilt in the child, not reused.
    import multiprocessing as mp

    from theorylab.numeric.teachers import _POOLS

    tl_sim = __import__("theorylab").simulate
    expected = tl_sim("He2(z)", d=16, n=200, trials=2, seed=0).success
    assert _POOLS  # the parent has a live pool now
    ctx = mp.get_context("fork")
    with ctx.Pool(1) as pool:
        got = pool.apply_async(_simulate_small).get(timeout=30)
    np.testing.assert_array_equal(got, expected)


def _simulate_small():
    import theorylab as tl

    return tl.simulate("He2(z)", d=16, n=200, trials=2, seed=0).success
