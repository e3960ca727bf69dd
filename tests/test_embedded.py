"""Reports held in a script string or as escaped markup, and the year found in the body."""

from __future__ import annotations

from extract import extract_bytes
from extract.metadata import year_from_body
from extract.readers.embedded import embedded_markup

ROWS = (
    "<table><tr><td>信息内容</td><td>本年制发件数</td><td>本年废止件数</td><td>现行有效件数</td></tr>"
    "<tr><td>规章</td><td>1</td><td>0</td><td>5</td></tr>"
    "<tr><td>行政规范性文件</td><td>3</td><td>2</td><td>40</td></tr></table>"
)
BODY = "<p>某某局2023年政府信息公开工作年度报告</p><p>二、主动公开政府信息情况</p>" + ROWS


def _js(text: str) -> str:
    out = text.replace("\\", "\\\\").replace('"', '\\"')
    return "".join(f"\\u{ord(c):04x}" if ord(c) > 127 else c for c in out)


def _cells(data: bytes, name: str) -> dict[str, object]:
    report = extract_bytes(data, name)
    return {k: c.value for k, c in report.cells.items()}


def test_a_report_in_a_script_string_with_unicode_escapes_is_read() -> None:
    page = f'<html><body><div id="app"></div><script>var content = "{_js(BODY)}";</script></body></html>'
    cells = _cells(page.encode(), "page.html")
    assert cells["proactive.regulations.in_force"] == 5
    assert cells["proactive.normative_documents.issued"] == 3


def test_the_same_string_saved_as_a_text_file_is_read() -> None:
    cells = _cells(f'var content = "{_js(BODY)}";\n'.encode(), "page.txt")
    assert cells["proactive.normative_documents.in_force"] == 40


def test_html_escaped_markup_is_read() -> None:
    escaped = BODY.replace("<", "&lt;").replace(">", "&gt;")
    cells = _cells(f"<html><body><div>{escaped}</div></body></html>".encode(), "page.html")
    assert cells["proactive.regulations.issued"] == 1


def test_a_script_without_a_report_is_not_taken_for_one() -> None:
    page = (
        "<html><body>"
        + BODY
        + '<script>var menu = "<ul><li>首页</li><li>政务公开</li></ul>";</script></body></html>'
    )
    assert embedded_markup(page, html_page=True) is None
    assert _cells(page.encode(), "page.html")["proactive.regulations.in_force"] == 5


def test_the_year_comes_from_the_body_with_the_clue_said() -> None:
    assert year_from_body("本报告所列数据的统计期限自2024年1月1日起至2024年12月31日止。")[0] == 2024
    year, clue = year_from_body("现将本机关2022年政府信息公开工作年度报告公布如下。")
    assert year == 2022 and "named with its year" in clue
    assert year_from_body("2023年度，我局……2023年度共……2024年度将……")[0] == 2023
    assert year_from_body("2023年度工作。")[0] is None  # named once only: not enough
    report = extract_bytes(
        (
            "某某局政府信息公开工作年度报告\n统计期限自2021年1月1日起至2021年12月31日止\n"
            + "二、主动公开政府信息情况\n"
        ).encode(),
        "x.txt",
    )
    assert report.year == 2021
    assert any("statistics period" in w for w in report.warnings)
