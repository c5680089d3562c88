"""A property-based test of conjectures with Hypothesis, using the strategies theorylab exports.

What it shows
-------------
``theorylab.testing`` gives Hypothesis strategies for the objects of the paper: links with a prescribed
information exponent k* (sums Σ_{j >= k} a_j He_j with a_k != 0) and orthonormal directions V with prescribed
ℓ_q sparsity. With them a conjecture becomes a test that Hypothesis tries to break. Four are checked here:

1. The pruned upper bound never beats the CSQ lower bound and never loses to the dense rate:
   min(α, ½) k* <= α k* <= k* (Theorems 2 and 4).
2. For α < ½ the sparse CSQ bound d^{α k*} lies strictly below the dense one d^{k*/2} (Theorem 2).
3. Multiplying a link by z lowers k* by exactly one when k* >= 2, since z He_j = He_{j+1} + j He_{j-1}
   makes the lowest term of z σ(z) the k*·a_{k*} He_{k*-1}.
4. A direction drawn with q = 0 has s = round(d^α) non-zero rows, and the CSQ bound computed from
   (q = 0, R_0 = s) is at most the dense bound.

Run it with ``python -m pytest examples/conjecture_test.py`` or as a script,
``python examples/conjecture_test.py`` (a few seconds). ``--tiny`` (script) or the environment variable
``THEORYLAB_EXAMPLES_TINY=1`` (both ways) uses fewer examples per conjecture.
"""

from __future__ import annotations

import argparse
import math
import os
import sys

from hypothesis import given, settings
from hypothesis import strategies as st

import theorylab as tl
from theorylab.testing import links_with_information_exponent, sparse_directions_strategy

settings.register_profile("examples", max_examples=40, deadline=None)
settings.register_profile("tiny", max_examples=8, deadline=None)
settings.load_profile("tiny" if os.environ.get("THEORYLAB_EXAMPLES_TINY") else "examples")

k_values = st.integers(min_value=1, max_value=4)
# a link with a random information exponent in 1..4, together with that exponent
links_and_k = k_values.flatmap(lambda k: st.tuples(st.just(k), links_with_information_exponent(k, as_text=True)))
alphas = st.floats(min_value=0.05, max_value=0.95)
small_alphas = st.floats(min_value=0.05, max_value=0.49)
dims = st.integers(min_value=10, max_value=10**6)


@given(links_and_k, alphas)
def test_pruned_between_csq_and_dense(pair: tuple[int, str], alpha: float) -> None:
    k, link = pair
    k_star = tl.information_exponent(link)
    assert k_star == k  # the strategy's promise
    rates = tl.predicted_rates(k_star, alpha)
    assert rates["csq_sparse"].exponent <= rates["pruned"].exponent + 1e-12
    assert rates["pruned"].exponent <= rates["dense"].exponent + 1e-12


@given(k_values, dims, small_alphas)
def test_sparse_csq_below_dense(k: int, d: int, alpha: float) -> None:
    sparse = float(tl.csq_lower_bound(k, d, alpha))
    dense = float(tl.csq_lower_bound(k, d, 0.75))  # any α >= 1/2 gives the dense d^{k/2}
    assert math.isclose(dense, d ** (k / 2), rel_tol=1e-9)
    assert sparse < dense


@given(st.integers(min_value=2, max_value=4).flatmap(
    lambda k: st.tuples(st.just(k), links_with_information_exponent(k, as_text=True))))
def test_multiplying_by_z_lowers_k_star(pair: tuple[int, str]) -> None:
    k, link = pair
    assert tl.information_exponent(f"z*({link})") == k - 1


@given(st.data())
def test_support_size_and_csq_from_lq_norm(data: st.DataObject) -> None:
    d = data.draw(st.integers(min_value=64, max_value=1024), label="d")
    alpha = data.draw(st.floats(min_value=0.3, max_value=0.45), label="alpha")
    k = data.draw(k_values, label="k")
    V = data.draw(sparse_directions_strategy(d=d, q=0.0, alpha=alpha), label="V")
    s = tl.lq_norm(V, 0.0)
    assert abs(s - d**alpha) <= 0.5  # s = round(d^α)
    bound = float(tl.csq_lower_bound(k, d, q=0.0, R_q=s))
    assert bound <= d ** (k / 2) * (1 + 1e-9)


CONJECTURES = [
    test_pruned_between_csq_and_dense,
    test_sparse_csq_below_dense,
    test_multiplying_by_z_lowers_k_star,
    test_support_size_and_csq_from_lq_norm,
]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tiny", action="store_true", help="8 examples per conjecture (for the test suite)")
    args = parser.parse_args(argv)
    if args.tiny:
        settings.load_profile("tiny")
    n = settings.default.max_examples
    for test in CONJECTURES:
        test()  # Hypothesis raises with a minimal counterexample if the conjecture fails
        print(f"held on {n} examples: {test.__name__}")
    print(f"all {len(CONJECTURES)} conjectures held")
    return 0


if __name__ == "__main__":
    sys.exit(main())
