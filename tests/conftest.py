"""Shared fixtures: paths to the real reports copied from shared/corpus."""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from pathlib import Path

import pytest
from scrapy.http import HtmlResponse, Request

TESTS = Path(__file__).parent
CORPUS = TESTS / "corpus"
SAVED_PAGES = TESTS / "files"

# The commands the tests start (`python -m xxgk.cli …`, from the checkout) import the
# installed package, as the tests themselves do (pytest's --import-mode=append): without
# this, `-m` and `-c` put the working folder first on the child's path, and a child would
# run the checkout's sources instead of the release wheel's compiled modules.
os.environ["PYTHONSAFEPATH"] = "1"


def pytest_report_header() -> str:
    """Which build the run tests: tests/test_build.py checks it."""
    import extract

    build = "compiled (mypyc)" if extract.is_compiled() else "pure Python"
    return f"xxgk build: {build}, extract from {Path(extract.__file__).parent}"


def corpus_cases(*folders: str) -> list[tuple[Path, dict]]:
    """(document, truth file contents) for every report with truth in the folders."""
    cases = []
    for folder in folders:
        for meta in sorted((CORPUS / folder).glob("*.json")):
            info = json.loads(meta.read_text(encoding="utf-8"))
            docs = [p for p in meta.parent.glob(meta.stem + ".*") if p.suffix != ".json"]
            if info.get("truth") and docs:
                cases.append((docs[0], info))
    return cases


@pytest.fixture
def page() -> Callable[..., HtmlResponse]:
    """Load a saved page (`tests/files/<platform>/<name>`, listed in its README) as the
    response Scrapy would hand a callback, at the URL it was served from: city-scrapers'
    `file_response`. The encoding is found as Scrapy finds it (header, <meta>) unless given."""

    def load(name: str, url: str, encoding: str | None = None, **meta: object) -> HtmlResponse:
        body = (SAVED_PAGES / name).read_bytes()
        request = Request(url, meta=meta)
        return HtmlResponse(url, body=body, encoding=encoding, request=request)

    return load


@pytest.fixture
def seed_path() -> Path:
    return CORPUS / "seed" / "baicheng-2019.txt"


@pytest.fixture(scope="session")
def demo_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[str, Path]:
    """`xxgk demo` run once, as the README shows it: (stdout and stderr as printed, the
    temporary folder it ran in). tests/test_demo_pipeline.py checks the database it built,
    tests/test_docs.py the output the README shows."""
    import os
    import subprocess
    import sys

    root = tmp_path_factory.mktemp("demo-run")
    env = {k: v for k, v in os.environ.items() if k not in ("XXGK_DATA", "XXGK_DB", "XXGK_REGISTRY")}
    env.update(PYTHONUNBUFFERED="1", TMPDIR=str(root))
    proc = subprocess.run(
        [sys.executable, "-m", "xxgk.cli", "demo"],
        cwd=root,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        timeout=900,  # the demo OCRs three scans (12 pages): minutes on a loaded 2-core machine
    )
    assert proc.returncode == 0, proc.stdout[-3000:]
    return proc.stdout, root


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    """The rendering matrix's recall per rendering and format, when it ran."""
    import sys

    matrix = sys.modules.get("tests.test_office_matrix")
    for line in matrix.recall_table() if matrix else []:
        terminalreporter.write_line(line)
