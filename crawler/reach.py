"""What one crawl run reached, so that a run that found nothing does not say `ok`.

The spider tells a `RunReach` about every list page: which platform read it (the
registry's, or the one fingerprinted from the page when the entry says `auto` or only
guessed its platform from the URL shape) and how many annual reports it listed, per
start URL. At the end the run gets its warnings:

- the platform fingerprint failed on every page of an entry whose platform is `auto` or
  only inferred;
- the fingerprint contradicts the platform the registry names;
- a start page led to no annual-report column (no report listed from it);
- the portal's lists gave reports before (known documents) and none now.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from scrapy.http import Response, TextResponse

from crawler.platforms import FALLBACK, detect
from crawler.registry import Portal


class RunReach:
    def __init__(self, portal: Portal) -> None:
        self.portal = portal
        self.reports_by_start: Counter[str] = Counter()
        self.found: dict[str, str] = {}  # platform -> evidence, as fingerprinted
        self.used: set[str] = set()
        self.contradictions: list[str] = []

    def decide(self, response: Response, state: dict[str, Any]) -> dict[str, Any]:
        """The adapter state with `platform` set: carried from the page that led here, or
        decided on this page. A page no fingerprint recognises is read with the registry's
        platform (generic for `auto`) and the next page is asked again."""
        if "platform" in state and not state.get("platform_undecided"):
            return state
        named = self.portal.platform
        fallback = FALLBACK if named == "auto" else named
        found = detect(response.url, response.text) if isinstance(response, TextResponse) else None
        if found is None or not found.recognised:
            self.used.add(fallback)
            return {**state, "platform": fallback, "platform_undecided": True}
        self.found.setdefault(found.platform, "; ".join(found.evidence))
        if named not in ("auto", FALLBACK, found.platform):  # generic reads every form: no claim
            trust_page = bool(self.portal.platform_inferred)
            self.contradictions.append(
                f"the page {response.url} looks like {found.describe()}, but the registry says "
                f"{named}{' (inferred from the URL shape)' if trust_page else ''}; "
                f"read as {found.platform if trust_page else named}"
            )
            platform = found.platform if trust_page else named
        else:
            platform = found.platform
        self.used.add(platform)
        return {**state, "platform": platform, "platform_undecided": False}

    def listed(self, state: dict[str, Any], reports: int) -> None:
        start = state.get("start")
        if start is not None:
            self.reports_by_start[start] += reports

    def warnings(self, known_reports: bool) -> list[str]:
        out = list(dict.fromkeys(self.contradictions))
        if not self.found and (self.portal.platform == "auto" or self.portal.platform_inferred):
            out.append(
                "platform fingerprint failed: no page matched a fingerprint "
                f"(crawler/fingerprints.json); read as {', '.join(sorted(self.used)) or FALLBACK}"
            )
        empty = [u for u, n in self.reports_by_start.items() if n == 0]
        if empty and known_reports and len(empty) == len(self.reports_by_start):
            out.append(
                "the lists gave reports before and none now: the column may have moved or been emptied "
                f"({', '.join(empty)})"
            )
        else:
            out += [f"the start page {u} led to no annual-report column (no report listed)" for u in empty]
        return out

    def summary(self) -> dict[str, str | None]:
        return {
            "platform": ", ".join(sorted(self.used)) or None,
            "platform_evidence": " | ".join(f"{p}: {e}" for p, e in sorted(self.found.items())) or None,
        }
