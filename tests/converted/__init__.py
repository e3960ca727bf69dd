"""PDF reports as real converters turn them into text (see make.py), and their scoring.

`python -m tests.converted` prints the recall of every converter, and of every
document under `-v`.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

HERE = Path(__file__).parent
CONVERTERS = (
    "pdftotext",
    "pdftotext-raw",
    "pdftotext-layout",
    "pdfminer",
    "pymupdf",
    "pymupdf4llm",
    "markitdown",
)


@dataclass
class Converted:
    converter: str
    name: str
    path: Path
    truth: dict[str, Any]


@dataclass
class Score:
    right: int = 0
    expected: int = 0
    absent: list[str] = field(default_factory=list)
    wrong: list[str] = field(default_factory=list)
    # a 0 the arithmetic placed where the PDF printed a blank cell (the converter dropped it)
    zero_for_blank: list[str] = field(default_factory=list)


def documents(converter: str | None = None) -> list[Converted]:
    """Every converted document with its truth (of one converter, or all)."""
    out = []
    for conv in CONVERTERS if converter is None else (converter,):
        for path in sorted((HERE / conv).glob("*.*")):
            meta = json.loads((HERE / "truth" / f"{path.stem}.json").read_text(encoding="utf-8"))
            out.append(Converted(conv, path.stem, path, meta["truth"]))
    return out


def score(doc: Converted) -> Score:
    """Each truth cell right, absent or wrong; a cell the truth does not hold is wrong."""
    from extract import extract_bytes

    report = extract_bytes(doc.path.read_bytes(), doc.path.name)
    s = Score(expected=len(doc.truth))
    for key, want in doc.truth.items():
        cell = report.cells.get(key)
        if cell is None:
            s.absent.append(key)
        elif want is None and cell.value == 0 and cell.placed == "arithmetic":
            s.zero_for_blank.append(key)
        elif cell.value == want or (
            isinstance(want, float) and cell.value is not None and abs(cell.value - want) < 1e-9
        ):
            s.right += 1
        else:
            s.wrong.append(f"{key}: expected {want!r}, got {cell.value!r} (printed {cell.raw!r})")
    s.wrong += [
        f"{k}: not in the truth, got {c.value!r}" for k, c in report.cells.items() if k not in doc.truth
    ]
    return s


def main() -> None:
    import sys

    verbose = "-v" in sys.argv[1:]
    print(f"{'converter':<18}{'cells':>7}{'right':>7}{'wrong':>7}{'recall':>8}{'0 for blank':>13}")
    for conv in CONVERTERS:
        total = Score()
        for doc in documents(conv):
            s = score(doc)
            total.expected += s.expected
            total.right += s.right
            total.wrong += s.wrong
            total.zero_for_blank += s.zero_for_blank
            if verbose:
                recall = s.right / max(1, s.expected)
                print(
                    f"  {doc.name:<22}{s.expected:>7}{s.right:>7}{len(s.wrong):>7}{recall:>8.3f}{len(s.zero_for_blank):>13}"
                )
                for w in s.wrong[:5]:
                    print(f"      wrong {w}")
        recall = total.right / max(1, total.expected)
        print(
            f"{conv:<18}{total.expected:>7}{total.right:>7}{len(total.wrong):>7}{recall:>8.3f}{len(total.zero_for_blank):>13}"
        )
