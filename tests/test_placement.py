"""Placement by arithmetic: dropped cells, padding, digits run together, ambiguity."""

from __future__ import annotations

from extract import extract_bytes
from extract.placement import digit_splits

COLS = ("natural_person", "commercial", "research", "social_welfare", "legal_service", "other_org", "total")


def applications_text(rows: dict[str, str], cut: bool = False) -> bytes:
    """A section 三 in the pipe layout of the corpus, rows given as printed."""
    labels = {
        "received_new": "一、本年新收政府信息公开申请数量",
        "carried_over": "二、上年结转政府信息公开申请数量",
        "disclosed": "三、本年度办理结果 | （一）予以公开",
        "partially_disclosed": "（二）部分公开（区分处理的，只计这一情形，不计其他情形）",
        "withheld_state_secret": "（三）不予公开 | 1.属于国家秘密",
        "other_handling": "（六）其他处理",
        "results_total": "（七）总计",
        "carried_forward": "四、结转下年度继续办理",
    }
    lines = ["三、收到和处理政府信息公开申请情况", "申请人情况 | 自然人 | 法人或其他组织 | 总计"]
    lines += [f"{labels[k]} | {v}" for k, v in rows.items()]
    if not cut:  # the document goes on (a cut copy ends inside its last row)
        lines.append("四、政府信息公开行政复议、行政诉讼情况")
    return "\n".join(lines).encode()


def values(report, row: str) -> list:
    return [
        report.cells[f"applications.{row}.{c}"].value if f"applications.{row}.{c}" in report.cells else "?"
        for c in COLS
    ]


def test_dropped_cell_is_placed_when_the_arithmetic_allows_one_reading() -> None:
    doc = applications_text(
        {
            "received_new": "5 | 2 | 0 | 0 | 0 | 1 | 8",
            "carried_over": "1 | 0 | 0 | 0 | 0 | 0 | 1",
            "disclosed": "4 | 2 | 0 | 0 | 0 | 1 | 7",
            "results_total": "4 | 2 | 0 | 0 | 0 | 1 | 7",
            "carried_forward": "2 | 0 | 0 | 0 | 0 | 2",  # six numbers: the 总计 is 2, other_org dropped
        }
    )
    report = extract_bytes(doc, "x.txt")
    assert values(report, "carried_forward") == [2, 0, 0, 0, 0, 0, 2]
    assert report.cells["applications.carried_forward.total"].placed == "aligned"


def test_ambiguous_placement_is_left_out_and_said() -> None:
    doc = applications_text(
        {
            "received_new": "5 | 2 | 3 | 0 | 0 | 1 | 11",
            "carried_over": "0 | 0 | 0 | 0 | 0 | 0 | 0",
            "disclosed": "5 | 2 | 1 | 8",  # no totals row below: the 2 may be 商业企业 or 科研机构
            "partially_disclosed": "0 | 0 | 0 | 0 | 0 | 0 | 0",
        }
    )
    report = extract_bytes(doc, "x.txt")
    got = values(report, "disclosed")
    assert got[1] == "?" and got[2] == "?"
    assert any("more than one way" in w for w in report.warnings)


def test_zero_columns_force_the_placement() -> None:
    # 社会公益组织 and 法律服务机构 received nothing, so nothing can be disclosed there:
    # the four printed numbers have one reading only
    doc = applications_text(
        {
            "received_new": "5 | 2 | 3 | 0 | 0 | 1 | 11",
            "carried_over": "0 | 0 | 0 | 0 | 0 | 0 | 0",
            "disclosed": "5 | 2 | 3 | 1 | 11",
            "partially_disclosed": "0 | 0 | 0 | 0 | 0 | 0 | 0",
        }
    )
    report = extract_bytes(doc, "x.txt")
    assert values(report, "disclosed") == [5, 2, 3, 0, 0, 1, 11]


def test_a_trailing_empty_cell_is_padding_only_when_the_arithmetic_says_so() -> None:
    base = {
        "received_new": "3 | 0 | 0 | 0 | 0 | 0 | 3",
        "carried_over": "0 | 0 | 0 | 0 | 0 | 0 | 0",
        "disclosed": "3 | 0 | 0 | 0 | 0 | 0 | 3",
        "results_total": "3 | 0 | 0 | 0 | 0 | 0 | 3",
    }
    # a real blank 总计 (the report left it empty): kept as a blank, flagged unverifiable
    report = extract_bytes(
        applications_text({**base, "carried_forward": "0 | 0 | 0 | 0 | 0 | 0 | "}), "x.txt"
    )
    assert values(report, "carried_forward") == [0, 0, 0, 0, 0, 0, None]
    row_check = next(c for c in report.checks if c.name.startswith("applications.carried_forward:"))
    assert row_check.ok is None


def test_digits_run_together_are_split_only_when_certain() -> None:
    # cells run together with no separator: of the ways to cut 560000056 into seven
    # numbers, only 56,0,0,0,0,0,56 has a total equal to the sum of the six columns
    doc = "一、本年新收政府信息公开申请数量560000056\n二、上年结转政府信息公开申请数量0000000\n".encode()
    report = extract_bytes(doc, "x.txt")
    assert values(report, "received_new") == [56, 0, 0, 0, 0, 0, 56]
    assert values(report, "carried_over") == [0] * 7


def test_digits_run_together_that_fit_no_split_are_left_out() -> None:
    report = extract_bytes("一、本年新收政府信息公开申请数量12300015\n".encode(), "x.txt")
    assert values(report, "received_new") == ["?"] * 7
    assert any("received_new" in w for w in report.warnings)


def test_proactive_digits_run_together_without_arithmetic_are_left_out() -> None:
    doc = "第二十条第(五)项\n信息内容 | 上一年项目数量 | 本年增/减 | 处理决定数量\n行政许可396442278\n其他对外管理服务事项 | 1 | -2 | 3\n".encode()
    report = extract_bytes(doc, "x.txt")
    assert report.template == "2019"
    assert not any(k.startswith("proactive.licensing") for k in report.cells)
    assert any("run together" in w for w in report.warnings)


def test_a_short_row_that_ends_the_document_is_cut_off_not_dropped() -> None:
    doc = applications_text(
        {
            "received_new": "0 | 0 | 0 | 0 | 0 | 0 | 0",
            "carried_over": "0 | 0 | 0 | 0 | 0 | 0 | 0",
            "disclosed": "0 | 0 | 0 | ",
        },
        cut=True,
    )  # a stored copy cut inside the row (y2019-03)
    report = extract_bytes(doc, "x.txt")
    assert values(report, "disclosed") == ["?"] * 7
    assert any("ends inside this row" in w for w in report.warnings)


def test_digit_splits() -> None:
    assert digit_splits("102", 2) == [["10", "2"]]  # "1","02" has a leading zero
    assert digit_splits("000", 3) == [["0", "0", "0"]]
    assert digit_splits("9" * 30, 10, limit=100) is None  # too many to prove anything
