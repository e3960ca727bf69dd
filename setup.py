"""Build: pure Python, or the release wheel with the extraction hot path compiled by mypyc.

Everything else about the package is in pyproject.toml. As black does, only the release
build compiles: `XXGK_MYPYC=1 pip wheel --no-deps -w dist .` (or `XXGK_MYPYC=1 pip
install .`) compiles the modules of `COMPILED` with mypyc from the same typed sources,
which makes text and HTML extraction faster (bench/extract.py measures by how much).
Without it (every editable install, `pip install .`) the package is the plain sources,
so an edit takes effect at once and nothing needs a C compiler.

A release build that cannot compile (no C compiler or Python headers, or a type error
mypy finds) fails rather than quietly shipping pure Python.
"""

from __future__ import annotations

import os
import sys

from setuptools import Extension, setup

BUILD_OPTION = "XXGK_MYPYC"  # "1": compile (CI and the release set it; see docs/development.md)

# The modules every text and HTML document goes through (PDF and Word readers are
# bound by pdfplumber and python-docx, so compiling them would gain nothing).
COMPILED = [
    "extract/checks.py",
    "extract/decode.py",
    "extract/labels.py",
    "extract/metadata.py",
    "extract/model.py",
    "extract/nfkc.py",
    "extract/pipeline.py",
    "extract/placement.py",
    "extract/readers/__init__.py",
    "extract/readers/html.py",
    "extract/readers/text.py",
    "extract/sniff.py",
    "extract/tables.py",
    "extract/template.py",
    "extract/textcache.py",
    "extract/values.py",
]


# the setup commands that build a wheel's contents (pip runs others, such as egg_info,
# only to read the metadata: compiling there would take minutes for nothing)
BUILDS = {"bdist_wheel", "build", "build_ext", "install"}


def ext_modules() -> list[Extension]:
    if os.environ.get(BUILD_OPTION) != "1":
        return []
    if "editable_wheel" in sys.argv:
        # extensions built in place would shadow the sources and hide every later edit
        print(f"xxgk: {BUILD_OPTION} ignored: an editable install stays pure Python", file=sys.stderr)
        return []
    if not BUILDS & set(sys.argv[1:]):
        return []
    from mypyc.build import mypycify  # build-system requires mypy (pyproject.toml)

    return list(mypycify(COMPILED, opt_level="3"))


setup(ext_modules=ext_modules())
