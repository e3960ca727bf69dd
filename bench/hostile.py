"""Time and peak memory of `xxgk extract` on each hostile document (tests/hostile.py).

Each input is extracted by a fresh `xxgk extract --jsonl` process under the memory cap
the tests use; the figures are the wall time, the peak resident memory of that process
and of the child it reads PDF/Word in, and the outcome. Run from the repository:

    .venv/bin/python bench/hostile.py [--out hostile.tsv]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.hostile import LIMITS, MEMORY_CAP, build  # noqa: E402

# Runs xxgk in this process, then prints its own and its children's peak memory (KiB).
WRAPPER = """
import resource, sys
resource.setrlimit(resource.RLIMIT_AS, ({cap}, {cap}))
from xxgk.cli import main
try:
    status = main(["extract", "--jsonl", sys.argv[1]])
finally:
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    kids = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    print(f"@@ {{own}} {{kids}}", file=sys.stderr)
"""


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", help="also write the table as TSV to this file")
    ap.add_argument("--timeout", type=float, default=900, help="seconds per input (default: %(default)s)")
    args = ap.parse_args()
    env = dict(os.environ, PYTHONPATH=str(ROOT), **LIMITS)
    rows = []
    with tempfile.TemporaryDirectory(prefix="xxgk-hostile-") as tmp:
        for h, path in build(Path(tmp)):
            start = time.monotonic()
            try:
                done = subprocess.run(
                    [sys.executable, "-c", WRAPPER.format(cap=MEMORY_CAP), str(path)],
                    capture_output=True,
                    text=True,
                    env=env,
                    timeout=args.timeout,
                )
            except subprocess.TimeoutExpired:
                print(f"{h.name:28} TIMEOUT after {args.timeout:g} s", flush=True)
                rows.append((h.name, f">{args.timeout:g}", "", "", "timed out"))
                continue
            seconds = time.monotonic() - start
            marks = [ln for ln in done.stderr.splitlines() if ln.startswith("@@ ")]
            own, kids = (int(x) // 1024 for x in marks[-1].split()[1:]) if marks else (-1, -1)
            try:
                obj = json.loads(done.stdout.splitlines()[0])
                outcome = obj.get("error") or f"report: {len(obj['cells'])} cells"
            except (IndexError, ValueError):
                outcome = f"NO OUTPUT (exit {done.returncode}): {done.stderr.strip()[-200:]}"
            rows.append((h.name, f"{seconds:.2f}", str(own), str(kids), outcome))
            print(f"{h.name:28} {seconds:6.2f} s  {own:5} MB  child {kids:5} MB  {outcome[:90]}", flush=True)
    if args.out:
        with open(args.out, "w", encoding="utf-8") as f:
            f.write("input\tseconds\tpeak_MB\tchild_peak_MB\toutcome\n")
            f.writelines("\t".join(r) + "\n" for r in rows)
    print(f"{len(rows)} inputs; memory cap {MEMORY_CAP >> 20} MiB per process; limits {LIMITS}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
