"""Reader for scans: image documents (JPG, PNG, TIFF, BMP) and PDF pages without text.

The pages are read by OCR (`extract.ocr`), which needs the optional `ocr` extra; without
it a scan fails with an error that names the extra. The result is the same
`ReadDocument` as any reader's, with `ocr_pages` saying which pages were OCR'd.
"""

from __future__ import annotations

from collections.abc import Sequence

from extract.model import ReadDocument, ReadError
from extract.ocr import OCR_EXTRA, ocr_available


def _require_ocr() -> None:
    if not ocr_available():
        raise ReadError(f"image-only; OCR needed, and the OCR engine is not installed: {OCR_EXTRA}")


def read_image(data: bytes, source: str, kind: str) -> ReadDocument:
    """An image document: every frame a page."""
    if kind not in ("png", "jpeg", "tiff", "bmp", "webp", "gif"):
        raise ReadError(f"unsupported image type ({kind})")
    _require_ocr()
    from extract.ocr.image import image_pages
    from extract.ocr.read import page_cells, read_page

    pages = [read_page(gray, n) for n, gray in enumerate(image_pages(data), start=1)]
    cells, text = page_cells(pages)
    return ReadDocument(source, text, cells, "image", ocr_pages=list(range(1, len(pages) + 1)))


def ocr_pdf_pages(data: bytes, pages: list[int]) -> tuple[list, str]:
    """OCR the given 0-based pages of a PDF: (cells, text) as `extract.ocr.read.page_cells`."""
    _require_ocr()
    import pypdfium2

    from extract.ocr.image import pdf_page_image
    from extract.ocr.read import page_cells, read_page

    start = data.find(b"%PDF-", 0, 1024)
    try:
        pdf = pypdfium2.PdfDocument(data[max(start, 0) :])
    except pypdfium2.PdfiumError as exc:
        raise ReadError(f"not a readable PDF ({exc})") from None
    try:
        read = [read_page(pdf_page_image(pdf, i), i + 1) for i in pages]
    finally:
        pdf.close()
    return page_cells(read)


def read_scanned_pdf(data: bytes, source: str, n_pages: int) -> ReadDocument:
    """A PDF of page images only: every page OCR'd."""
    cells, text = ocr_pdf_pages(data, list(range(n_pages)))
    return ReadDocument(source, text, cells, "pdf", ocr_pages=list(range(1, n_pages + 1)))


def add_scanned_pages(doc: ReadDocument, data: bytes, pages: list[int]) -> None:
    """A mixed PDF: the scanned pages' cells and text after those of its text pages."""
    numbers = ", ".join(str(p + 1) for p in pages)
    if not ocr_available():
        doc.warnings.append(f"page(s) {numbers} hold only images; their text is missing (OCR: {OCR_EXTRA})")
        return
    cells, text = ocr_pdf_pages(data, pages)
    _append(doc, cells, text, [p + 1 for p in pages])
    doc.warnings.append(f"page(s) {numbers} hold only images; read by OCR")


def _append(doc: ReadDocument, cells: list, text: str, pages: list[int]) -> None:
    """OCR'd cells and text after the document's own, in blocks and rows of their own."""
    row0 = max((c.row for c in doc.cells), default=-1) + 1
    block0 = max((c.block for c in doc.cells), default=-1) + 1
    for c in cells:
        c.row += row0
        c.block += block0
    doc.cells.extend(cells)
    doc.text = doc.text + "\n" + text if doc.text else text
    doc.ocr_pages = pages


def add_page_images(doc: ReadDocument, images: Sequence[tuple[str, bytes | None]]) -> None:
    """An HTML page whose body is images (a scanned report): the images read by OCR as
    the document's pages, in the order given (the page's), after the page's own text.

    `images` are (name, bytes), bytes None for an image that could not be had (not
    fetched, not found beside a saved page): the pages it held are missing, and a warning
    says so, so that a table cut short is explained rather than silently partial."""
    missing = [name for name, data in images if data is None]
    if missing:
        doc.warnings.append(
            f"{len(missing)} of the page's {len(images)} images are missing, their pages not read: "
            + ", ".join(missing[:5])
            + (" …" if len(missing) > 5 else "")
        )
    present = [(name, data) for name, data in images if data is not None]
    if not present:
        return
    if not ocr_available():
        doc.warnings.append(
            f"the page's body is {len(present)} image(s); their text is missing (OCR: {OCR_EXTRA})"
        )
        return
    from extract.ocr.image import image_pages
    from extract.ocr.read import Item, page_cells, read_page

    pages: list[list[Item]] = []
    for name, data in present:
        try:
            frames = image_pages(data)
        except ReadError as exc:
            doc.warnings.append(f"image {name} not read: {exc}")
            continue
        for gray in frames:  # pages numbered across the images, as show-cell counts them
            pages.append(read_page(gray, len(pages) + 1))
    if not pages:
        return
    cells, text = page_cells(pages)
    _append(doc, cells, text, list(range(1, len(pages) + 1)))
    doc.warnings.append(f"the page's body is {len(present)} image(s): {len(pages)} page(s) read by OCR")


def read_page_with_images(
    data: bytes, source: str, images: Sequence[tuple[str, bytes | None]], content_type: str | None = None
) -> ReadDocument:
    """A scanned report's HTML page and its images (in page order) as one document: the
    page's own text (title, date, a line or two) first, then the images' OCR'd pages."""
    from extract.readers import with_text
    from extract.readers.html import read_html

    doc = read_html(data, source, content_type=content_type)
    add_page_images(doc, images)
    return with_text(doc)
