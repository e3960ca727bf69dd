"""The compiled build (setup.py, extract/compiled.py): in use, and never stale."""

from __future__ import annotations

import importlib.util
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import extract.tables
from extract.compiled import PURE_PYTHON_ENV, STAMP, is_compiled

PURE = bool(os.environ.get(PURE_PYTHON_ENV))


@pytest.mark.skipif(PURE, reason=f"{PURE_PYTHON_ENV} is set: the pure-Python build is tested")
def test_the_hot_path_runs_compiled() -> None:
    # `pip install -e .` compiles; a type error or a missing C compiler would fall back
    # to pure Python silently at install, so the suite says it here (set XXGK_PURE_PYTHON=1
    # on a machine that cannot compile)
    assert is_compiled(), f"extract.tables is {extract.tables.__file__}: the install did not compile"
    recorded = json.loads(STAMP.read_text(encoding="utf-8"))
    assert "extract/tables.py" in recorded["sources"]


def _copy_build(tmp_path: Path) -> Path:
    """A copy of the built package (sources, extensions, mypyc's shared library)."""
    package = Path(extract.tables.__file__).resolve().parent
    shutil.copytree(package, tmp_path / "extract", ignore=shutil.ignore_patterns("__pycache__"))
    for name in json.loads(STAMP.read_text(encoding="utf-8"))["extensions"]:
        if "." not in name:
            spec = importlib.util.find_spec(name)
            assert spec is not None and spec.origin
            shutil.copy(spec.origin, tmp_path)
    return tmp_path


def _imported_from(root: Path) -> subprocess.CompletedProcess[str]:
    code = (
        "import extract.tables, extract.model; print(extract.tables.__file__); print(extract.model.__file__)"
    )
    env = {k: v for k, v in os.environ.items() if k != PURE_PYTHON_ENV}
    return subprocess.run(
        [sys.executable, "-c", code], cwd=root, env=env, capture_output=True, text=True, timeout=60
    )


@pytest.mark.skipif(not is_compiled(), reason="no compiled build to test")
def test_an_edited_source_runs_instead_of_its_stale_extension(tmp_path: Path) -> None:
    root = _copy_build(tmp_path)
    run = _imported_from(root)
    assert run.returncode == 0, run.stderr
    assert [Path(line).suffix for line in run.stdout.split()] == [".so", ".so"]
    assert run.stderr == ""

    values = root / "extract" / "values.py"
    values.write_text(values.read_text(encoding="utf-8") + "\n# edited\n", encoding="utf-8")
    run = _imported_from(root)
    assert run.returncode == 0, run.stderr
    # every module from its source, not only the edited one: compiled modules call
    # each other directly and cannot be mixed with sources
    assert [Path(line).name for line in run.stdout.split()] == ["tables.py", "model.py"]
    assert "extract/values.py changed since it was compiled" in run.stderr
