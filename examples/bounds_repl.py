"""Bounds in a REPL session: exponents, Hermite coefficients, the CSQ bound and the predicted rates.

What it shows
-------------
* the information exponent k* (Vural & Erdogdu 2024, Definition 3) and the generative exponent k_gen
  (Damian et al. 2024) of classic links; He3 has k* = 3 but k_gen = 1;
* the paper's Hermite coefficients γ_k = E[σ(z) He_k(z)] beside the orthonormal c_k = γ_k / √k!
  (docs/conventions.md);
* the sparse CSQ lower bound d^{(α∧½) k*} of Theorem 2;
* the table of predicted sample sizes n(d) for He2 and He3 at d = 10⁴ with α = 1/4, and each rate's
  local slope d log n / d log d over d ∈ [64, 1024], the number a measured exponent is compared with.

Run it with ``python examples/bounds_repl.py`` (a few seconds); ``--tiny`` skips the slower links.
Every line printed after ``>>>`` can be typed into a Python prompt as it stands.
"""

from __future__ import annotations

import argparse
import sys

import theorylab as tl


def show(source: str, value: object) -> None:
    """Print ``source`` as a prompt line and ``value`` as what the prompt would answer."""
    print(f">>> {source}")
    print(value)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tiny", action="store_true", help="fewer links (for the test suite)")
    args = parser.parse_args(argv)

    print(">>> import theorylab as tl")
    links = ["He2(z)", "He3(z)", "z**3", "relu(z)", "sign(z)"]
    if not args.tiny:
        links += ["abs(z)", "tanh(z)"]
    print("\n# information exponent k* and generative exponent k_gen")
    for link in links:
        show(
            f"tl.information_exponent({link!r}), tl.generative_exponent({link!r})",
            (tl.information_exponent(link), tl.generative_exponent(link)),
        )

    print("\n# Hermite coefficients: the paper's gamma_k against the orthonormal c_k = gamma_k / sqrt(k!)")
    show('tl.hermite_coefficients("He3(z)", 4)', tl.hermite_coefficients("He3(z)", 4))
    show('tl.hermite_coefficients("He3(z)", 4, normalized=True)', tl.hermite_coefficients("He3(z)", 4, normalized=True))
    show('tl.hermite_coefficients("relu(z)", 4)', tl.hermite_coefficients("relu(z)", 4))
    show(
        'tl.hermite_coefficients("relu(z)", 4, normalized=True)',
        tl.hermite_coefficients("relu(z)", 4, normalized=True),
    )

    print("\n# the sparse CSQ lower bound d^{(alpha ∧ 1/2) k*} (Theorem 2)")
    show("tl.csq_lower_bound(3, 10**4, 0.25)", tl.csq_lower_bound(3, 10**4, 0.25))
    show("tl.csq_lower_bound(3, 10**4, 0.75)  # past alpha = 1/2: the dense d^{k*/2}", tl.csq_lower_bound(3, 10**4, 0.75))

    d, alpha, d_range = 10**4, 0.25, (64, 1024)
    for link in ("He2(z)", "He3(z)"):
        k_star, k_gen = tl.information_exponent(link), tl.generative_exponent(link)
        print(f"\n# predicted rates for {link}: k* = {k_star}, k_gen = {k_gen}, alpha = {alpha}, d = {d}")
        print(f">>> rates = tl.predicted_rates({k_star}, {alpha}, k_gen={k_gen})")
        rates = tl.predicted_rates(k_star, alpha, k_gen=k_gen)
        print(f"{'rate':<13} {'n(d)':<22} {'exponent':>8} {'n(1e4)':>12} {'slope 64..1024':>15}")
        for name, rate in rates.items():
            print(
                f"{name:<13} {str(rate.expression):<22} {rate.exponent:>8.3g} {rate.evaluate(d):>12.4g}"
                f" {rate.local_slope(*d_range):>15.3f}"
            )
    sgd = tl.predicted_rate("online_sgd", 2)
    extra = sgd.local_slope(*d_range) - sgd.exponent
    print(f"\n# the log^2 d of online SGD adds {extra:.2f} to its local slope over d in {list(d_range)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
