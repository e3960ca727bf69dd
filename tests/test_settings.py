"""Settings in one table (xxgk/config.py): each documented, read at the edges only.

The model is datasette's `test_settings_are_documented`: the table in code is the
truth, docs/configuration.md shows it, and a test keeps the two in step. A second
test reads the source to keep the environment out of the library: a setting read deep
inside a module is one a caller cannot set and a reader cannot find.
"""

from __future__ import annotations

import ast
import hashlib
import logging
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from extract import settings
from extract.settings import ReadSettings
from xxgk import config

REPO = Path(__file__).resolve().parent.parent
SEED = REPO / "tests" / "corpus" / "seed" / "baicheng-2019.txt"
NAME = re.compile(r"\bXXGK_[A-Z][A-Z0-9_]*[A-Z0-9]\b")

# The edges: the only modules of the packages that may read XXGK_ variables of the
# environment (through xxgk.config).
EDGES = {
    "xxgk/config.py",  # the table and its reader
    "xxgk/cli.py",  # the command line's entry
    "crawler/settings.py",  # where Scrapy builds its settings
}
EDGE_PACKAGES = ("xxgk/commands/",)  # the commands' option defaults
# Which table of docs/configuration.md lists a setting, by who reads it.
SECTIONS = {
    "environment": ("## Environment",),
    "both": ("## Environment", "## Scrapy settings"),
    "scrapy": ("## Scrapy settings",),
    "tests": ("## Install and test knobs",),
    "build": ("## Install and test knobs",),
}


def sources() -> list[Path]:
    """Every Python file of the project, and the CI script."""
    files = [REPO / "setup.py", REPO / ".ci" / "run"]
    for folder in ("crawler", "db", "extract", "xxgk", "tests", "bench"):
        files += sorted((REPO / folder).rglob("*.py"))
    return [f for f in files if f.exists()]


def library_modules() -> list[Path]:
    return [
        path
        for package in ("crawler", "db", "extract", "xxgk")
        for path in sorted((REPO / package).rglob("*.py"))
        if (rel := path.relative_to(REPO).as_posix()) not in EDGES and not rel.startswith(EDGE_PACKAGES)
    ]


def docs_sections() -> dict[str, str]:
    text = (REPO / "docs" / "configuration.md").read_text(encoding="utf-8")
    parts = re.split(r"^(## .+)$", text, flags=re.M)
    return {parts[i]: parts[i + 1] for i in range(1, len(parts), 2)}


def docs_rows(section: str) -> dict[str, list[str]]:
    """Setting name -> the cells of its row (type, default, meaning) in a section."""
    rows = {}
    for line in section.splitlines():
        if m := re.match(r"^\| `(XXGK_\w+)` \|(.*)\|$", line):
            rows[m.group(1)] = [c.strip() for c in m.group(2).split(" | ")]
    return rows


def shown(default: object) -> str:
    """A default as the docs write it."""
    if default is None:
        return "unset"
    if isinstance(default, bool):
        return "1" if default else "0"
    if isinstance(default, str):
        return f"`{default}`"
    return f"{default:g}" if isinstance(default, float) else str(default)


# --- the table and its documentation -------------------------------------------------------


def test_every_xxgk_name_in_the_code_is_a_setting_of_the_table() -> None:
    names = {n for path in sources() for n in NAME.findall(path.read_text(encoding="utf-8"))}
    assert {"XXGK_DATA", "XXGK_MAX_CHALLENGES", "XXGK_SHRINK"} <= names  # the scan sees all kinds
    assert sorted(names - set(config.BY_NAME)) == []


def test_every_setting_has_a_row_with_its_type_and_default_in_docs() -> None:
    sections = docs_sections()
    for s in config.SETTINGS:
        for heading in SECTIONS[s.where]:
            row = docs_rows(sections[heading]).get(s.name)
            assert row is not None, f"{s.name} has no row under {heading!r} in docs/configuration.md"
            kind, default, meaning = row
            assert kind == s.type.__name__, s.name
            assert shown(s.default) in default, (s.name, default)
            assert meaning, s.name


def test_docs_list_no_setting_the_table_lacks() -> None:
    documented = {name for section in docs_sections().values() for name in docs_rows(section)}
    assert sorted(documented - set(config.BY_NAME)) == []


def test_every_setting_has_a_meaning_and_a_value_of_its_type() -> None:
    for s in config.SETTINGS:
        assert s.help and s.type in (str, int, float, bool), s.name
        assert s.default is None or type(s.default) is s.type, s.name


def test_the_limits_of_the_table_are_the_library_defaults() -> None:
    assert config.read_settings({}) == ReadSettings()
    assert config.read_settings({"XXGK_MAX_PAGES": "5", "XXGK_ISOLATE": "0"}) == ReadSettings(
        max_pages=5, isolate=False
    )


# --- read at the edges only ------------------------------------------------------------------


def _environment_reads(tree: ast.AST) -> list[tuple[int, str]]:
    """(line, key) of each read of os.environ or os.getenv; key "?" when not a literal."""
    found = []
    for node in ast.walk(tree):
        key: ast.expr | None = None
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            target = ast.unparse(node.func.value)
            if (target == "os.environ" and node.func.attr in ("get", "setdefault", "pop")) or (
                ast.unparse(node.func) == "os.getenv"
            ):
                key = node.args[0] if node.args else None
            else:
                continue
        elif isinstance(node, ast.Subscript) and ast.unparse(node.value) == "os.environ":
            key = node.slice
        else:
            continue
        name = key.value if isinstance(key, ast.Constant) and isinstance(key.value, str) else "?"
        found.append((node.lineno, name))
    return found


def test_no_module_outside_the_edges_reads_an_xxgk_variable() -> None:
    offences = []
    for path in library_modules():
        text = path.read_text(encoding="utf-8")
        rel = path.relative_to(REPO).as_posix()
        if re.search(
            r"^\s*(from xxgk import config|import xxgk\.config|from xxgk\.config import)", text, re.M
        ):
            offences.append(f"{rel}: imports xxgk.config")
        for line, key in _environment_reads(ast.parse(text)):
            if key == "?" or key.startswith("XXGK_"):
                offences.append(f"{rel}:{line}: reads the environment ({key})")
    assert offences == []


def test_the_source_check_finds_a_deep_read() -> None:
    """The check above is not blind: it finds each way of reading a variable."""
    code = 'import os\na = os.environ.get("XXGK_X")\nb = os.environ["XXGK_Y"]\nc = os.getenv(name)\n'
    assert _environment_reads(ast.parse(code)) == [(2, "XXGK_X"), (3, "XXGK_Y"), (4, "?")]


def test_the_library_ignores_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """Set in the environment but not passed: the library keeps its defaults."""
    from crawler.registry import DEFAULT_DEMO_URL, load_registry

    monkeypatch.setenv("XXGK_DEMO_URL", "http://192.0.2.1:9")
    monkeypatch.setenv("XXGK_MAX_PAGES", "1")
    portal = load_registry()["demo-trs"]
    assert portal.urls() == [portal.start_urls[0].replace("{demo}", DEFAULT_DEMO_URL)]
    assert settings.current().max_pages == ReadSettings().max_pages


# --- values ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "raw", "error"),
    [
        ("XXGK_MAX_PAGES", "many", "XXGK_MAX_PAGES='many' is not a number"),
        ("XXGK_MAX_PAGES", "1.5", "XXGK_MAX_PAGES='1.5' is not a whole number"),
        ("XXGK_DOCUMENT_SECONDS", "0", "XXGK_DOCUMENT_SECONDS='0' must be above zero"),
        ("XXGK_ISOLATE", "maybe", "XXGK_ISOLATE='maybe' is not 1 or 0"),
    ],
)
def test_a_value_not_of_its_type_is_refused_with_the_variable_named(name: str, raw: str, error: str) -> None:
    with pytest.raises(config.SettingError) as caught:
        config.value(name, {name: raw})
    assert str(caught.value) == error


def test_values_are_of_the_settings_type_and_empty_is_unset() -> None:
    assert config.value("XXGK_DOCUMENT_SECONDS", {"XXGK_DOCUMENT_SECONDS": " 0.5 "}) == 0.5
    assert config.value("XXGK_MAX_PAGES", {"XXGK_MAX_PAGES": "2e3"}) == 2000
    assert config.value("XXGK_ISOLATE", {"XXGK_ISOLATE": "off"}) is False
    assert config.value("XXGK_MAX_PAGES", {"XXGK_MAX_PAGES": ""}) == 1000
    assert config.value("XXGK_DATA", {}) == "data"
    assert config.value("XXGK_DB_TIMEOUT", {"XXGK_DB_TIMEOUT": "0"}) == 0.0  # 0: no waiting


def test_the_command_stops_on_a_bad_value_naming_the_variable(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from xxgk.cli import main

    monkeypatch.setenv("XXGK_MAX_PAGES", "many")
    assert main(["extract", str(SEED)]) == 2
    out, err = capsys.readouterr()
    assert out == "" and err.splitlines() == ["xxgk: XXGK_MAX_PAGES='many' is not a number"]


def test_scrapy_settings_take_the_environment() -> None:
    """`scrapy crawl` (and scrapyd) builds its settings from crawler/settings.py, an edge."""
    code = (
        "from scrapy.utils.project import get_project_settings as g; s = g(); "
        "print(s['XXGK_DEMO_URL'], s['XXGK_DATA'], s['XXGK_REGISTRY'], s.getint('XXGK_GIVE_UP_AFTER'))"
    )
    env = dict(
        os.environ,
        PYTHONPATH=str(REPO),
        SCRAPY_SETTINGS_MODULE="crawler.settings",
        XXGK_DEMO_URL="http://192.0.2.1:9",
        XXGK_DATA="/srv/xxgk",
        XXGK_REGISTRY="",
        XXGK_GIVE_UP_AFTER="1",  # a Scrapy setting only: the environment does not set it
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=60)
    assert done.stdout.split() == ["http://192.0.2.1:9", "/srv/xxgk", "None", "4"], done.stderr


# --- XXGK_DATA and its older name -----------------------------------------------------------


def test_the_older_data_dir_setting_is_obeyed_with_a_warning(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    from scrapy.settings import Settings

    from crawler.store import DocumentStore

    with caplog.at_level(logging.WARNING, logger="crawler.store"):
        store = DocumentStore.from_settings(Settings({"XXGK_DATA": str(tmp_path / "new")}))
        store.close()
        assert store.data_dir == tmp_path / "new" and caplog.messages == []
        old = Settings({"XXGK_DATA": str(tmp_path / "new"), "XXGK_DATA_DIR": str(tmp_path / "old")})
        store = DocumentStore.from_settings(old)
        store.close()
    assert store.data_dir == tmp_path / "old"
    assert caplog.messages == [
        f"the setting XXGK_DATA_DIR is deprecated: set XXGK_DATA={tmp_path / 'old'} instead"
    ]


# --- the worker entry of a process pool -------------------------------------------------------


def test_worker_processes_read_with_the_parents_limits() -> None:
    """A forkserver worker inherits nothing: it is handed the settings of the command."""
    from db.parallel import ProcessPool, Task

    data = SEED.read_bytes()
    task = Task(str(SEED), hashlib.sha256(data).hexdigest(), SEED.name)
    with settings.configured(ReadSettings(max_document_bytes=1000)), ProcessPool(1) as pool:
        [(_, _, (report, reason))] = list(pool.extract([("seed", task)]))
    assert report is None
    assert "over the limit of 1,000 bytes for a document (XXGK_MAX_DOCUMENT_BYTES)" in (reason or "")
    with ProcessPool(1) as pool:  # the defaults again: the same document reads
        [(_, _, (report, reason))] = list(pool.extract([("seed", task)]))
    assert reason is None and report is not None
