"""Full-text search of the report sections that standard tools can use, Chinese included.

No built-in FTS5 tokenizer finds a 2-character Chinese word inside running text:
unicode61 takes a whole run of Chinese characters as one token, and trigram matches 3
characters or more. Python cannot give SQLite a tokenizer of its own that other tools
would also have. So the text is *indexed as n-grams*: for every run of letters and digits,
its overlapping bigrams (and the run's last character), then its trigrams, then its
4-grams, written as words for the plain unicode61 tokenizer (`index_text`).

- Any tool that sends a word to MATCH as it is typed finds it exactly when it has 2 to 4
  characters: Datasette's search box and `?_search=`, `sqlite-utils search`, and plain
  `WHERE sections_fts MATCH '培训'`. Longer words: type them in parts (`依申请 公开`
  finds sections holding both), or use fts_phrase.
- `fts_phrase(word)` writes any word, of any length, as the phrase of its overlapping
  bigrams (`依申请公开` → `"依申 申请 请公 公开"`): consecutive bigrams are the word
  itself, so the match is exact. One character is a prefix query (`延*`).
  fts_phrase is an SQL function on the connections xxgk opens (`xxgk query`, `xxgk serve`,
  db.schema.connect); elsewhere, write the phrase out.

`sections_fts` is an external-content table over `sections` (content="sections"), the
form Datasette and sqlite-utils look for; only the narrative sections 一, 五 and 六 are in
it. Its index holds the n-grams, not the text, so never run its 'rebuild' command
(that would index the raw text): `reindex_sections` rebuilds it. Measured on the corpus
in docs/database.md (recall, index size).
"""

from __future__ import annotations

import re
import sqlite3

NGRAMS = (3, 4, 5, 6)  # besides the bigrams: the longest word a plain MATCH finds exactly is 6
TOKEN_RUN = re.compile(r"[^\W_]+")  # what unicode61 keeps as token characters, in runs


def index_text(text: str | None) -> str:
    """The text as the index sees it: its bigrams (plus each run's last character), then
    its trigrams, then its 4-grams, space-separated."""
    if not text:
        return ""
    runs = TOKEN_RUN.findall(text)
    out: list[str] = []
    for run in runs:
        out += [run[i : i + 2] for i in range(len(run) - 1)]
        out.append(run[-1])
    for n in NGRAMS:
        for run in runs:
            out += [run[i : i + n] for i in range(len(run) - n + 1)]
    return " ".join(out)


def fts_phrase(word: str | None) -> str | None:
    """The FTS5 query finding `word` as a substring of a section (any length).

    Each run of letters or digits in the word becomes the phrase of its overlapping
    bigrams; runs are ANDed. None when the word has no letter or digit (MATCH NULL finds
    nothing).
    """
    if word is None:
        return None
    parts = []
    for run in TOKEN_RUN.findall("".join(str(word).split())):
        if len(run) == 1:
            parts.append(f'"{run}"*')
        else:
            parts.append('"' + " ".join(run[i : i + 2] for i in range(len(run) - 1)) + '"')
    return " ".join(parts) or None


FTS_SQL = (
    'CREATE VIRTUAL TABLE sections_fts USING fts5(heading, text, content="sections", content_rowid="id", '
    "tokenize='unicode61 remove_diacritics 0')"
)


def create_sections_fts(conn: sqlite3.Connection) -> None:
    """The index over `sections` (see the module docstring); remove_diacritics 0: no
    accents in Chinese, and the tokenizer is faster without."""
    conn.execute(FTS_SQL)
    # A 64 MiB in-memory index per transaction (default 1 MiB) so that a batch of reports
    # is written as one segment rather than dozens to be merged: loads 20% faster.
    conn.execute("INSERT INTO sections_fts (sections_fts, rank) VALUES ('hashsize', 67108864)")


def reindex_sections(conn: sqlite3.Connection, narrative_only_sql: str) -> None:
    """Drop and rebuild sections_fts from `sections` (the rows the WHERE clause keeps)."""
    conn.execute("DROP TABLE IF EXISTS sections_fts")
    stale = conn.execute("SELECT 1 FROM sqlite_master WHERE name = 'sections_fts_stale'").fetchone()
    if stale:  # schema 5: no deleted section left in the index; the superseded ones still are
        from db.schema import STALE_SUPERSEDED_SQL

        conn.execute("DELETE FROM sections_fts_stale")
        conn.execute(STALE_SUPERSEDED_SQL.format(narrative=f"({narrative_only_sql})"))
    create_sections_fts(conn)
    conn.executemany(
        "INSERT INTO sections_fts (rowid, heading, text) VALUES (?, ?, ?)",
        (
            (sid, index_text(heading), index_text(text))
            for sid, heading, text in conn.execute(
                f"SELECT id, heading, text FROM sections WHERE {narrative_only_sql} ORDER BY id"
            )
        ),
    )


def register_functions(conn: sqlite3.Connection) -> None:
    """Make fts_phrase() available in SQL on this connection."""
    conn.create_function("fts_phrase", 1, fts_phrase, deterministic=True)
