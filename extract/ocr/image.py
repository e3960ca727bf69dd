"""Page images for OCR: decoded, deskewed, and turned into an ink mask.

Scans arrive tilted (up to a few degrees), speckled, blurred, JPEG-compressed and, when
photographed, lit unevenly. The tilt is measured on the ink itself (the angle at which
the rows of ink are sharpest, i.e. the row-sum profile has the most variance) and undone
before anything is read; the ink mask uses a local threshold, so a darker corner of a
photographed page does not turn into ink.
"""

from __future__ import annotations

from dataclasses import dataclass
from io import BytesIO

import cv2
import numpy as np

from extract.model import ReadError

PDF_DPI = 200  # PDF pages are rendered at this resolution: boxes are pixels of that rendering
A4_WIDTH_AT_PDF_DPI = 1654  # pixels: 8.27 inches at PDF_DPI
MAX_TILT = 3.0  # degrees searched either way
MAX_PIXELS = 40_000_000  # a bigger image is a decompression bomb, not a report page


@dataclass(slots=True)
class PageImage:
    """One page as OCR sees it: the greyscale image and how it was straightened."""

    number: int  # 1-based page number in the document
    gray: np.ndarray  # deskewed
    angle: float  # degrees the page was rotated by to straighten it
    inverse: np.ndarray  # 2x3 affine matrix: deskewed (and enlarged) pixel -> original pixel


def image_pages(data: bytes) -> list[np.ndarray]:
    """The frames of an image document (a multi-page TIFF has several), in greyscale."""
    from PIL import Image, ImageSequence, UnidentifiedImageError

    Image.MAX_IMAGE_PIXELS = MAX_PIXELS
    try:
        img = Image.open(BytesIO(data))
        frames = [np.array(f.convert("L")) for f in ImageSequence.Iterator(img)]
    except UnidentifiedImageError:
        # PIL's message names only an in-memory buffer: say what it means instead
        raise ReadError("not a readable image (damaged or unknown image data)") from None
    except (OSError, ValueError, Image.DecompressionBombError) as exc:
        raise ReadError(f"not a readable image ({type(exc).__name__}: {exc})") from None
    if not frames:
        raise ReadError("an image without any frame")
    return frames


def pdf_page_image(pdf: object, index: int, dpi: int = PDF_DPI) -> np.ndarray:
    """Page `index` (0-based) of a pypdfium2 document rendered in greyscale at `dpi`."""
    page = pdf[index]  # type: ignore[index]
    bitmap = page.render(scale=dpi / 72, grayscale=True)
    arr = bitmap.to_numpy()
    if arr.ndim == 3:
        arr = cv2.cvtColor(arr, cv2.COLOR_BGR2GRAY if arr.shape[2] == 3 else cv2.COLOR_BGRA2GRAY)
    return np.ascontiguousarray(arr)


def ink_mask(gray: np.ndarray) -> np.ndarray:
    """255 where there is ink: a local (adaptive) threshold, speckles of a pixel or two removed."""
    smooth = cv2.medianBlur(gray, 3)
    block = max(15, (min(gray.shape) // 40) | 1)
    mask = cv2.adaptiveThreshold(smooth, 255, cv2.ADAPTIVE_THRESH_MEAN_C, cv2.THRESH_BINARY_INV, block, 15)
    return mask


def tilt_angle(mask: np.ndarray) -> float:
    """The page's tilt in degrees (counter-clockwise positive), measured on a reduced mask."""
    h, w = mask.shape
    scale = 800 / max(h, w)
    small = cv2.resize(mask, (max(1, int(w * scale)), max(1, int(h * scale))), interpolation=cv2.INTER_AREA)
    centre = (small.shape[1] / 2, small.shape[0] / 2)

    def sharpness(angle: float) -> float:
        m = cv2.getRotationMatrix2D(centre, angle, 1.0)
        rotated = cv2.warpAffine(small, m, (small.shape[1], small.shape[0]), flags=cv2.INTER_NEAREST)
        rows = rotated.sum(axis=1, dtype=np.float64)
        return float(np.var(rows))

    coarse = max(np.arange(-MAX_TILT, MAX_TILT + 0.01, 0.25), key=sharpness)
    fine = max(np.arange(coarse - 0.25, coarse + 0.26, 0.05), key=sharpness)
    return float(round(fine, 2))


def reading_scale(width: int) -> float:
    """How much to enlarge a page image before reading it: to about `PDF_DPI` for a page
    of A4 width. A JPG or PNG scanned at 150 dpi or less reads worse at its own size (the
    recogniser misses strokes of small characters, the speck filter eats them) than the
    same page from a PDF, which is rendered at `PDF_DPI`. Never shrunk; at most 2.5x."""
    return float(min(2.5, max(1.0, A4_WIDTH_AT_PDF_DPI / max(width, 1))))


def straighten(gray: np.ndarray, number: int) -> PageImage:
    """The page enlarged to reading size (`reading_scale`) and deskewed (white fills the
    corners), with the way back to the pixels of the page as stored."""
    scale = reading_scale(gray.shape[1])
    if scale > 1.05:
        gray = cv2.resize(gray, None, fx=scale, fy=scale, interpolation=cv2.INTER_CUBIC)
    else:
        scale = 1.0
    shrink = np.array([[1 / scale, 0.0, 0.0], [0.0, 1 / scale, 0.0], [0.0, 0.0, 1.0]])
    angle = tilt_angle(ink_mask(gray))
    h, w = gray.shape
    if abs(angle) < 0.05:
        return PageImage(number, gray, 0.0, shrink[:2])
    m = cv2.getRotationMatrix2D((w / 2, h / 2), angle, 1.0)
    rotated = cv2.warpAffine(gray, m, (w, h), flags=cv2.INTER_LINEAR, borderValue=255)
    back = np.vstack([cv2.invertAffineTransform(m), [0.0, 0.0, 1.0]])
    return PageImage(number, rotated, angle, (shrink @ back)[:2])


def original_box(page: PageImage, box: tuple[int, int, int, int]) -> tuple[int, int, int, int]:
    """A box of the deskewed page as the box that holds it on the page as stored."""
    x0, y0, x1, y1 = box
    corners = np.array([[x0, y0, 1], [x1, y0, 1], [x0, y1, 1], [x1, y1, 1]], dtype=np.float64)
    pts = corners @ page.inverse.T
    return (
        int(np.floor(pts[:, 0].min())),
        int(np.floor(pts[:, 1].min())),
        int(np.ceil(pts[:, 0].max())),
        int(np.ceil(pts[:, 1].max())),
    )


def page_image(data: bytes, page: int) -> np.ndarray:
    """Page `page` (1-based) of a document as OCR read it, before straightening."""
    from extract.sniff import sniff

    kind = sniff(data)
    if kind == "pdf":
        import pypdfium2

        start = data.find(b"%PDF-", 0, 1024)
        pdf = pypdfium2.PdfDocument(data[max(start, 0) :])
        try:
            if not 1 <= page <= len(pdf):
                raise ReadError(f"the PDF has {len(pdf)} pages, not {page}")
            return pdf_page_image(pdf, page - 1)
        finally:
            pdf.close()
    frames = image_pages(data)
    if not 1 <= page <= len(frames):
        raise ReadError(f"the image has {len(frames)} page(s), not {page}")
    return frames[page - 1]
