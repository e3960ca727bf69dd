"""The documentation is tested: its examples are run and their output compared.

Every code block of README.md and docs/*.md whose command lines start with `$ ` is an
example: the command runs in a shell (the `xxgk` of this Python), in a fresh folder where
`tests/` is this repository's, and what it prints (stdout and stderr together) must be the
lines shown under it. The examples of one document run in order in one folder, so a
`xxgk load` feeds the `xxgk query` after it. In the shown output a line `…` stands for any
number of lines, and `…` inside a line for any text. Temporary paths and ports are
normalised, and progress lines (which depend on timing) dropped.

Also: every sub-command has examples in its --help and a row in the README.
"""

from __future__ import annotations

import ast
import os
import re
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from xxgk.cli import build_parser

REPO = Path(__file__).resolve().parents[1]
DOCUMENTS = [REPO / "README.md", *sorted((REPO / "docs").glob("*.md"))]
FENCE = re.compile(r"^```")
# Progress lines depend on timing (one every few seconds): not part of an example's output.
PROGRESS = re.compile(r"^(loading: \d+|\[[\w-]+\] \d+ list pages)")
NORMALISE = [
    (re.compile(r"\S*/xxgk-demo-\w+"), "<demo folder>"),
    (re.compile(r"(127\.0\.0\.1|localhost):\d+"), r"\1:<port>"),
]
# The user's own settings would change where examples read and write.
USER_SETTINGS = {"XXGK_DATA", "XXGK_DB", "XXGK_REGISTRY", "XXGK_DEMO_URL"}
# Commands another test runs anyway: their example takes that run's output (conftest.py).
SHARED_RUNS = {"xxgk demo": "demo_run"}


@dataclass
class Example:
    document: str
    line: int
    command: str
    expected: list[str]


def examples(path: Path) -> list[Example]:
    """The `$ ` examples of a Markdown file, in order."""
    found: list[Example] = []
    in_block = False
    current: Example | None = None
    continued = False
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if FENCE.match(line):
            in_block, current = not in_block, None
            continue
        if not in_block:
            continue
        if continued and current is not None:
            current.command += "\n" + line
            continued = line.endswith("\\")
        elif line.startswith("$ "):
            current = Example(path.name, n, line[2:], [])
            found.append(current)
            continued = line.endswith("\\")
        elif current is not None:
            current.expected.append(line)
    return found


def normalise(text: str, root: Path) -> list[str]:
    text = text.replace(str(root), "<tmp>")
    for pattern, replacement in NORMALISE:
        text = pattern.sub(replacement, text)
    lines = [line.rstrip() for line in text.splitlines() if not PROGRESS.match(line)]
    while lines and not lines[-1]:
        lines.pop()
    return lines


def pattern(expected: list[str]) -> re.Pattern[str]:
    parts = []
    for line in expected:
        if line.strip() == "…":
            parts.append(r"(?:[^\n]*\n)*?")
        else:
            parts.append("[^\n]*".join(re.escape(p) for p in line.split("…")) + r"\n")
    return re.compile("".join(parts))


def matches(expected: list[str], actual: list[str]) -> bool:
    return pattern(expected).fullmatch("".join(line + "\n" for line in actual)) is not None


def run_example(command: str, cwd: Path) -> str:
    env = {k: v for k, v in os.environ.items() if k not in USER_SETTINGS}
    env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}"
    env["PYTHONUNBUFFERED"] = "1"  # stdout and stderr interleaved as printed
    env["TMPDIR"] = str(cwd)
    proc = subprocess.run(
        ["bash", "-c", command],
        cwd=cwd,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        timeout=300,
    )
    return proc.stdout


def documents() -> list[object]:
    """The documents, each with the shared runs its examples take in an `xdist_group` mark:
    in a parallel run it goes to the worker that runs the other tests of that run
    (conftest.py), which computes it once."""
    params = []
    for path in DOCUMENTS:
        shared = sorted({SHARED_RUNS[ex.command] for ex in examples(path) if ex.command in SHARED_RUNS})
        params.append(pytest.param(path, id=path.name, marks=[pytest.mark.xdist_group(f) for f in shared]))
    return params


@pytest.mark.parametrize("document", documents())
def test_examples_print_what_the_documentation_shows(document: Path, tmp_path: Path, request) -> None:
    (tmp_path / "tests").symlink_to(REPO / "tests")
    failures = []
    for ex in examples(document):
        expected = [line.rstrip() for line in ex.expected]
        while expected and not expected[-1]:
            expected.pop()
        if ex.command in SHARED_RUNS:
            output, root = request.getfixturevalue(SHARED_RUNS[ex.command])
        else:
            output, root = run_example(ex.command, tmp_path), tmp_path
        actual = normalise(output, root)
        expected = normalise("\n".join(expected), root)
        if not matches(expected, actual):
            failures.append(
                f"{ex.document}:{ex.line}: $ {ex.command}\n--- shown:\n"
                + "\n".join(expected)
                + "\n--- printed:\n"
                + "\n".join(actual)
            )
    assert not failures, "\n\n".join(failures)


def test_the_documents_have_examples() -> None:
    """The parser finds the examples (a broken fence would silently skip them all)."""
    readme = examples(REPO / "README.md")
    commands = [ex.command.split()[1] for ex in readme]
    assert {"demo", "extract", "load", "query", "export"} <= set(commands)
    multi = [ex for doc in DOCUMENTS for ex in examples(doc) if "\n" in ex.command]
    assert multi and all(ex.expected for ex in multi)


def test_the_comparison_understands_ellipses() -> None:
    shown = ["a", "…", "d", "e…"]
    assert matches(shown, ["a", "b", "c", "d", "end"])
    assert matches(shown, ["a", "d", "e"])
    assert not matches(shown, ["a", "b", "end"])
    assert not matches(["a", "b"], ["a", "b", "c"])


def subcommands() -> dict[str, object]:
    parser = build_parser()
    action = next(a for a in parser._actions if a.__class__.__name__ == "_SubParsersAction")
    return dict(action.choices)  # type: ignore[attr-defined]


@pytest.mark.parametrize("name", sorted(subcommands()))
def test_every_subcommand_has_examples_and_a_row_in_the_readme(name: str) -> None:
    sub = subcommands()[name]
    epilog = sub.epilog or ""  # type: ignore[attr-defined]
    assert "examples:" in epilog and f"xxgk {name} " in epilog, f"xxgk {name} --help has no examples"
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    assert f"| `xxgk {name}` |" in readme, f"xxgk {name} is not in the README's command table"


def test_the_exit_status_table_is_the_one_of_the_code_and_of_every_help() -> None:
    """docs/exit-status.md and every --help list the statuses of xxgk/commands/status.py."""
    from xxgk.commands import status

    text = (REPO / "docs" / "exit-status.md").read_text(encoding="utf-8")
    table = dict(re.findall(r"^\| (\d+) \| (.+?) \|$", text, flags=re.M))
    assert table == {str(code): meaning for code, meaning in status.EXIT_CODES.items()}
    assert {0, 1, 2, 3, 130} <= set(status.EXIT_CODES)
    for name, sub in subcommands().items():
        assert status.epilog() in (sub.epilog or ""), f"xxgk {name} --help lacks the exit statuses"


def test_the_readme_names_one_entry_function_per_stage_each_under_60_lines() -> None:
    """A newcomer starts from the README's "How it fits together": each stage's entry
    function exists and is short enough to read at once."""
    import importlib

    readme = (REPO / "README.md").read_text(encoding="utf-8")
    section = readme.split("## How it fits together")[1].split("\n## ")[0]
    rows = dict(re.findall(r"^\| ([a-z/]+) \| (.+?) \|", section, flags=re.M))
    assert set(rows) >= {"crawl", "extract", "load/store", "query/serve"}
    for stage in ("crawl", "extract", "load/store", "query/serve"):
        for dotted in re.findall(r"`([\w.]+)\(", rows[stage]):
            module, _, name = dotted.rpartition(".")
            function = getattr(importlib.import_module(module), name)
            # counted in the checkout's source, which a newcomer reads (the release
            # wheel's compiled functions have no source to inspect)
            module = function.__module__
            source = REPO / (module.replace(".", "/") + ".py")
            if not source.exists():
                source = REPO / module.replace(".", "/") / "__init__.py"
            tree = ast.parse(source.read_text(encoding="utf-8"))
            node = next(n for n in tree.body if isinstance(n, ast.FunctionDef) and n.name == name)
            lines = (node.end_lineno or node.lineno) - node.lineno + 1
            assert lines < 60, f"{dotted} ({stage}) is {lines} lines"
