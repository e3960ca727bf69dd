"""Reader for legacy Office documents (DOC, WPS): converted to DOCX by LibreOffice.

The binary Word and WPS formats are OLE containers that no maintained Python library
reads with tables intact; LibreOffice (`soffice --headless`) converts them faithfully.
LibreOffice is a system program, not a Python package: when it is missing the error
names it and says how to install it, rather than returning an empty report.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from extract import settings
from extract.bounded import unlimited_memory
from extract.model import ReadDocument, ReadError

CONVERT_TIMEOUT = 120  # seconds; a first start of LibreOffice takes a few
INSTALL_HINT = (
    "install LibreOffice (Debian/Ubuntu: `apt-get install libreoffice-writer`; "
    "macOS: `brew install --cask libreoffice`) or set XXGK_SOFFICE to the soffice program"
)
# OLE stream names (UTF-16LE in the directory) that tell a workbook or slides from text
_NOT_TEXT = {
    "Workbook".encode("utf-16-le"): "an Excel workbook (XLS)",
    "PowerPoint Document".encode("utf-16-le"): "a PowerPoint presentation (PPT)",
}


def find_soffice() -> str | None:
    """The program set by XXGK_SOFFICE (None when it is not one), else soffice on PATH."""
    override = settings.current().soffice
    if override:
        return override if Path(override).is_file() and os.access(override, os.X_OK) else None
    return shutil.which("soffice") or shutil.which("libreoffice")


def legacy_kind(data: bytes) -> str:
    """What an OLE container holds: "doc" for Word/WPS text, else a description."""
    for marker, kind in _NOT_TEXT.items():
        if marker in data[:65536] or marker in data[-65536:]:
            return kind
    return "doc"


def convert_files(sources: list[Path], outdir: Path, timeout: float = CONVERT_TIMEOUT) -> list[Path]:
    """Convert DOC/WPS files to DOCX in `outdir` with one LibreOffice start; the DOCX paths.

    A start of LibreOffice costs seconds and a document much less, so many documents
    go through one call (the tests' rendering matrix does). Raises ReadError when
    LibreOffice is missing, fails or writes nothing for a file.
    """
    soffice = find_soffice()
    if soffice is None:
        raise ReadError(f"DOC/WPS needs LibreOffice to be read, and soffice was not found: {INSTALL_HINT}")
    with tempfile.TemporaryDirectory(prefix="xxgk-office-") as tmp:
        profile = Path(tmp) / "profile"  # a private profile: runs in parallel do not collide
        cmd = [
            soffice,
            f"-env:UserInstallation={profile.as_uri()}",
            "--headless",
            "--norestore",
            "--convert-to",
            "docx:MS Word 2007 XML",
            "--outdir",
            str(outdir),
            *map(str, sources),
        ]
        try:
            done = subprocess.run(
                cmd, capture_output=True, timeout=timeout, check=False, preexec_fn=unlimited_memory
            )
        except subprocess.TimeoutExpired:
            raise ReadError(f"LibreOffice did not convert the document within {timeout:g} s") from None
        except OSError as exc:
            raise ReadError(f"cannot run LibreOffice ({soffice}: {exc.strerror or exc})") from None
    outs = [outdir / (src.stem + ".docx") for src in sources]
    if any(not out.is_file() or out.stat().st_size == 0 for out in outs):
        detail = (done.stderr or done.stdout).decode("utf-8", "replace").strip().splitlines()
        reason = detail[-1] if detail else f"exit status {done.returncode}"
        raise ReadError(f"LibreOffice could not convert the document ({reason})")
    return outs


def convert_to_docx(data: bytes, suffix: str = ".doc") -> bytes:
    """Convert a DOC/WPS document with LibreOffice; the DOCX bytes, or ReadError."""
    with tempfile.TemporaryDirectory(prefix="xxgk-office-") as tmp:
        src = Path(tmp) / f"report{suffix}"
        src.write_bytes(data)
        out = Path(tmp) / "out"
        out.mkdir()
        return convert_files([src], out)[0].read_bytes()


def read_legacy_office(data: bytes, source: str) -> ReadDocument:
    kind = legacy_kind(data)
    if kind != "doc":
        raise ReadError(f"{kind}, not a report document")
    suffix = ".wps" if source.lower().endswith(".wps") else ".doc"
    from extract.readers.docx import read_docx

    doc = read_docx(convert_to_docx(data, suffix), source)
    doc.format = "wps" if suffix == ".wps" else "doc"
    doc.warnings.append("converted to DOCX by LibreOffice")
    return doc
