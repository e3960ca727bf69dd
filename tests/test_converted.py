"""PDF reports as real converters turned them into text: every cell right or absent.

`tests/converted/` holds what pdftotext (three modes), pdfminer, PyMuPDF,
pymupdf4llm and markitdown made of 15 PDF reports whose numbers are known (see
`tests/converted/make.py`). Each tears the tables in its own way: page footers between
a label and its values, tables read column by column, cells merged into one Markdown
cell, group labels printed a character per line.

Every document must give no wrong cell. A 0 where the PDF printed a blank cell is
counted apart (`zero_for_blank`): the converters drop blank cells, and the row's
arithmetic then puts a 0 there (`placement: arithmetic`); the count is right, its
printed form is not known. The recall of each converter must not fall below its floor.
"""

from __future__ import annotations

import pytest

from tests.converted import CONVERTERS, documents, score

# measured recall of each converter over its 15 documents (raise it when you improve it)
MIN_RECALL = {
    "pdftotext": 0.34,
    "pdftotext-raw": 0.73,
    "pdftotext-layout": 0.70,
    "pdfminer": 0.15,
    "pymupdf": 0.73,
    "pymupdf4llm": 0.82,
    "markitdown": 0.66,
}
# documents still read with wrong cells: a strict xfail, so a fix shows as XPASS and is
# taken off this list
KNOWN_WRONG: set[tuple[str, str]] = set()
DOCS = documents()


def _param(doc):
    marks = []
    if (doc.converter, doc.name) in KNOWN_WRONG:
        marks.append(pytest.mark.xfail(strict=True, reason="still read with wrong cells"))
    return pytest.param(doc, id=f"{doc.converter}-{doc.name}", marks=marks)


def test_every_converter_and_document_is_here() -> None:
    assert {d.converter for d in DOCS} == set(CONVERTERS)
    assert all(len(documents(c)) == 15 for c in CONVERTERS)


@pytest.mark.parametrize("doc", [_param(d) for d in DOCS])
def test_no_wrong_cell(doc) -> None:
    s = score(doc)
    assert s.wrong == []


@pytest.mark.parametrize("converter", CONVERTERS)
def test_recall_floor(converter: str) -> None:
    right = expected = 0
    for doc in documents(converter):
        s = score(doc)
        right += s.right
        expected += s.expected
    assert right / expected >= MIN_RECALL[converter]
