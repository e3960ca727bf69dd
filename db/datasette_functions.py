"""A Datasette plugin (registered by `xxgk serve`) giving its SQL the project's functions,
so that fts_phrase('疫情') works in the canned queries and in the SQL editor, and showing
values for reading: shares as rounded percentages, agency ids as the agency's name, a
column's description as its header's tooltip."""

from __future__ import annotations

import sqlite3
from typing import Any

import markupsafe
from datasette import hookimpl

from db.search import register_functions


@hookimpl
def prepare_connection(conn: sqlite3.Connection) -> None:
    register_functions(conn)


@hookimpl
def render_cell(value: Any, column: str, table: str | None, database: str, datasette: Any) -> Any:
    """share_* as 46.7% (the JSON and CSV keep the full value); agency_id as the agency's name."""
    if column.startswith("share_") and isinstance(value, float):
        return markupsafe.Markup(f'<span class="xxgk-share" title="{value!r}">{value:.1%}</span>')
    if column == "agency_id" and isinstance(value, int) and table != "agencies":

        async def agency_link() -> Any:
            db = datasette.get_database(database)
            rows = await db.execute("SELECT name FROM agencies WHERE id = ?", [value])
            row = rows.first()
            if row is None:
                return None
            href = datasette.urls.row(database, "agencies", str(value))
            return markupsafe.Markup('<a href="{}">{}</a>').format(href, row[0])

        return agency_link()
    return None


@hookimpl
def extra_body_script() -> str:
    """Column descriptions (metadata) as tooltips on the table headers."""
    return (
        "document.querySelectorAll('th[data-column-description]').forEach("
        "th => th.title = th.dataset.columnDescription);"
    )
