"""The symbolic layer: links, Hermite expansions, exponents, sparsity, CSQ bounds and predicted rates.

SymPy expressions in, SymPy expressions out; exact where possible.
"""

from theorylab.symbolic.links import Link, as_link, link_variables, parse_link
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
    "alpha_to_rq",
    "effective_sparsity",
    "lq_norm",
    "rq_range",
    "rq_to_alpha",
    "sparse_directions",
]
