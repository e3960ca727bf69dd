"""Regression on the real reports of the shared corpus: every hand-checked cell."""

from __future__ import annotations

from pathlib import Path

import pytest

from extract import extract_path
from extract.template import APPLICANT_COLUMNS
from tests.conftest import corpus_cases

CASES = corpus_cases("seed", "dev")


@pytest.mark.parametrize(("path", "info"), CASES, ids=[p.name for p, _ in CASES])
def test_every_truth_cell(path: Path, info: dict) -> None:
    report = extract_path(path)
    got = {k: c.value for k, c in report.cells.items()}
    for key, want in info["truth"].items():
        if want is None and key not in got:
            continue  # a blank may be left out: nothing is invented
        assert key in got, f"{key} missing"
        assert got[key] == want, f"{key}: got {got[key]} want {want}"
    assert report.year == info["year"]
    assert report.template == info["template"]
    assert report.title == info["title"]
    assert report.agency == info["agency"].split(" (")[0]


@pytest.mark.parametrize(("path", "info"), CASES, ids=[p.name for p, _ in CASES])
def test_truncated_reports_invent_nothing(path: Path, info: dict) -> None:
    """Cells beyond what the (cut) document shows must not appear."""
    report = extract_path(path)
    extra = sorted(set(report.cells) - set(info["truth"]))
    assert extra == []


def test_seed_is_exact_with_provenance(seed_path: Path) -> None:
    report = extract_path(seed_path)
    cells = report.cells
    assert len(cells) == 198
    note = cells["review_litigation.litigation_direct.pending"]
    assert (note.value, note.raw, note.note) == (7, "7(市自然资源局)", "市自然资源局")
    assert cells["proactive.other_services.change"].value == -260
    assert cells["proactive.licensing.change"].raw == "+118"
    assert cells["proactive.procurement.amount"].value == pytest.approx(110119389.995)
    # the 结转下年度 row prints six numbers for seven columns; the arithmetic fixes the rest
    assert [cells[f"applications.carried_forward.{c}"].value for c in APPLICANT_COLUMNS] == [
        9,
        0,
        0,
        0,
        0,
        0,
        9,
    ]
    assert any("carried_forward" in w for w in report.warnings)
    assert all(c.ok for c in report.checks)
    assert report.published == "2020-03-09"
    assert [s.number for s in report.sections] == ["一", "二", "三", "四", "五", "六"]
    assert report.sections[5].text == "无。"
    assert report.sections[4].heading == "五、存在的主要问题及改进情况"


def test_title_after_a_metadata_label() -> None:
    # gkmlpt detail pages print `名称： | <title>` in their metadata table
    from extract.metadata import find_title

    assert find_title(["名称： | 广州市人民政府办公厅2024年政府信息公开工作年度报告"], None) == (
        "广州市人民政府办公厅2024年政府信息公开工作年度报告",
        "广州市人民政府办公厅",
        2024,
    )


def test_a_title_laid_out_as_a_table_row_or_wrapped_over_two_lines() -> None:
    """What converters make of a PDF's title: markitdown took a widely spaced title for a
    table row (tests/converted/markitdown/matrix-m06b.md), and a long title wraps."""
    from extract.metadata import find_title

    row = "| 示例县第 | 13 局 2020 | 年政府信息公开工作年度报告 |     |"
    # the cells joined; the spaces inside a cell stay as printed
    assert find_title([row, "一、总体情况"], None) == (
        "示例县第13 局 2020年政府信息公开工作年度报告",
        "示例县第13 局",
        2020,
    )
    wrapped = ["首页 > 政务公开", "宁国市商务局2023年政府信息公开工作", "年度报告", "一、总体情况"]
    assert find_title(wrapped, None) == ("宁国市商务局2023年政府信息公开工作年度报告", "宁国市商务局", 2023)
    # a title on one line is found as before: the line above it never joins it
    assert (
        find_title(["首页 > 政府信息公开年报", "白城市2019年政府信息公开工作年度报告"], None)[1]
        == "白城市人民政府"
    )
