"""``--param NAME=VALUE``: the values of a link's parameters, for every subcommand that takes a link.

A link's parameters are the names that are not variables, constants or functions
(:func:`theorylab.symbolic.links.name_kind`); each ``VALUE`` is a number in the link grammar (``0.5``, ``1/3``,
``1/sqrt(2)``), read exactly by :func:`theorylab.symbolic.links.parameter_value`.

Examples
--------
>>> import argparse
>>> parser = argparse.ArgumentParser()
>>> add_param_argument(parser)
>>> link_params(parser.parse_args(["--param", "a=1", "--param", "b=0.5"]))
{'a': '1', 'b': '0.5'}
>>> link_params(parser.parse_args([])) is None
True
"""

from __future__ import annotations

import argparse

__all__ = ["add_param_argument", "link_params"]


def add_param_argument(parser: argparse.ArgumentParser) -> None:
    """Add the repeatable ``--param NAME=VALUE`` option."""
    parser.add_argument(
        "--param",
        action="append",
        default=None,
        metavar="NAME=VALUE",
        help="the value of a parameter of the link, e.g. --param a=1 --param b=0.5 for 'a*He2(z) + b*He4(z)'",
    )


def link_params(args: argparse.Namespace) -> dict[str, str] | None:
    """The ``--param`` values as a dict (None when none was given); ValueError naming a malformed one."""
    items = getattr(args, "param", None)
    if not items:
        return None
    out: dict[str, str] = {}
    for item in items:
        name, sep, value = item.partition("=")
        name, value = name.strip(), value.strip()
        if not sep or not name or not value:
            raise ValueError(f"--param: expected NAME=VALUE, got {item!r}")
        if name in out:
            raise ValueError(f"--param: {name!r} is given twice")
        out[name] = value
    return out
