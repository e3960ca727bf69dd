"""Measure full-text search (db.search) on real report text: recall of known words, for
plain MATCH (what Datasette's search box and `sqlite-utils search` send) and for
fts_phrase; index size against the text and against the alternatives; query times.

    python bench/search.py                       # the shared corpus' narrative sections
    python bench/search.py --db data/xxgk.db     # also a database's sections, and query times

A word's truth is the set of sections whose heading or text contains it (a substring).
Recall = found ∩ truth / truth; precision = found ∩ truth / found, over all words.
"""

from __future__ import annotations

import argparse
import random
import re
import sqlite3
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from db.search import TOKEN_RUN, fts_phrase, index_text  # noqa: E402

CORPUS = Path("/work/shared/corpus")
# Words a researcher looks for in 总体情况 / 存在的主要问题 / 其他需要报告的事项.
KNOWN_WORDS = [
    "疫情",
    "培训",
    "政务公开",
    "信息公开",
    "依申请公开",
    "行政复议",
    "行政诉讼",
    "政府网站",
    "政务新媒体",
    "政策解读",
    "新冠肺炎",
    "不予公开",
    "营商环境",
    "主动公开",
    "公开目录",
    "工作人员",
    "年度报告",
    "政府信息",
    "申请人",
    "重点领域",
    "存在问题",
    "标准化",
    "规范化",
    "人员",
    "力度",
    "监督",
    "考核",
    "平台",
    "答复",
    "办理",
    "意识",
    "制度",
    "公开专栏",
    "基层政务公开",
    "政务服务",
    "互联网",
    "信息化",
    "决策",
    "规范性文件",
    "收费",
    "公开条例",
    "保密审查",
]


def corpus_sections() -> list[str]:
    from extract import extract_path

    texts = []
    for meta in sorted(CORPUS.glob("*/*.json")):
        for doc in meta.parent.glob(meta.stem + ".*"):
            if doc.suffix in (".json", ".md"):
                continue
            try:
                report = extract_path(doc)
            except Exception as exc:  # a document the extractor cannot read is not a search case
                print(f"{doc}: skipped ({exc})", file=sys.stderr)
                continue
            texts += [f"{s.heading}\n{s.text}" for s in report.sections if s.number not in "二三四"]
    return texts


def db_sections(path: str) -> list[str]:
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    return [
        f"{h or ''}\n{t or ''}"
        for h, t in conn.execute("SELECT heading, text FROM sections WHERE number NOT IN ('二','三','四')")
    ]


def sample_words(texts: list[str], n: int, count: int, rng: random.Random) -> list[str]:
    """Random Chinese substrings of length n (the worst case: not only dictionary words)."""
    words: list[str] = []
    joined = "".join(texts)
    while len(words) < count:
        i = rng.randrange(len(joined) - n)
        w = joined[i : i + n]
        if re.fullmatch(r"[\u4e00-\u9fff]+", w):
            words.append(w)
    return words


def build(texts: list[str], kind: str) -> sqlite3.Connection:
    conn = sqlite3.connect(":memory:")
    if kind == "trigram":
        conn.execute("CREATE VIRTUAL TABLE t USING fts5(x, tokenize='trigram')")
        rows = list(enumerate(texts))
    else:
        conn.execute("CREATE VIRTUAL TABLE t USING fts5(x, tokenize='unicode61 remove_diacritics 0')")
        transform = index_text if kind == "ngrams" else (lambda s: " ".join(s))
        rows = [(i, transform(x)) for i, x in enumerate(texts)]
    conn.executemany("INSERT INTO t (rowid, x) VALUES (?, ?)", rows)
    conn.execute("INSERT INTO t (t) VALUES ('optimize')")
    return conn


def index_bytes(conn: sqlite3.Connection) -> int:
    return conn.execute("SELECT SUM(length(block)) FROM t_data").fetchone()[0]


def recall(conn: sqlite3.Connection, texts: list[str], words: list[str], query) -> tuple[float, float]:
    hit = truth_n = found_n = 0
    for w in words:
        truth = {i for i, x in enumerate(texts) if w in x}
        q = query(w)
        found = {r[0] for r in conn.execute("SELECT rowid FROM t WHERE t MATCH ?", [q])} if q else set()
        hit += len(truth & found)
        truth_n += len(truth)
        found_n += len(found)
    return (hit / truth_n if truth_n else float("nan"), hit / found_n if found_n else float("nan"))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--db", help="also measure on this database's sections, and time queries on it")
    ap.add_argument("--samples", type=int, default=200, help="random words per length (default 200)")
    args = ap.parse_args()
    rng = random.Random(15)
    sets = [("corpus", corpus_sections())]
    if args.db:
        sets.append((Path(args.db).name, db_sections(args.db)))
    for name, texts in sets:
        chars = sum(map(len, texts))
        print(f"\n== {name}: {len(texts)} narrative sections, {chars:,} characters")
        words = {"known words": KNOWN_WORDS}
        for n in (2, 3, 4, 5, 6):
            words[f"random {n}-char"] = sample_words(texts, n, args.samples, rng)
        ngrams = build(texts, "ngrams")
        print(f"{'words':<16} {'plain MATCH':>18} {'fts_phrase':>18}   (recall / precision)")
        for label, ws in words.items():
            plain = recall(ngrams, texts, ws, lambda w: '"' + w + '"')
            phrase = recall(ngrams, texts, ws, fts_phrase)
            print(f"{label:<16} {plain[0]:>8.3f} / {plain[1]:<7.3f} {phrase[0]:>8.3f} / {phrase[1]:<7.3f}")
        print("index size (FTS5 data blocks, after optimize):")
        for kind in ("ngrams", "single characters (before)", "trigram (reference)"):
            conn = ngrams if kind == "ngrams" else build(texts, kind.split()[0].replace("single", "chars"))
            size = index_bytes(conn)
            print(f"  {kind:<28} {size:>12,} bytes  {size / max(chars, 1):6.1f} bytes/character")
    if args.db:
        conn = sqlite3.connect(f"file:{args.db}?mode=ro", uri=True)
        from db.search import register_functions

        register_functions(conn)
        print(f"\n== query times on {args.db} (median of 5, ms)")
        for w in ("疫情", "培训", "政务公开", "依申请公开"):
            for label, sql, q in (
                ("plain", "SELECT COUNT(*) FROM sections_fts WHERE sections_fts MATCH ?", '"' + w + '"'),
                ("phrase", "SELECT COUNT(*) FROM sections_fts WHERE sections_fts MATCH fts_phrase(?)", w),
            ):
                times, n = [], 0
                for _ in range(5):
                    t = time.perf_counter()
                    n = conn.execute(sql, [q]).fetchone()[0]
                    times.append((time.perf_counter() - t) * 1000)
                print(f"  {label:<7} {w:<8} {n:>7} sections  {statistics.median(times):8.1f} ms")


if __name__ == "__main__":
    if not all(TOKEN_RUN.fullmatch(w) for w in KNOWN_WORDS):
        raise SystemExit("a known word holds punctuation")
    main()
