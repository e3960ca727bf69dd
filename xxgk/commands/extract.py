"""`xxgk extract FILE...`: read reports and print their tables, or JSON Lines."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from typing import TextIO

from extract import ReadError, batch_gc, extract_path
from extract.display import render
from xxgk.commands import examples


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "extract",
        help="extract the standard tables from report files",
        description="Extract the three standard tables of annual reports (text, HTML, PDF, Word) into "
        "canonical cells. Prints the tables readably, or one JSON object per document with --jsonl. "
        'A file that cannot be read gives an error (JSON: {"source", "error"}) and the other files '
        "are still processed; the exit status is then 1.",
        **examples(
            "xxgk extract tests/corpus/seed/baicheng-2019.txt",
            "xxgk extract --jsonl reports/*.pdf > reports.jsonl",
        ),
    )
    p.add_argument(
        "files", nargs="+", metavar="FILE", help="report documents (any format, decided from content)"
    )
    p.add_argument("--jsonl", action="store_true", help="print one JSON object per document (JSON Lines)")
    p.set_defaults(func=run_extract)


@batch_gc()
def extract(paths: Sequence[str], *, jsonl: bool = False, out: TextIO | None = None) -> int:
    """Print each report's tables (or one JSON object per document) to `out` (default
    stdout); a file that cannot be read is one error line and the others go on. Returns 1
    when any file failed, else 0."""
    out = out or sys.stdout
    failures = 0
    for path in paths:
        try:
            report = extract_path(path)
        except ReadError as exc:
            failures += 1
            if jsonl:
                print(
                    json.dumps({"source": path, "error": str(exc)}, ensure_ascii=False), file=out, flush=True
                )
            print(f"xxgk extract: {path}: {exc}", file=sys.stderr)
            continue
        except Exception as exc:  # a bug must not stop the other files
            failures += 1
            reason = f"internal error while extracting: {type(exc).__name__}: {exc}"
            if jsonl:
                print(json.dumps({"source": path, "error": reason}, ensure_ascii=False), file=out, flush=True)
            print(f"xxgk extract: {path}: {reason}", file=sys.stderr)
            continue
        if jsonl:
            print(json.dumps(report.to_json(), ensure_ascii=False), file=out, flush=True)
        else:
            print(render(report), file=out)
            print(file=out)
    return 1 if failures else 0


def run_extract(args: argparse.Namespace) -> int:
    """`xxgk extract`: the parsed arguments as a call of `extract()`."""
    return extract(args.files, jsonl=args.jsonl)
