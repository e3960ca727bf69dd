"""OCR of scanned reports: our own scans of corpus truths (tests/scans.py), read end to end.

The scans are made in the test session (LibreOffice prints the filled official template,
the pages are degraded with a fixed seed); nothing large is kept in git. The worst defect
is a misread number behind passing checks: every test here counts those.
"""

from __future__ import annotations

import random
import re
from pathlib import Path
from typing import Any

import pytest

from extract import ReadError, extract_bytes
from extract.model import Cell, OcrBox, ReadDocument, Report
from extract.ocr import ocr_available
from extract.ocr.read import read_number
from extract.pipeline import extract_document
from extract.tables import map_tables
from tests import scans

needs_ocr = pytest.mark.skipif(
    not ocr_available(), reason="the OCR extra is not installed: pip install -e '.[ocr]'"
)
needs_soffice = pytest.mark.skipif(
    not scans.has_libreoffice(),
    reason="LibreOffice is not installed: apt-get install libreoffice-writer-nogui",
)
REPORT = "dev-pdf/hongze-2024.json"


# --- numbers in doubt ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "confidence", "expected"),
    [
        ("10", 0.99, ("10", True)),
        ("1 0", 0.99, ("10", True)),  # a gap inside a number
        ("10", 0.6, ("10", False)),  # low confidence: in doubt
        ("0:", 0.99, ("0:", False)),  # not 0
        ("l0", 0.99, ("l0", False)),  # not 10
        ("O", 0.99, ("O", False)),  # not 0
        ("7。", 0.99, ("7。", False)),
        ("", 0.0, ("", True)),  # an empty cell
        ("1.属于国家秘密", 0.7, ("1.属于国家秘密", True)),  # a label, whatever its confidence
        ("-", 0.95, ("-", True)),  # a blank mark
        ("规章：", 0.7, ("规章", True)),  # a speck read at a label's end: no row matched it
        ("·行政强制", 0.7, ("行政强制", True)),
        ("-16", 0.99, ("-16", True)),  # signed, where the ink shows the minus (`_minus_sign`)
    ],
)
def test_read_number_never_coerces(text: str, confidence: float, expected: tuple[str, bool]) -> None:
    assert read_number(text, confidence) == expected


HEADER = ["信息内容", "自然人", "商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他", "总计"]


def _stream(rows: list[list[str]], doubt: set[tuple[int, int]]) -> ReadDocument:
    """A section 三 grid as OCR would give it; cells at `doubt` (row, col) are unreadable."""
    cells = []
    for r, row in enumerate(rows):
        for c, text in enumerate(row):
            box = OcrBox(1, (10 * c, 10 * r, 10 * c + 9, 10 * r + 9), 0.5 if (r, c) in doubt else 0.99)
            if (r, c) in doubt:
                box = OcrBox(box.page, box.box, box.confidence, readable=False)
            cells.append(Cell(text, r, c, 0, box))
    return ReadDocument("t", "", cells, "image", ocr_pages=[1])


ROWS = [
    HEADER,
    ["一、本年新收政府信息公开申请数量", "5", "1", "0", "0", "0", "0", "6"],
    ["二、上年结转政府信息公开申请数量", "1", "0", "0", "0", "0", "0", "1"],
    ["（一）予以公开", "3", "1", "0", "0", "0", "0", "4"],
    ["（二）部分公开", "2", "0", "0", "0", "0", "0", "2"],
    ["（七）总计", "5", "1", "0", "0", "0", "0", "6"],
    ["四、结转下年度继续办理", "1", "0", "0", "0", "0", "0", "1"],
]


def _map(rows: list[list[str]], doubt: set[tuple[int, int]]) -> Report:
    report = Report("t", "image")
    map_tables(_stream(rows, doubt), report)
    return report


def test_unreadable_cell_fixed_by_the_arithmetic_is_placed_and_marked() -> None:
    rows = [list(r) for r in ROWS]
    rows[3][1] = "l3"  # what OCR made of 3
    report = _map(rows, {(3, 1)})
    cell = report.cells["applications.disclosed.natural_person"]
    assert (cell.value, cell.placed, cell.raw) == (3, "arithmetic", "l3")
    assert cell.box is not None and cell.box.page == 1 and cell.box.box == (10, 30, 19, 39)
    assert any("OCR read 'l3' in doubt; placed by the table's arithmetic: 3" in w for w in report.warnings)
    printed = report.cells["applications.disclosed.commercial"]
    assert (printed.value, printed.placed, printed.box.confidence) == (1, "printed", 0.99)


def test_unreadable_cells_the_arithmetic_cannot_fix_are_left_out() -> None:
    rows = [list(r) for r in ROWS]
    # a cell and its row's total in doubt: the row sum has two unknowns; the column sum
    # (七)总计 = all result rows cannot fix it either, as this table prints only two of them
    rows[3][1], rows[3][7] = "3:", "4?"
    report = _map(rows, {(3, 1), (3, 7)})
    assert "applications.disclosed.natural_person" not in report.cells
    assert "applications.disclosed.total" not in report.cells
    assert report.cells["applications.disclosed.commercial"].value == 1
    assert any("disclosed" in w and "left out: natural_person, total" in w for w in report.warnings)


def test_without_the_ocr_extra_a_scan_names_the_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    import extract.readers.scan as scan

    monkeypatch.setattr(scan, "ocr_available", lambda: False)
    png = scans.image_file(__import__("numpy").full((50, 50), 255, dtype="uint8"), "PNG")
    with pytest.raises(ReadError, match=re.escape("pip install 'xxgk[ocr]'")):
        extract_bytes(png, "page.png")


# --- scans of a corpus report, end to end ------------------------------------------------


@pytest.fixture(scope="module")
def rendered(printed_2024: tuple[dict[str, Any], Path]) -> tuple[dict[str, Any], Path]:
    """REPORT printed by LibreOffice (conftest.py prints it once for every OCR test)."""
    assert printed_2024[0]["_name"] == REPORT.replace("/", "-")
    return printed_2024


@pytest.fixture(scope="module")
def clean_doc(rendered: tuple[dict[str, Any], Path]) -> ReadDocument:
    from extract.readers import read_bytes

    info, pdf = rendered
    pages = scans.scanned_pages(pdf, scans.LEVELS["clean"], scans.seed_for(info["_name"], "clean"))
    return read_bytes(scans.image_pdf(pages, 150), "clean.pdf")


@needs_ocr
@needs_soffice
def test_clean_scan_of_the_official_template_reads_every_cell(
    rendered: tuple[dict[str, Any], Path], clean_doc: ReadDocument
) -> None:
    info, _ = rendered
    report = extract_document(clean_doc).to_json()
    truth = scans.printed_truth(info)
    assert {k: report["cells"].get(k, "missing") for k in truth} == truth
    assert report["method"] == "ocr" and report["ocr_pages"] == clean_doc.ocr_pages
    assert report["year"] == 2024 and report["template"] == "2021"
    assert all(c["ok"] is not False for c in report["checks"])
    box = report["boxes"]["applications.received_new.total"]
    assert box["page"] in clean_doc.ocr_pages and box["confidence"] >= 0.9
    x0, y0, x1, y1 = box["box"]
    assert 0 < x0 < x1 < 1654 and 0 < y0 < y1 < 2339  # a cell of an A4 page rendered at 200 dpi
    assert 25 < y1 - y0 < 200 and 40 < x1 - x0 < 400  # one cell, not the table


@needs_ocr
@needs_soffice
@pytest.mark.parametrize("level", ["scan", "photo"])
def test_degraded_scan_gives_no_wrong_number_behind_passing_checks(
    rendered: tuple[dict[str, Any], Path], level: str
) -> None:
    info, pdf = rendered
    lvl = scans.LEVELS[level]
    pages = scans.scanned_pages(pdf, lvl, scans.seed_for(info["_name"], level))
    fmt = {"scan": "pdf", "photo": "tiff"}[level]  # a scanner's PDF; a photo as multi-page TIFF
    if fmt == "pdf":
        data = scans.image_pdf(pages, lvl.dpi)
    else:
        import io

        from PIL import Image

        buf = io.BytesIO()
        images = [Image.fromarray(p) for p in pages]
        images[0].save(buf, "TIFF", save_all=True, append_images=images[1:], compression="tiff_lzw")
        data = buf.getvalue()
    report = extract_bytes(data, f"{level}.{fmt}").to_json()
    s = scans.score(report, scans.printed_truth(info))
    assert s["wrong_passing"] == 0
    # measured on this report: scan 0.9, photo 0.56 of the cells exact (the rest left out, flagged)
    assert s["exact"] / s["cells"] >= {"scan": 0.8, "photo": 0.5}[level]


@needs_ocr
@needs_soffice
def test_a_jpg_page_is_a_report(rendered: tuple[dict[str, Any], Path]) -> None:
    info, pdf = rendered
    pages = scans.scanned_pages(pdf, scans.LEVELS["clean"], scans.seed_for(info["_name"], "jpg"))
    page = next(i for i, p in enumerate(pages) if i > 0 or len(pages) == 1)  # the page of section 三
    report = extract_bytes(scans.image_file(pages[page], "JPEG"), "page.jpg")
    assert report.format == "image" and report.ocr_pages == [1]
    truth = scans.printed_truth(info)
    got = {k: c.value for k, c in report.cells.items() if k.startswith("applications.")}
    assert got and all(got[k] == truth[k] for k in got)


# --- seeded misreads: what the checks catch, and what they cannot ---------------------------

CONFUSIONS = {
    "0": "8",
    "1": "7",
    "2": "7",
    "3": "8",
    "4": "1",
    "5": "6",
    "6": "5",
    "7": "1",
    "8": "3",
    "9": "8",
}


def _misread(doc: ReadDocument, index: int, position: int) -> ReadDocument:
    cells = list(doc.cells)
    c = cells[index]
    text = c.text[:position] + CONFUSIONS[c.text[position]] + c.text[position + 1 :]
    cells[index] = Cell(text, c.row, c.col, c.block, c.ocr)
    return ReadDocument(doc.source, doc.text, cells, doc.format, ocr_pages=doc.ocr_pages)


@needs_ocr
@needs_soffice
def test_seeded_single_digit_misreads_fail_a_check(clean_doc: ReadDocument) -> None:
    base = extract_document(clean_doc)
    by_box = {c.box: k for k, c in base.cells.items() if c.box is not None}
    numbers = [
        (i, by_box[c.ocr])
        for i, c in enumerate(clean_doc.cells)
        if c.ocr is not None and c.ocr in by_box and c.text.isdigit()
    ]
    rng = random.Random(scans.SEED)
    caught: dict[str, list[bool]] = {}
    for i, key in rng.sample(numbers, 60):
        text = clean_doc.cells[i].text
        report = extract_document(_misread(clean_doc, i, rng.randrange(len(text))))
        failed = any(c.ok is False for c in report.checks)
        caught.setdefault(key.split(".")[0], []).append(failed)
    # sections 三 and 四: every cell is in a row sum and a column equation, so one wrong
    # digit always breaks one; section 二 has no arithmetic, so no check can see it there
    assert all(caught["applications"]) and len(caught["applications"]) >= 30
    assert all(caught.get("review_litigation", [True]))
    assert not any(caught.get("proactive", []))


@needs_ocr
def test_mixed_pdf_reads_its_scanned_page_by_ocr_and_the_rest_as_text() -> None:
    import io
    import json

    import pypdfium2

    source = Path(__file__).parent / "documents" / "split-2021.pdf"  # four text pages
    truth = json.loads(source.with_suffix(".json").read_text(encoding="utf-8"))["truth"]
    pages = scans.scanned_pages(source, scans.LEVELS["clean"], scans.SEED)
    scanned = pypdfium2.PdfDocument(scans.image_pdf([pages[2]], 150))
    text = pypdfium2.PdfDocument(str(source))
    mixed = pypdfium2.PdfDocument.new()
    mixed.import_pages(text, [0, 1])
    mixed.import_pages(scanned, [0])  # page 3, a scan: most of section 三
    mixed.import_pages(text, [3])
    buf = io.BytesIO()
    mixed.save(buf)
    report = extract_bytes(buf.getvalue(), "mixed.pdf")
    assert report.ocr_pages == [3] and "page(s) 3 hold only images; read by OCR" in report.warnings
    wrong = [k for k, c in report.cells.items() if c.value != truth[k]]
    exact = sum(1 for k, v in truth.items() if k in report.cells and report.cells[k].value == v)
    assert wrong == [] and exact >= 0.9 * len(truth)  # measured 185/200: a row cut by the page break left out
    assert any(c.box is not None and c.box.page == 3 for c in report.cells.values())
    assert all(c.box is None for k, c in report.cells.items() if k.startswith("proactive."))  # page 1-2: text


# --- specks: never a number, never in a number -----------------------------------------------


def _ink(*boxes: tuple[int, int, int, int]) -> Any:
    import numpy as np

    ink = np.zeros((40, 120), dtype=np.uint8)
    for x0, y0, x1, y1 in boxes:
        ink[y0:y1, x0:x1] = 255
    return ink


def test_a_speck_clump_in_an_empty_cell_is_not_text() -> None:
    from extract.ocr.read import _has_glyph

    # two clumps of 5 and 4 pixels (what a 150 dpi scan's speckle makes): read as `5` before
    assert not _has_glyph(_ink((40, 10, 45, 15), (60, 20, 64, 24)))
    assert _has_glyph(_ink((40, 8, 52, 32)))  # a digit, 24 px high at the ~200 dpi of reading
    assert _has_glyph(_ink((40, 20, 55, 23)))  # a dash: a blank mark, wide and thin


def test_stray_marks_are_beside_the_digits_never_between_them() -> None:
    from extract.ocr.read import _stray_marks

    digits = ((10, 8, 24, 32), (30, 8, 44, 32))
    trailing = _stray_marks(_ink(*digits, (50, 28, 53, 31)))  # `12.` -> the dot is a mark
    assert trailing is not None and trailing[29, 51] and not trailing[20, 15]
    above = _stray_marks(_ink(*digits, (26, 1, 29, 4)))  # a speck over the digits
    assert above is not None and above[2, 27]
    # `1.5`: a point between digits is part of the number
    assert _stray_marks(_ink((10, 8, 24, 32), (28, 28, 31, 31), (36, 8, 50, 32))) is None


def test_a_minus_sign_is_no_stray_mark_and_a_speck_is_no_minus() -> None:
    from extract.ocr.read import _minus_sign, _stray_marks

    digits = ((20, 8, 34, 32), (40, 8, 54, 32))
    minus = _ink((8, 19, 16, 22), *digits)  # `-16`: a dash at the digits' mid-height
    assert _minus_sign(minus)
    assert _stray_marks(minus) is None  # re-read without it, -16 became 16 with full confidence
    assert not _minus_sign(_ink((12, 18, 16, 22), *digits))  # a speck: a blot, not a dash
    assert not _minus_sign(_ink((8, 29, 16, 32), *digits))  # an underscore: not at mid-height
    assert not _minus_sign(_ink(*digits))


def test_a_band_of_specks_below_a_number_is_not_a_line() -> None:
    from extract.ocr.read import _text_lines

    # a number at the top of a tall cell (the 2019 layout), specks of 3 to 5 pixels lower
    # down: read, the specks' band gave nothing, and the cell's confidence was that of it
    ink = _ink((10, 4, 24, 28), (30, 4, 44, 28), (60, 33, 64, 37), (90, 34, 95, 38))
    assert _text_lines(ink) == [(10, 4, 44, 28)]


def test_touching_character_strokes_are_no_ruling() -> None:
    import numpy as np

    from extract.ocr.grid import find_tables, line_masks

    # a 2 x 3 ruled table; in one cell a run of ink as long as a narrow cell's ruling (the
    # top strokes of `行政强制` in a blurred print), ending inside its cell
    ink = np.zeros((2339, 1654), dtype=np.uint8)  # an A4 page at the 200 dpi of reading
    for y in (100, 200, 300):
        ink[y : y + 3, 100:1500] = 255
    for x in (100, 600, 1000, 1500):
        ink[100:303, x : x + 3] = 255
    ink[220:224, 130:230] = 255  # the strokes' run: 100 pixels, 27 from the cell's side
    ink[224:250, 130:230:12] = 255  # and the characters below it
    horizontal, vertical = line_masks(ink)
    assert not horizontal[220:224, 130:230].any()  # not cut out of the text as a ruling
    assert horizontal[201, 100:1500].all()
    (table,) = find_tables(ink, horizontal, vertical)
    assert (table.nrows, table.ncols) == (2, 3)


FONT = Path("/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc")


def _line(text: str) -> Any:
    """A line of text printed in the reports' font, black on white, as a cell crop."""
    import numpy as np
    from PIL import Image, ImageDraw, ImageFont

    font = ImageFont.truetype(str(FONT), 24)
    x0, y0, x1, y1 = font.getbbox(text)
    img = Image.new("L", (x1 - x0 + 6, y1 - y0 + 6), 255)
    ImageDraw.Draw(img).text((3 - x0, 3 - y0), text, font=font, fill=0)
    return np.array(img)


@needs_ocr
@pytest.mark.skipif(not FONT.exists(), reason="no CJK font: apt-get install fonts-noto-cjk")
def test_a_lone_digit_reads_the_same_beside_a_wider_line() -> None:
    from extract.ocr.engine import recognise

    # one batch: the digit padded to the label's width. Padded in white (not the grey the
    # model was trained with) a lone 0 read as 。 and 3 as ③
    label = _line("其他对外管理服务事项")
    for digit in "0123456789":
        (text, confidence), (beside, _) = recognise([_line(digit), label])
        assert (text, beside) == (digit, "其他对外管理服务事项") and confidence >= 0.99


@needs_ocr
def test_a_long_line_is_read_in_pieces_whole() -> None:
    from extract.ocr import engine

    line = _line("本机关坚持以习近平新时代中国特色社会主义思想为指导认真贯彻落实政府信息公开条例")
    assert line.shape[1] * engine.REC_HEIGHT / line.shape[0] > engine.LONG_LINE  # read in two pieces
    text, confidence = engine.recognise([line])[0]
    assert text == "本机关坚持以习近平新时代中国特色社会主义思想为指导认真贯彻落实政府信息公开条例"
    assert confidence > 0.9


@needs_ocr
@needs_soffice
def test_a_scan_of_the_2019_layout_reads_its_cells_and_signs(tmp_path: Path) -> None:
    # a generated 2019-format report (numbers drawn for it, negative 本年增/减 among them):
    # numbers at the top of tall cells, specks under them, rows of touching strokes
    info = scans.synthetic_2019(scans.SYNTHETIC_2019[1])
    truth = scans.printed_truth(info)
    assert any(isinstance(v, int) and v < 0 for v in truth.values())
    pdf = scans.render_pdf(info, tmp_path)
    pages = scans.scanned_pages(pdf, scans.LEVELS["scan"], scans.seed_for(info["_name"], "scan"))
    report = extract_bytes(scans.image_pdf(pages, 150), "2019.pdf").to_json()
    s = scans.score(report, truth)
    assert s["wrong"] == 0  # no sign lost: section 二 has no arithmetic to catch one
    assert s["exact"] >= 0.98 * s["cells"]  # 164 of 198 before
