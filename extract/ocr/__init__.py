"""OCR of scanned report pages: the table grid read from the image, then the text of each cell.

A page goes through here when it has no text layer (an image-only PDF page, a JPG, PNG,
TIFF or BMP report). The steps, one module each:

- `extract.ocr.image`: page images from the document (PDF pages rendered at `PDF_DPI`),
  deskewed, and a binary ink mask that tolerates uneven light;
- `extract.ocr.grid`: the ruled lines found by morphology, cells with their row and column
  spans; a table without rulings falls back to the rows and columns of its text boxes;
- `extract.ocr.engine`: the recogniser (RapidOCR, PP-OCRv4 models inside the wheel, run by
  onnxruntime on the CPU): an optional extra, `pip install 'xxgk[ocr]'`;
- `extract.ocr.read`: the cells' text into the labelled-cell stream the PDF and Word readers
  feed, each number with its confidence and box; a number in doubt is marked unreadable,
  never coerced (see `extract.ocr.read.read_number`).
"""

from __future__ import annotations

OCR_EXTRA = "pip install 'xxgk[ocr]'  (from a checkout: pip install -e '.[ocr]')"


def ocr_available() -> bool:
    """True when the OCR engine (the `ocr` extra) is installed."""
    try:
        import cv2  # noqa: F401
        import rapidocr_onnxruntime  # noqa: F401
    except ImportError:
        return False
    return True
