"""The top-level package: re-exports resolve, and ``import theorylab`` stays light."""

import subprocess
import sys

import pytest

import theorylab as tl


@pytest.mark.parametrize("name", sorted(tl._EXPORTS))
def test_every_reexport_resolves(name):
    obj = getattr(tl, name)
    assert getattr(obj, "__name__", name) == name


def test_unknown_attribute_is_an_attribute_error():
    with pytest.raises(AttributeError, match="no attribute 'nope'"):
        tl.nope  # noqa: B018


def test_import_does_not_load_heavy_or_numeric_modules():
    code = (
        "import sys, theorylab as tl; tl.information_exponent('He2(z)');"
        "heavy = [m for m in sys.modules if m.split('.')[0] in ('matplotlib', 'pandas', 'dask', 'distributed')"
        " or m.startswith('theorylab.numeric')]; print(heavy)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_cli_help_lists_the_subcommands():
    out = subprocess.run([sys.executable, "-m", "theorylab.cli", "--help"], capture_output=True, text=True)
    assert out.returncode == 0
    for sub in ("bounds", "sweep", "reproduce"):
        assert sub in out.stdout
