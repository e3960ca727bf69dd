"""Check that a speed change changes no result: extract a large document set before and after.

    python bench/equivalence.py generate DIR [--count 3000]   # the document set
    python bench/equivalence.py dump DIR OUT.jsonl             # every report's JSON, one per line
    python bench/equivalence.py compare BEFORE.jsonl AFTER.jsonl

The set holds `--count` generated reports (tests/render.py, every layout in turn),
copies of them with one digit changed, one number deleted or the end cut off (so the
paths for failed arithmetic, ambiguity and truncation are exercised too), and the
text and HTML documents of tests/corpus and tests/documents. `dump` writes, per
document, the report's JSON plus each cell's row label (which the JSON leaves out);
run it on the code before the change (e.g. a `git worktree` of the last commit, with
`--root`) and after, then `compare`: its exit status is 1 if any document differs.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import shutil
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
_NUMBER = re.compile(rb"(?<![0-9])[0-9]+(?![0-9])")


def generate(folder: Path, count: int) -> int:
    """Write the document set into `folder`; return how many documents it holds."""
    sys.path.insert(0, str(ROOT))
    from tests.render import LAYOUTS, RandomChoices, generate_case

    folder.mkdir(parents=True, exist_ok=True)
    for i in range(count):
        case = generate_case(RandomChoices(777_000 + i), LAYOUTS[i % len(LAYOUTS)])
        ext = "html" if case.layout.name.startswith("html") else "txt"
        data = case.data
        (folder / f"g{i:05d}.{ext}").write_bytes(data)
        rnd = random.Random(i)
        digits = [m.start() for m in re.finditer(rb"[0-9]", data)]
        if digits:
            p = rnd.choice(digits)
            changed = str((data[p] - 48 + rnd.randint(1, 9)) % 10).encode()
            (folder / f"m{i:05d}-digit.{ext}").write_bytes(data[:p] + changed + data[p + 1 :])
        numbers = list(_NUMBER.finditer(data))
        if numbers and i % 2 == 0:
            m = rnd.choice(numbers)
            (folder / f"m{i:05d}-del.{ext}").write_bytes(data[: m.start()] + data[m.end() :])
        if i % 3 == 0:
            cut = rnd.randint(len(data) // 3, len(data))
            (folder / f"m{i:05d}-cut.{ext}").write_bytes(data[:cut])
        if (i + 1) % 500 == 0:
            print(f"generated {i + 1}/{count}", file=sys.stderr)
    for src in (ROOT / "tests" / "corpus", ROOT / "tests" / "documents"):
        for p in sorted(src.rglob("*")):
            if p.is_file() and p.suffix in (".txt", ".html", ".htm"):
                shutil.copy(p, folder / f"c-{p.parent.name}-{p.name}")
    return sum(1 for _ in folder.iterdir())


def dump(folder: Path, out: Path, root: Path) -> int:
    """Extract every document of `folder` with the code under `root`; write the JSON lines."""
    sys.path.insert(0, str(root))
    from extract import ReadError, extract_bytes

    paths = sorted(folder.iterdir())
    start = time.perf_counter()
    with out.open("w", encoding="utf-8") as f:
        for p in paths:
            try:
                report = extract_bytes(p.read_bytes(), p.name)
                result = report.to_json()
                result["row_labels"] = {k: c.row_label for k, c in report.cells.items()}
            except ReadError as exc:
                result = {"error": str(exc)}
            f.write(p.name + "\t" + json.dumps(result, ensure_ascii=False, sort_keys=True) + "\n")
    print(f"{len(paths)} documents in {time.perf_counter() - start:.1f} s", file=sys.stderr)
    return len(paths)


def compare(before: Path, after: Path) -> int:
    """Print the documents whose results differ (the first few fields of each); count them."""
    a = dict(line.rstrip("\n").split("\t", 1) for line in before.open(encoding="utf-8"))
    b = dict(line.rstrip("\n").split("\t", 1) for line in after.open(encoding="utf-8"))
    differ = sorted(k for k in a.keys() | b.keys() if a.get(k) != b.get(k))
    for name in differ[:10]:
        ja, jb = json.loads(a.get(name, "{}")), json.loads(b.get(name, "{}"))
        for field in sorted(ja.keys() | jb.keys()):
            va, vb = ja.get(field), jb.get(field)
            if va != vb:
                if isinstance(va, dict) and isinstance(vb, dict):  # only the keys that differ
                    keys = sorted(k for k in va.keys() | vb.keys() if va.get(k) != vb.get(k))
                    va, vb = {k: va.get(k) for k in keys}, {k: vb.get(k) for k in keys}
                print(f"{name} {field}:")
                print(f"  before {str(va)[:300]}\n  after  {str(vb)[:300]}")
    print(f"{len(a.keys() | b.keys())} documents, {len(differ)} differ")
    return len(differ)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = ap.add_subparsers(dest="command", required=True)
    g = sub.add_parser("generate", help="write the document set into DIR")
    g.add_argument("dir", type=Path)
    g.add_argument("--count", type=int, default=3000, help="generated reports (default 3000)")
    d = sub.add_parser("dump", help="extract every document of DIR into OUT (JSON lines)")
    d.add_argument("dir", type=Path)
    d.add_argument("out", type=Path)
    d.add_argument(
        "--root", type=Path, default=ROOT, help="the checkout whose code extracts (default: this one)"
    )
    c = sub.add_parser("compare", help="compare two dumps; exit status 1 if any document differs")
    c.add_argument("before", type=Path)
    c.add_argument("after", type=Path)
    args = ap.parse_args()
    if args.command == "generate":
        print(f"{generate(args.dir, args.count)} documents in {args.dir}")
        return 0
    if args.command == "dump":
        dump(args.dir, args.out, args.root.resolve())
        return 0
    return 1 if compare(args.before, args.after) else 0


if __name__ == "__main__":
    sys.exit(main())
