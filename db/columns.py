"""What every column of the research views means: one source for the Datasette column
descriptions (db.serve) and the export's data dictionary (db.export).

A column is described by (title, description, type); the value columns of report_wide and
comparable take their Chinese label and English description from db.labels.
"""

from __future__ import annotations

from db.labels import column_description, key_label
from db.status import STATUSES
from extract.template import AMOUNT_KEYS

_STATUS_CODES = ", ".join(STATUSES)

# name -> (title, description, Frictionless type)
IDENTITY_COLUMNS: dict[str, tuple[str, str, str]] = {
    "report_id": ("report", "reports.id of the report version", "integer"),
    "year": ("year", "the year the report covers", "integer"),
    "template": ("template", "national template of the tables: 2019 or 2021 (NULL: none found)", "string"),
    "agency_id": ("agency id", "agencies.id of the publishing agency", "integer"),
    "agency": ("agency", "the publishing agency's name (发布机关)", "string"),
    "agency_kind": (
        "agency kind",
        "government (人民政府), government_office, department, township or zone",
        "string",
    ),
    "agency_level": (
        "agency level",
        "central, province, prefecture, county or township",
        "string",
    ),
    "region_code": ("region code", "6-digit division code, as text", "string"),
    "region": ("region", "the region's name", "string"),
    "region_level": ("region level", "central, province, prefecture or county", "string"),
    "region_path": ("region path", "province/prefecture/county names", "string"),
    "province_code": ("province code", "6-digit code of the province (text)", "string"),
    "province": ("province", "province name", "string"),
    "prefecture_code": ("prefecture code", "6-digit code of the prefecture (text)", "string"),
    "prefecture": ("prefecture", "prefecture (city) name", "string"),
    "title": ("title", "the report's title as published", "string"),
    "url": ("URL", "where the report was fetched", "string"),
    "published": ("published", "publication date (ISO), as printed or as listed", "string"),
    "version": ("version", "1 for the first published version; a correction is a new version", "integer"),
    "checks_failed": ("checks failed", "number of the tables' arithmetic checks that failed", "integer"),
    "status": ("status", f"what the report holds: {_STATUS_CODES}", "string"),
    "status_label": ("status (label)", "the status in words", "string"),
    "has_numbers": ("has numbers", "1 when the report's status carries numbers", "integer"),
    "other_handling_derived": (
        "(六) derived",
        "1 when the 2021 (六) rows were summed into other_handling",
        "integer",
    ),
}

RATE_COLUMNS: dict[str, tuple[str, str, str]] = {
    "requests_received": ("requests received", "本年新收申请 (total): new requests received", "integer"),
    "requests_handled": ("requests handled", "(七)总计: requests whose handling finished", "integer"),
    "disclosed": ("disclosed", "(一)予以公开: disclosed in full", "integer"),
    "withheld": ("withheld", "(三)不予公开: the eight rows summed", "integer"),
    "share_disclosed": ("share disclosed", "予以公开 / 总计", "number"),
    "share_disclosed_incl_partial": ("share disclosed incl. partial", "(予以公开+部分公开)/总计", "number"),
    "share_withheld": ("share withheld", "不予公开 / 总计", "number"),
    "share_unavailable": ("share unavailable", "无法提供 / 总计", "number"),
    "share_not_processed": ("share not processed", "不予处理 / 总计", "number"),
    "lawsuits": ("lawsuits", "行政诉讼 total, both kinds", "integer"),
    "lawsuits_decided": ("lawsuits decided", "lawsuits total - pending, both kinds", "integer"),
    "lawsuits_corrected": ("lawsuits corrected", "结果纠正, both kinds", "integer"),
    "share_lawsuits_corrected": ("share lawsuits corrected", "结果纠正 / decided lawsuits", "number"),
    "reviews": ("reviews", "行政复议 total", "integer"),
    "share_reviews_corrected": ("share reviews corrected", "结果纠正 / decided reviews", "number"),
}


def describe(column: str) -> tuple[str, str, str] | None:
    """(title, description, type) of a research view's column, None if unknown."""
    if column in IDENTITY_COLUMNS:
        return IDENTITY_COLUMNS[column]
    if column in RATE_COLUMNS:
        return RATE_COLUMNS[column]
    key = column.replace("__", ".")
    if key.count(".") == 2:
        try:
            zh, _ = key_label(key)
        except (KeyError, ValueError):
            return None
        return zh, column_description(key), "number" if key in AMOUNT_KEYS else "integer"
    return None
