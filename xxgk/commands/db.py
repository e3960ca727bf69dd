"""`xxgk query`, `xxgk export`, `xxgk show-cell`, `xxgk serve`: reading the research database."""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

from xxgk.commands import add_data_options, examples
from xxgk.commands.status import CommandError, UsageError


def _db_path(args: argparse.Namespace) -> Path:
    return Path(args.db) if args.db else Path(args.data) / "xxgk.db"


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "query",
        help="run read-only SQL on the database",
        description="Run one SQL statement on the database, opened read-only, and print the result as an "
        "aligned table (default), CSV, JSON or JSON Lines. Useful tables and views: report_wide, "
        "comparable, rates, cell_values, sections, regions, agencies. Full text, any word length: "
        "... FROM sections_fts JOIN sections s ON s.id = sections_fts.rowid "
        "WHERE sections_fts MATCH fts_phrase('疫情'). "
        "A bad query prints SQLite's error and exits with status 1.",
        **examples(
            'xxgk query "SELECT region, year, share_disclosed FROM rates ORDER BY year"',
            "xxgk query --canned city_share_granted -p province=江苏省 -f csv",
            "xxgk query --list-canned",
            'echo "SELECT year, count(*) FROM reports GROUP BY year" | xxgk query -',
        ),
    )
    p.add_argument("sql", nargs="?", help="the SQL statement, '-' to read it from stdin (or use --canned)")
    add_data_options(p)
    p.add_argument("-f", "--format", choices=("table", "csv", "json", "jsonl"), default="table")
    p.add_argument(
        "-p",
        "--param",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="value for a :NAME parameter (repeatable)",
    )
    p.add_argument("--canned", metavar="NAME", help="run a canned research query (see --list-canned)")
    p.add_argument("--list-canned", action="store_true", help="list the canned queries and exit")
    p.set_defaults(func=run_query)

    p = sub.add_parser(
        "export",
        help="write the research views as CSV / Parquet, with a data dictionary",
        description="Write the views report_wide, comparable and rates (reports with numbers) as CSV files "
        "(and Parquet with --format parquet, which needs the `parquet` extra: pip install 'xxgk[parquet]'), "
        "and datapackage.json: a Frictionless data package giving every column's type, label and "
        "description (`frictionless validate DIR/datapackage.json` checks the files against it). Codes are "
        "text: read them as strings (pandas: dtype=str, or frictionless' to_pandas).",
        **examples(
            "xxgk export -o export/",
            "xxgk export --excel -o export/       # UTF-8 with a BOM, for Excel on Windows",
            "xxgk export --format csv --format parquet -o export/",
        ),
    )
    add_data_options(p)
    p.add_argument(
        "-o", "--out", default="export", metavar="DIR", help="output folder (default: %(default)s)"
    )
    p.add_argument(
        "--format",
        action="append",
        choices=("csv", "parquet"),
        help="csv and/or parquet (repeatable; default: csv)",
    )
    p.add_argument(
        "--excel",
        action="store_true",
        help="CSV for Excel: UTF-8 with a byte-order mark, so that Excel on Windows shows the Chinese text",
    )
    p.set_defaults(func=run_export)

    p = sub.add_parser(
        "show-cell",
        help="write the page crop an OCR'd number was read from, as PNG",
        description="For a report read by OCR, cut the page image around the cell a number was read "
        "from (the cell outlined in red) and write it as PNG, so that the number can be checked by eye. "
        "Prints the value, the text read, the confidence and the page box on stderr.",
        **examples(
            "xxgk show-cell 12 applications.received_new.total -o cell.png",
            "xxgk show-cell --data /srv/xxgk 12 review_litigation.review.total",
        ),
    )
    add_data_options(p)
    p.add_argument("report_id", help="the report's id (reports.id, report_wide.report_id)")
    p.add_argument("key", help="the cell's key, e.g. applications.received_new.total")
    p.add_argument("-o", "--output", metavar="PNG", help="file to write (default: REPORT_ID-KEY.png)")
    p.set_defaults(func=run_show_cell)

    p = sub.add_parser(
        "serve",
        help="browse the database in Datasette",
        description="Serve the database read-only with Datasette: table and view descriptions, licence "
        "and source notes, and the canned research queries. Stop with Ctrl-C.",
        **examples("xxgk serve --data /srv/xxgk", "xxgk serve --db /tmp/demo/xxgk.db --port 8002"),
    )
    add_data_options(p)
    p.add_argument("--host", default="127.0.0.1", help="address to listen on (default: %(default)s)")
    p.add_argument("--port", type=int, default=8001, help="port (default: %(default)s)")
    p.set_defaults(func=run_serve)


def run_query(args: argparse.Namespace) -> int:
    from db.canned import BY_NAME, CANNED
    from db.query import QueryError, open_readonly, write
    from db.query import run_query as execute

    if args.list_canned:
        for c in CANNED:
            params = ", ".join(f":{p}" for p in c.params)
            print(f"{c.name}\t{c.title}\t{params}")
        return 0
    params: dict[str, str] = {}
    for item in args.param:
        name, sep, value = item.partition("=")
        if not sep:
            raise UsageError(f"--param {item!r}: expected NAME=VALUE")
        params[name.lstrip(":")] = value
    if args.canned:
        canned = BY_NAME.get(args.canned)
        if not canned:
            raise UsageError(f"no canned query {args.canned!r}; known: {', '.join(BY_NAME)}")
        sql = canned.sql
        _warn_unused(params, canned.params, f"the canned query {canned.name}")
        params = {p: params.get(p, "") for p in canned.params}
    elif args.sql:
        sql = sys.stdin.read() if args.sql == "-" else args.sql
        _warn_unused(params, _sql_parameters(sql), "the SQL")
    else:
        raise UsageError("give an SQL statement or --canned NAME (see --help)")
    try:
        conn = open_readonly(_db_path(args))
        columns, rows = execute(conn, sql, params)
    except QueryError as exc:
        raise CommandError(str(exc)) from None
    write(sys.stdout, args.format, columns, rows)
    return 0


def _sql_parameters(sql: str) -> tuple[str, ...]:
    """The :name parameters of an SQL statement (string literals and comments skipped)."""
    code = re.sub(r"'(?:[^']|'')*'|\"(?:[^\"]|\"\")*\"|--[^\n]*|/\*.*?\*/", " ", sql, flags=re.S)
    return tuple(dict.fromkeys(re.findall(r"(?<![:\w]):(\w+)", code)))


def _warn_unused(given: dict[str, str], known: tuple[str, ...], what: str) -> None:
    """A mistyped `-p wrd=x` would otherwise be ignored without a word."""
    for name in given:
        if name not in known:
            has = ", ".join(f":{k}" for k in known) or "none"
            print(f"xxgk query: warning: {what} has no parameter :{name} (it has: {has})", file=sys.stderr)


def run_export(args: argparse.Namespace) -> int:
    from db.export import ExportError, export
    from db.query import QueryError

    formats = tuple(args.format or ["csv"])
    try:
        files = export(_db_path(args), args.out, formats=formats, excel=args.excel)
    except (ExportError, QueryError) as exc:
        raise CommandError(str(exc)) from None
    for f in files:
        print(f)
    return 0


def run_serve(args: argparse.Namespace) -> int:
    from db.serve import serve

    return serve(_db_path(args), args.host, args.port)


def run_show_cell(args: argparse.Namespace) -> int:
    from db.cellcrop import CropError, cell_crop
    from db.query import QueryError, open_readonly
    from extract import ReadError

    if not args.report_id.isdigit():
        raise UsageError(f"REPORT_ID must be a number (reports.id), not {args.report_id!r}")
    out = Path(args.output or f"{args.report_id}-{args.key}.png")
    try:
        conn = open_readonly(_db_path(args))
        crop = cell_crop(conn, int(args.report_id), args.key, Path(args.data))
    except (QueryError, CropError, ReadError, FileNotFoundError) as exc:
        raise CommandError(str(exc)) from None
    out.write_bytes(crop.png)
    print(
        f"{out}: {args.key} = {crop.value} "
        f"(read {crop.raw!r}, confidence {crop.confidence}, {crop.placement}) "
        f"from page {crop.page}, box {','.join(map(str, crop.box))} of {crop.document}",
        file=sys.stderr,
    )
    return 0
