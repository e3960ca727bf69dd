"""`xxgk export`: the research views as CSV (always) and Parquet (with the `parquet` extra)."""

from __future__ import annotations

import csv
from pathlib import Path

from db.query import open_readonly

EXPORT_VIEWS = ("report_wide", "comparable", "rates")


class ExportError(Exception):
    pass


def export(
    db_path: str | Path,
    out_dir: str | Path,
    *,
    formats: tuple[str, ...] = ("csv",),
    views: tuple[str, ...] = EXPORT_VIEWS,
) -> list[Path]:
    """Write <out_dir>/<view>.<ext> for each view and format; returns the files written."""
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
    for view in views:
        cur = conn.execute(f"SELECT * FROM [{view}]")
        columns = [d[0] for d in cur.description]
        rows = cur.fetchall()
        if "csv" in formats:
            path = out / f"{view}.csv"
            tmp = path.with_suffix(".csv.part")
            with tmp.open("w", newline="", encoding="utf-8") as f:
                w = csv.writer(f)
                w.writerow(columns)
                w.writerows(rows)
            tmp.replace(path)  # never a half-written file under the final name
            written.append(path)
        if "parquet" in formats:
            written.append(_parquet(out / f"{view}.parquet", columns, rows))
    return written


def _parquet(path: Path, columns: list[str], rows: list[tuple]) -> Path:
    import pyarrow as pa
    import pyarrow.parquet as pq

    arrays = []
    for i, _name in enumerate(columns):
        values = [r[i] for r in rows]
        kinds = {type(v) for v in values if v is not None}
        if kinds == {int}:
            arrays.append(pa.array(values, pa.int64()))
        elif kinds and kinds <= {int, float}:
            arrays.append(pa.array([None if v is None else float(v) for v in values], pa.float64()))
        elif not kinds:
            arrays.append(pa.array(values, pa.null()))
        else:
            arrays.append(pa.array([None if v is None else str(v) for v in values], pa.string()))
    table = pa.Table.from_arrays(arrays, names=columns)
    tmp = path.with_suffix(".parquet.part")
    pq.write_table(table, tmp)
    tmp.replace(path)
    return path
