"""The text recogniser: RapidOCR (PP-OCRv4 detection and recognition, inside the wheel).

Loaded once per process, on first use, and run on one thread: the pipeline already
runs documents in parallel where it can, and onnxruntime's own threads would fight
them for the cores. `XXGK_OCR_THREADS` overrides that.
"""

from __future__ import annotations

from itertools import pairwise
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
BATCH_PIXELS = 800  # widths (at REC_HEIGHT) summed over a batch's lines, padding included
LONG_LINE = 1000  # a line wider than this (at REC_HEIGHT) is read in pieces


def recognise(crops: list[np.ndarray]) -> list[tuple[str, float]]:
    """(text, confidence) for each crop of one text line (greyscale).

    The cost of the recognition model per pixel of width is least for batches of about
    `BATCH_PIXELS` (many lone digits in one run, a label alone) and grows past that: its
    tensors outgrow the processor's caches, and its attention layers cost the square of
    a line's length. So the lines are sorted by width and grouped into batches of that
    size, and a line longer than `LONG_LINE` (a line of prose) is read in pieces cut at
    the whitest column between characters (`_pieces`), their texts joined.

    The padding of a batch's narrower lines is grey (0 after normalising), as the model
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
    pieces: list[np.ndarray] = []
    owner: list[int] = []  # the crop each piece belongs to
    for n, c in enumerate(crops):
        h, w = c.shape[:2]
        width = max(8, round(w * REC_HEIGHT / max(h, 1)))
        line = cv2.resize(c, (width, REC_HEIGHT), interpolation=cv2.INTER_LINEAR)
        for piece in _pieces(line):
            pieces.append(piece)
            owner.append(n)
    read: list[tuple[str, float]] = [("", 0.0)] * len(pieces)
    for idx in _batches([p.shape[1] for p in pieces]):
        width = max(pieces[i].shape[1] for i in idx)
        batch = np.zeros((len(idx), 3, REC_HEIGHT, width), dtype=np.float32)
        for b, i in enumerate(idx):
            img = (pieces[i].astype(np.float32) / 255.0 - 0.5) / 0.5
            batch[b, :, :, : img.shape[1]] = img
        preds = rec.session(batch)[0]
        for b, i in enumerate(idx):
            read[i] = _decode(preds[b], chars, digits)
    texts: list[list[str]] = [[] for _ in crops]
    confidence = [1.0] * len(crops)
    for i, (text, score) in enumerate(read):
        texts[owner[i]].append(text)
        confidence[owner[i]] = min(confidence[owner[i]], score)
    return [("".join(t), confidence[n] if "".join(t) else 0.0) for n, t in enumerate(texts)]


def _batches(widths: list[int]) -> list[list[int]]:
    """Indexes of lines in batches: by width, each batch's lines as many as fit, padded to
    the widest, in `BATCH_PIXELS` (a line wider than that alone)."""
    order = sorted(range(len(widths)), key=lambda i: widths[i])
    batches: list[list[int]] = []
    for i in order:
        if batches and (len(batches[-1]) + 1) * widths[i] <= BATCH_PIXELS:
            batches[-1].append(i)
        else:
            batches.append([i])
    return batches


def _pieces(line: np.ndarray) -> list[np.ndarray]:
    """A resized line cut into pieces no longer than about `LONG_LINE`, each cut at the
    whitest column within a character's width of where an even cut would fall."""
    width = line.shape[1]
    n = -(-width // LONG_LINE)
    if n <= 1:
        return [line]
    ink = (255 - line.astype(np.int32)).sum(axis=0)
    cuts = [0]
    for k in range(1, n):
        target = width * k // n
        lo, hi = max(cuts[-1] + 1, target - REC_HEIGHT), min(width - 1, target + REC_HEIGHT)
        cuts.append(lo + int(np.argmin(ink[lo:hi])))
    cuts.append(width)
    return [line[:, a:b] for a, b in pairwise(cuts) if b > a]


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
