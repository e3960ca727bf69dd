"""Agency name (or report title, or the portal's region) -> region code, level and kind.

`吉林省白城市自然资源局` reads as a chain of division names from the start (吉林省 →
白城市) followed by the body's own name (自然资源局 → a department of 220800). A name
that starts with no division (`上湾乡人民政府`) takes the portal's region as context.
Short forms (白城 for 白城市, 化隆县 for 化隆回族自治县) are accepted only when they
name one division, or one within the context. Anything else is left unresolved with
the reason, never guessed.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from db.regions import Region, RegionIndex

_YEAR_TAIL = re.compile(r"(?:关于)?(?:19|20)\d{2}\s*年.*$")
_REPORT_TAIL = re.compile(r"(?:政府)?(?:信息公开|政务公开).*$")
_GOVERNMENT = re.compile(r"^(?:人民政府|政府)$")
_OFFICE = re.compile(r"^(?:人民政府|政府)?办公(?:室|厅)$")
_TOWNSHIP = re.compile(r"^(?P<name>.{1,12}?(?:镇|乡|街道|苏木))(?:人民政府|政府|办事处|街道办事处)?$")
_ZONE = re.compile(r"(?:开发区|园区|新区|高新区|示范区|试验区|合作区|保税区|管委会|管理委员会)")


@dataclass(frozen=True, slots=True)
class Resolution:
    """Where an agency sits. `region_code` is None when unresolved (`reason` says why)."""

    name: str
    region_code: str | None
    level: str | None  # central | province | prefecture | county | township
    kind: str | None  # government | government_office | department | township | zone
    method: str  # how it was resolved: "name", "title", "portal", or "unresolved"
    reason: str | None = None
    body: str = ""  # the body's own name after the division names: 人民政府, 自然资源局, 回澜镇

    @property
    def key(self) -> str:
        """Identity of the agency: the same body of the same region, however the name is written."""
        if self.region_code is None:
            return f"?|{self.name}"
        return f"{self.region_code}|{self.kind}|{self.body}"


def normalise(text: str) -> str:
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text or ""))


def agency_from_title(title: str | None) -> str | None:
    """`白城市2019年政府信息公开工作年度报告` -> `白城市`."""
    if not title:
        return None
    t = normalise(title)
    t = _YEAR_TAIL.sub("", t)
    t = _REPORT_TAIL.sub("", t)
    return t or None


def classify(rest: str) -> tuple[str, str | None]:
    """Kind of body from what follows the division names: (kind, township name)."""
    if rest == "" or _GOVERNMENT.match(rest):
        return "government", None
    if _OFFICE.match(rest):
        return "government_office", None
    m = _TOWNSHIP.match(rest)
    if m and not _ZONE.search(rest):
        return "township", m["name"]
    if _ZONE.search(rest):
        return "zone", None
    return "department", None


class Resolver:
    """Resolves agencies against a `RegionIndex`; keeps no state between calls."""

    def __init__(self, index: RegionIndex | None = None) -> None:
        self.index = index or RegionIndex()

    def _chain(self, text: str, context: Region | None) -> tuple[Region | None, str, str | None]:
        """Longest chain of division names at the start of `text`: (region, rest, problem)."""
        found: Region | None = None
        rest = text
        while rest:
            step = self._step(rest, found or context, in_chain=found is not None)
            if step is None:
                break
            region, name, problem = step
            if problem:
                return None, rest, problem
            found = region
            rest = rest[len(name) :]
        return found, rest, None

    def _step(
        self, text: str, within: Region | None, *, in_chain: bool
    ) -> tuple[Region | None, str, str | None] | None:
        """The division named at the start of `text`, read in the context `within`."""
        for name, candidates, official in self.index.prefixes(text):
            if within is not None:
                inside = [
                    r for r in candidates if r.code != within.code and self.index.is_within(r, within.code)
                ]
                if len(inside) == 1:
                    return inside[0], name, None
                if len(inside) > 1:
                    return None, name, f"{name} names several divisions within {within.name}"
                above = set(self.index.ancestors(within))
                same = [r for r in candidates if r.code in above]  # the context or a region above it
                if same:
                    return same[0], name, None
                if not in_chain and official and len(candidates) == 1:
                    return candidates[0], name, None  # the name wins over the portal
                continue
            if len(candidates) == 1:
                return candidates[0], name, None
            if official:
                where = "、".join(r.path for r in candidates[:4])
                return None, name, f"{name} is ambiguous ({where}) and no portal region tells which"
        return None

    def resolve(
        self, agency: str | None, title: str | None = None, portal_region: str | None = None
    ) -> Resolution:
        """Resolve from the agency name, else the title's agency, with the portal region as context."""
        context: Region | None = None
        if portal_region:
            hits = self.index.lookup(normalise(portal_region))
            if len(hits) == 1:
                context = hits[0]
        names = [(normalise(agency), "name")] if agency else []
        from_title = agency_from_title(title)
        # the title helps only when it names this agency, e.g. with the division in front of it
        if from_title and (not names or (names[0][0] in from_title and names[0][0] != from_title)):
            names.append((from_title, "title"))
        if not names:
            return Resolution("", None, None, None, "unresolved", "no agency name and no title")
        problems = []
        for text, method in names:
            region, rest, problem = self._chain(text, context)
            if problem:
                problems.append(problem)
                continue
            if region is None and context is not None:
                region, method = context, "portal"
            if region is None:
                problems.append(f"no division name in {text!r} and no portal region")
                continue
            kind, township = classify(rest)
            if region.level == "central":  # 证券监督管理委员会 is a ministry, not a 管委会 of a zone
                kind, township = "department", None
            level = "township" if kind == "township" else region.level
            body = {"government": "人民政府", "township": township}.get(kind, rest)
            if kind == "government_office":
                body = "人民政府办公厅" if rest.endswith("厅") else "人民政府办公室"
            return Resolution(names[0][0], region.code, level, kind, method, body=body or "")
        return Resolution(names[0][0], None, None, None, "unresolved", "; ".join(problems))
