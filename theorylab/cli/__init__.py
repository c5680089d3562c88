"""The ``theorylab`` command line.

Each subcommand lives in its own module ``theorylab.cli.<name>`` that defines

* ``HELP`` — a one-line summary,
* ``add_arguments(parser)`` — fills an :class:`argparse.ArgumentParser`,
* ``run(args) -> int`` — does the work and returns the exit status.

Bad input (``ValueError``, ``TypeError``, a missing file) ends in a one-line message on stderr and exit
status 2, never a traceback.
"""

from __future__ import annotations

import argparse
import importlib
import importlib.util
import sys
from collections.abc import Sequence

#: Subcommands in the order ``--help`` lists them; modules that do not exist yet are skipped.
SUBCOMMANDS = ("bounds", "hermite", "simulate", "sweep", "compare", "plan", "plot", "reproduce")


def _available() -> list[str]:
    return [name for name in SUBCOMMANDS if importlib.util.find_spec(f"theorylab.cli.{name}") is not None]


def build_parser() -> argparse.ArgumentParser:
    """The full argument parser (used by ``main`` and by the docs)."""
    parser = argparse.ArgumentParser(
        prog="theorylab",
        description="Bounds, simulations and verdicts for learning sparse features by pruning "
        "(Vural & Erdogdu, COLT 2024).",
    )
    from theorylab import __version__

    parser.add_argument("--version", action="version", version=f"theorylab {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in _available():
        module = importlib.import_module(f"theorylab.cli.{name}")
        p = sub.add_parser(name, help=module.HELP, description=module.HELP)
        module.add_arguments(p)
        p.set_defaults(_run=module.run, _name=name)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``theorylab`` console script."""
    parser = build_parser()
    args = parser.parse_args(argv)
    if getattr(args, "_run", None) is None:
        parser.print_help()
        return 2
    try:
        return int(args._run(args) or 0)
    except (ValueError, TypeError, FileNotFoundError, KeyError) as exc:
        msg = exc.args[0] if isinstance(exc, KeyError) and exc.args else exc
        print(f"theorylab {args._name}: error: {msg}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print(f"theorylab {args._name}: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
