"""Full-text search of the report sections for words of any length, Chinese included.

No built-in FTS5 tokenizer finds a 2-character Chinese word inside running text: unicode61
takes a whole run of Chinese characters as one token, and trigram matches 3 characters or
more. So `sections_fts` indexes the text with every character set apart (`spaced`): the
unicode61 tokenizer then makes each character a token, and any word is found as the
phrase of its characters, 疫情 → `"疫 情"` (`fts_phrase`). Punctuation and spaces are not
tokens, so a phrase also matches across them (疫，情); confirm with instr() where that
matters, as the canned query does.

`fts_phrase` is also an SQL function on the connections xxgk opens (`xxgk query`,
`xxgk serve`, db.schema.connect):
    SELECT s.* FROM sections_fts JOIN sections s ON s.id = sections_fts.rowid
    WHERE sections_fts MATCH fts_phrase('疫情')
Without xxgk, write the phrase out: MATCH '"疫 情"'.
"""

from __future__ import annotations

import sqlite3
from array import array

SPACE = array("I", b"\x20\0\0\0")


def spaced(text: str | None) -> str:
    """The text as the index sees it: every character a token of its own.

    Interleaves spaces through the text's UTF-32 code units: four times faster than
    " ".join(text), which matters when loading 100,000 reports.
    """
    if not text:
        return ""
    try:
        chars = array("I", text.encode("utf-32-le"))
    except UnicodeEncodeError:  # a lone surrogate from a damaged document
        return " ".join(text)
    out = SPACE * (2 * len(chars))
    out[0::2] = chars
    return out.tobytes().decode("utf-32-le")


def fts_phrase(word: str | None) -> str | None:
    """The FTS5 query finding `word` as a substring of a section: its characters as one phrase.

    None for an empty word (MATCH NULL finds nothing). Spaces in the word are ignored.
    """
    if word is None:
        return None
    chars = [c for c in str(word) if not c.isspace()]
    if not chars:
        return None
    return '"' + " ".join(chars).replace('"', '""') + '"'


def register_functions(conn: sqlite3.Connection) -> None:
    """Make fts_phrase() available in SQL on this connection."""
    conn.create_function("fts_phrase", 1, fts_phrase, deterministic=True)
