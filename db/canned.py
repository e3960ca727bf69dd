"""The research questions as named SQL queries, shared by `xxgk query --canned`,
`xxgk serve` (Datasette canned queries) and bench/db.py.

Parameters are optional: an empty value takes the default written in the SQL, so the
queries answer the question as asked when run without any.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Canned:
    name: str
    title: str
    description: str
    sql: str
    params: tuple[str, ...] = ()


CANNED: tuple[Canned, ...] = (
    Canned(
        "city_share_granted",
        "Which cities in Jilin granted the highest share of requests, 2019–2024?",
        "City (地级) people's governments' own reports in the province (default 吉林省), years "
        "from_year..to_year (default 2019..2024): requests whose handling finished ((七)总计) and the "
        "share answered with (一)予以公开, summed over the years. Current report versions only; a report "
        "with a blank 予以公开 or (七)总计 is left out rather than counted as 0.",
        # The province as the set of its prefectures' region codes, not as the name the view
        # gives (a subquery per row): the planner then reads those regions' reports by the
        # index reports_region_code, whatever the archive's size, instead of every government
        # agency's reports (125 -> a few ms of CPU at 300,000 reports, docs/performance.md).
        """SELECT prefecture AS city, COUNT(*) AS reports, MIN(year) AS first_year, MAX(year) AS last_year,
  SUM(requests_handled) AS requests_handled, SUM(disclosed) AS disclosed,
  ROUND(1.0 * SUM(disclosed) / SUM(requests_handled), 3) AS share_disclosed
FROM rates
WHERE region_code IN (
    SELECT code FROM regions WHERE level = 'prefecture' AND province_code IN (
      SELECT code FROM regions WHERE name = COALESCE(NULLIF(:province, ''), '吉林省')))
  AND agency_kind = 'government'
  AND year BETWEEN CAST(COALESCE(NULLIF(:from_year, ''), 2019) AS INTEGER)
               AND CAST(COALESCE(NULLIF(:to_year, ''), 2024) AS INTEGER)
  AND requests_handled > 0 AND disclosed IS NOT NULL
GROUP BY prefecture_code
ORDER BY share_disclosed DESC, requests_handled DESC""",
        ("province", "from_year", "to_year"),
    ),
    Canned(
        "lawsuits_corrected",
        "Where did lawsuits over disclosure correct the government most often?",
        "Per agency, all years: lawsuits decided in the year (总计 - 尚未审结, both 未经复议直接起诉 and "
        "复议后起诉) and the share whose result was 结果纠正. Only agencies with at least min_decided "
        "(default 5) decided lawsuits.",
        # From the summary kept at load (db.summaries), in the order of its index
        # agency_lawsuits_share: the first 100 entries with enough lawsuits, then their
        # names and places. Not a scan of every report (~1 µs each: 1 s at 10^6), nor of
        # every agency (~1 µs each: 50-130 ms at 300,000 reports). A subquery, so that no
        # planner statistics can make the join walk the agencies first.
        """SELECT g.path AS place, a.name AS agency, s.reports, s.first_year, s.last_year,
  s.lawsuits_decided, s.lawsuits_corrected AS corrected, s.share_corrected
FROM (
  SELECT * FROM agency_lawsuits
  WHERE lawsuits_decided >= CAST(COALESCE(NULLIF(:min_decided, ''), 5) AS INTEGER)
  ORDER BY share_corrected DESC, lawsuits_corrected DESC
  LIMIT 100
) s
JOIN agencies a ON a.id = s.agency_id
LEFT JOIN regions g ON g.code = a.region_code
ORDER BY s.share_corrected DESC, s.lawsuits_corrected DESC""",
        ("min_decided",),
    ),
    Canned(
        "problems_mentioning",
        "Which reports mention 疫情 under 存在的主要问题?",
        "Reports whose section 五 (存在的主要问题及改进情况) contains the word (default 疫情), any length, "
        "with the text around its first mention: one page of page_size rows (default 100; page 1, 2, ...), "
        "the most recently loaded first, and in `matches` the number of rows of all pages together. "
        "Current report versions only. Found through the full-text index (fts_phrase, see sections_fts) "
        "and confirmed in the text itself; a page costs its own rows, not every match. A word with spaces "
        "or punctuation: `matches` counts the sections holding each part.",
        # Paged in the index's own order (section ids, i.e. load order): the rows of one page
        # are read and no more (under 1 ms), and the count costs ~0.5 µs per match (a page:
        # 26 ms of CPU at 300,000 reports, 88 ms at 10^6). Every mention in one list costs
        # 13-20 µs of CPU per row (0.6-0.9 s at 300,000 reports).
        # `matches`: the index's count of 五 sections (a count of its entries, no rows read),
        # less its entries that are not current rows: superseded versions' sections and
        # sections deleted by hand, few, listed by triggers in sections_fts_stale (db.schema).
        """SELECT r.id AS report_id, r.year, a.name AS agency, g.path AS region, s.heading,
  substr(s.text, MAX(1, instr(s.text, COALESCE(NULLIF(:word, ''), '疫情')) - 30), 80) AS context,
  (SELECT COUNT(*) FROM sections_fts WHERE sections_fts MATCH fts_phrase(COALESCE(NULLIF(:word, ''), '疫情'))
     AND rowid BETWEEN (5 << 40) AND (6 << 40) - 1)
  - (SELECT COUNT(*) FROM sections_fts_stale d
     WHERE d.id BETWEEN (5 << 40) AND (6 << 40) - 1
       AND +d.id IN (SELECT rowid FROM sections_fts  -- +: read the few stale ids, not every match
                    WHERE sections_fts MATCH fts_phrase(COALESCE(NULLIF(:word, ''), '疫情'))
                      AND rowid BETWEEN (5 << 40) AND (6 << 40) - 1)) AS matches
FROM sections_fts f
JOIN sections s ON s.id = f.rowid
JOIN reports r ON r.id = s.report_id AND r.is_current = 1
LEFT JOIN agencies a ON a.id = r.agency_id
LEFT JOIN regions g ON g.code = r.region_code
WHERE sections_fts MATCH fts_phrase(COALESCE(NULLIF(:word, ''), '疫情'))
  AND f.rowid BETWEEN (5 << 40) AND (6 << 40) - 1  -- the 五 sections (ids by number, see db.load)
  AND s.number = '五' AND instr(s.text, COALESCE(NULLIF(:word, ''), '疫情')) > 0
ORDER BY f.rowid DESC
LIMIT MAX(1, CAST(COALESCE(NULLIF(:page_size, ''), 100) AS INTEGER))
OFFSET MAX(0, CAST(COALESCE(NULLIF(:page, ''), 1) AS INTEGER) - 1)
         * MAX(1, CAST(COALESCE(NULLIF(:page_size, ''), 100) AS INTEGER))""",
        ("word", "page", "page_size"),
    ),
)

BY_NAME = {c.name: c for c in CANNED}
