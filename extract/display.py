"""A report's tables as plain text, laid out like the printed tables."""

from __future__ import annotations

import unicodedata

from extract.model import Report
from extract.template import (
    APPLICANT_COLUMNS,
    OTHER_ROWS_2019,
    OTHER_ROWS_2021,
    PROACTIVE_ROWS,
    REVIEW_COLUMNS,
    REVIEW_GROUPS,
    application_rows,
)

APPLICANT_HEADERS = ("自然人", "商业企业", "科研机构", "社会公益", "法律服务", "其他", "总计")
REVIEW_GROUP_NAMES = {
    "review": "行政复议",
    "litigation_direct": "诉讼(直接)",
    "litigation_after_review": "诉讼(复议后)",
}
REVIEW_HEADERS = ("维持", "纠正", "其他", "未审结", "总计")


def width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def pad(text: str, n: int, right: bool = False) -> str:
    fill = " " * max(0, n - width(text))
    return fill + text if right else text + fill


def fmt(report: Report, key: str) -> str:
    cell = report.cells.get(key)
    if cell is None:
        return "?"
    if cell.value is None:
        return "·"
    v = cell.value
    text = str(v).removesuffix(".0")
    return text + ("*" if cell.placed != "printed" else "")


def render(report: Report) -> str:
    out: list[str] = []
    head = report.title or report.source
    out.append(f"{head}")
    out.append(
        f"  source {report.source} | agency {report.agency or '?'} | year {report.year or '?'} | "
        f"template {report.template or 'none'} | published {report.published or '?'}"
    )
    if any(k.startswith("proactive.") for k in report.cells):
        out.append("  二、主动公开政府信息情况")
        for row in PROACTIVE_ROWS:
            cols = row.columns.get(report.template or "", ())
            keys = [f"proactive.{row.key}.{c}" for c in cols]
            if not any(k in report.cells for k in keys):
                continue
            vals = "  ".join(f"{c}={fmt(report, k)}" for c, k in zip(cols, keys, strict=True))
            out.append(f"    {pad(row.key, 20)} {vals}")
    if any(k.startswith("applications.") for k in report.cells):
        out.append("  三、收到和处理政府信息公开申请情况")
        out.append("    " + pad("", 28) + "".join(pad(h, 9, right=True) for h in APPLICANT_HEADERS))
        other = (
            OTHER_ROWS_2021
            if any(f"applications.{r}.total" in report.cells for r in OTHER_ROWS_2021)
            else OTHER_ROWS_2019
        )
        for app_row in application_rows(other):
            keys = [f"applications.{app_row}.{c}" for c in APPLICANT_COLUMNS]
            if not any(k in report.cells for k in keys):
                continue
            out.append("    " + pad(app_row, 28) + "".join(pad(fmt(report, k), 9, right=True) for k in keys))
    if any(k.startswith("review_litigation.") for k in report.cells):
        out.append("  四、行政复议、行政诉讼情况")
        out.append("    " + pad("", 16) + "".join(pad(h, 8, right=True) for h in REVIEW_HEADERS))
        for g in REVIEW_GROUPS:
            keys = [f"review_litigation.{g}.{c}" for c in REVIEW_COLUMNS]
            out.append(
                "    "
                + pad(REVIEW_GROUP_NAMES[g], 16)
                + "".join(pad(fmt(report, k), 8, right=True) for k in keys)
            )
    failed = [c for c in report.checks if c.ok is False]
    unchecked = [c for c in report.checks if c.ok is None]
    out.append(
        f"  checks: {sum(c.ok is True for c in report.checks)} ok, {len(failed)} failed, "
        f"{len(unchecked)} not evaluable"
    )
    for c in failed:
        out.append(f"    FAILED {c.name}: parts {c.expected}, printed {c.actual}")
    for w in report.warnings:
        out.append(f"  warning: {w}")
    out.append("  (· blank, ? not found, * placed by arithmetic)")
    return "\n".join(out)
