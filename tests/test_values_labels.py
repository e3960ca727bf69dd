"""Cell values and label matching, on texts printed in real reports."""

from __future__ import annotations

import sys
import unicodedata

import pytest

from extract.labels import application_row, fuzzy_application_row, normalize, proactive_row
from extract.nfkc import nfkc
from extract.values import parse_value


@pytest.mark.parametrize(
    ("text", "value", "unit", "note"),
    [
        ("59", 59, None, None),
        ("    0", 0, None, None),  # padded, y2019-16
        ("+118", 118, None, None),  # seed, 本年增/减
        ("-260", -260, None, None),
        ("110119389.995", 110119389.995, None, None),
        ("7(市自然资源局)", 7, None, "市自然资源局"),  # seed, section 四
        ("7（市自然资源局）", 7, None, "市自然资源局"),
        ("79000.1元", 79000.1, "元", None),  # y2019-10
        ("152790元", 152790, "元", None),  # y2019-14
        ("7730.28万元", 7730.28, "万元", None),
        ("1,234", 1234, None, None),
        ("１２", 12, None, None),  # full-width digits
    ],
)
def test_numbers(text: str, value: float, unit: str | None, note: str | None) -> None:
    parsed = parse_value(text)
    assert parsed is not None and parsed.kind == "number"
    assert parsed.value == pytest.approx(value)
    assert (parsed.unit, parsed.note) == (unit, note)


@pytest.mark.parametrize("text", ["", " ", "-", "—", "/", "无", "\u3000", "——"])
def test_blanks(text: str) -> None:
    parsed = parse_value(text)
    assert parsed is not None and parsed.kind == "blank" and parsed.value is None


@pytest.mark.parametrize("text", ["规章", "2019年", "0 0 0", "第二十条第(一)项", "共59件申请"])
def test_not_values(text: str) -> None:
    assert parse_value(text) is None


@pytest.mark.parametrize(
    ("label", "key"),
    [
        ("一、本年新收政府信息公开申请数量", "received_new"),
        ("（二）部分公开（区分处理的，只计这一情形，不计其他情形）", "partially_disclosed"),
        ("（二）部分公开（区分处理的，只计这一情 形，不计其他情形）", "partially_disclosed"),  # hongze
        ("3.危及“三安全一稳定”", "withheld_security_stability"),
        ('3.危及"三安全一稳定"', "withheld_security_stability"),
        ("4.无正当理由大量反复 申请", "not_processed_mass_repeated"),
        ("5.要求行政机关确认或重 新出具已获取信息", "not_processed_confirm"),
        ("1、申请人无正当理由逾期不补正，行政机关不再处理其政府信息公开申请", "other_overdue_correction"),
        ("(七)总计", "results_total"),
        ("四、结转下一年度继续办理", "carried_forward"),
        ("三、本年度办理结果 (一) 予以公开", "disclosed"),  # a flattened rowspan
        ("（三）不予公开 1.属于国家秘密", "withheld_state_secret"),
        ("1.屬於國家秘密", "withheld_state_secret"),  # Traditional characters (mirror sites)
        ("(六)其他处理", "other_handling"),
        ("（三）不予公开", None),  # a group label
        ("申请人情况", None),
    ],
)
def test_application_rows(label: str, key: str | None) -> None:
    assert application_row(normalize(label)) == key


def test_garbled_label_is_matched_only_among_the_expected_rows() -> None:
    garbled = normalize("2.其他法律行政止公开")  # hongze 2023/2024: 法规禁 missing
    assert application_row(garbled) is None
    assert fuzzy_application_row(garbled, ("withheld_law_prohibited", "withheld_security_stability")) == (
        "withheld_law_prohibited"
    )
    assert fuzzy_application_row(normalize("其他说明"), ("withheld_law_prohibited",)) is None


@pytest.mark.parametrize(
    ("label", "key"),
    [
        ("规章", "regulations"),
        ("规范性文件", "normative_documents"),
        ("行政规范性文件", "normative_documents"),
        ("规章（含本部门制定的规章）", "regulations"),
        ("其他对外管理服务事项", "other_services"),
        ("行政事业性收费", "fees"),
        ("政府集中采购", "procurement"),
        ("行政許可", "licensing"),
        ("信息内容", None),
    ],
)
def test_proactive_rows(label: str, key: str | None) -> None:
    assert proactive_row(normalize(label)) == key


def test_fast_nfkc_is_exactly_nfkc() -> None:
    prose = (
        "坚持以公开为常态、不公开为例外，围绕优化营商环境（含“放管服”改革）等重点领域：",
        "本年度收到申请１２件；其中：自然人　8件！办结率１００％？",
        "行政许可　396／442－278．",
    )
    for line in prose:
        assert nfkc(line) == unicodedata.normalize("NFKC", line)
    assert nfkc(prose[0]).endswith("等重点领域:") and "(含“放管服”改革)" in nfkc(prose[0])
    # every character, alone and where a replaced full-width character or a combining
    # mark around it could change what composes
    for cp in range(sys.maxunicode + 1):
        if 0xD800 <= cp <= 0xDFFF:
            continue
        text = f"，{chr(cp)}\u0301（"
        assert nfkc(text) == unicodedata.normalize("NFKC", text), hex(cp)
