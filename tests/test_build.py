"""Which build the tests run: the installed package, compiled when the release build asked for it.

CI (`.ci/run`, the README's test command) installs the release wheel, which mypyc
compiles (`XXGK_MYPYC=1`, see setup.py), and runs the tests against it. Two ways that
could silently test something else: pytest importing the checkout's sources that sit
beside the tests instead of the installed package, or the build leaving the hot path
uncompiled. An editable install (every developer's) is the checkout, in pure Python.
"""

from __future__ import annotations

import importlib
import json
import os
import sysconfig
from importlib.metadata import distribution
from pathlib import Path

import extract

CHECKOUT = Path(__file__).resolve().parent.parent
# the modules of setup.py's COMPILED that every text and HTML document goes through
HOT_PATH = ("extract.tables", "extract.placement", "extract.readers.text", "extract.readers.html")


def _editable() -> bool:
    direct_url = distribution("xxgk").read_text("direct_url.json") or "{}"
    return bool(json.loads(direct_url).get("dir_info", {}).get("editable"))


def test_the_tests_import_the_installed_package() -> None:
    package = Path(extract.__file__).resolve().parent
    if _editable():
        assert package == CHECKOUT / "extract", f"the editable install is of another checkout: {package}"
    else:
        site = {Path(sysconfig.get_path(kind)).resolve() for kind in ("purelib", "platlib")}
        assert package.parent in site, (
            f"extract is imported from {package}, not from the installed package in {sorted(map(str, site))}: "
            "run `.venv/bin/pytest` (`python -m pytest` puts the checkout first on the path)"
        )


def test_the_release_build_runs_compiled_and_any_other_runs_the_sources() -> None:
    expect_compiled = os.environ.get("XXGK_MYPYC") == "1" and not _editable()
    files = {name: str(importlib.import_module(name).__file__) for name in HOT_PATH}
    compiled = sorted(name for name, file in files.items() if not file.endswith(".py"))
    assert compiled == (sorted(HOT_PATH) if expect_compiled else []), files
    assert extract.is_compiled() == expect_compiled
