"""`xxgk export`: the research views as CSV (always) and Parquet (with the `parquet` extra),
with a Frictionless data package (`datapackage.json`) describing every column.

Codes (region_code, province_code...) are text: the data package declares them `string`,
so that `frictionless` and pandas through it (or `dtype=str`) keep 320500 as "320500".
`excel=True` writes the CSV with a UTF-8 byte-order mark, which Excel on Windows needs to
read Chinese text (it guesses a legacy code page otherwise).
"""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

from db.columns import describe
from db.query import open_readonly
from db.views import VIEW_DESCRIPTIONS

EXPORT_VIEWS = ("report_wide", "comparable", "rates")


class ExportError(Exception):
    pass


def export(
    db_path: str | Path,
    out_dir: str | Path,
    *,
    formats: tuple[str, ...] = ("csv",),
    views: tuple[str, ...] = EXPORT_VIEWS,
    excel: bool = False,
) -> list[Path]:
    """Write <out_dir>/<view>.<ext> for each view and format, and datapackage.json;
    returns the files written."""
    if "parquet" in formats:
        try:
            import pyarrow  # noqa: F401
        except ImportError:
            raise ExportError(
                "Parquet needs pyarrow: pip install 'xxgk[parquet]' (or export --format csv)"
            ) from None
    conn = open_readonly(db_path)
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    resources = []
    for view in views:
        cur = conn.execute(f"SELECT * FROM [{view}]")
        columns = [d[0] for d in cur.description]
        rows = cur.fetchall()
        fields = [_field(name, [r[i] for r in rows]) for i, name in enumerate(columns)]
        if "csv" in formats:
            path = out / f"{view}.csv"
            tmp = path.with_suffix(".csv.part")
            with tmp.open("w", newline="", encoding="utf-8-sig" if excel else "utf-8") as f:
                w = csv.writer(f)
                w.writerow(columns)
                w.writerows(rows)
            tmp.replace(path)  # never a half-written file under the final name
            written.append(path)
            resources.append(_resource(view, path.name, "csv", fields, excel=excel))
        if "parquet" in formats:
            # same columns and types as the CSV resource (the package lists the CSV files)
            written.append(_parquet(out / f"{view}.parquet", columns, rows, fields))
    package = {
        "name": "xxgk-export",
        "title": "政府信息公开工作年度报告 — research views exported by xxgk",
        "description": "Numbers of the three standard tables of Chinese government information disclosure "
        "annual reports, one row per report with numbers (current versions). A blank cell is empty, "
        "never 0. Codes are text.",
        "licenses": [{"name": "other-pd", "title": "Public government information (《政府信息公开条例》)"}],
        "resources": resources,
    }
    meta = out / "datapackage.json"
    tmp = meta.with_suffix(".json.part")
    tmp.write_text(json.dumps(package, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    tmp.replace(meta)
    written.append(meta)
    return written


def _field(name: str, values: list[Any]) -> dict[str, Any]:
    """A Frictionless field: title, description and type from db.columns, else from the data."""
    known = describe(name)
    if known:
        title, description, kind = known
    else:
        title, description, kind = name, "", _infer(values)
    if kind == "integer" and any(isinstance(v, float) for v in values):
        kind = "number"  # a count column holding a decimal: say so rather than fail validation
    field = {"name": name, "type": kind, "title": title}
    if description:
        field["description"] = description
    return field


def _infer(values: list[Any]) -> str:
    kinds = {type(v) for v in values if v is not None}
    if kinds == {int}:
        return "integer"
    if kinds and kinds <= {int, float}:
        return "number"
    return "string"


def _resource(view: str, path: str, fmt: str, fields: list[dict], *, excel: bool = False) -> dict:
    return {
        "name": view.replace("_", "-"),
        "path": path,
        "profile": "tabular-data-resource",
        "format": fmt,
        "mediatype": "text/csv",
        "encoding": "utf-8-sig" if excel else "utf-8",
        "description": VIEW_DESCRIPTIONS.get(view, ""),
        "schema": {"fields": fields, "missingValues": [""]},
    }


def _parquet(path: Path, columns: list[str], rows: list[tuple], fields: list[dict]) -> Path:
    import pyarrow as pa
    import pyarrow.parquet as pq

    types = {"integer": pa.int64(), "number": pa.float64(), "string": pa.string()}
    arrays = []
    for i, field in enumerate(fields):
        values = [r[i] for r in rows]
        kind = types.get(field["type"], pa.string())
        if kind == pa.float64():
            values = [None if v is None else float(v) for v in values]
        elif kind == pa.string():
            values = [None if v is None else str(v) for v in values]
        arrays.append(pa.array(values, kind))
    table = pa.Table.from_arrays(arrays, names=columns)
    tmp = path.with_suffix(".parquet.part")
    pq.write_table(table, tmp)
    tmp.replace(path)
    return path
