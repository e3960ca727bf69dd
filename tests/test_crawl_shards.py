"""Crawling on several nodes: registry shards (crawler.shards) and merging the nodes' stores
(db.stores, `xxgk load --store`), with real crawls of the demo portals over HTTP."""

from __future__ import annotations

import hashlib
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import sqlite_utils

from crawler.demo.server import DemoServer
from crawler.registry import load_registry
from crawler.shards import ShardError, parse_shard, select, shard_of
from db.schema import connect
from db.stores import StoreError, merge_stores

REPO = Path(__file__).resolve().parents[1]
PORTALS = ("demo-shanghai", "demo-jpaas")  # HTML only: quick to load


def xxgk(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "xxgk.cli", *args], capture_output=True, text=True, timeout=300, cwd=REPO
    )


def test_parse_shard_says_what_is_wrong():
    assert parse_shard("2/3") == (2, 3)
    for bad, why in (("3", "expected K/N"), ("0/2", "between 1 and N"), ("3/2", "between 1 and N")):
        with pytest.raises(ShardError, match=why):
            parse_shard(bad)


@pytest.mark.parametrize("n", [1, 2, 3, 5])
@pytest.mark.parametrize("by_province", [False, True])
def test_the_shards_split_the_registry_exactly(n, by_province):
    portals = load_registry()
    names = list(portals)
    shares = [select(names, portals, (k, n), by_province=by_province) for k in range(1, n + 1)]
    assert sorted(n for share in shares for n in share) == sorted(names)  # every portal in exactly one shard
    if by_province:  # a province is never split between nodes
        for share in shares:
            others = set(names) - set(share)
            assert not {portals[a].region[:2] for a in share} & {portals[b].region[:2] for b in others}


def test_a_portals_shard_depends_on_its_name_only():
    portals = load_registry()
    names = list(portals)
    # the same on every machine and every run (sha256, not Python's salted hash), and
    # a smaller or reordered registry moves no portal to another node
    whole = {n: k for k in (1, 2, 3) for n in select(names, portals, (k, 3))}
    part = names[::-1][: len(names) // 2]
    assert {n: k for k in (1, 2, 3) for n in select(part, portals, (k, 3))} == {n: whole[n] for n in part}
    # pinned: changing the hash would send every node a different share of a running crawl
    assert [shard_of(n, 3) for n in ("demo-shanghai", "demo-jpaas", "demo-gkmlpt")] == [1, 2, 3]


@pytest.fixture(scope="module")
def nodes(tmp_path_factory):
    """Three crawl nodes of the same two portals (shards 1/3, 2/3, 3/3), and a fourth that
    crawls demo-shanghai whole: the same documents as node 1, fetched separately."""
    server = DemoServer(port=0).start()
    root = tmp_path_factory.mktemp("nodes")
    try:
        runs = {}
        for name, extra in (
            ("node1", ("--shard", "1/3")),
            ("node2", ("--shard", "2/3")),
            ("node3", ("--shard", "3/3")),
            ("overlap", ()),
        ):
            portals = PORTALS if extra else ("demo-shanghai",)
            runs[name] = xxgk(
                "crawl",
                *portals,
                *extra,
                "--data",
                str(root / name),
                "--demo-url",
                server.url,
                "--no-throttle",
            )
    finally:
        server.stop()
    return root, runs


def documents(data: Path) -> list[dict]:
    return list(sqlite_utils.Database(data / "xxgk.db").query("SELECT * FROM documents ORDER BY url"))


def test_each_node_crawls_its_share_only(nodes):
    root, runs = nodes
    for name, proc in runs.items():
        assert proc.returncode == 0, (name, proc.stderr[-2000:])
    assert {d["portal"] for d in documents(root / "node1")} == {"demo-shanghai"}
    assert {d["portal"] for d in documents(root / "node2")} == {"demo-jpaas"}
    assert "shard 3/3 holds none of the portals selected" in runs["node3"].stderr
    assert len([d for d in documents(root / "node1") if d["kind"] == "page"]) == 25  # 5 agencies x 5 years
    assert len([d for d in documents(root / "node2") if d["kind"] == "page"]) == 15


def test_load_merges_the_stores_once(nodes, tmp_path):
    root, _ = nodes
    target = tmp_path / "merged"
    stores = [str(root / n) for n in ("node1", "node2", "overlap")]
    load = xxgk("load", "--data", str(target), "--jobs", "0", *(a for s in stores for a in ("--store", s)))
    assert load.returncode == 0, load.stderr[-2000:]
    node1, node2, overlap = (documents(root / n) for n in ("node1", "node2", "overlap"))
    assert {d["sha256"] for d in overlap} == {d["sha256"] for d in node1}  # the same documents twice
    merged = documents(target)
    assert len(merged) == len(node1) + len(node2)  # the overlap node added nothing
    assert {(d["url"], d["sha256"]) for d in merged} == {(d["url"], d["sha256"]) for d in node1 + node2}
    assert all(d["version"] == 1 and d["is_current"] == 1 for d in merged)
    for d in merged:  # every file is there, under its hash
        assert (target / "docs" / d["sha256"][:2] / d["sha256"]).stat().st_size == d["size"]
    db = sqlite_utils.Database(target / "xxgk.db")
    assert db["reports"].count == 25 + 15
    assert db.execute("SELECT COUNT(DISTINCT sha256) FROM reports").fetchone()[0] == 40
    assert f"3 store(s) merged: {len(merged)} new document(s)" in load.stderr

    again = xxgk("load", "--data", str(target), "--jobs", "0", *(a for s in stores for a in ("--store", s)))
    assert again.returncode == 0, again.stderr[-2000:]
    assert "3 store(s) merged: 0 new document(s)" in again.stderr
    assert documents(target) == merged and db["reports"].count == 40


def test_a_changed_document_becomes_the_current_version(nodes, tmp_path):
    root, _ = nodes
    target, later = tmp_path / "t", tmp_path / "later"
    shutil.copytree(root / "node1", later)
    # a later crawl found the first page changed: new bytes at the same URL, fetched later
    ldb = sqlite_utils.Database(later / "xxgk.db")
    doc = next(ldb.query("SELECT * FROM documents WHERE kind = 'page' ORDER BY url LIMIT 1"))
    body = (later / "docs" / doc["sha256"][:2] / doc["sha256"]).read_bytes() + b"<!-- corrected -->"
    sha = hashlib.sha256(body).hexdigest()
    (later / "docs" / sha[:2]).mkdir(exist_ok=True)
    (later / "docs" / sha[:2] / sha).write_bytes(body)
    ldb.execute("DELETE FROM documents")
    ldb["documents"].insert(
        {**doc, "id": None, "sha256": sha, "size": len(body), "fetched_at": "2999-01-01T00:00:00+00:00"}
    )
    ldb.conn.commit()
    db = connect(target / "xxgk.db")
    merge_stores(db, target, [later, root / "node1"])  # the newer node first: order does not matter
    rows = list(db.query("SELECT sha256, version, is_current FROM documents WHERE url = ?", [doc["url"]]))
    assert sorted(rows, key=lambda r: r["version"]) == [
        {"sha256": doc["sha256"], "version": 1, "is_current": 0},
        {"sha256": sha, "version": 2, "is_current": 1},
    ]


def test_a_damaged_or_missing_store_is_named(nodes, tmp_path):
    root, _ = nodes
    db = connect(tmp_path / "t" / "xxgk.db")
    with pytest.raises(StoreError, match="nowhere: not a data folder"):
        merge_stores(db, tmp_path / "t", [tmp_path / "nowhere"])
    broken = tmp_path / "broken"
    shutil.copytree(root / "node2", broken)
    victim = documents(broken)[0]["sha256"]
    (broken / "docs" / victim[:2] / victim).write_bytes(b"not the stored bytes")
    summary = merge_stores(db, tmp_path / "t", [broken])
    assert summary.missing == [f"{broken}: {victim}"]  # skipped, not copied under a false name
    assert not (tmp_path / "t" / "docs" / victim[:2] / victim).exists()
    assert summary.documents == len(documents(broken)) - 1
