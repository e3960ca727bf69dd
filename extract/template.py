"""The two national templates and their canonical keys (from shared/reference/keys.md).

This module is the one place that knows the tables' shape: which rows each table has,
which columns each row carries in each template, the labels that identify them, and
the arithmetic they must satisfy. Everything else asks it.
"""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass

TEMPLATES = ("2019", "2021")


def cell_key(*parts: str) -> str:
    """The dotted key of a cell or row (`applications.disclosed.total`), interned.

    Keys are built in several places (slots, equations, checks) and meet as dict keys;
    interned, equal keys are one object, and a dict lookup compares them by identity
    instead of reading their characters.
    """
    return sys.intern(".".join(parts))


# --- applications (三、收到和处理政府信息公开申请情况) ---------------------------------

APPLICANT_COLUMNS: tuple[str, ...] = (
    "natural_person",
    "commercial",
    "research",
    "social_welfare",
    "legal_service",
    "other_org",
    "total",
)
APPLICANT_PARTS = APPLICANT_COLUMNS[:6]

# Row key -> regex matched against the normalised label with its enumeration prefix
# removed (see labels.strip_enumeration). Anchored at the start, lenient at the end,
# so that annotations such as the 部分公开 counting rule are accepted.
APPLICATION_ROWS: dict[str, str] = {
    "received_new": r"本年(度)?新收(到)?(政府信息公开)?申请(数量|数|件数)?",
    "carried_over": r"上(一)?年(度)?结转(政府信息公开)?申请(数量|数|件数)?",
    "disclosed": r"予以公开$",
    "partially_disclosed": r"部分公开",
    "withheld_state_secret": r"属于国家秘密",
    "withheld_law_prohibited": r"其他法律行政法规禁止公开",
    "withheld_security_stability": r"危及三安全一稳定",
    "withheld_third_party": r"保护第三方合法权益",
    "withheld_internal_affairs": r"属于三类内部事务信息",
    "withheld_process_info": r"属于四类过程性信息",
    "withheld_enforcement_file": r"属于行政执法案卷",
    "withheld_query_matter": r"属于行政查询事项",
    "unavailable_not_held": r"本机关不掌握(相关)?(政府)?信息",
    "unavailable_needs_creation": r"没有现成信息(需要)?另行制作",
    "unavailable_unclear": r"补正后(申请)?内容仍不明确",
    "not_processed_petition": r"信访举报投诉类申请",
    "not_processed_duplicate": r"重复申请$",
    "not_processed_publication": r"要求提供公开出版物",
    "not_processed_mass_repeated": r"无正当理由大量反复申请",
    "not_processed_confirm": r"要求行政机关确认或重新出具已获取(的)?信息",
    "other_handling": r"其他处理$",
    "other_overdue_correction": r"申请人无正当理由逾期不补正",
    "other_unpaid_fee": r"申请人逾期未按收费通知(要求)?缴纳费用",
    "other_other": r"其他$",
    "results_total": r"(总计|合计)$",
    "carried_forward": r"结转下(一)?年(度)?(继续)?办理",
}

# The full official labels, for fuzzy matching of garbled or truncated labels.
APPLICATION_LABELS: dict[str, str] = {
    "received_new": "本年新收政府信息公开申请数量",
    "carried_over": "上年结转政府信息公开申请数量",
    "disclosed": "予以公开",
    "partially_disclosed": "部分公开(区分处理的,只计这一情形,不计其他情形)",
    "withheld_state_secret": "属于国家秘密",
    "withheld_law_prohibited": "其他法律行政法规禁止公开",
    "withheld_security_stability": "危及三安全一稳定",
    "withheld_third_party": "保护第三方合法权益",
    "withheld_internal_affairs": "属于三类内部事务信息",
    "withheld_process_info": "属于四类过程性信息",
    "withheld_enforcement_file": "属于行政执法案卷",
    "withheld_query_matter": "属于行政查询事项",
    "unavailable_not_held": "本机关不掌握相关政府信息",
    "unavailable_needs_creation": "没有现成信息需要另行制作",
    "unavailable_unclear": "补正后申请内容仍不明确",
    "not_processed_petition": "信访举报投诉类申请",
    "not_processed_duplicate": "重复申请",
    "not_processed_publication": "要求提供公开出版物",
    "not_processed_mass_repeated": "无正当理由大量反复申请",
    "not_processed_confirm": "要求行政机关确认或重新出具已获取信息",
    "other_handling": "其他处理",
    "other_overdue_correction": "申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请",
    "other_unpaid_fee": "申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请",
    "other_other": "其他",
    "results_total": "总计",
    "carried_forward": "结转下年度继续办理",
}

# Group labels: they carry no numbers (a report that prints numbers there prints a
# subtotal, which is a deviation and not a key).
APPLICATION_GROUPS: dict[str, str] = {
    "results": r"本年度办理结果",
    "withheld": r"不予公开$",
    "unavailable": r"无法提供$",
    "not_processed": r"不予处理$",
}

RESULT_ROWS_COMMON: tuple[str, ...] = (
    "disclosed",
    "partially_disclosed",
    "withheld_state_secret",
    "withheld_law_prohibited",
    "withheld_security_stability",
    "withheld_third_party",
    "withheld_internal_affairs",
    "withheld_process_info",
    "withheld_enforcement_file",
    "withheld_query_matter",
    "unavailable_not_held",
    "unavailable_needs_creation",
    "unavailable_unclear",
    "not_processed_petition",
    "not_processed_duplicate",
    "not_processed_publication",
    "not_processed_mass_repeated",
    "not_processed_confirm",
)
OTHER_ROWS_2019: tuple[str, ...] = ("other_handling",)
OTHER_ROWS_2021: tuple[str, ...] = ("other_overdue_correction", "other_unpaid_fee", "other_other")


def application_rows(other_rows: tuple[str, ...]) -> tuple[str, ...]:
    """All data rows of section 三 in printed order, with the given (六) rows."""
    return (
        "received_new",
        "carried_over",
        *RESULT_ROWS_COMMON,
        *other_rows,
        "results_total",
        "carried_forward",
    )


# --- review_litigation (四、行政复议、行政诉讼情况) -----------------------------------

REVIEW_GROUPS: tuple[str, ...] = ("review", "litigation_direct", "litigation_after_review")
REVIEW_COLUMNS: tuple[str, ...] = ("upheld", "corrected", "other", "pending", "total")
REVIEW_KEYS: tuple[str, ...] = tuple(
    cell_key("review_litigation", g, c) for g in REVIEW_GROUPS for c in REVIEW_COLUMNS
)

# --- proactive (二、主动公开政府信息情况) -------------------------------------------


@dataclass(frozen=True, slots=True)
class ProactiveRow:
    key: str
    pattern: str  # regex on the normalised label (enumeration stripped)
    columns: dict[str, tuple[str, ...]]  # template -> column keys, in printed order


PROACTIVE_ROWS: tuple[ProactiveRow, ...] = (
    ProactiveRow(
        "regulations",
        r"规章$",
        {
            "2019": ("made", "published", "total_public"),
            "2021": ("issued", "repealed", "in_force"),
        },
    ),
    ProactiveRow(
        "normative_documents",
        r"(行政)?规范性文件$",
        {
            "2019": ("made", "published", "total_public"),
            "2021": ("issued", "repealed", "in_force"),
        },
    ),
    ProactiveRow(
        "licensing",
        r"行政许可$",
        {
            "2019": ("prev_items", "change", "decisions"),
            "2021": ("decisions",),
        },
    ),
    ProactiveRow(
        "other_services",
        r"其他对外管理服务事项$",
        {
            "2019": ("prev_items", "change", "decisions"),
        },
    ),
    ProactiveRow(
        "penalty",
        r"行政处罚$",
        {
            "2019": ("prev_items", "change", "decisions"),
            "2021": ("decisions",),
        },
    ),
    ProactiveRow(
        "coercion",
        r"行政强制$",
        {
            "2019": ("prev_items", "change", "decisions"),
            "2021": ("decisions",),
        },
    ),
    ProactiveRow(
        "fees",
        r"行政事业性收费$",
        {
            "2019": ("prev_items", "change"),
            "2021": ("amount",),
        },
    ),
    ProactiveRow(
        "procurement",
        r"政府集中采购$",
        {
            "2019": ("items", "amount"),
        },
    ),
)

# Amount columns (decimal numbers in a unit); every other column is a count.
AMOUNT_KEYS = frozenset({"proactive.procurement.amount", "proactive.fees.amount"})
# Columns that may be negative (a signed change).
SIGNED_KEYS = frozenset(
    f"proactive.{r}.change" for r in ("licensing", "other_services", "penalty", "coercion", "fees")
)

# Section 二 column headers that identify the template.
HEADER_2019 = (
    "本年新制作数量",
    "本年新公开数量",
    "对外公开总数量",
    "上一年项目数量",
    "采购总金额",
    "采购项目数量",
)
HEADER_2021 = ("本年制发件数", "本年废止件数", "现行有效件数", "本年处理决定数量", "本年收费金额")


def all_keys(template: str) -> list[str]:
    """Every canonical key of a template (the 2019 or 2021 (六) rows as the template has)."""
    other = OTHER_ROWS_2019 if template == "2019" else OTHER_ROWS_2021
    keys = [cell_key("applications", r, c) for r in application_rows(other) for c in APPLICANT_COLUMNS]
    keys += list(REVIEW_KEYS)
    for row in PROACTIVE_ROWS:
        for col in row.columns.get(template, ()):
            keys.append(cell_key("proactive", row.key, col))
    return keys


# --- the tables as the national templates print them (for rendering documents) --------

SECTION_HEADINGS: dict[str, str] = {
    "一": "一、总体情况",
    "二": "二、主动公开政府信息情况",
    "三": "三、收到和处理政府信息公开申请情况",
    "四": "四、政府信息公开行政复议、行政诉讼情况",
    "五": "五、存在的主要问题及改进情况",
    "六": "六、其他需要报告的事项",
}
# Section 三 row labels as printed (full-width brackets; numbering restarts per group).
PRINTED_ROW_LABELS: dict[str, str] = {
    "received_new": "一、本年新收政府信息公开申请数量",
    "carried_over": "二、上年结转政府信息公开申请数量",
    "disclosed": "（一）予以公开",
    "partially_disclosed": "（二）部分公开（区分处理的，只计这一情形，不计其他情形）",
    "withheld_state_secret": "1.属于国家秘密",
    "withheld_law_prohibited": "2.其他法律行政法规禁止公开",
    "withheld_security_stability": "3.危及“三安全一稳定”",
    "withheld_third_party": "4.保护第三方合法权益",
    "withheld_internal_affairs": "5.属于三类内部事务信息",
    "withheld_process_info": "6.属于四类过程性信息",
    "withheld_enforcement_file": "7.属于行政执法案卷",
    "withheld_query_matter": "8.属于行政查询事项",
    "unavailable_not_held": "1.本机关不掌握相关政府信息",
    "unavailable_needs_creation": "2.没有现成信息需要另行制作",
    "unavailable_unclear": "3.补正后申请内容仍不明确",
    "not_processed_petition": "1.信访举报投诉类申请",
    "not_processed_duplicate": "2.重复申请",
    "not_processed_publication": "3.要求提供公开出版物",
    "not_processed_mass_repeated": "4.无正当理由大量反复申请",
    "not_processed_confirm": "5.要求行政机关确认或重新出具已获取信息",
    "other_handling": "（六）其他处理",
    "other_overdue_correction": "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请",
    "other_unpaid_fee": "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请",
    "other_other": "3.其他",
    "results_total": "（七）总计",
    "carried_forward": "四、结转下年度继续办理",
}
PRINTED_GROUP_LABELS: dict[str, str] = {
    "withheld": "（三）不予公开",
    "unavailable": "（四）无法提供",
    "not_processed": "（五）不予处理",
    "other": "（六）其他处理",
}
CORNER_NOTE = "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）"
APPLICANT_HEADERS = ("自然人", "商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他", "总计")
REVIEW_RESULTS = ("结果维持", "结果纠正", "其他结果", "尚未审结", "总计")


_compiled: dict[str, re.Pattern[str]] = {}


def compiled(pattern: str) -> re.Pattern[str]:
    """Compile and cache a label pattern (anchored at the start of the label)."""
    rx = _compiled.get(pattern)
    if rx is None:
        rx = _compiled[pattern] = re.compile("^(?:" + pattern + ")")
    return rx
