"""simulate(progress=True): the bar reaches 100% for every registered method and engine."""

from __future__ import annotations

import io
import re
from contextlib import redirect_stderr

import pytest

from theorylab.numeric import simulate
from theorylab.symbolic.methods import METHODS


class _RecordingBar:
    """Stands in for tqdm: records its total and the sum of its updates."""

    bars: list = []

    def __init__(self, iterable=None, total=None, initial=0, **_kw):
        self.iterable, self.total, self.n, self.closed = iterable, total, initial, False
        _RecordingBar.bars.append(self)

    def __iter__(self):
        for item in self.iterable:
            self.n += 1
            yield item

    def update(self, k=1):
        self.n += k

    def close(self):
        self.closed = True

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


CASES = [{"method": m} for m in METHODS if ":" not in m] + [  # built-ins (a learner names a module)
    {"method": "online_sgd", "engine": "full"},
    {"method": "dense", "engine": "full", "compute_risk": True, "n_test": 200},
    {"method": "pruned", "checkpoints": [50, 130, 300]},  # checkpoints that do not fall on chunk ends
]


@pytest.mark.parametrize("kwargs", CASES, ids=lambda kw: "-".join(str(v) for v in kw.values()))
def test_every_bar_reaches_its_total(monkeypatch: pytest.MonkeyPatch, kwargs: dict) -> None:
    import tqdm.auto

    monkeypatch.setattr(tqdm.auto, "tqdm", _RecordingBar)
    _RecordingBar.bars = []
    kw = {"d": 16, "n": 300, "n_min": 50, "trials": 2, "seed": 3, "progress": True, **kwargs}
    if "checkpoints" in kw:
        kw.pop("n_min")
    simulate("He2(z)", **kw)
    bars = _RecordingBar.bars
    assert bars, "no progress bar was shown"
    assert all(b.closed for b in bars)
    assert [b.n for b in bars] == [b.total for b in bars]


def test_printed_bar_ends_at_100_percent() -> None:
    err = io.StringIO()
    with redirect_stderr(err):
        simulate("He2(z)", d=16, n=300, n_min=50, trials=2, method="pruned", progress=True)
    states = [s for s in re.split(r"[\r\n]", err.getvalue()) if "%" in s]
    assert states and re.search(r"\b100%", states[-1]), states[-3:]
