"""What every subcommand that prints a table shares: the ``--json`` flag and the JSON it prints.

The tables themselves are laid out by :func:`theorylab._table.table` (one number format, at most 100
columns); ``--json`` prints the same content as JSON data (:func:`theorylab._json.json_data`; NaN and
infinities as ``null``), with stable keys, for scripts.
"""

from __future__ import annotations

import argparse
import json
from typing import Any

from theorylab._json import json_data

__all__ = ["add_json_flag", "print_json"]


def add_json_flag(parser: argparse.ArgumentParser) -> None:
    """Add ``--json`` to a subcommand's parser."""
    parser.add_argument("--json", action="store_true", help="print machine-readable JSON instead of the table")


def print_json(data: Any) -> None:
    """Print ``data`` as indented JSON (NaN and infinities as null; non-ASCII kept)."""
    print(json.dumps(json_data(data, where="output", nonfinite="null", unknown=str), indent=2, ensure_ascii=False))
