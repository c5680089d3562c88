"""The canonical JSON text of a configuration: what cell seeds and store keys hash."""

from __future__ import annotations

import json
from typing import Any

__all__ = ["canonical_json"]


def canonical_json(obj: Any) -> str:
    """A stable JSON text for hashing: sorted keys, no spaces, shortest float repr, no NaN.

    Tuples become lists and NumPy scalars become Python numbers, so equal configurations give equal text.

    Examples
    --------
    >>> import numpy as np
    >>> canonical_json({"b": (1, 2.5), "a": np.int64(3)})
    '{"a":3,"b":[1,2.5]}'
    """
    from theorylab._json import json_data

    return json.dumps(
        json_data(obj, where="configuration"), sort_keys=True, separators=(",", ":"), ensure_ascii=True, allow_nan=False
    )
