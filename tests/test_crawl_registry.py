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
        (entry(platform=None), "entry 'demo-x': field 'platform' is missing"),
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
