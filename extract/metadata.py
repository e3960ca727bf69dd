"""Title, agency, reporting year, publish date and the six section texts.

The reporting year is the year in the title (`白城市2019年政府信息公开工作年度报告`);
the publish date is the following year. The title is the first line near the top that
names an annual report with an agency before the year; pages often carry a shorter
column heading (`2020年信息公开年报`) or a repeated heading as well.
"""

from __future__ import annotations

import re

from extract.model import ReadDocument, Report, Section
from extract.nfkc import nfkc

_TITLE = re.compile(
    r"(?P<agency>.*?)(?:关于)?(?P<year>(?:19|20)\d{2})\s*年度?.{0,12}?(?:政府)?(?:信息公开|政务公开).{0,10}?"
    r"(?:年度报告|年报|工作报告|年度工作报告)"
)
_DATE = re.compile(
    r"(?:发布|发文|成文|公开|生成)?(?:日期|时间)\s*[:：]?\s*"
    r"(?P<y>(?:19|20)\d{2})\s*[-年/.]\s*(?P<m>\d{1,2})\s*[-月/.]\s*(?P<d>\d{1,2})"
)
_PERIOD = re.compile(r"((?:19|20)\d{2})年\s*1\s*月\s*1\s*日\s*(?:起)?\s*(?:至|到|-|—)")
_SECTION = re.compile(r"^\s*(?P<num>[一二三四五六])\s*[、.．]\s*(?P<heading>.{2,60})$")
SECTION_WORDS = {
    "一": ("总体情况", "概述", "总体"),
    "二": ("主动公开",),
    "三": ("收到和处理", "依申请", "申请情况"),
    "四": ("行政复议", "行政诉讼"),
    "五": ("问题", "改进"),
    "六": ("其他需要报告", "其他事项", "需要报告"),
}
_NUMERALS = tuple(SECTION_WORDS)


def _title_shapes(lines: list[str]) -> list[str]:
    """The lines that may print the title, and each pipe row with its cells joined: a
    converter may lay a long title out as a table row (`| 示例县第 | 13 局 2020 | 年…|`)."""
    out: list[str] = []
    for line in lines:
        out.append(line)
        if "|" in line:
            out.append(re.sub(r"\s*\|\s*", "", line))
    return out


def _wrapped_titles(lines: list[str]) -> list[str]:
    """Each short line joined to the next: a title wrapped over two lines (`…2020年政府
    信息公开工作` / `年度报告`). Tried only when no line holds a title: a joined pair
    could take the line above the title (`首页 > 年报`) for the agency."""
    return [line + lines[i + 1] for i, line in enumerate(lines[:-1]) if len(line) < 60]


def find_title(lines: list[str], hint: str | None) -> tuple[str | None, str | None, int | None]:
    """(title, agency, year) from the first lines of the document (or the page title)."""
    top = [stripped for ln in lines[:60] if (stripped := ln.strip())]
    found = _find_title(_title_shapes(top) + ([hint.strip()] if hint else []))
    if found == (None, None, None):
        found = _find_title(_wrapped_titles(top))
    return found


def _find_title(candidates: list[str]) -> tuple[str | None, str | None, int | None]:
    best: tuple[str, str, int] | None = None
    for line in candidates:
        if len(line) > 80 or "年" not in line or ("信息公开" not in line and "政务公开" not in line):
            continue  # words the title pattern requires: most lines fail here, without the regex
        # `match`, not `search`: the lazy agency group absorbs any prefix, so a match
        # anywhere is a match at the start, and a line that fails fails once, not at
        # every starting position
        m = _TITLE.match(line)
        if not m:
            continue
        # a metadata table row `名称： | 某局2024年…` prints a label before the title
        start = max(m.start(), *(line.rfind(sep, 0, m.start("year")) + 1 for sep in "|：:"))
        agency = line[start : max(start, m.end("agency"))].strip(" -—·")
        title = line[start : m.end()] if len(line) > m.end() + 20 or start > m.start() else line
        title = title.strip()
        year = int(m["year"])
        if agency:
            return title, agency_name(agency), year
        if best is None:
            best = (title, "", year)
    if best:
        return best[0], None, best[2]
    return None, None, None


_PLACE = re.compile(r"^[\u4e00-\u9fff]{1,12}(?:省|自治区|市|县|区|旗|州|盟|镇|乡|街道)$")
_BODY_WORDS = re.compile(r"局|委|办|厅|中心|部|院|会|所|站|处|队|司|署|馆|园区")


def agency_name(printed: str) -> str:
    """A title names a government by its place alone (`白城市2019年…`): that is its people's government."""
    if _PLACE.match(printed) and not _BODY_WORDS.search(printed):
        return printed + ("办事处" if printed.endswith("街道") else "人民政府")
    return printed


def find_published(lines: list[str]) -> str | None:
    for line in lines[:80]:
        # the pattern requires 日期 or 时间; no other character normalises to 期 or 间,
        # so a line without either is passed over before normalising it
        if "期" not in line and "间" not in line:
            continue
        text = nfkc(line)
        m = _DATE.search(text) if "日期" in text or "时间" in text else None
        if m:
            y, mo, d = int(m["y"]), int(m["m"]), int(m["d"])
            if 1 <= mo <= 12 and 1 <= d <= 31:
                return f"{y:04d}-{mo:02d}-{d:02d}"
    return None


def find_sections(lines: list[str]) -> list[Section]:
    """Sections 一 to 六 by their headings, in order; text up to the next heading."""
    headings: list[tuple[int, str, str]] = []  # (line index, number, heading as printed)
    order = list(SECTION_WORDS)
    expected = 0
    # only a line starting with a section numeral can be a heading: find those first
    # (`lstrip` returns the line itself when it starts with no space, `startswith` makes
    # no new string: this runs on every line of the document)
    for i in [i for i, line in enumerate(lines) if line.lstrip().startswith(_NUMERALS)]:
        stripped = lines[i].strip()
        if len(stripped) > 62:
            continue
        m = _SECTION.match(nfkc(stripped))
        if m and m["num"] in order[expected:] and any(w in m["heading"] for w in SECTION_WORDS[m["num"]]):
            headings.append((i, m["num"], stripped))
            expected = order.index(m["num"]) + 1
    sections: list[Section] = []
    for n, (i, num, heading) in enumerate(headings):
        end = headings[n + 1][0] if n + 1 < len(headings) else len(lines)
        body = "\n".join(filter(None, map(str.strip, lines[i + 1 : end])))  # the non-empty lines
        sections.append(Section(num, heading, body.strip()))
    return sections


_REPORT_YEAR = re.compile(
    r"((?:19|20)\d{2})\s*年度?\s*(?:政府)?(?:信息公开|政务公开)(?:工作)?(?:年度)?(?:报告|年报)"
)
_YEAR_DU = re.compile(r"((?:19|20)\d{2})\s*年度")


def year_from_body(text: str) -> tuple[int | None, str]:
    """The reporting year from the body when the title lacks it, and the clue used:
    the statistics period (`统计期限自2024年1月1日起至…`), then the report naming its
    year (`2024年政府信息公开工作年度报告`), then the year most often written `2024年度`."""
    m = _PERIOD.search(text)
    if m:
        return int(m.group(1)), f"the statistics period ({m.group(0).strip()}…)"
    m = _REPORT_YEAR.search(text)
    if m:
        return int(m.group(1)), f"the report named with its year ({m.group(0)})"
    years = [int(y) for y in _YEAR_DU.findall(text)]
    if years:
        best = max(set(years), key=lambda y: (years.count(y), -y))
        if years.count(best) >= 2:
            return best, f"{best}年度, the year the body names most ({years.count(best)} times)"
    return None, ""


def describe(doc: ReadDocument, report: Report) -> None:
    lines = doc.text.splitlines()
    title, agency, year = find_title(lines, doc.title_hint)
    report.title = title
    report.agency = agency
    report.published = find_published(lines)
    if year is None:
        year, clue = year_from_body(doc.text)
        if year is not None:
            report.warnings.append(f"reporting year {year} taken from the body: {clue}")
        elif report.published:
            year = int(report.published[:4]) - 1
            report.warnings.append("reporting year taken as the year before the publish date")
    report.year = year
    report.sections = find_sections(lines)
