"""Run the compiled extensions only while they match the sources they were built from.

`setup.py` compiles the extraction hot path with mypyc and records in `_compiled.json`
the sha256 of each compiled source and the names of the extensions. In an editable
install the extensions sit beside the sources, and Python imports an extension before
a `.py` of the same name: an edited source would silently not run. So
`use_sources_if_stale()`, called first by `extract/__init__.py`, compares the hashes;
when a source changed, an extension is missing, or `XXGK_PURE_PYTHON` is set, every
`extract.*` module is imported from its `.py` instead (all of them: compiled modules
call each other directly, so they cannot be mixed with sources). This module and
`extract/__init__.py` are never compiled themselves.
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import os
import sys
from importlib.abc import MetaPathFinder
from importlib.machinery import EXTENSION_SUFFIXES, ModuleSpec
from pathlib import Path
from types import ModuleType

PACKAGE = Path(__file__).resolve().parent
STAMP = PACKAGE / "_compiled.json"
PURE_PYTHON_ENV = "XXGK_PURE_PYTHON"


def _has_extensions() -> bool:
    suffixes = tuple(EXTENSION_SUFFIXES)
    return any(p.name.endswith(suffixes) for p in PACKAGE.rglob("*"))


def _has_extension(name: str) -> bool:
    if "." not in name:  # mypyc's shared library, a top-level module
        return importlib.util.find_spec(name) is not None
    base = PACKAGE.joinpath(*name.split(".")[1:])
    return any(
        (base / f"__init__{s}").exists() or base.with_name(base.name + s).exists() for s in EXTENSION_SUFFIXES
    )


def stale_reason() -> str | None:
    """Why the compiled extensions must not run; None when they may (or there are none)."""
    if not _has_extensions():
        return None
    if os.environ.get(PURE_PYTHON_ENV):
        return f"{PURE_PYTHON_ENV} is set"
    try:
        stamp = json.loads(STAMP.read_text(encoding="utf-8"))
        sources: dict[str, str] = stamp["sources"]
        extensions: list[str] = stamp["extensions"]
    except (OSError, ValueError, KeyError, TypeError):
        return f"{STAMP.name} does not say what the compiled modules were built from"
    for source, digest in sorted(sources.items()):
        try:
            current = hashlib.sha256((PACKAGE.parent / source).read_bytes()).hexdigest()
        except OSError:
            current = None
        if current != digest:
            return f"{source} changed since it was compiled"
    for name in extensions:
        if not _has_extension(name):
            return f"the compiled module {name} is missing"
    return None


class _SourceFinder(MetaPathFinder):
    """Finds `extract.*` modules as `.py` files only."""

    def find_spec(
        self, fullname: str, path: object = None, target: ModuleType | None = None
    ) -> ModuleSpec | None:
        if not fullname.startswith("extract."):
            return None
        base = PACKAGE.joinpath(*fullname.split(".")[1:])
        if (base / "__init__.py").exists():
            return importlib.util.spec_from_file_location(
                fullname, base / "__init__.py", submodule_search_locations=[str(base)]
            )
        source = base.with_name(base.name + ".py")
        if source.exists():
            return importlib.util.spec_from_file_location(fullname, source)
        return None


def use_sources_if_stale() -> str | None:
    """Import `extract.*` from the sources when the extensions are stale; return why, or None."""
    reason = stale_reason()
    if reason is None:
        return None
    if not any(isinstance(f, _SourceFinder) for f in sys.meta_path):
        sys.meta_path.insert(0, _SourceFinder())
    if not os.environ.get(PURE_PYTHON_ENV):
        print(
            f"xxgk: {reason}; running the pure-Python sources (slower). Run `pip install -e .` "
            f"again to compile them, or set {PURE_PYTHON_ENV}=1.",
            file=sys.stderr,
        )
    return reason


def is_compiled() -> bool:
    """Whether extraction runs the compiled extensions (for the benchmarks' reports)."""
    module = sys.modules.get("extract.tables")
    return module is not None and not str(getattr(module, "__file__", "")).endswith(".py")
