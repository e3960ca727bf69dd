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


@pytest.fixture(scope="session")
def printed_2024(tmp_path_factory: pytest.TempPathFactory) -> tuple[dict, Path]:
    """洪泽区's 2024 report (dev-pdf, every cell known) printed by LibreOffice from the official
    template, once per session: (its truth file's contents, the PDF). The OCR tests
    (tests/test_ocr.py, tests/test_scan_pages.py) scan its pages."""
    from tests import scans

    if not scans.has_libreoffice():
        pytest.skip("LibreOffice is not installed: apt-get install libreoffice-writer-nogui fonts-noto-cjk")
    info = scans.load_truth("dev-pdf/hongze-2024.json")
    return info, scans.render_pdf(info, tmp_path_factory.mktemp("printed-2024"))


# --- parallel runs ---------------------------------------------------------------------------
# pyproject.toml runs the suite on two pytest-xdist workers with `--dist loadgroup`: each test
# goes to whichever worker is free, except the tests of one xdist group, which run in one
# worker. The groups are made here, from the fixtures: a fixture computed once per module or
# session (a LibreOffice rendering, an OCR run, `xxgk demo`) would be computed again in every
# worker that runs one of its tests, so all the tests that share one, directly or through
# another such fixture, form one group. A test that takes such a fixture at run time
# (`request.getfixturevalue`) names it in an `xdist_group` mark instead.


def _shared_fixtures(item: pytest.Item) -> list[str]:
    """The fixtures computed once per module or session that `item` uses, ours only
    (pytest's own, such as tmp_path_factory, cost nothing): a conftest.py one by its name,
    a test module's as `module.name`; and the groups its `xdist_group` marks name."""
    info = getattr(item, "_fixtureinfo", None)
    keys = []
    for name, defs in info.name2fixturedefs.items() if info else ():
        fixture = defs[-1]  # the one in force for this test
        if fixture.scope != "function" and fixture.baseid:
            module = Path(fixture.baseid)
            keys.append(f"{module.stem}.{name}" if module.suffix == ".py" else name)
    marks = [
        m.args[0] if m.args else m.kwargs.get("name", "default") for m in item.iter_markers("xdist_group")
    ]
    return keys + [str(m) for m in marks]


@pytest.hookimpl(tryfirst=True)  # before xdist reads the marks (its hook would run first)
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Mark the tests that share a module or session fixture with one xdist group, named
    after the first of those fixtures (or after the group an explicit mark names)."""
    if not getattr(config.option, "loadgroup", False):
        return
    parent: dict[str, str] = {}

    def root(key: str) -> str:
        while parent.setdefault(key, key) != key:
            key = parent[key] = parent[parent[key]]
        return key

    shared = {item: _shared_fixtures(item) for item in items}
    for keys in shared.values():
        for key in keys:
            parent[root(key)] = root(keys[0])
    explicit = {str(m.args[0]) for item in items for m in item.iter_markers("xdist_group") if m.args}
    names: dict[str, str] = {}
    for key in sorted(parent, key=lambda k: (k not in explicit, k)):
        names.setdefault(root(key), key)
    for item, keys in shared.items():
        if keys and not any(item.iter_markers("xdist_group")):
            item.add_marker(pytest.mark.xdist_group(names[root(keys[0])]))


def pytest_collection_finish(session: pytest.Session) -> None:
    """Fail rather than silently compute each group's fixtures in every worker: xdist
    applies a group by appending `@group` to the test's node id, which pytest 9.2 ignores
    (hence the pin in pyproject.toml)."""
    if getattr(session.config.option, "loadgroup", False):
        lost = [i.nodeid for i in session.items if any(i.iter_markers("xdist_group")) and "@" not in i.nodeid]
        if lost:
            raise pytest.UsageError(f"pytest-xdist did not group {len(lost)} test(s), such as {lost[0]}")


# (case, format) -> (recall, absent, wrong) of the rendering matrix, from the tests' reports:
# under xdist the tests run in the workers, and this summary is printed by the controller
MATRIX_RECALL: dict[tuple[str, str], tuple[float, int, int]] = {}


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    for name, value in report.user_properties:
        if name == "matrix_recall":
            case, fmt, *scores = value
            MATRIX_RECALL[(case, fmt)] = tuple(scores)  # type: ignore[assignment]


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    """The rendering matrix's recall per rendering and format, when it ran."""
    if MATRIX_RECALL:
        from tests.test_office_matrix import recall_table

        for line in recall_table(MATRIX_RECALL):
            terminalreporter.write_line(line)
