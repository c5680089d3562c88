"""Importable names ``"package.module:attribute"``: how a sweep file or a stored result refers to a Python object.

The text is split at its one colon; both halves must be dotted Python identifiers. The module is imported with
:func:`importlib.import_module` and the attribute looked up with ``getattr`` (a dotted attribute walks down
one name at a time). Nothing is evaluated.

Examples
--------
>>> is_importable_name("theorylab.learners:TEN_STEPS"), is_importable_name("pruned")
(True, False)
>>> resolve_importable("math:pi")
3.141592653589793
>>> resolve_importable("math:tau.real", what="constant")
6.283185307179586
>>> resolve_importable("math:no_such")
Traceback (most recent call last):
...
ValueError: method: module 'math' has no attribute 'no_such' (from 'math:no_such')
>>> resolve_importable("1bad:x")
Traceback (most recent call last):
...
ValueError: method: '1bad:x' is not an importable name 'package.module:attribute'
"""

from __future__ import annotations

import importlib
import sys
from typing import Any

__all__ = ["is_importable_name", "resolve_importable", "importable_name_of"]


def _dotted(text: str) -> bool:
    return bool(text) and all(part.isidentifier() for part in text.split("."))


def is_importable_name(text: Any) -> bool:
    """Whether ``text`` has the form ``"package.module:attribute"`` (dotted identifiers on both sides)."""
    if not isinstance(text, str) or text.count(":") != 1:
        return False
    module, attr = text.split(":")
    return _dotted(module) and _dotted(attr)


def resolve_importable(text: Any, *, what: str = "method") -> Any:
    """The object ``text`` names; a ValueError/TypeError naming ``what`` when it cannot be found.

    Parameters
    ----------
    text : str
        ``"package.module:attribute"``.
    what : str
        The argument the name was given as (used in error messages).
    """
    if not isinstance(text, str):
        raise TypeError(f"{what}: an importable name must be a string, got {type(text).__name__}")
    if not is_importable_name(text):
        raise ValueError(f"{what}: {text!r} is not an importable name 'package.module:attribute'")
    module_name, attr = text.split(":")
    try:
        obj: Any = importlib.import_module(module_name)
    except ImportError as exc:
        raise ValueError(f"{what}: cannot import module {module_name!r} (from {text!r}): {exc}") from None
    for part in attr.split("."):
        if not hasattr(obj, part):
            raise ValueError(f"{what}: module {module_name!r} has no attribute {attr!r} (from {text!r})")
        obj = getattr(obj, part)
    return obj


def importable_name_of(obj: Any) -> str | None:
    """``"module:attribute"`` of a module-level object (searched in the module of its type), else None.

    Examples
    --------
    >>> import math
    >>> importable_name_of(math.sqrt)
    'math:sqrt'
    >>> importable_name_of(object()) is None
    True
    """
    candidates = [getattr(obj, "__module__", None), getattr(type(obj), "__module__", None)]
    for module_name in dict.fromkeys(m for m in candidates if isinstance(m, str)):
        module = sys.modules.get(module_name)
        if module is None:
            continue
        qual = getattr(obj, "__qualname__", None)
        if isinstance(qual, str) and qual.isidentifier() and getattr(module, qual, None) is obj:
            return f"{module_name}:{qual}"
        for name, value in vars(module).items():
            if value is obj and name.isidentifier() and not name.startswith("_"):
                return f"{module_name}:{name}"
    return None
