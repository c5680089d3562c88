"""The symbolic layer: links, Hermite expansions, exponents, sparsity, CSQ bounds and predicted rates.

SymPy expressions in, SymPy expressions out; exact where possible.

>>> from theorylab.symbolic import csq_lower_bound, information_exponent
>>> information_exponent("He3(z)"), round(float(csq_lower_bound(3, 10**6, 0.25)), 2)
(3, 31622.78)
"""

from theorylab.symbolic.csq import csq_lower_bound
from theorylab.symbolic.exponents import (
    LeadingCoefficient,
    Nondegeneracy,
    check_nondegenerate,
    generative_exponent,
    information_exponent,
    leading_coefficient,
)
from theorylab.symbolic.hermite import (
    gaussian_expectation,
    hermite_coefficients,
    hermite_expansion,
    hermite_tensors,
    is_constant,
    normalize_link,
    relu_hermite_coefficient,
)
from theorylab.symbolic.links import Link, as_link, link_variables, parse_link
from theorylab.symbolic.methods import METHODS, Method, method_info, register_method
from theorylab.symbolic.own_rates import (
    rate_from_expression,
    register_rate,
    registered_rates,
    unregister_rate,
)
from theorylab.symbolic.rates import RATE_NAMES, RATES, Rate, predicted_rate, predicted_rates
from theorylab.symbolic.sparsity import (
    alpha_to_rq,
    effective_sparsity,
    lq_norm,
    rq_range,
    rq_to_alpha,
    sparse_directions,
)

__all__ = [
    "Link",
    "as_link",
    "link_variables",
    "parse_link",
    "hermite_coefficients",
    "hermite_expansion",
    "hermite_tensors",
    "relu_hermite_coefficient",
    "normalize_link",
    "gaussian_expectation",
    "information_exponent",
    "generative_exponent",
    "check_nondegenerate",
    "Nondegeneracy",
    "LeadingCoefficient",
    "leading_coefficient",
    "is_constant",
    "alpha_to_rq",
    "effective_sparsity",
    "lq_norm",
    "rq_range",
    "rq_to_alpha",
    "sparse_directions",
    "csq_lower_bound",
    "Rate",
    "RATES",
    "RATE_NAMES",
    "predicted_rate",
    "predicted_rates",
    "rate_from_expression",
    "register_rate",
    "registered_rates",
    "unregister_rate",
    "Method",
    "METHODS",
    "method_info",
    "register_method",
]
