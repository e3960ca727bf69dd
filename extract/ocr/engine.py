"""The text recogniser: RapidOCR (PP-OCRv4 detection and recognition, inside the wheel).

Loaded once per process, on first use, and run on one thread: the pipeline already
runs documents in parallel where it can, and onnxruntime's own threads would fight
them for the cores. `XXGK_OCR_THREADS` overrides that.
"""

from __future__ import annotations

from typing import Any

import cv2
import numpy as np

from extract import settings
from extract.model import ReadError
from extract.ocr import OCR_EXTRA

_engine: Any = None


def engine() -> Any:
    """The RapidOCR instance; a clear error naming the extra when it is not installed."""
    global _engine
    if _engine is None:
        try:
            from rapidocr_onnxruntime import RapidOCR
        except ImportError:
            raise ReadError(
                f"image-only; OCR needed, and the OCR engine is not installed: {OCR_EXTRA}"
            ) from None
        threads = settings.current().ocr_threads
        _engine = RapidOCR(intra_op_num_threads=threads, inter_op_num_threads=1)
    return _engine


REC_HEIGHT = 48
BATCH = 8


def recognise(crops: list[np.ndarray]) -> list[tuple[str, float]]:
    """(text, confidence) for each crop of one text line (greyscale).

    The engine's own loop pads every line to 320 pixels of width; a lone digit then
    costs as much as a long label. Here the lines are sorted by width and each batch is
    as wide as its widest line. The padding is grey (0 after normalising), as the model
    was trained: padded in white, a lone `0` in a batch of wider lines looks like a small
    mark in a wide margin and reads as `。`, or as nothing.

    The confidence is the lowest over the line's characters of the probability of the
    character read; for a digit, of that digit against the other digits (and the blank
    of the CTC decoder), since what matters in a number is which digit it is: a `0`
    that the model also finds a little like `O` or `。` is still surely not an `8`.
    """
    if not crops:
        return []
    rec = engine().text_rec
    decoder = rec.postprocess_op
    chars = decoder.character
    digits = _digit_indices(chars)
    resized = []
    for c in crops:
        h, w = c.shape[:2]
        width = max(8, round(w * REC_HEIGHT / max(h, 1)))
        resized.append(cv2.resize(c, (width, REC_HEIGHT), interpolation=cv2.INTER_LINEAR))
    order = sorted(range(len(resized)), key=lambda i: resized[i].shape[1])
    out: list[tuple[str, float]] = [("", 0.0)] * len(resized)
    for start in range(0, len(order), BATCH):
        idx = order[start : start + BATCH]
        width = max(resized[i].shape[1] for i in idx)
        batch = np.zeros((len(idx), 3, REC_HEIGHT, width), dtype=np.float32)
        for b, i in enumerate(idx):
            img = (resized[i].astype(np.float32) / 255.0 - 0.5) / 0.5
            batch[b, :, :, : img.shape[1]] = img
        preds = rec.session(batch)[0]
        for b, i in enumerate(idx):
            out[i] = _decode(preds[b], chars, digits)
    return out


def _digit_indices(chars: list[str]) -> np.ndarray:
    return np.array([i for i, ch in enumerate(chars) if len(ch) == 1 and ch in "0123456789"])


def _decode(pred: np.ndarray, chars: list[str], digits: np.ndarray) -> tuple[str, float]:
    """CTC greedy decoding of one line, with the confidence described in `recognise`."""
    best = pred.argmax(axis=1)
    text: list[str] = []
    confidences: list[float] = []
    last = -1
    for t, k in enumerate(best):
        if k != 0 and k != last:
            ch = chars[k]
            text.append(ch)
            if ch in "0123456789":
                confidences.append(float(pred[t, k] / max(pred[t, digits].sum(), 1e-9)))
            else:
                confidences.append(float(pred[t, k]))
        last = k
    return "".join(text), (min(confidences) if confidences else 0.0)


DETECT_WIDTH = 830  # pixels: an A4 page's width at 100 dpi


def detect(gray: np.ndarray) -> list[tuple[int, int, int, int]]:
    """The boxes (x0, y0, x1, y1) of the text lines of an image, top to bottom.

    Detection runs on a copy reduced to about 100 dpi (by width, so that a tall image of
    pages stacked keeps its scale): a body text line is still tens of pixels tall there,
    and detection costs in proportion to the pixels.
    """
    h, w = gray.shape
    scale = min(1.0, DETECT_WIDTH / w)
    small = cv2.resize(gray, (int(w * scale), int(h * scale)), interpolation=cv2.INTER_AREA)
    boxes, _elapsed = engine().text_det(np.repeat(small[:, :, None], 3, axis=2))
    out = []
    for points in boxes if boxes is not None else []:
        xs = [p[0] / scale for p in points]
        ys = [p[1] / scale for p in points]
        out.append((int(min(xs)), int(min(ys)), int(max(xs)) + 1, int(max(ys)) + 1))
    out.sort(key=lambda b: (b[1], b[0]))
    return out
