"""Structural rules of the code base (issue 10): no private names shared across modules, dependencies declared."""

from __future__ import annotations

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "theorylab"


def test_no_module_imports_a_private_name_from_another_module() -> None:
    # A helper two modules need is part of an interface: it gets a public name (possibly in a private module such
    # as theorylab._validation). Before issue 10, compare.fits imported thresholds._percentile_interval.
    offenders = []
    for path in sorted(PACKAGE.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("theorylab"):
                for alias in node.names:
                    if alias.name.startswith("_") and not alias.name.startswith("__"):
                        offenders.append(f"{path.relative_to(ROOT)}: from {node.module} import {alias.name}")
    assert offenders == []


def test_tomli_is_declared_for_python_before_3_11() -> None:
    # requires-python >= 3.10, and sweeps.spec reads TOML with tomli where tomllib is missing (Python 3.10)
    text = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    deps = text.split("dependencies = [", 1)[1].split("]", 1)[0]
    assert re.search(r"""["']tomli[^"']*;\s*python_version\s*<\s*['"]3\.11['"]["']""", deps), deps
