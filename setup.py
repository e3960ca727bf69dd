"""Build: the extraction hot path compiled with mypyc, or left as pure Python.

Everything else about the package is in pyproject.toml. This file only adds the C
extensions: mypyc compiles the modules of `COMPILED` from the same typed Python
sources (nothing is written twice), which makes extraction about 1.5x as fast. The
sources stay the truth: `extract/compiled.py` runs them instead of the extensions
when they changed after the build (an editable install being edited), and
`XXGK_PURE_PYTHON=1` skips compiling (at install) or the extensions (at run time).

Where compiling is impossible (no C compiler, or a type error mypy finds), the
install goes on in pure Python and says so in the build log (`pip install -v`); the
results are the same.
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
from pathlib import Path

from setuptools import Extension, setup

ROOT = Path(__file__).resolve().parent

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
STAMP = ROOT / "extract" / "_compiled.json"  # read by extract/compiled.py


def ext_modules() -> list[Extension]:
    STAMP.unlink(missing_ok=True)
    if os.environ.get("XXGK_PURE_PYTHON"):
        return []
    try:
        from mypyc.build import mypycify

        extensions = mypycify(COMPILED, opt_level="3")
    except (Exception, SystemExit) as exc:
        print(f"xxgk: not compiled ({exc!r}); extraction runs as pure Python", file=sys.stderr)
        return []
    for ext in extensions:
        ext.optional = True  # a failed C compile leaves pure Python, not a failed install
    # what the extensions were built from, so that an edit (or a missing one) is noticed
    stamp = {
        "sources": {path: hashlib.sha256((ROOT / path).read_bytes()).hexdigest() for path in COMPILED},
        "extensions": sorted(ext.name for ext in extensions),
    }
    STAMP.write_text(json.dumps(stamp, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    return extensions


setup(ext_modules=ext_modules())
