"""theorylab: numbers one can compute and claims one can test, for learning sparse features by pruning.

Reference: Vural and Erdogdu, "Pruning is Optimal for Learning Sparse Features in High-Dimensions", COLT 2024.

>>> import theorylab as tl
>>> tl.as_link("He3(z)").expr
z**3 - 3*z
"""

from theorylab.symbolic import Link, as_link, parse_link

__version__ = "0.1.0"

__all__ = ["Link", "as_link", "parse_link", "__version__"]
