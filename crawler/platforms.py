"""Which platform serves a page, told from what the page serves (platform detection).

A registry entry may say `platform: auto`, or name a platform guessed from its URL
shape. The spider asks `detect()` about the first list page it fetches: every
fingerprint of `crawler/fingerprints.json` (a regex on the URL or the page text, with a
weight) that matches adds its weight to its platform; the best platform wins when it
reaches the table's threshold. The matches are the evidence, recorded on the run.
Fingerprints are data: a new platform's marks are rows of that file, checked on load
(platform names must be adapters'; patterns must compile).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from crawler import shipped
from crawler.adapters import ADAPTER_MODULES

DEFAULT_FINGERPRINTS = Path(__file__).with_name("fingerprints.json")
FALLBACK = "generic"  # reads any list with links, next links and script pagers


class FingerprintError(ValueError):
    """The fingerprint table is malformed; the message names the row and the field."""


@dataclass(frozen=True)
class Fingerprint:
    platform: str
    where: str  # "url" or "page"
    pattern: re.Pattern[str]
    weight: int
    what: str


@dataclass
class Detection:
    platform: str  # the adapter to use (FALLBACK when nothing matched well enough)
    score: int
    evidence: list[str] = field(default_factory=list)  # what matched, for the best platform

    @property
    def recognised(self) -> bool:
        return self.platform != FALLBACK

    def describe(self) -> str:
        if not self.recognised:
            return "no platform fingerprint matched"
        return f"{self.platform} ({'; '.join(self.evidence)})"


def parse_fingerprints(data: object, where: str = "fingerprints") -> tuple[int, list[Fingerprint]]:
    if not isinstance(data, dict) or not isinstance(data.get("fingerprints"), list):
        raise FingerprintError(f"{where}: expected an object with a 'fingerprints' list")
    threshold = data.get("threshold", 3)
    if not isinstance(threshold, int) or threshold < 1:
        raise FingerprintError(f"{where}: 'threshold' must be a positive integer")
    out = []
    for i, row in enumerate(data["fingerprints"]):
        label = f"{where}: fingerprint #{i + 1}"
        if not isinstance(row, dict):
            raise FingerprintError(f"{label}: expected an object")
        if row.get("platform") not in ADAPTER_MODULES:
            known, got = ", ".join(ADAPTER_MODULES), row.get("platform")
            raise FingerprintError(f"{label}: field 'platform' must be one of {known}; got {got!r}")
        if row.get("where") not in ("url", "page"):
            raise FingerprintError(f"{label}: field 'where' must be 'url' or 'page'")
        weight = row.get("weight", 1)
        if not isinstance(weight, int) or isinstance(weight, bool) or weight < 1:
            raise FingerprintError(f"{label}: field 'weight' must be a positive integer")
        try:
            pattern = re.compile(str(row.get("pattern")), re.I)
        except re.error as exc:
            raise FingerprintError(f"{label}: field 'pattern' is not a valid regex: {exc}") from None
        what = row.get("what")
        if not isinstance(what, str) or not what:
            raise FingerprintError(f"{label}: field 'what' must say what the fingerprint is")
        out.append(Fingerprint(row["platform"], row["where"], pattern, weight, what))
    return threshold, out


@lru_cache(maxsize=4)
def load_fingerprints(path: str | Path | None = None) -> tuple[int, list[Fingerprint]]:
    p = Path(path or DEFAULT_FINGERPRINTS)
    try:
        data = json.loads(shipped.read_text(p))  # also from a zipped egg (scrapyd)
    except (OSError, json.JSONDecodeError) as exc:
        raise FingerprintError(f"{p}: cannot read the fingerprint table ({exc})") from None
    return parse_fingerprints(data, str(p))


def detect(url: str, text: str, path: str | Path | None = None) -> Detection:
    """The platform of a page from its URL and text (HTML, scripts included)."""
    threshold, fingerprints = load_fingerprints(path)
    scores: dict[str, int] = {}
    evidence: dict[str, list[str]] = {}
    for fp in fingerprints:
        if fp.pattern.search(url if fp.where == "url" else text):
            scores[fp.platform] = scores.get(fp.platform, 0) + fp.weight
            evidence.setdefault(fp.platform, []).append(fp.what)
    if not scores:
        return Detection(FALLBACK, 0)
    best = max(scores, key=lambda p: scores[p])
    if scores[best] < threshold:
        return Detection(FALLBACK, scores[best], evidence[best])
    return Detection(best, scores[best], evidence[best])
