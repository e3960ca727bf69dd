"""The crop of a page an OCR'd number was read from: a researcher checks it by eye.

The database keeps, for each OCR'd cell, its page and pixel box (`cell_details`); the
document itself is in the crawler's store (`<data>/docs/<sha>`), or, for a report loaded
from a file, at its source path. The page is rendered as OCR saw it (a PDF page at
`extract.ocr.image.PDF_DPI`, an image as stored) and cut around the box.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from db.load import document_path
from db.scanned_pages import ScannedPages
from extract.model import ReadError

MARGIN = 40  # pixels of context around the cell


class CropError(Exception):
    """The cell, its box or its document cannot be found; the message says which."""


@dataclass(slots=True)
class CellCrop:
    png: bytes
    value: object
    raw: str | None
    page: int
    box: tuple[int, int, int, int]
    confidence: float | None
    placement: str
    document: Path


def _document(conn: sqlite3.Connection, report_id: int, data_dir: Path) -> Path:
    row = conn.execute(
        "SELECT r.source, d.sha256 FROM reports r LEFT JOIN documents d ON d.id = r.document_id "
        "WHERE r.id = ?",
        (report_id,),
    ).fetchone()
    if row is None:
        raise CropError(f"no report with id {report_id}")
    source, sha = row
    candidates = ([document_path(data_dir, sha)] if sha else []) + ([Path(source)] if source else [])
    for path in candidates:
        if path.is_file():
            return path
    raise CropError(
        f"report {report_id}: its document is not found (looked at {', '.join(map(str, candidates))})"
    )


def _page(conn: sqlite3.Connection, report_id: int, path: Path, page: int, data_dir: Path) -> Any:
    """Page `page` as OCR read it. A scanned report page (HTML whose body is images) numbers
    its pages across its images, in page order: the image holding page `page` is found so."""
    from extract.ocr.image import image_pages, page_image
    from extract.page_images import local_image_paths
    from extract.sniff import sniff

    data = path.read_bytes()
    if sniff(data) != "html":
        return page_image(data, page)
    row = conn.execute(
        "SELECT d.* FROM reports r JOIN documents d ON d.id = r.document_id WHERE r.id = ?", (report_id,)
    )
    names = [c[0] for c in row.description] if row.description else []
    first = row.fetchone()
    scan = ScannedPages(conn, data_dir).report_of(dict(zip(names, first, strict=True))) if first else None
    images = scan.images if scan else tuple(local_image_paths(path, data))
    seen = 0
    for _url, image in images:
        if image is None:
            continue
        try:
            frames = image_pages(Path(image).read_bytes())
        except (OSError, ReadError):
            continue  # not read when the report was made either: it holds no page
        if page <= seen + len(frames):
            return frames[page - seen - 1]
        seen += len(frames)
    raise CropError(f"report {report_id}: page {page} is in none of its page's {len(images)} images")


def cell_crop(conn: sqlite3.Connection, report_id: int, key: str, data_dir: Path) -> CellCrop:
    row = conn.execute(
        "SELECT value, raw, page, box, confidence, placement FROM cell_values "
        "WHERE report_id = ? AND key = ?",
        (report_id, key),
    ).fetchone()
    if row is None:
        raise CropError(f"report {report_id} has no cell {key}")
    value, raw, page, box_text, confidence, placement = row
    if page is None or not box_text:
        raise CropError(f"report {report_id}, {key}: not read by OCR (no page box); its raw text is {raw!r}")
    box = tuple(int(v) for v in box_text.split(","))
    path = _document(conn, report_id, data_dir)
    import cv2

    gray = _page(conn, report_id, path, page, data_dir)
    h, w = gray.shape
    x0, y0, x1, y1 = box
    crop = cv2.cvtColor(
        gray[max(0, y0 - MARGIN) : min(h, y1 + MARGIN), max(0, x0 - MARGIN) : min(w, x1 + MARGIN)],
        cv2.COLOR_GRAY2BGR,
    )
    ox, oy = max(0, x0 - MARGIN), max(0, y0 - MARGIN)
    cv2.rectangle(crop, (x0 - ox, y0 - oy), (x1 - ox, y1 - oy), (0, 0, 255), 2)  # the cell, in red
    ok, png = cv2.imencode(".png", crop)
    if not ok:
        raise CropError("the crop could not be encoded as PNG")
    return CellCrop(png.tobytes(), value, raw, page, box, confidence, placement, path)  # type: ignore[arg-type]
