"""Is a list item an annual report, and for which year? Dates as portals print them.

The title almost always reads `<机关><YYYY>年政府信息公开工作年度报告` (portals.md §0);
the year in the title is the reporting year, not the publication year.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime

_REPORT = re.compile(r"(政府)?信息公开(工作)?(年度)?(报告|年报)|公开年报|年度报告")
_NOT_REPORT = re.compile(r"指南|制度|目录|办法|规定|通知|专题页面|集中公开")
_YEAR = re.compile(r"((?:19|20)\d{2})\s*年")
_YEAR_LOOSE = re.compile(r"(?<!\d)((?:19|20)\d{2})(?!\d)")


def is_annual_report(title: str) -> bool:
    """True for 政府信息公开工作年度报告 titles (and their usual variants), False for
    指南/制度 decoys, navigation and "more" links."""
    title = " ".join(title.split())
    if len(title) < 6 or not _REPORT.search(title):
        return False
    return not _NOT_REPORT.search(title)


def report_year(title: str) -> int | None:
    """The reporting year printed in the title (`2023年…` or `…2023年度…`), else None."""
    m = _YEAR.search(title) or _YEAR_LOOSE.search(title)
    return int(m.group(1)) if m else None


_DATE = re.compile(r"((?:19|20)\d{2})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})")


def parse_date(text: str | int | float | None) -> str | None:
    """ISO date from the forms lists use: 2024-01-26, [2024-01-26], 2024/1/26,
    2024年1月26日, 2024.01.26, dates split over lines, unix seconds."""
    if text is None or text == "":
        return None
    if isinstance(text, int | float) or (
        isinstance(text, str) and text.strip().isdigit() and len(text.strip()) >= 9
    ):
        seconds = float(text)
        if seconds > 1e11:  # milliseconds
            seconds /= 1000
        return datetime.fromtimestamp(seconds, UTC).date().isoformat()
    m = _DATE.search("".join(str(text).split()))
    if not m:
        return None
    y, mo, d = (int(g) for g in m.groups())
    try:
        return datetime(y, mo, d).date().isoformat()
    except ValueError:
        return None
