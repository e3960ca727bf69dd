"""Benchmark: text and HTML reports extracted per second on one core, against a floor.

    python bench/extract.py [--count 1000] [--seed 1] [--repeat 3] [--keep DIR] [--no-office] [--stages]

Generates --count whole reports with tests/render.py (a mix of every text layout,
HTML tables and flattened HTML, GBK pages, and Word-exported pages of about 100 KB)
into a temporary folder, then times on one core, in CPU time (see `clock`):

  * extraction: read the file and `extract_bytes` it (read, map, check, describe);
  * the floor: read the file and merely parse it with lxml (HTML) or decode it (text),
    then find its numbers with one regex.

The first line says which build it measured, and from where: the release wheel's
compiled modules (`XXGK_MYPYC=1 pip install .`, see setup.py), or the pure-Python
sources of any other install. The installed package is measured, not the checkout
beside this script (which only provides tests/render.py). Both run inside
`extract.batch_gc()`, as the `xxgk` commands run extraction (the cyclic garbage
collector runs less often). It prints documents/second for each kind and for the
whole mix, and the ratio to the floor; with --stages, also the milliseconds per
document each stage takes (reader, table mapper, metadata), to show where the time
goes. Goals: extraction at most 3.5x the floor over the mix, and at least 500
plain-text reports/s, and no document of the mix above 10x the median document
(each document timed alone, best of --repeat; the degraded forms of
tests/degrade.py and the converter outputs of tests/converted are timed too, against
the mix's median, and held to the same goal).
Each figure is the best of --repeat passes. If
bench/extract_office.py is present, its PDF/DOCX measurement runs afterwards (skip
with --no-office).
Progress goes to stderr, the figures to stdout; the exit status is 1 if a goal is missed.
"""

from __future__ import annotations

import argparse
import contextlib
import importlib.util
import os
import re
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# `extract` is the installed package (see the docstring), not this script, whose folder
# Python put first on the path; the checkout comes last, for tests/
sys.path = [p for p in sys.path if Path(p or ".").resolve() != ROOT / "bench"] + [str(ROOT)]

from lxml import html as lxml_html  # noqa: E402

import extract  # noqa: E402
from extract import ReadError, batch_gc, extract_bytes, is_compiled  # noqa: E402
from extract.metadata import describe  # noqa: E402
from extract.model import Report  # noqa: E402
from extract.readers import read_bytes  # noqa: E402
from extract.tables import map_tables  # noqa: E402
from tests.render import RandomChoices, build_case, generate_case  # noqa: E402

NUMBER = re.compile(r"[-+]?\d+(?:\.\d+)?")
TEXT_LAYOUTS = ("text_lines", "text_pipes", "text_spaces", "text_stacked")
WORD_PAGE_KB = 100  # Word-exported pages are padded with prose up to about this size
GOAL_RATIO = 3.5  # issue 13 (an earlier issue asked 3x)
GOAL_TEXT_RATE = 500.0
GOAL_SPREAD = 10.0  # no document above this many times the median document
# CPU time of this process, not wall time: extraction is CPU-bound and runs on one core,
# and on a shared machine the wall clock also counts the time other work held the core
clock = time.process_time

# kind -> (share of the mix, layouts, Word markup, minimum size in KB)
MIX: dict[str, tuple[float, tuple[str, ...], bool, int]] = {
    "text": (0.5, TEXT_LAYOUTS, False, 0),
    "html": (0.35, ("html_table", "html_flat"), False, 0),
    "word-100KB": (0.15, ("html_table", "html_flat"), True, WORD_PAGE_KB),
}


def generate(folder: Path, count: int, seed: int) -> dict[str, list[Path]]:
    """Write `count` reports into `folder`; return the paths by kind."""
    paths: dict[str, list[Path]] = {kind: [] for kind in MIX}
    plan = [kind for kind, (share, *_rest) in MIX.items() for _ in range(round(share * count))]
    for i, kind in enumerate(plan):
        _, layouts, word, padding = MIX[kind]
        ch = RandomChoices(seed * 1_000_003 + i)
        case = generate_case(ch, layouts[i % len(layouts)])
        if word != case.layout.word:
            case.layout.word = word
            case = build_case(case.tables, case.meta, case.layout)
        if padding and len(case.data) < padding * 1024:
            # each padding unit adds about 11 KB of Word paragraphs
            case.layout.padding_kb = round((padding * 1024 - len(case.data)) / 11_000)
            case = build_case(case.tables, case.meta, case.layout)
        suffix = ".html" if case.layout.name.startswith("html") else ".txt"
        path = folder / f"{i:05d}-{case.layout.name}{suffix}"
        path.write_bytes(case.data)
        paths[kind].append(path)
        if (i + 1) % 200 == 0:
            print(f"generated {i + 1}/{len(plan)}", file=sys.stderr)
    return paths


@batch_gc()
def run_extract(paths: list[Path]) -> tuple[float, int]:
    """Seconds to extract every file (read included), and the number of failures."""
    failures = 0
    start = clock()
    for p in paths:
        try:
            extract_bytes(p.read_bytes(), str(p))
        except ReadError:
            failures += 1
    return clock() - start, failures


@batch_gc()
def run_floor(paths: list[Path]) -> float:
    """Seconds to read, parse (lxml) or decode, and regex the numbers of every file."""
    start = clock()
    for p in paths:
        data = p.read_bytes()
        if p.suffix == ".html":
            text = lxml_html.document_fromstring(data).text_content()
        else:
            text = data.decode("utf-8", errors="replace")
        NUMBER.findall(text)
    return clock() - start


@batch_gc()
def run_stages(paths: list[Path], repeat: int) -> tuple[float, float, float]:
    """Milliseconds per document in the reader, the table mapper and the metadata (best of `repeat`).

    Each document goes through all three stages before the next is read, as in a real
    run: keeping every document in memory would make the garbage collector's full
    passes, not the stages, the cost measured.
    """
    datas = [(p.read_bytes(), str(p)) for p in paths]
    best = [float("inf")] * 3
    for _ in range(repeat):
        spent = [0.0, 0.0, 0.0]
        for data, name in datas:
            t0 = clock()
            try:
                doc = read_bytes(data, name)
            except ReadError:
                continue
            t1 = clock()
            report = Report(source=doc.source, format=doc.format)
            map_tables(doc, report)
            t2 = clock()
            describe(doc, report)
            t3 = clock()
            spent[0] += t1 - t0
            spent[1] += t2 - t1
            spent[2] += t3 - t2
        for i, t in enumerate(spent):
            best[i] = min(best[i], t * 1000 / len(paths))
    return best[0], best[1], best[2]


@batch_gc()
def per_document(paths: list[Path], repeat: int) -> list[tuple[float, Path]]:
    """Seconds each document takes to extract (best of `repeat`), slowest last.

    The repeats are separate passes over all the documents, not back to back: a burst of
    other work on a shared machine then slows one pass of a document, not all of its
    timings (its best stays its own)."""
    datas = [(p.read_bytes(), str(p)) for p in paths]
    best = [float("inf")] * len(paths)
    for _ in range(repeat):
        for i, (data, name) in enumerate(datas):
            t0 = clock()
            with contextlib.suppress(ReadError):
                extract_bytes(data, name)
            best[i] = min(best[i], clock() - t0)
    return sorted(zip(best, paths, strict=True))


def write_degraded(folder: Path) -> list[Path]:
    """The degraded forms of tests/degrade.py (every source, every form, one draw)."""
    from tests.degrade import FORMS, all_sources, render

    folder.mkdir(parents=True, exist_ok=True)
    out = []
    for i, src in enumerate(all_sources()):
        for form in FORMS:
            doc = render(src, form, 0)
            path = folder / f"{i:02d}-{form}{Path(doc.name).suffix}"
            path.write_bytes(doc.data)
            out.append(path)
    return out


def converted_documents() -> list[Path]:
    """What real PDF converters made of reports (tests/converted, committed files)."""
    from tests.converted import documents

    return [doc.path for doc in documents()]


def report_spread(paths: list[Path], others: dict[str, list[Path]], repeat: int) -> bool:
    """Print the median and slowest document of the mix, and of each other group of
    documents against the mix's median; True when no document of any group takes over
    GOAL_SPREAD x the mix's median."""
    times = per_document(paths, repeat)
    median = times[len(times) // 2][0]
    slowest, path = times[-1]
    print(
        f"per document: median {median * 1000:.2f} ms, slowest {slowest * 1000:.2f} ms "
        f"= {slowest / median:.1f}x the median ({path.name}); goal <= {GOAL_SPREAD:g}x"
    )
    ok = slowest <= GOAL_SPREAD * median
    for name, group in others.items():
        if not group:
            continue
        dtimes = per_document(group, repeat)
        dmedian = dtimes[len(dtimes) // 2][0]
        dslow, dpath = dtimes[-1]
        over = sum(1 for t, _ in dtimes if t > GOAL_SPREAD * median)
        print(
            f"{name} ({len(dtimes)} documents): median {dmedian * 1000:.2f} ms, "
            f"slowest {dslow * 1000:.2f} ms = {dslow / median:.1f}x the mix median "
            f"({dpath.parent.name}/{dpath.name}); {over} above {GOAL_SPREAD:g}x"
        )
        ok = ok and over == 0
    return ok


def best_of(repeat: int, fn, paths: list[Path]) -> float:  # type: ignore[no-untyped-def]
    times = []
    for _ in range(repeat):
        result = fn(paths)
        times.append(result[0] if isinstance(result, tuple) else result)
    return min(times)


def office_hook(seconds: float) -> None:
    """Run bench/extract_office.py's measurement, if that module is present."""
    path = Path(__file__).with_name("extract_office.py")
    if not path.exists():
        return
    spec = importlib.util.spec_from_file_location("extract_office", path)
    if spec is None or spec.loader is None:
        return
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    measure = getattr(module, "measure", None)
    if measure is None:
        return
    for fmt, attr in (("pdf", "PDFS"), ("docx", "DOCXS")):
        docs = getattr(module, attr, [])
        if not docs:
            continue
        print(f"running the {fmt} benchmark ({len(docs)} documents, {seconds:g} s)...", file=sys.stderr)
        n, elapsed = measure(docs, seconds)
        goal = getattr(module, "GOALS", {}).get(fmt)
        print(
            f"{fmt:<11} {n / elapsed:>9.1f} docs/s   ({n} in {elapsed:.1f} s over {len(docs)} documents"
            + (f"; goal >= {goal:g})" if goal else ")")
        )


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--count", type=int, default=1000, help="documents to generate (default 1000)")
    ap.add_argument("--seed", type=int, default=1, help="seed of the generated mix (default 1)")
    ap.add_argument("--repeat", type=int, default=3, help="passes; the best is reported (default 3)")
    ap.add_argument("--keep", type=Path, help="write the documents here and keep them")
    ap.add_argument("--no-office", action="store_true", help="skip the PDF/DOCX benchmark")
    ap.add_argument(
        "--no-degraded", action="store_true", help="skip timing the degraded forms and the converter outputs"
    )
    ap.add_argument("--stages", action="store_true", help="also time the reader, mapper and metadata apart")
    ap.add_argument("--office-seconds", type=float, default=5.0, help="time per office format (default 5)")
    args = ap.parse_args()
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})  # one core

    with tempfile.TemporaryDirectory(prefix="xxgk-bench-") as tmp:
        folder = args.keep or Path(tmp)
        folder.mkdir(parents=True, exist_ok=True)
        paths = generate(folder, args.count, args.seed)
        total_docs = sum(len(v) for v in paths.values())
        print(
            f"{total_docs} documents in {folder}; timing on one core, best of {args.repeat}", file=sys.stderr
        )

        build = "compiled wheel (mypyc, see setup.py)" if is_compiled() else "pure Python"
        print(f"build: {build}, extract from {Path(extract.__file__).parent}")
        print(f"{'kind':<11} {'docs':>5} {'avg KB':>7} {'extract/s':>10} {'floor/s':>9} {'ratio':>6}")
        totals = [0.0, 0.0]
        failures = 0
        rates: dict[str, float] = {}
        for kind, kind_paths in paths.items():
            if not kind_paths:
                continue
            print(f"timing {kind}...", file=sys.stderr)
            run_extract(kind_paths[:20])  # warm caches and imports
            t_extract = best_of(args.repeat, run_extract, kind_paths)
            failures += run_extract(kind_paths)[1]
            t_floor = best_of(args.repeat, run_floor, kind_paths)
            totals[0] += t_extract
            totals[1] += t_floor
            n = len(kind_paths)
            kb = sum(p.stat().st_size for p in kind_paths) / n / 1024
            rates[kind] = n / t_extract
            print(
                f"{kind:<11} {n:>5} {kb:>7.1f} {n / t_extract:>10.1f} {n / t_floor:>9.1f} "
                f"{t_extract / t_floor:>5.2f}x"
            )
        ratio = totals[0] / totals[1]
        print(
            f"{'mix':<11} {total_docs:>5} {'':>7} {total_docs / totals[0]:>10.1f} "
            f"{total_docs / totals[1]:>9.1f} {ratio:>5.2f}x"
        )
        text_rate = rates.get("text", 0.0)
        print(
            f"goals: mix <= {GOAL_RATIO:g}x the floor: {'met' if ratio <= GOAL_RATIO else 'MISSED'} "
            f"({ratio:.2f}x); plain text >= {GOAL_TEXT_RATE:g}/s: "
            f"{'met' if text_rate >= GOAL_TEXT_RATE else 'MISSED'} ({text_rate:.0f}/s)"
        )
        all_paths = [p for kind_paths in paths.values() for p in kind_paths]
        others = (
            {}
            if args.no_degraded
            else {
                "degraded forms of tests/degrade.py": write_degraded(folder / "degraded"),
                "converter outputs of tests/converted": converted_documents(),
            }
        )
        print("timing each document...", file=sys.stderr)
        spread_ok = report_spread(all_paths, others, args.repeat)
        if args.stages:
            print(f"{'ms/doc':<11} {'reader':>7} {'mapper':>7} {'metadata':>8}")
            for kind, kind_paths in paths.items():
                if kind_paths:
                    read, mapped, described = run_stages(kind_paths, args.repeat)
                    print(f"{kind:<11} {read:>7.3f} {mapped:>7.3f} {described:>8.3f}")
        if failures:
            print(f"{failures} documents raised ReadError", file=sys.stderr)
    if not args.no_office:
        office_hook(args.office_seconds)
    return 0 if ratio <= GOAL_RATIO and text_rate >= GOAL_TEXT_RATE and spread_ok else 1


if __name__ == "__main__":
    sys.exit(main())
