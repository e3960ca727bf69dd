"""Placement by arithmetic: dropped cells, padding, digits run together, ambiguity."""

from __future__ import annotations

from extract import extract_bytes
from extract.checks import application_equations, review_equations
from extract.placement import Piece, Placed, readings
from extract.template import OTHER_ROWS_2021, REVIEW_KEYS

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


def _cut(digits: str, slots: tuple[str, ...], equations=(), limit: int = 50_000):
    found = readings([Piece(Placed(int(digits), digits), digits)], slots, equations, gaps=False, limit=limit)
    return found, [[c.raw for c in option.values()] for option in found.options]


def test_readings_cut_digits_without_leading_zeros() -> None:
    assert _cut("102", ("a", "b"))[1] == [["10", "2"]]  # "1","02" has a leading zero
    assert _cut("000", ("a", "b", "c"))[1] == [["0", "0", "0"]]
    found, _ = _cut("9" * 30, tuple("abcdefghij"), limit=100)
    assert not found.complete  # too many to prove anything: the bound is said, not guessed


def test_readings_of_a_run_keep_only_cuts_whose_total_adds_up() -> None:
    slots = tuple(f"applications.received_new.{c}" for c in COLS)
    _, cuts = _cut("12030102126", slots, application_equations(OTHER_ROWS_2021))
    assert cuts == [["120", "3", "0", "1", "0", "2", "126"]]


def test_eight_values_on_fifteen_columns_are_pruned_by_the_group_sums() -> None:
    # review/litigation printed with its zeros dropped: C(15, 8) = 6435 placements unpruned
    printed = [Piece(Placed(v, str(v))) for v in (2, 1, 3, 1, 1, 4, 4, 4)]
    found = readings(printed, REVIEW_KEYS, review_equations(), gaps=True)
    assert found.complete
    assert found.steps < 3000
    assert found.options  # the true reading is among them
    assert all(len(o) == 8 for o in found.options)


def test_issue_example_run_together_is_split_by_the_arithmetic() -> None:
    doc = "\n".join(
        [
            "二、主动公开政府信息情况",
            "信息内容 本年制发件数 本年废止件数 现行有效件数",
            "规章000",
            "行政规范性文件1203118",
            "三、收到和处理政府信息公开申请情况",
            "一、本年新收政府信息公开申请数量12030102126",
            "二、上年结转政府信息公开申请数量0000000",
            "三、本年度办理结果（一）予以公开11830102124",
            "（七）总计11830102124",
            "四、结转下年度继续办理2000002",
            "四、政府信息公开行政复议、行政诉讼情况",
            "行政复议行政诉讼 … 总计 20103 1000100000",
            "五、存在的主要问题及改进情况",
        ]
    ).encode()
    report = extract_bytes(doc, "x.txt")
    assert values(report, "received_new") == [120, 3, 0, 1, 0, 2, 126]
    assert values(report, "results_total") == [118, 3, 0, 1, 0, 2, 124]
    assert values(report, "carried_forward") == [2, 0, 0, 0, 0, 0, 2]
    assert [report.cells[k].value for k in REVIEW_KEYS] == [2, 0, 1, 0, 3, 1, 0, 0, 0, 1, 0, 0, 0, 0, 0]
    assert [report.cells[f"proactive.regulations.{c}"].value for c in ("issued", "repealed", "in_force")] == [
        0,
        0,
        0,
    ]
    # section 二 has no sums: 1203118 has many cuts, so its cells are left out and said
    assert not any(k.startswith("proactive.normative_documents") for k in report.cells)
    assert any("normative_documents" in w and "ambiguous" in w for w in report.warnings)


def test_rows_ambiguous_alone_are_fixed_together_by_the_column_sums() -> None:
    # 1110002 alone: 1,1,1,0,0,0,2? no (3 != 2) ... the total column decides with the others
    rows = {
        "received_new": "11100000011",  # 11,1,0,0,0,0,... many cuts add up
        "carried_over": "0000000",
        "disclosed": "11100000011",
        "results_total": "11100000011",
        "carried_forward": "0000000",
    }
    doc = applications_text({k: v for k, v in rows.items()})
    report = extract_bytes(doc.replace(b" | ", b""), "x.txt")
    for row in rows:
        got = values(report, row)
        # every cell returned is one the arithmetic fixes; none is a guess
        assert all(v == "?" or isinstance(v, int) for v in got)
    assert values(report, "carried_over") == [0] * 7


def test_the_arithmetic_takes_decimal_values() -> None:
    """A cell may print a decimal (an amount, a count printed `1.0` by a converter). The
    compiled wheel raised `int object expected; got float` on one in the equations
    (tests/converted/pdfminer/landscape-2021.txt), where pure Python, and so every test
    of an editable install, passed: these fail in the compiled build without the fix."""
    from extract.placement import Equation, _holds, _with_option, propagate

    eq = (Equation("t", ("a", "b"), ("c",)),)
    assert propagate({"a": 1.5, "b": 2}, eq) is None  # the derived 3.5 is no count
    assert propagate({"a": 1.0, "b": 2, "c": 3}, eq) is not None
    assert propagate({"a": 1.5, "b": 2, "c": 3}, eq) is None  # 3.5 != 3
    assert _holds((("a", 1), ("b", 1), ("c", -1)), {"a": 1.5, "b": 2, "c": 3.5})
    assert not _holds((("a", 1), ("b", 1), ("c", -1)), {"a": 1.5, "b": 2, "c": 3})
    base = propagate({"a": 1.0, "b": 2}, eq)
    assert _with_option(base, {"a": 1.0, "b": 2}, {"a": 1.5}, eq) is None  # contradicts a
