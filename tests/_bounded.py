"""Run a callable in a forked child under a time and memory budget, so that a regression to a hang or a
memory blow-up fails a test instead of stalling or killing the suite."""

from __future__ import annotations

import multiprocessing as mp
import resource
import traceback
from collections.abc import Callable
from typing import Any, NamedTuple


class Outcome(NamedTuple):
    kind: str  # "returned", "raised", "hang", "memory"
    error: str  # exception type name ("" when returned)
    message: str  # the exception's message, or repr of the result


def _address_space() -> int:
    """Bytes of address space this process maps now (VmSize)."""
    import os

    with open("/proc/self/statm") as fh:
        return int(fh.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")


def _child(fn: Callable[[], Any], memory: int, conn: Any) -> None:
    limit = _address_space() + memory  # the budget is on top of what is already mapped (BLAS arenas, imports)
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    try:
        result = fn()
        conn.send(("returned", "", repr(result)[:2000]))
    except MemoryError:
        conn.send(("memory", "MemoryError", ""))
    except BaseException as exc:  # noqa: BLE001 - report everything to the parent
        conn.send(("raised", type(exc).__name__, str(exc) or "".join(traceback.format_exception_only(exc))))


def bounded(fn: Callable[[], Any], *, seconds: float = 20.0, memory_gb: float = 2.0) -> Outcome:
    """Run ``fn()`` in a forked child limited to ``memory_gb`` of address space and ``seconds`` of wall time."""
    ctx = mp.get_context("fork")
    parent, child = ctx.Pipe(duplex=False)
    proc = ctx.Process(target=_child, args=(fn, int(memory_gb * (1 << 30)), child))
    proc.start()
    try:
        if not parent.poll(seconds):
            return Outcome("hang", "", f"no answer within {seconds:g} s")
        return Outcome(*parent.recv())
    finally:
        if proc.is_alive():
            proc.kill()
        proc.join()
