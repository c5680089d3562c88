"""Hostile-input probe (issue 12): tries careless and hostile inputs against the API, the CLI, the link
grammar, TOML specs and the result store, each in its own forked process under a memory cap and a timeout.

Every probe states what a correct library does: ``error`` (a ValueError/TypeError naming the problem,
or for the CLI a one-line message and a non-zero exit, no traceback), ``ok`` (an answer), or ``any``
(either, as long as it neither hangs, nor blows the memory, nor crashes with another exception).
A probe is *bad* when it hangs, exceeds the memory cap, raises another exception (a traceback), or
answers where it should refuse (a silent answer).

Run:  python benchmarks/probe_hostile.py [--timeout 30] [--memory-gb 3] [--only SUBSTRING] [-v]
Prints one line per bad probe and the totals ``tried / clean / bad``; exits 1 when any probe is bad.
"""

from __future__ import annotations

import argparse
import multiprocessing as mp
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
import traceback
from dataclasses import dataclass

PRELUDE = """
import numpy as np, os, json, pathlib, tempfile, warnings, zipfile, io
from concurrent.futures import ThreadPoolExecutor
import theorylab
from theorylab.symbolic import *
from theorylab.numeric import *
from theorylab.numeric.metrics import alignment, subspace_coverage
from theorylab.numeric.training import train_algorithm2
from theorylab.compare import *
from theorylab.sweeps import *
from theorylab.sweeps.store import ResultStore, CellResult, load_results
from theorylab.sweeps.spec import sweep_from_dict
warnings.simplefilter("ignore")
N4 = np.array([100, 200, 400, 800])
def fake(kw):
    return {"n": [10, 100], "success": [[False, True]] * kw["trials"], "config": {"d": kw["d"]}}
SPEC = SweepSpec("p", 0, [CaseSpec("He2(z)", ["pruned"], [81, 256], n_min=10, n_max=100, trials=2)])
def small_store(tmp):
    with ThreadPoolExecutor(1) as pool:
        run_sweep(SPEC, store_dir=tmp, executor=pool, progress=False, cell_function=fake)
    return ResultStore(tmp)
def bomb(path, shape=(10**10,)):
    buf = io.BytesIO()
    np.lib.format.write_array_header_1_0(buf, {"descr": "<f8", "fortran_order": False, "shape": shape})
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("n.npy", buf.getvalue() + b"\\0" * 64)
"""


@dataclass(frozen=True)
class Probe:
    name: str
    code: str  # python (api) or argv joined by \x1f (cli)
    expect: str = "error"  # error | ok | any
    cli: bool = False


def _api(name: str, code: str, expect: str = "error") -> Probe:
    return Probe(name, code, expect)


def _cli(name: str, *argv: str, expect: str = "error") -> Probe:
    return Probe(name, "\x1f".join(argv), expect, cli=True)


HOSTILE_LINKS = [
    "z100000000", "1e999999999*z", "z**(1e999999999)", "((((((9**64)**64)**64)**64)**64)**64)", "(z**64)**64",
    "He200(z)**64", "He200(He200(z))", "sign(z)*1e308", "sign(z)*1e300*1e300", "(-1)**0.5*z", "z**(10**10)",
    "2**(10**10)*z", "0**-1+z", "(z1+z2+z3+z4+z5+z6+z7+z8)**64", "He99999(z)", "z" + "9" * 5000, "(" * 300 + "z" + ")" * 300,
    "__import__('os').system('true')", "z.__class__", "lambda: 1", "[z]*10**9", "'a'*10**9", "z if z else 1",
    "1e-999999*z", "0x" + "f" * 400 + "*z", "1/0", "z/(1-1)",
]
#: Strings that look hostile but are inside the limits: they must be answered, quickly.
FINE_LINKS = ["z**0.5**0.5**0.5**64", "relu(He200(z))**2", "He200(z)*He200(z)", "+".join(["z"] * 200)]
INFORMATION_HANGS = ["(z**64)**64", "He200(z)**64", "He200(He200(z))"]


def api_probes() -> list[Probe]:
    out = [_api(f"as_link({t[:40]!r})", f"as_link({t!r})") for t in HOSTILE_LINKS]
    out += [_api(f"information_exponent({t!r})", f"information_exponent({t!r})") for t in INFORMATION_HANGS]
    out += [_api(f"as_link({t[:40]!r}) is fine", f"as_link({t!r})", "ok") for t in FINE_LINKS]
    out += [_api("information_exponent('relu(He200(z))')", "information_exponent('relu(He200(z))')", "any")]
    out += [
        _api("flat 61-term sum is accepted", "assert as_link('+'.join(['z'] * 61)).expr == 61 * as_link('z').expr", "ok"),
        _api("flat 300-factor product is refused by degree", "as_link('*'.join(['z'] * 300) + '*z*z*z*z*z*z*z*z*z*z*z*z*z*z*z*z*z*z*z*z*z*z*z*z*z*z*z*z*z*z*z*z*z*z*z*z*z*z*z*z*z*z*z*z*z*z*z*z*z*z*z*z*z*z*z*z*z*z*z*z*z*z*z*z*z*z*z*z*z*z*z*z*z*z*z*z*z*z*z*z*z*z*z*z*z*z*z*z*z*z*z*z*z*z*z*z*z*z*z*z*z*z*z*z*z')"),
        _api("as_link arity 10**8", "as_link('z', arity=10**8)"),
        _api("hermite_coefficients relu 10**6", "hermite_coefficients('relu(z)', 10**6)"),
        _api("hermite_coefficients tanh 10**6", "hermite_coefficients('tanh(z)', 10**6)"),
        _api("hermite_tensors z 10**4", "hermite_tensors('z', 10**4)"),
        _api("relu_hermite_coefficient 10**6", "relu_hermite_coefficient(10**6, 0)"),
        _api("hermite z**-3", "hermite_coefficients('z**-3', 3)"),
        _api("hermite 1/z", "hermite_coefficients('1/z', 3)"),
        _api("hermite 1/tanh(z)", "hermite_coefficients('1/tanh(z)', 3)"),
        _api("hermite 1/(z**2+1) is fine", "assert abs(float(hermite_coefficients('1/(z**2+1)', 0)[0]) - 0.6556795424) < 1e-8", "ok"),
        _api("hermite z**60*1e300 overflow", "hermite_coefficients('z**60*1e300', 3)"),
        _api("hermite degree -1", "hermite_coefficients('z', -1)"),
        _api("hermite degree 2.5", "hermite_coefficients('z', 2.5)"),
        _api("csq d=10**400", "csq_lower_bound(2, 10**400, 0.25)"),
        _api("csq d=inf", "csq_lower_bound(2, float('inf'), 0.25)"),
        _api("csq alpha nan", "csq_lower_bound(2, 100, float('nan'))"),
        _api("generative noise 1e300", "generative_exponent('He3(z)', noise_std=1e300)"),
        _api("generative noise 1e4 (unresolvable)", "generative_exponent('He3(z)', noise_std=1e4)"),
        _api("generative noise -1", "generative_exponent('He3(z)', noise_std=-1)"),
        _api("logistic all censored", "estimate_threshold(N4, np.zeros((8, 4), bool), method='logistic')", "ok"),
        _api("logistic all successful", "estimate_threshold(N4, np.ones((8, 4), bool), method='logistic')", "ok"),
        _api("fit_exponent_from_curves logistic, one d censored",
             "g = np.random.default_rng(0)\n"
             "c = {d: (N4, N4[None, :] >= (d * np.exp(0.3 * g.standard_normal(8)))[:, None]) for d in (100, 200, 400)}\n"
             "c[800] = (N4, np.zeros((8, 4), bool))\nfit_exponent_from_curves(c, method='logistic')", "ok"),
        _api("estimate_threshold n_resamples 10**9", "estimate_threshold(N4, np.ones((8, 4), bool), n_resamples=10**9)"),
        _api("fit_exponent intervals without their thresholds",
             "fit_exponent([10, 20, 40], [100, 200, 400], intervals=[(1, 2), (150, 300), (300, 500)])"),
        _api("alignment(W, 2V)", "alignment(np.ones((2, 3)), 2 * np.eye(3)[:, :1])"),
        _api("alignment NaN neuron is NaN, not 0",
             "a = alignment(np.array([[np.nan, 1, 0], [1, 0, 0]]), np.eye(3)[:, :1]); assert np.isnan(a[0]) and a[1] == 1", "ok"),
        _api("subspace_coverage(W, 5V)", "subspace_coverage(np.ones((3, 3)), 5 * np.eye(3)[:, :2])"),
        _api("train_algorithm2 J=[0.7, 1.9]",
             "X = np.random.default_rng(0).standard_normal((20, 5)); train_algorithm2(X, X[:, 0], J=[0.7, 1.9], m=2, rng=0)"),
        _api("check_simulation_size d=10**9", "from theorylab._limits import check_simulation_size as c; c(10**9, 1000, 16, 8, 10)"),
        _api("check_simulation_size n=10**12", "from theorylab._limits import check_simulation_size as c; c(64, 10**12, 16, 8, 30)"),
        _api("check_simulation_size trials=10**9", "from theorylab._limits import check_simulation_size as c; c(64, 1000, 10**9, 8, 10)"),
        _api("load_sweep /dev/zero", "load_sweep('/dev/zero')"),
        _api("sweep trials = 1e9 (float)", "sweep_from_dict({'name': 'x', 'seed': 0, 'cases': [{'link': 'He2(z)', "
             "'methods': ['pruned'], 'd_grid': [81], 'n_min': 10, 'n_max': 100, 'trials': 1e9}]})"),
        _api("sweep d_grid = [10**9]", "sweep_from_dict({'name': 'x', 'seed': 0, 'cases': [{'link': 'He2(z)', "
             "'methods': ['pruned'], 'd_grid': [10**9], 'n_min': 10, 'n_max': 100}]})"),
        _api("sweep n_max = 10**15", "sweep_from_dict({'name': 'x', 'seed': 0, 'cases': [{'link': 'He2(z)', "
             "'methods': ['dense'], 'd_grid': [100], 'n_min': 10, 'n_max': 10**15}]})"),
        _api("TOML nested arrays", "p = pathlib.Path(tempfile.mkdtemp()) / 's.toml'; p.write_text('x = ' + '[' * 100000 + ']' * 100000); load_sweep(p)"),
        _api("TOML not UTF-8", "p = pathlib.Path(tempfile.mkdtemp()) / 's.toml'; p.write_bytes(b'\\xff\\xfe'); load_sweep(p)"),
        _api("store: header claims 10**10 -> warning, recompute",
             "t = tempfile.mkdtemp(); s = small_store(t); c = SPEC.cells()[0]; bomb(s.path(c))\n"
             "assert s.get(c) is None and len(s.missing(SPEC.cells())) == 1", "ok"),
        _api("store: load_results with a bomb skips it",
             "t = tempfile.mkdtemp(); s = small_store(t); bomb(s.path(SPEC.cells()[0])); assert len(load_results(t)) == 4", "ok"),
        _api("store: rerun recomputes a bombed cell",
             "t = tempfile.mkdtemp(); s = small_store(t); bomb(s.path(SPEC.cells()[0]))\n"
             "with ThreadPoolExecutor(1) as p: r = run_sweep(SPEC, store_dir=t, executor=p, progress=False, cell_function=fake)\n"
             "assert r.computed == 1", "ok"),
        _api("store: a directory in place of a cell",
             "t = tempfile.mkdtemp(); s = small_store(t); p = s.path(SPEC.cells()[0]); p.unlink(); p.mkdir()\n"
             "with ThreadPoolExecutor(1) as pool: run_sweep(SPEC, store_dir=t, executor=pool, progress=False, cell_function=fake)"),
        _api("store: out is a file", "f = tempfile.mkstemp()[1]; run_sweep(SPEC, store_dir=f, progress=False, cell_function=fake)"),
        _api("store: complete store read from a read-only directory",
             "t = tempfile.mkdtemp(); s = small_store(t); os.chmod(t + '/cells', 0o555); os.chmod(t, 0o555)\n"
             "m = os.stat(t + '/sweep.json').st_mtime_ns\n"
             "try:\n    r = run_sweep(SPEC, store_dir=t, progress=False, cell_function=fake); assert r.reused == 2\n"
             "    assert len(load_results(t)) == 8 and os.stat(t + '/sweep.json').st_mtime_ns == m  # nothing written\nfinally:\n    os.chmod(t, 0o755); os.chmod(t + '/cells', 0o755)", "ok"),
        _api("store: incomplete store in a read-only directory refused before computing",
             "t = tempfile.mkdtemp(); s = small_store(t); s.path(SPEC.cells()[0]).unlink(); os.chmod(t + '/cells', 0o555)\n"
             "try:\n    with ThreadPoolExecutor(1) as pool: run_sweep(SPEC, store_dir=t, executor=pool, progress=False, cell_function=fake)\n"
             "finally:\n    os.chmod(t + '/cells', 0o755)", "any" if os.geteuid() == 0 else "error"),
        _api("store: another sweep into the same directory",
             "t = tempfile.mkdtemp(); small_store(t)\n"
             "other = SweepSpec('q', 0, [CaseSpec('He2(z)', ['pruned'], [81], n_min=10, n_max=100, trials=2)])\n"
             "run_sweep(other, store_dir=t, progress=False, cell_function=fake)"),
        _api("store: changed sweep warns about orphans",
             "t = tempfile.mkdtemp(); small_store(t)\n"
             "new = SweepSpec('p', 0, [CaseSpec('He2(z)', ['pruned'], [81], n_min=10, n_max=100, trials=2)])\n"
             "with warnings.catch_warnings(record=True) as w:\n    warnings.simplefilter('always'); ResultStore(t).save_spec(new)\n"
             "assert any('1 stored cells' in str(x.message) for x in w)", "ok"),
        _api("store: files follow the umask",
             "os.umask(0o022); t = tempfile.mkdtemp(); s = small_store(t)\n"
             "assert all(p.stat().st_mode & 0o777 == 0o644 for p in s.cell_dir.glob('*.npz'))", "ok"),
    ]
    return out


def cli_probes(tmp: str) -> list[Probe]:
    bomb_dir = os.path.join(tmp, "bombed")
    toml = os.path.join(tmp, "s.toml")
    with open(toml, "w") as fh:
        fh.write('name = "s"\nseed = 1\n[[cases]]\nlink = "He2(z)"\nmethods = ["pruned"]\nd_grid = [16]\n'
                 'n_min = 16\nn_max = 64\ntrials = 2\n[cases.options]\nwidth = 2\nk_star = 2\n')
    nested = os.path.join(tmp, "nested.toml")
    with open(nested, "w") as fh:
        fh.write("x = " + "[" * 100000 + "]" * 100000 + "\n")
    float_trials = os.path.join(tmp, "float.toml")
    with open(float_trials, "w") as fh:
        fh.write('name = "f"\nseed = 1\n[[cases]]\nlink = "He2(z)"\nmethods = ["pruned"]\nd_grid = [16]\n'
                 'n_min = 16\nn_max = 64\ntrials = 1e9\n')
    big_grid = os.path.join(tmp, "big.toml")
    with open(big_grid, "w") as fh:
        fh.write('name = "b"\nseed = 1\n[[cases]]\nlink = "He2(z)"\nmethods = ["pruned"]\nd_grid = [1000000000]\n'
                 'n_min = 16\nn_max = 64\n')
    a_file = os.path.join(tmp, "a_file")
    open(a_file, "w").close()
    out = [
        _cli("hermite z100000000", "hermite", "z100000000"),
        _cli("hermite 1e999999999*z", "hermite", "1e999999999*z"),
        _cli("hermite He200(He200(z))", "hermite", "He200(He200(z))"),
        _cli("hermite --noise-std -1", "hermite", "He3(z)", "--noise-std", "-1"),
        _cli("hermite --degree 10**6", "hermite", "relu(z)", "--degree", "1000000"),
        _cli("hermite 1/z", "hermite", "1/z"),
        _cli("hermite relu ok", "hermite", "relu(z)", "--degree", "3", expect="ok"),
        _cli("bounds --q 1 without alpha", "bounds", "--k-star", "2", "--d", "1e4", "--q", "1"),
        _cli("bounds --k-gen 9 above k*", "bounds", "--k-star", "2", "--k-gen", "9", "--d", "1e4", "--alpha", "0.25"),
        _cli("bounds --link He3 --k-gen 3 contradicts", "bounds", "--link", "He3", "--k-gen", "3", "--d", "1e4"),
        _cli("bounds d=1e400", "bounds", "--k-star", "2", "--d", "1e400", "--alpha", "0.25"),
        _cli("bounds ok", "bounds", "--k-star", "2", "--d", "1e4", "--alpha", "0.25", expect="ok"),
        _cli("simulate --trials 1", "simulate", "He2(z)", "--d", "64", "--n", "100000000", "--trials", "1"),
        _cli("simulate --d 10**9", "simulate", "He2(z)", "--d", "1000000000", "--n", "1000"),
        _cli("simulate --n 10**12", "simulate", "He2(z)", "--d", "64", "--n", "1000000000000"),
        _cli("simulate --trials 10**9", "simulate", "He2(z)", "--d", "64", "--n", "1000", "--trials", "1000000000"),
        _cli("reproduce --quick --trials 1", "reproduce", "--quick", "--trials", "1", "--out", os.path.join(tmp, "r")),
        _cli("sweep /dev/zero", "sweep", "/dev/zero"),
        _cli("sweep nested TOML", "sweep", nested, "--out", os.path.join(tmp, "n")),
        _cli("sweep trials = 1e9", "sweep", float_trials, "--out", os.path.join(tmp, "f")),
        _cli("sweep d_grid = [10**9]", "sweep", big_grid, "--out", os.path.join(tmp, "b")),
        _cli("sweep --out a file", "sweep", toml, "--out", a_file, "--workers", "1", "--no-progress"),
        _cli("sweep --workers 0", "sweep", toml, "--workers", "0"),
        _cli("compare missing directory", "compare", os.path.join(tmp, "nowhere")),
        _cli("compare --resamples 10**9", "compare", bomb_dir, "--resamples", "1000000000"),
        _cli("plot missing file", "plot", os.path.join(tmp, "none.json")),
    ]
    return out


def random_links(count: int, seed: int = 12) -> list[Probe]:
    """Generated hostile strings over the grammar's alphabet: each must be refused or parsed, quickly."""
    gen = random.Random(seed)
    atoms = ["z", "z1", "z64", "z65", "2", "0.5", "1e300", "1e-300", "9**64", "pi", "e", "0"]
    funcs = ["relu", "abs", "sign", "tanh", "exp", "cos", "sin", "sqrt", "He3", "He200"]
    ops = ["+", "-", "*", "/", "**"]

    def expr(depth: int) -> str:
        if depth == 0 or gen.random() < 0.25:
            return gen.choice(atoms)
        kind = gen.random()
        if kind < 0.3:
            return f"{gen.choice(funcs)}({expr(depth - 1)})"
        if kind < 0.45:
            return f"({expr(depth - 1)})**{gen.choice(['2', '64', '0.5', '-1', '65', '1e9'])}"
        return f"({expr(depth - 1)}{gen.choice(ops)}{expr(depth - 1)})"

    out = []
    for i in range(count):
        text = expr(gen.randint(1, 7))
        target = gen.choice(["as_link", "information_exponent", "hermite_coefficients"])
        call = f"{target}({text!r})" if target != "hermite_coefficients" else f"{target}({text!r}, 8)"
        out.append(_api(f"random[{i}] {target}({text[:50]!r})", call, "any"))
    return out


# ------------------------------------------------------------------------------------------------


def _child(probe: Probe, memory: int, conn) -> None:  # noqa: ANN001
    with open("/proc/self/statm") as fh:  # the budget is on top of what is already mapped
        limit = int(fh.read().split()[0]) * os.sysconf("SC_PAGE_SIZE") + memory
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    try:
        exec(compile(PRELUDE + "\n" + probe.code, probe.name, "exec"), {})  # noqa: S102 - our own probe code
        conn.send(("returned", "", ""))
    except (ValueError, TypeError) as exc:
        conn.send(("refused", type(exc).__name__, str(exc)))
    except MemoryError:
        conn.send(("memory", "MemoryError", ""))
    except BaseException as exc:  # noqa: BLE001 - classify everything
        conn.send(("crashed", type(exc).__name__, "".join(traceback.format_exception_only(exc)).strip()))


def run_api(probe: Probe, timeout: float, memory: int) -> tuple[str, str]:
    ctx = mp.get_context("fork")
    parent, child = ctx.Pipe(duplex=False)
    proc = ctx.Process(target=_child, args=(probe, memory, child))
    proc.start()
    if not parent.poll(timeout):
        proc.kill()
        proc.join()
        return "bad", f"hang (> {timeout:g} s)"
    outcome, kind, msg = parent.recv()
    proc.join()
    if outcome == "memory":
        return "bad", "MemoryError (memory blow-up)"
    if outcome == "crashed":
        return "bad", f"traceback: {msg[:200]}"
    if outcome == "returned":
        return ("bad", "silent answer (should refuse)") if probe.expect == "error" else ("clean", "answered")
    if probe.expect == "ok":
        return "bad", f"refused although it has an answer: {kind}: {msg[:200]}"
    if not msg.strip():
        return "bad", f"{kind} without a message"
    return "clean", f"{kind}: {msg[:160]}"


def run_cli(probe: Probe, timeout: float, memory: int) -> tuple[str, str]:
    argv = [sys.executable, "-m", "theorylab", *probe.code.split("\x1f")]
    if probe.code.split("\x1f")[0] in ("simulate", "sweep", "reproduce"):
        argv.append("--no-progress")

    def limit() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (memory, memory))

    try:
        done = subprocess.run(argv, capture_output=True, text=True, timeout=timeout, preexec_fn=limit, check=False)
    except subprocess.TimeoutExpired:
        return "bad", f"hang (> {timeout:g} s)"
    err = done.stderr.strip()
    if "Traceback" in err:
        return "bad", f"traceback: {err.splitlines()[-1][:200]}"
    if probe.expect == "ok":
        return ("clean", "answered") if done.returncode == 0 else ("bad", f"exit {done.returncode}: {err[:200]}")
    if done.returncode == 0:
        return "bad", "exit 0 (silent answer; should refuse)"
    lines = [ln for ln in err.splitlines() if "error:" in ln]
    if len(lines) != 1:
        return "bad", f"expected one error line, got: {err[:200]!r}"
    return "clean", lines[0][:160]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--timeout", type=float, default=30.0)
    parser.add_argument("--memory-gb", type=float, default=3.0)
    parser.add_argument("--random", type=int, default=120, help="generated link strings")
    parser.add_argument("--only", default=None)
    parser.add_argument("-v", "--verbose", action="store_true")
    args = parser.parse_args()
    import theorylab.symbolic  # noqa: F401 - import once, before forking

    memory = int(args.memory_gb * (1 << 30))
    with tempfile.TemporaryDirectory() as tmp:
        probes = api_probes() + random_links(args.random) + cli_probes(tmp)
        if args.only:
            probes = [p for p in probes if args.only in p.name]
        bad = 0
        start = time.perf_counter()
        for probe in probes:
            runner = run_cli if probe.cli else run_api
            verdict, note = runner(probe, args.timeout, memory)
            bad += verdict == "bad"
            if verdict == "bad" or args.verbose:
                print(f"{verdict.upper():5} {'cli' if probe.cli else 'api'} {probe.name}: {note}", flush=True)
    print(f"tried {len(probes)}, clean {len(probes) - bad}, bad {bad} ({time.perf_counter() - start:.0f} s)")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
