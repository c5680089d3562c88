"""The ``theorylab`` command line.

Each subcommand lives in its own module ``theorylab.cli.<name>`` that defines

* ``HELP`` — a one-line summary,
* ``add_arguments(parser)`` — fills an :class:`argparse.ArgumentParser`,
* ``run(args) -> int`` — does the work and returns the exit status.

Bad input (``ValueError``, ``TypeError``, an ``OSError`` such as a missing file or a full disk, a
``MemoryError``, a ``RecursionError``, a worker's failure) ends in a one-line message on stderr and exit
status 2, never a traceback; warnings are printed on one line too. A closed pipe (``| head``) ends quietly
with status 141.
"""

from __future__ import annotations

import argparse
import functools
import importlib
import importlib.util
import os
import sys
import warnings
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
    name = args._name
    warnings.showwarning = functools.partial(_one_line_warning, name)
    try:
        return int(args._run(args) or 0)
    except BrokenPipeError:
        # the reader went away (``theorylab ... | head``): stop quietly, as other command-line tools do
        try:
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.stdout.fileno())
        except (OSError, ValueError):  # pragma: no cover - stdout without a descriptor
            pass
        return 141
    except KeyboardInterrupt:
        print(f"theorylab {name}: interrupted", file=sys.stderr)
        return 130
    except (ValueError, TypeError, KeyError, OSError, RuntimeError, MemoryError, RecursionError) as exc:
        print(f"theorylab {name}: error: {_message(exc)}", file=sys.stderr)
        return 2


def _message(exc: BaseException) -> str:
    """One line naming the cause of an error a user can cause."""
    if isinstance(exc, KeyError) and exc.args:
        text = str(exc.args[0])
    elif isinstance(exc, MemoryError):
        text = "out of memory" + (f" ({exc})" if str(exc) else "") + "; use smaller sizes (see theorylab._limits)"
    elif isinstance(exc, RecursionError):
        text = "input nested too deeply"
    elif isinstance(exc, OSError) and exc.strerror:
        text = exc.strerror + (f": {exc.filename}" if exc.filename else "")
    else:
        text = str(exc) or type(exc).__name__
    if isinstance(exc, (OSError, RuntimeError)) and not isinstance(exc, FileNotFoundError):
        text = f"{type(exc).__name__}: {text}" if type(exc).__name__ not in text else text
    return " ".join(text.split())


def _one_line_warning(name: str, message, category, filename, lineno, file=None, line=None) -> None:  # noqa: ANN001
    print(f"theorylab {name}: warning: {' '.join(str(message).split())}", file=sys.stderr)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
