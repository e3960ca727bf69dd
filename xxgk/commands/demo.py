"""`xxgk demo`: the main job on the built-in demo data."""

from __future__ import annotations

import argparse
from importlib import resources

from extract import extract_bytes
from extract.display import render


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "demo",
        help="run the pipeline on the built-in demo reports",
        description="Extract the bundled example reports (real published reports) and print their tables.",
    )
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    examples = resources.files("xxgk") / "examples"
    for item in sorted(examples.iterdir(), key=lambda p: p.name):
        if item.name.endswith((".txt", ".html", ".pdf", ".docx")):
            report = extract_bytes(item.read_bytes(), f"examples/{item.name}")
            print(render(report))
            print()
    return 0
