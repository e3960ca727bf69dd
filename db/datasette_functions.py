"""A Datasette plugin (registered by `xxgk serve`) giving its SQL the project's functions,
so that fts_phrase('疫情') works in the canned queries and in the SQL editor."""

from __future__ import annotations

import sqlite3

from datasette import hookimpl

from db.search import register_functions


@hookimpl
def prepare_connection(conn: sqlite3.Connection) -> None:
    register_functions(conn)
