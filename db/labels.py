"""The Chinese label and an English description of every cell key, for the `cell_keys`
table, the Datasette column descriptions and the export's data dictionary.

Built from extract/template.py (the labels the templates print) plus the few labels the
template module has only as patterns (section 二 rows and columns, section 四 groups), so
that a key added to the templates gets its label here or fails the test that checks
every key has one.
"""

from __future__ import annotations

from extract.template import APPLICANT_HEADERS, PRINTED_ROW_LABELS, REVIEW_COLUMNS, REVIEW_RESULTS

TABLE_LABELS = {
    "applications": ("三、收到和处理政府信息公开申请情况", "requests for disclosure received and handled"),
    "review_litigation": ("四、政府信息公开行政复议、行政诉讼情况", "administrative reviews and lawsuits"),
    "proactive": ("二、主动公开政府信息情况", "information published proactively"),
}

APPLICANT_EN = {
    "natural_person": "natural persons",
    "commercial": "businesses (法人或其他组织)",
    "research": "research institutions (法人或其他组织)",
    "social_welfare": "public-interest organisations (法人或其他组织)",
    "legal_service": "legal service organisations (法人或其他组织)",
    "other_org": "other organisations (法人或其他组织)",
    "total": "all applicants (总计)",
}

APPLICATION_ROW_EN = {
    "received_new": "new requests received this year",
    "carried_over": "requests carried over from last year",
    "disclosed": "handled: disclosed in full",
    "partially_disclosed": "handled: disclosed in part",
    "withheld_state_secret": "withheld: state secret",
    "withheld_law_prohibited": "withheld: other laws or regulations forbid disclosure",
    "withheld_security_stability": "withheld: would endanger the 'three securities and one stability'",
    "withheld_third_party": "withheld: protects a third party's lawful rights",
    "withheld_internal_affairs": "withheld: internal affairs information",
    "withheld_process_info": "withheld: process (deliberative) information",
    "withheld_enforcement_file": "withheld: administrative enforcement file",
    "withheld_query_matter": "withheld: an administrative query matter",
    "unavailable_not_held": "cannot be provided: the agency does not hold it",
    "unavailable_needs_creation": "cannot be provided: would have to be newly made",
    "unavailable_unclear": "cannot be provided: still unclear after correction",
    "not_processed_petition": "not processed: a petition, report or complaint",
    "not_processed_duplicate": "not processed: a repeated request",
    "not_processed_publication": "not processed: asks for a public publication",
    "not_processed_mass_repeated": "not processed: many repeated requests without good reason",
    "not_processed_confirm": "not processed: asks to confirm or re-issue information already obtained",
    "other_handling": "other handling (the 2019 template's single row)",
    "other_overdue_correction": "other handling: applicant did not correct the request in time (2021)",
    "other_unpaid_fee": "other handling: applicant did not pay the fee in time (2021)",
    "other_other": "other handling: other (2021)",
    "results_total": "requests whose handling finished this year (total)",
    "carried_forward": "requests carried forward to next year",
}

REVIEW_GROUP_LABELS = {
    "review": ("行政复议", "administrative reviews"),
    "litigation_direct": ("行政诉讼/未经复议直接起诉", "lawsuits filed directly"),
    "litigation_after_review": ("行政诉讼/复议后起诉", "lawsuits filed after a review"),
}
REVIEW_COLUMN_EN = {
    "upheld": "decision upheld",
    "corrected": "decision corrected",
    "other": "other result",
    "pending": "not yet decided",
    "total": "total",
}

PROACTIVE_ROW_LABELS = {
    "regulations": ("规章", "rules (规章)"),
    "normative_documents": ("规范性文件", "normative documents"),
    "licensing": ("行政许可", "administrative licensing"),
    "other_services": ("其他对外管理服务事项", "other external management services"),
    "penalty": ("行政处罚", "administrative penalties"),
    "coercion": ("行政强制", "administrative coercion"),
    "fees": ("行政事业性收费", "administrative fees"),
    "procurement": ("政府集中采购", "centralised government procurement"),
}
PROACTIVE_COLUMN_LABELS = {
    "made": ("本年新制作数量", "made this year (2019 template)"),
    "published": ("本年新公开数量", "newly published this year (2019 template)"),
    "total_public": ("对外公开总数量", "total published (2019 template)"),
    "issued": ("本年制发件数", "issued this year (2021 template)"),
    "repealed": ("本年废止件数", "repealed this year (2021 template)"),
    "in_force": ("现行有效件数", "in force (2021 template)"),
    "prev_items": ("上一年项目数量", "items last year (2019 template)"),
    "change": ("本年增/减", "change this year, signed (2019 template)"),
    "decisions": ("处理决定数量", "decisions made this year"),
    "items": ("采购项目数量", "procurement items (2019 template)"),
    "amount": ("金额", "amount, in the unit the report states (fees 2021: 万元)"),
}


def _short_row_label(row: str) -> str:
    """The printed row label without its numbering: （一）予以公开 -> 予以公开."""
    label = PRINTED_ROW_LABELS[row]
    for sep in ("）", "、", "."):
        head, found, tail = label.partition(sep)
        if found and len(head) <= 3:
            return tail
    return label


def key_label(key: str) -> tuple[str, str]:
    """(Chinese label, English description) of a canonical key."""
    table, row, col = key.split(".")
    if table == "applications":
        zh_col = APPLICANT_HEADERS[list(APPLICANT_EN).index(col)]
        return f"{_short_row_label(row)}/{zh_col}", f"{APPLICATION_ROW_EN[row]}, {APPLICANT_EN[col]}"
    if table == "review_litigation":
        zh_group, en_group = REVIEW_GROUP_LABELS[row]
        zh_col = REVIEW_RESULTS[REVIEW_COLUMNS.index(col)]
        return f"{zh_group}/{zh_col}", f"{en_group}: {REVIEW_COLUMN_EN[col]}"
    if table == "proactive":
        zh_row, en_row = PROACTIVE_ROW_LABELS[row]
        zh_col, en_col = PROACTIVE_COLUMN_LABELS[col]
        return f"{zh_row}/{zh_col}", f"{en_row}: {en_col}"
    raise KeyError(key)


def column_description(key: str) -> str:
    """The description of a report_wide / comparable column: what it counts, the printed
    table it comes from and its key (its Chinese label is the column's title)."""
    _, en = key_label(key)
    table_zh = TABLE_LABELS[key.split(".")[0]][0]
    return f"{en}; table {table_zh} (key {key})"
