"""Make scanned reports whose every number is known: the OCR tests' material.

    python -m tests.scans [OUT_DIR [LEVEL,...]]   # the figures per noise level (needs LibreOffice)

A report's truth (a `.json` of `tests/corpus`) is written into the official 2021 Word
template (`tests/corpus/dev-pdf/template-2021-blank.docx`, cells filled by position; a
2019 report into the 2019 official layout that `tests/make_documents.py` builds from
report-format.md, with generated 2019 reports beside the corpus's one), LibreOffice prints it
as PDF, pypdfium2 rasterises the pages, and `degrade` makes them look scanned at one of
`LEVELS`: resolution, speckle, blur, tilt (at most 2 degrees), JPEG artefacts and the
uneven light of a photographed page. Every random choice comes from a `random.Random`
seeded by the report and level, so a run is reproducible. Nothing is written into the
repository: the tests make their scans in a temporary folder.
"""

from __future__ import annotations

import io
import json
import random
import shutil
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

TESTS = Path(__file__).resolve().parent
TEMPLATE_2021 = TESTS / "corpus" / "dev-pdf" / "template-2021-blank.docx"
SEED = 14_2021  # the renderer's own seed: the same scans on every run


@dataclass(frozen=True)
class Level:
    """How degraded a scan is."""

    name: str
    dpi: int
    tilt: float  # maximum degrees either way
    speckle: float  # share of pixels flipped to black or white
    blur: float  # Gaussian sigma in pixels (0: none)
    jpeg: int | None  # JPEG quality (None: lossless)
    light: float  # darkening of the far corner (0: even light)


LEVELS = {
    "clean": Level("clean", 150, 0.0, 0.0, 0.0, None, 0.0),
    "scan": Level("scan", 150, 1.0, 0.002, 0.6, 60, 0.0),
    "photo": Level("photo", 150, 2.0, 0.003, 0.8, 45, 0.35),
    "low": Level("low", 100, 1.5, 0.002, 0.5, 50, 0.15),
}


def has_libreoffice() -> bool:
    return bool(shutil.which("soffice") or shutil.which("libreoffice"))


def _set_text(cell: Any, text: str) -> None:
    """Replace a template cell's text, keeping its first paragraph's formatting."""
    paragraphs = cell.paragraphs
    for p in paragraphs[1:]:
        p._p.getparent().remove(p._p)
    p = paragraphs[0]
    for r in p.runs[1:]:
        r._r.getparent().remove(r._r)
    if p.runs:
        p.runs[0].text = text
    else:
        p.add_run(text)


def printed(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def fill_template_2021(info: dict[str, Any], path: Path) -> Path:
    """The official 2021 template with the report's title and numbers written in."""
    import docx

    from extract.template import all_keys

    truth = info["truth"]
    doc = docx.Document(str(TEMPLATE_2021))
    title = doc.paragraphs[0]
    for p in doc.paragraphs:
        if "年度报告" in p.text:
            title = p
            break
    for r in title.runs[1:]:
        r._r.getparent().remove(r._r)
    title.runs[0].text = info["title"]
    proactive, applications, review = doc.tables[:3]
    rows = {2: "regulations", 3: "normative_documents"}
    for r, row in rows.items():
        for c, col in enumerate(("issued", "repealed", "in_force"), start=1):
            _set_text(proactive.rows[r].cells[c], printed(truth.get(f"proactive.{row}.{col}")))
    for r, key in {6: "licensing.decisions", 9: "penalty.decisions", 10: "coercion.decisions"}.items():
        _set_text(proactive.rows[r].cells[1], printed(truth.get(f"proactive.{key}")))
    _set_text(proactive.rows[13].cells[1], printed(truth.get("proactive.fees.amount")))
    app_keys = [k for k in all_keys("2021") if k.startswith("applications.")]
    for i in range(25):
        for c in range(7):
            key = app_keys[7 * i + c]
            _set_text(applications.rows[3 + i].cells[3 + c], printed(truth.get(key)))
    review_keys = [k for k in all_keys("2021") if k.startswith("review_litigation.")]
    for c, key in enumerate(review_keys):
        _set_text(review.rows[3].cells[c], printed(truth.get(key)))
    doc.core_properties.title = info["title"]
    doc.save(str(path))
    return path


def printed_truth(info: dict[str, Any]) -> dict[str, Any]:
    """The cells the rendering prints, with the value a reader of it gets (an absent one
    prints as an empty cell: None). The 2021 template has no row for a (六) subtotal."""
    from extract.template import all_keys

    truth = info["truth"]
    if info["template"] != "2021":
        return dict(truth)
    keys = [k for k in all_keys("2021") if not k.startswith("applications.other_handling.")]
    return {k: truth.get(k) for k in keys}


def render_pdf(info: dict[str, Any], workdir: Path) -> Path:
    """The report printed as PDF by LibreOffice (2021: the official template; 2019: our layout)."""
    from tests.make_documents import build_docx, soffice

    name = Path(info.get("_name", "report")).stem
    if info["template"] == "2021":
        source = fill_template_2021(info, workdir / f"{name}.docx")
    else:
        source = build_docx(info, workdir / f"{name}.docx", prose_paragraphs=1)
    return soffice(source, "pdf", workdir)


def rasterise(pdf: Path, dpi: int) -> list[np.ndarray]:
    import pypdfium2

    document = pypdfium2.PdfDocument(str(pdf))
    try:
        return [np.array(page.render(scale=dpi / 72).to_pil().convert("L")) for page in document]
    finally:
        document.close()


def degrade(gray: np.ndarray, level: Level, rng: random.Random) -> np.ndarray:
    """A clean page image made to look scanned or photographed at `level`."""
    import cv2

    img = gray.astype(np.float32)
    h, w = img.shape
    if level.light:
        # light falling off towards one corner, as on a page photographed under a lamp
        yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
        cx, cy = rng.choice([(0, 0), (w, 0), (0, h), (w, h)])
        dist = np.sqrt((xx - cx) ** 2 + (yy - cy) ** 2) / np.hypot(w, h)
        img = img * (1 - level.light * (1 - dist))
    if level.tilt:
        angle = rng.uniform(-level.tilt, level.tilt)
        m = cv2.getRotationMatrix2D((w / 2, h / 2), angle, 1.0)
        img = cv2.warpAffine(img, m, (w, h), flags=cv2.INTER_LINEAR, borderValue=255)
    if level.blur:
        img = cv2.GaussianBlur(img, (0, 0), level.blur)
    nrng = np.random.default_rng(rng.randrange(2**32))
    img = img + nrng.normal(0, 6, img.shape).astype(np.float32)  # sensor noise
    out = np.clip(img, 0, 255).astype(np.uint8)
    if level.speckle:
        flips = nrng.random(out.shape) < level.speckle
        out[flips] = np.where(nrng.random(int(flips.sum())) < 0.5, 0, 255).astype(np.uint8)
    if level.jpeg:
        ok, buf = cv2.imencode(".jpg", out, [cv2.IMWRITE_JPEG_QUALITY, level.jpeg])
        assert ok
        out = cv2.imdecode(buf, cv2.IMREAD_GRAYSCALE)
    return out


def scanned_pages(pdf: Path, level: Level, seed: int) -> list[np.ndarray]:
    rng = random.Random(seed)
    return [degrade(page, level, rng) for page in rasterise(pdf, level.dpi)]


def image_pdf(pages: list[np.ndarray], dpi: int) -> bytes:
    """An image-only PDF of the pages (as a scanner writes it: one JPEG per page)."""
    from PIL import Image

    images = [Image.fromarray(p) for p in pages]
    buf = io.BytesIO()
    images[0].save(buf, "PDF", resolution=dpi, save_all=True, append_images=images[1:], quality=85)
    return buf.getvalue()


def image_file(page: np.ndarray, fmt: str) -> bytes:
    from PIL import Image

    buf = io.BytesIO()
    Image.fromarray(page).save(buf, fmt, **({"quality": 85} if fmt == "JPEG" else {}))
    return buf.getvalue()


def seed_for(name: str, level: str) -> int:
    return SEED + sum(map(ord, name + level))


def score(report: dict[str, Any], truth: dict[str, Any]) -> dict[str, int]:
    """Exact cells, and wrong cells in a report whose checks all pass (the worst defect)."""
    cells = report.get("cells") or {}
    exact = sum(1 for k, v in truth.items() if k in cells and cells[k] == v)
    wrong = sum(1 for k, v in cells.items() if k in truth and v != truth[k])
    passing = all(c["ok"] is not False for c in report.get("checks") or [])
    return {"cells": len(truth), "exact": exact, "wrong": wrong, "wrong_passing": wrong if passing else 0}


CORPUS_REPORTS = [
    "dev-pdf/hongze-2024.json",
    "dev-pdf/hongze-2023.json",
    "dev-pdf/huaian-szfgs-2024.json",
    "seed/baicheng-2019.json",
]


# Reports in the 2019 official format whose every cell is known: the corpus has one (白城市),
# so the renderer makes more with numbers that satisfy every equation of the tables.
SYNTHETIC_2019 = (
    "示例县教育局2019年政府信息公开工作年度报告",
    "示例市人民政府2020年政府信息公开工作年度报告",
)


def load_truth(rel: str) -> dict[str, Any]:
    info = json.loads((TESTS / "corpus" / rel).read_text(encoding="utf-8"))
    info["_name"] = rel.replace("/", "-")
    return info


def synthetic_2019(title: str) -> dict[str, Any]:
    """A 2019-format report with generated numbers (`make_documents.synthetic_truth`),
    seeded by its title: the same report on every run."""
    from tests.make_documents import synthetic_truth

    year = int(title.split("年")[0][-4:])
    return {
        "title": title,
        "agency": title.split(str(year))[0],
        "year": year,
        "template": "2019",
        "truth": synthetic_truth(SEED + sum(map(ord, title)), "2019"),
        "_name": f"synthetic-2019-{sum(map(ord, title)) % 1000}.json",
    }


def measured_reports() -> list[dict[str, Any]]:
    """What `python -m tests.scans` measures: the corpus reports with full truth (three in
    the 2021 template, one in the 2019), and the synthetic 2019 ones."""
    return [load_truth(rel) for rel in CORPUS_REPORTS] + [synthetic_2019(t) for t in SYNTHETIC_2019]


def main() -> None:
    """Render every corpus report at every level, extract, and print the figures per level."""
    import time

    from extract import extract_bytes

    out = Path(sys.argv[1]) if len(sys.argv) > 1 else Path(tempfile.mkdtemp(prefix="xxgk-scans-"))
    out.mkdir(parents=True, exist_ok=True)
    totals: dict[str, dict[str, float]] = {}
    levels = sys.argv[2].split(",") if len(sys.argv) > 2 else list(LEVELS)
    for info in measured_reports():
        pdf = render_pdf(info, out)
        for level in (LEVELS[name] for name in levels):
            pages = scanned_pages(pdf, level, seed_for(info["_name"], level.name))
            data = image_pdf(pages, level.dpi)
            (out / f"{Path(info['_name']).stem}-{level.name}.pdf").write_bytes(data)
            start = time.perf_counter()
            report = extract_bytes(data, f"{info['_name']}:{level.name}").to_json()
            seconds = time.perf_counter() - start
            s = score(report, printed_truth(info))
            t = totals.setdefault(
                level.name, {"cells": 0, "exact": 0, "wrong_passing": 0, "pages": 0, "s": 0}
            )
            for k in ("cells", "exact", "wrong_passing"):
                t[k] += s[k]
            t["pages"] += len(pages)
            t["s"] += seconds
            print(
                f"{info['_name']:32} {level.name:6} exact {s['exact']}/{s['cells']} wrong {s['wrong']} "
                f"wrong behind passing checks {s['wrong_passing']}  {seconds / len(pages):.1f} s/page",
                flush=True,
            )
    print("\nlevel   exact share  wrong behind passing checks  s/page")
    for name, t in totals.items():
        print(
            f"{name:7} {t['exact'] / t['cells']:.4f}       {int(t['wrong_passing'])}"
            f"                            {t['s'] / t['pages']:.1f}"
        )


if __name__ == "__main__":
    main()
