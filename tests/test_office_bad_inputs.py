"""Bad PDF/Word inputs through `xxgk extract --jsonl`: each gets its exact error (or is
read for what it really is), and the other files of the same run are still extracted."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

from tests.conftest import CORPUS

DOCUMENTS = Path(__file__).parent / "documents"
GOOD = CORPUS / "dev-pdf" / "hongze-2024.pdf"
NO_SOFFICE = (
    "DOC/WPS needs LibreOffice to be read, and soffice was not found: install LibreOffice "
    "(Debian/Ubuntu: `apt-get install libreoffice-writer`; macOS: `brew install --cask libreoffice`) "
    "or set XXGK_SOFFICE to the soffice program"
)


def extract_jsonl(*paths: Path) -> tuple[subprocess.CompletedProcess[str], dict[str, dict]]:
    env = dict(os.environ, XXGK_SOFFICE="/nonexistent/soffice")  # as on a machine without LibreOffice
    run = subprocess.run(
        [sys.executable, "-m", "xxgk.cli", "extract", "--jsonl", *map(str, paths)],
        capture_output=True,
        text=True,
        timeout=300,
        env=env,
    )
    out = {Path(o["source"]).name: o for o in map(json.loads, run.stdout.splitlines())}
    return run, out


def test_bad_office_inputs_do_not_stop_the_run(tmp_path: Path) -> None:
    html_pdf = tmp_path / "report.pdf"
    html_pdf.write_text(
        "<!DOCTYPE html><html><head><title>404 Not Found</title></head>"
        "<body><h1>Not Found</h1><p>The requested URL was not found on this server.</p></body></html>",
        encoding="utf-8",
    )
    bom_pdf = tmp_path / "bom.pdf"
    bom_pdf.write_bytes(b"\xef\xbb\xbf" + (DOCUMENTS / "landscape-2021.pdf").read_bytes())
    docx_as_doc = tmp_path / "named.doc"
    shutil.copy(DOCUMENTS / "split-2021.docx", docx_as_doc)
    scan = tmp_path / "scan.pdf"
    shutil.copy(DOCUMENTS / "scan-2021.pdf", scan)
    image = tmp_path / "page.jpg"
    image.write_bytes(b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 200)
    old_doc = tmp_path / "old.doc"
    shutil.copy(DOCUMENTS / "split-2021.doc", old_doc)

    run, out = extract_jsonl(html_pdf, GOOD, bom_pdf, docx_as_doc, scan, image, old_doc)
    assert run.returncode == 1
    assert list(out) == [
        "report.pdf",
        "hongze-2024.pdf",
        "bom.pdf",
        "named.doc",
        "scan.pdf",
        "page.jpg",
        "old.doc",
    ]
    assert out["report.pdf"] == {
        "source": str(html_pdf),
        "error": "an HTML error page, not a report (404 Not Found)",
    }
    # a scan is read by OCR (tests/test_ocr.py); a broken image is an error naming why
    assert out["scan.pdf"]["method"] == "ocr" and "error" not in out["scan.pdf"]
    assert out["page.jpg"]["error"].startswith("not a readable image (")
    assert out["old.doc"]["error"] == NO_SOFFICE
    assert f"{old_doc}: {NO_SOFFICE}" in run.stderr
    # the files that are readable are read, whatever their name says
    assert out["hongze-2024.pdf"]["cells"]["applications.received_new.total"] == 95
    landscape = json.loads((DOCUMENTS / "landscape-2021.json").read_text(encoding="utf-8"))["truth"]
    assert out["bom.pdf"]["format"] == "pdf"
    assert {k: out["bom.pdf"]["cells"].get(k) for k in landscape} == landscape
    split = json.loads((DOCUMENTS / "split-2021.json").read_text(encoding="utf-8"))["truth"]
    assert out["named.doc"]["format"] == "docx"
    assert {k: out["named.doc"]["cells"].get(k) for k in split} == split


def test_broken_pdf_names_the_reason(tmp_path: Path) -> None:
    cut = tmp_path / "cut.pdf"
    cut.write_bytes(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog")
    run, out = extract_jsonl(cut, GOOD)
    assert run.returncode == 1
    assert out["cut.pdf"]["error"] == "not a readable PDF (PSEOF: Unexpected EOF)"
    assert out["hongze-2024.pdf"]["cells"]["review_litigation.review.total"] == 2
