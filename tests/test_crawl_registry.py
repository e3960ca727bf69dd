"""The portal registry: the shipped file is valid and holds the real portals of the
reference notes; malformed entries are rejected naming the entry and the field."""

from __future__ import annotations

import json

import pytest

from crawler.registry import RegistryError, load_registry, parse_registry


def entry(**changes):
    base = {
        "name": "demo-x",
        "title": "某市人民政府",
        "region": "220800",
        "level": "prefecture",
        "platform": "trs",
        "start_urls": ["http://xxgk.jlbc.gov.cn/bcsrmzf/bcsrmzfndbg/"],
    }
    base.update(changes)
    return {k: v for k, v in base.items() if v is not None}


def test_shipped_registry_holds_real_and_demo_portals():
    portals = load_registry()
    assert portals["jilin-szf-ndbg"].start_urls == ("http://xxgk.jl.gov.cn/szf/bgtndbg/",)
    assert portals["jilin-szf-ndbg"].platform == "trs"
    assert portals["guangdong-gkmlpt"].start_urls == ("http://www.gd.gov.cn/gkmlpt/index",)
    assert portals["guangdong-gkmlpt"].platform == "gkmlpt"
    assert portals["shanghai-nw12344"].platform == "shanghai"
    assert portals["csrc-zfxxgknb"].platform == "ucap"
    assert portals["mengcheng-zfxxgknb"].platform == "generic"
    assert portals["wenzhou-jpage"].platform == "hanweb_jpage"
    real = [p for p in portals.values() if not p.demo]
    assert len(real) >= 20 and all(not u.startswith("{demo}") for p in real for u in p.start_urls)
    demo = {p.name for p in portals.values() if p.demo}
    assert {"demo-trs", "demo-jpage", "demo-gkmlpt", "demo-shanghai", "demo-gbkcms", "demo-bench"} <= demo
    assert portals["demo-trs"].urls("http://127.0.0.1:9") == ["http://127.0.0.1:9/jl/xxgk/index.html"]


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        (entry(title=None), "entry 'demo-x': field 'title' is missing"),
        (entry(verified="no"), "entry 'demo-x': field 'verified' must be a bool"),
        (entry(platform="wordpress"), "entry 'demo-x': field 'platform' must be one of"),
        (entry(region="22080"), "entry 'demo-x': field 'region' must be a 6-digit"),
        (entry(level="city"), "entry 'demo-x': field 'level' must be one of"),
        (entry(start_urls=[]), "entry 'demo-x': field 'start_urls' must be a non-empty list"),
        (
            entry(start_urls=["xxgk.jl.gov.cn/ndbg/"]),
            "entry 'demo-x': field 'start_urls' holds 'xxgk.jl.gov.cn/ndbg/'",
        ),
        (entry(name="Bad Name"), "entry 'Bad Name': field 'name' must be a lowercase slug"),
        (entry(options={"max_page": 3}), "entry 'demo-x': field 'options.max_page' is not a known option"),
        (entry(options={"max_pages": "3"}), "entry 'demo-x': field 'options.max_pages' has the wrong type"),
        (
            entry(options={"column_text": "年报("}),
            "entry 'demo-x': field 'options.column_text' is not a valid regex",
        ),
        (entry(url="http://x.gov.cn/"), "entry 'demo-x': field 'url' is not a known field"),
        ("demo-x", "registry: entry #1: expected an object"),
    ],
)
def test_malformed_entry_is_rejected_naming_entry_and_field(raw, message):
    with pytest.raises(RegistryError) as err:
        parse_registry({"portals": [entry(name="ok-one"), raw]} if raw != "demo-x" else {"portals": [raw]})
    assert message in str(err.value)


def test_duplicate_names_and_bad_files(tmp_path):
    with pytest.raises(RegistryError, match="entry 'demo-x': field 'name' is used twice"):
        parse_registry({"portals": [entry(), entry()]})
    bad = tmp_path / "portals.json"
    bad.write_text('{"portals": [', encoding="utf-8")
    with pytest.raises(RegistryError, match=r"portals\.json: not valid JSON \(line 1"):
        load_registry(bad)
    bad.write_text(json.dumps({"portals": [entry(level="city")]}), encoding="utf-8")
    with pytest.raises(RegistryError, match=rf"{bad}: entry 'demo-x': field 'level'"):
        load_registry(bad)
    with pytest.raises(RegistryError, match="registry file not found"):
        load_registry(tmp_path / "missing.json")


def test_missing_platform_means_auto():
    portals = parse_registry({"portals": [entry(platform=None)]})
    assert portals["demo-x"].platform == "auto"


def test_registry_holds_every_column_of_the_real_addresses():
    """crawler/sources/report-urls.csv (272 real addresses): every distinct column is a start
    URL of an entry, every province of the list is covered, and every entry says where its
    address was seen and that no crawl has verified it yet."""
    import csv

    from crawler.registry_from_urls import DEFAULT_CSV

    with DEFAULT_CSV.open(encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    columns = {r["column_url"] for r in rows if r["column_url"]}
    assert len(columns) == 204 and len(rows) == 272
    portals = load_registry()
    real = [p for p in portals.values() if not p.demo]
    starts = {u.split("://", 1)[1].rstrip("/") for p in real for u in p.start_urls}
    assert {c.split("://", 1)[1].rstrip("/") for c in columns} <= starts
    # Column-less report pages (gkmlpt, VSB …) start at the report page itself.
    assert "www.gd.gov.cn/gkmlpt/content/4/4688/post_4688997.html" in starts
    assert all(p.source and p.verified is False for p in real)
    provinces = {p.region[:2] for p in real if p.level != "national"}
    assert len(provinces) == 31
    generated = [p for p in real if p.source.startswith("report-urls.csv")]
    assert len(generated) >= 200
    # Checked by hand against the CSV: 天津市河东区's column is a county's, on TRS by URL shape.
    hd = next(p for p in generated if "zfxxgknb42" in p.start_urls[0])
    assert (hd.region, hd.level, hd.platform) == ("120102", "county", "trs")
    assert "tYYYYMMDD" in hd.platform_inferred
    assert "zfxxgknb42/202503/t20250304_6873286.html (archived copy" in hd.source
    # A development zone the region data lacks falls back to its prefecture (石家庄市).
    sjz = next(p for p in generated if "sjz.gov.cn/zfxxgk/columns/fb4fe9ec" in p.start_urls[0])
    assert sjz.region == "130100" and sjz.platform == "auto" and not sjz.platform_inferred


def test_registry_is_what_the_csv_gives():
    """portals.json's generated part is reproducible: regenerating it changes nothing."""
    from crawler.registry_from_urls import DEFAULT_CSV, main

    assert main(["--csv", str(DEFAULT_CSV), "--check"]) == 0


def test_crawl_list_groups_by_province_and_level(capsys):
    from xxgk.cli import main

    assert main(["crawl", "--list"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].split("\t")[:5] == ["province", "level", "name", "platform", "verified"]
    rows = [line.split("\t") for line in lines[1:]]
    provinces = [r[0] for r in rows]
    # Grouped: each province's rows are contiguous, the demo portals last.
    assert len(set(provinces)) == len([p for i, p in enumerate(provinces) if i == 0 or provinces[i - 1] != p])
    assert provinces[-1] == "demo" and "中央" in provinces and "西藏自治区" in provinces
    tj = [r for r in rows if r[0] == "天津市"]
    assert [r[1] for r in tj] == sorted(
        (r[1] for r in tj), key=["province", "prefecture", "county", "township", "department"].index
    )
    assert {r[4] for r in rows if r[0] != "demo"} == {"unverified"}
    assert any(r[3] == "trs (inferred)" for r in rows) and any(r[3] == "auto" for r in rows)
