"""The symbolic layer: links, Hermite expansions, exponents, sparsity, CSQ bounds and predicted rates.

SymPy expressions in, SymPy expressions out; exact where possible.
"""

from theorylab.symbolic.links import Link, as_link, link_variables, parse_link

__all__ = ["Link", "as_link", "link_variables", "parse_link"]
