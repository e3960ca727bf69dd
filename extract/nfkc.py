"""NFKC normalisation, fast for Chinese prose.

`unicodedata.normalize("NFKC", ...)` returns a text that is already normalised at
once, but any character that changes sends the whole text through the full
algorithm, character by character: so does every prose line of a report, whose
full-width punctuation (`，：（）`) always changes. Prose lines are printed once, so no
cache helps; a report has dozens of them.

`nfkc` first replaces the common full-width characters by their NFKC forms (each a
single ASCII character or space). That leaves the compatibility decomposition of
the text as it was, so the NFKC form is the same; and when the result is then
already normalised (the usual case), it is the NFKC form. Anything else still goes
through `unicodedata.normalize`, so the result is always exactly NFKC.
"""

from __future__ import annotations

import unicodedata

# the full-width characters of Chinese prose and tables, with their NFKC forms
_WIDE: tuple[tuple[str, str], ...] = tuple(
    (ch, unicodedata.normalize("NFKC", ch)) for ch in "，：；（）！？％．－／～\u3000"
)


def nfkc(text: str) -> str:
    """`unicodedata.normalize("NFKC", text)`, in a few steps for prose."""
    if unicodedata.is_normalized("NFKC", text):
        return text
    for wide, narrow in _WIDE:
        if wide in text:
            text = text.replace(wide, narrow)
    if unicodedata.is_normalized("NFKC", text):
        return text
    return unicodedata.normalize("NFKC", text)
