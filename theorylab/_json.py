"""The one JSON normaliser: Python and NumPy values to plain JSON data (dict, list, str, int, float, bool, None).

Used for everything theorylab writes as JSON or hashes (simulation configurations, sweep specifications,
stored results). One set of rules:

* mappings become dicts; their keys must be strings;
* tuples, lists and arrays become lists (arrays through ``tolist()``); NumPy scalars become Python numbers;
  ``bool`` stays ``bool`` (also ``numpy.bool_``), integers become ``int``, other reals ``float``;
* a float must be finite (JSON has no NaN or infinity);
* anything else raises ``TypeError``, unless ``unknown`` says how to write it (e.g. ``unknown=repr`` for a
  configuration that may hold a user's callable, which is recorded but cannot be read back).

Examples
--------
>>> import numpy as np
>>> json_data({"a": (1, np.int64(2)), "b": np.array([0.5, 1.0]), "c": np.bool_(True), "d": None})
{'a': [1, 2], 'b': [0.5, 1.0], 'c': True, 'd': None}
>>> json_data({"f": len}, unknown=lambda obj: getattr(obj, "__name__", repr(obj)))
{'f': 'len'}
>>> json_data({"x": float("nan")})
Traceback (most recent call last):
...
ValueError: value.x must be finite, got nan
>>> json_data({"x": float("nan"), "y": (1.5, float("inf"))}, nonfinite="null")
{'x': None, 'y': [1.5, None]}
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Callable, Mapping
from typing import Any

import numpy as np

__all__ = ["json_data"]


def json_data(obj: Any, *, unknown: Callable[[Any], Any] | None = None, where: str = "value",
              nonfinite: str = "raise") -> Any:
    """``obj`` as plain JSON data (module docstring); ``where`` names the offending entry in the errors.

    Parameters
    ----------
    obj : Any
    unknown : callable, optional
        Called on a value of any other type; its result is normalised in turn. Default: raise ``TypeError``.
    where : str
        The name of ``obj`` in error messages; entries add ``.key`` or ``[i]``.
    nonfinite : {"raise", "null"}
        What a NaN or infinite float becomes: an error (configurations, which are hashed), or ``None``
        (measurements, e.g. a report's missing slope, read back as NaN).
    """
    if nonfinite not in ("raise", "null"):
        raise ValueError(f"nonfinite must be 'raise' or 'null', got {nonfinite!r}")
    if obj is None or isinstance(obj, (bool, str)):
        return obj
    if isinstance(obj, np.bool_):
        return bool(obj)
    if isinstance(obj, numbers.Integral):
        return int(obj)
    if isinstance(obj, numbers.Real):
        value = float(obj)
        if not math.isfinite(value):
            if nonfinite == "null":
                return None
            raise ValueError(f"{where} must be finite, got {value}")
        return value
    if isinstance(obj, Mapping):
        out = {}
        for key, value in obj.items():
            if not isinstance(key, str):
                raise TypeError(f"{where}: keys must be strings, got {key!r}")
            out[key] = json_data(value, unknown=unknown, where=f"{where}.{key}" if where else key,
                                 nonfinite=nonfinite)
        return out
    if isinstance(obj, np.ndarray):
        obj = obj.tolist()
    if isinstance(obj, (list, tuple)):
        return [json_data(v, unknown=unknown, where=f"{where}[{i}]", nonfinite=nonfinite) for i, v in enumerate(obj)]
    if unknown is not None:
        return json_data(unknown(obj), where=where, nonfinite=nonfinite)
    raise TypeError(
        f"{where} must be JSON data (numbers, strings, lists, tables), got {type(obj).__name__}"
    )
