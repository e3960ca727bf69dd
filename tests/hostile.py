"""A generated set of hostile documents, each with what reading it must give.

Every kind is made here from a few bytes, a real report or a generated one: bombs
(zip, PDF compression), oversized and deeply nested HTML, random and NUL bytes, UTF-32
noise, truncated PDF/DOCX, things that are not files (a named pipe, /dev/zero, a symlink
loop, a socket), and real reports in odd encodings that must still be read exactly.
`tests/test_hostile_documents.py` runs them all through `xxgk extract` under a memory
cap; `bench/hostile.py` measures time and peak memory per kind.

`expected` is a regular expression the error must match, or the dict of cells the
report must hold (checked against the truth of the report it was made from).
"""

from __future__ import annotations

import io
import os
import random
import socket
import struct
import sys
import zipfile
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from tests.conftest import CORPUS

SEED = CORPUS / "seed" / "baicheng-2019.txt"
PDF = CORPUS / "dev-pdf" / "hongze-2024.pdf"
DOCX = CORPUS / "seed-rendered" / "baicheng-2019-docx.docx"
MiB = 1 << 20

# the limits the set is run under (tests/test_hostile_documents.py, bench/hostile.py)
LIMITS = {
    "XXGK_MAX_DOCUMENT_BYTES": str(100 * MiB),
    "XXGK_MAX_MARKUP_BYTES": str(16 * MiB),
    "XXGK_MAX_UNPACKED_BYTES": str(256 * MiB),
    "XXGK_MAX_PAGES": "500",
    "XXGK_DOCUMENT_SECONDS": "30",
    "XXGK_DOCUMENT_MEMORY": str(768 * MiB),
    "XXGK_SOFFICE": "/nonexistent/soffice",  # as on a machine without LibreOffice
}
MEMORY_CAP = 3 * 1024 * MiB  # RLIMIT_AS of the whole `xxgk extract` run

NO_TEXT = r"not a report: no text( \(binary data of an unknown format\))?"
NOT_A_REPORT = rf"{NO_TEXT}|not a report: no Chinese text"


@dataclass
class Hostile:
    name: str
    make: Callable[[Path], Path]  # writes the input into a folder, returns its path
    expected: str | dict  # error pattern, or cells the report must hold
    notes: str = ""
    needs: list[str] = field(default_factory=list)


def seed_truth() -> dict:
    import json

    return json.loads(SEED.with_suffix(".json").read_text(encoding="utf-8"))["truth"]


def _write(name: str, data: bytes) -> Callable[[Path], Path]:
    def make(folder: Path) -> Path:
        p = folder / name
        p.write_bytes(data)
        return p

    return make


def _lazy(name: str, produce: Callable[[], bytes]) -> Callable[[Path], Path]:
    def make(folder: Path) -> Path:
        p = folder / name
        p.write_bytes(produce())
        return p

    return make


# --- zips -----------------------------------------------------------------------------------


def _docx_with(document_xml: bytes | None = None, *, extra: dict[str, bytes] | None = None) -> bytes:
    """The seed DOCX with its document part replaced and parts added."""
    src = zipfile.ZipFile(DOCX)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for info in src.infolist():
            data = src.read(info.filename)
            if info.filename == "word/document.xml" and document_xml is not None:
                data = document_xml
            z.writestr(info.filename, data)
        for name, data in (extra or {}).items():
            z.writestr(name, data)
    return out.getvalue()


def _zeros_member(zf: zipfile.ZipFile, name: str, size: int) -> None:
    with zf.open(name, "w", force_zip64=True) as w:
        block = b"\0" * MiB
        for _ in range(size // MiB):
            w.write(block)


def docx_zip_bomb() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as z:
        for info in zipfile.ZipFile(DOCX).infolist():
            z.writestr(info.filename, zipfile.ZipFile(DOCX).read(info.filename))
        _zeros_member(z, "word/media/image1.png", 300 * MiB)
    return out.getvalue()


def docx_lying_sizes() -> bytes:
    """A part whose headers declare 1,000 bytes and which unpacks to 64 MiB."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for info in zipfile.ZipFile(DOCX).infolist():
            if info.filename != "word/document.xml":
                z.writestr(info.filename, zipfile.ZipFile(DOCX).read(info.filename))
        z.writestr("word/document.xml", b"<" + b" " * (64 * MiB))
    data = bytearray(out.getvalue())
    for sig, off in ((b"PK\x03\x04", 22), (b"PK\x01\x02", 24)):  # uncompressed size fields
        pos = data.find(sig + b"", 0)
        while pos >= 0:
            name_len = struct.unpack_from("<H", data, pos + (26 if sig == b"PK\x03\x04" else 28))[0]
            name_at = pos + (30 if sig == b"PK\x03\x04" else 46)
            if bytes(data[name_at : name_at + name_len]) == b"word/document.xml":
                struct.pack_into("<I", data, pos + off, 1000)
            pos = data.find(sig, pos + 4)
    return bytes(data)


def zip_many_members() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_STORED) as z:
        z.writestr("word/document.xml", b"<w/>")
        for i in range(12_000):
            z.writestr(f"word/p{i}.xml", b"")
    return out.getvalue()


def zip_of(members: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in members.items():
            z.writestr(name, data)
    return out.getvalue()


BILLION_LAUGHS = (
    b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
    + b"".join(
        f'<!ENTITY lol{i} "{("&lol" + (str(i - 1) if i > 1 else "") + ";") * 10}">'.encode()
        for i in range(1, 10)
    )
    + b']><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body><w:p><w:r>'
    b"<w:t>&lol9;</w:t></w:r></w:p></w:body></w:document>"
)


# --- PDFs -----------------------------------------------------------------------------------


def pdf_with(objects: list[bytes]) -> bytes:
    """A PDF of the given objects (1 = catalog), with a correct cross-reference table."""
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for i, obj in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{i} 0 obj\n".encode() + obj + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    out += b"".join(f"{o:010} 00000 n \n".encode() for o in offsets)
    out += f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    return bytes(out)


def pdf_compression_bomb() -> bytes:
    comp = zlib.compressobj(9)
    block = b"0 0 m " * (MiB // 6)
    body = b"".join(comp.compress(block) for _ in range(1024)) + comp.flush()  # ~1 GiB unpacked
    content = f"<< /Length {len(body)} /Filter /FlateDecode >>\nstream\n".encode() + body + b"\nendstream"
    return pdf_with(
        [
            b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R >>",
            content,
        ]
    )


def pdf_many_pages(n: int = 2000) -> bytes:
    kids = " ".join(f"{i} 0 R" for i in range(3, n + 3)).encode()
    objs = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [" + kids + f"] /Count {n} >>".encode(),
    ]
    objs += [b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>"] * n
    return pdf_with(objs)


def pdf_page_tree_loop() -> bytes:
    return pdf_with(
        [
            b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            b"<< /Type /Pages /Kids [2 0 R 3 0 R] /Count 1 >>",
        ]
    )


def pdf_deep_arrays() -> bytes:
    deep = b"[" * 100_000 + b"]" * 100_000
    return pdf_with(
        [b"<< /Type /Catalog /Pages 2 0 R /X " + deep + b" >>", b"<< /Type /Pages /Kids [] /Count 0 >>"]
    )


# --- text -----------------------------------------------------------------------------------


def seed_text() -> str:
    return SEED.read_text(encoding="utf-8")


def utf32_noise() -> bytes:
    rnd = random.Random(32)
    return "".join(
        chr(rnd.choice([rnd.randrange(0x20, 0xD7FF), rnd.randrange(0xE000, 0x10FFFF)])) for _ in range(20_000)
    ).encode("utf-32")


def rand(n: int, seed: int) -> bytes:
    return random.Random(seed).randbytes(n)


def padded_html_report() -> bytes:
    """A real generated report page with 1.4 MB of navigation around it (read in a child)."""
    from tests.render import RandomChoices, generate_case

    case = generate_case(RandomChoices(7), layout="html_table", padding_kb=100)
    return case.data


def padded_html_truth() -> dict:
    from tests.render import RandomChoices, generate_case

    return generate_case(RandomChoices(7), layout="html_table", padding_kb=100).expected


# --- not files ------------------------------------------------------------------------------


def fifo(folder: Path) -> Path:
    p = folder / "pipe.pdf"
    os.mkfifo(p)
    return p


def symlink_loop(folder: Path) -> Path:
    a, b = folder / "loop-a.pdf", folder / "loop-b.pdf"
    a.symlink_to(b)
    b.symlink_to(a)
    return a


def dangling(folder: Path) -> Path:
    p = folder / "dangling.pdf"
    p.symlink_to(folder / "nowhere.pdf")
    return p


def directory(folder: Path) -> Path:
    p = folder / "folder.pdf"
    p.mkdir()
    return p


def dev_zero(folder: Path) -> Path:
    p = folder / "zero.pdf"
    p.symlink_to("/dev/zero")
    return p


def unix_socket(folder: Path) -> Path:
    p = folder / "sock.pdf"
    s = socket.socket(socket.AF_UNIX)
    s.bind(str(p))  # the socket file stays after close
    s.close()
    return p


def sparse_huge(folder: Path) -> Path:
    p = folder / "huge.pdf"
    with open(p, "wb") as f:
        f.write(b"%PDF-1.4\n")
        f.truncate(150 * MiB)  # no disk used
    return p


def hostile_set() -> list[Hostile]:
    seed = seed_text()
    truth = seed_truth()
    pdf = PDF.read_bytes()
    docx = DOCX.read_bytes()
    big = seed.replace("\n59\n", "\n99999999999999999999\n", 1)
    items = [
        Hostile(
            "docx-zip-bomb.docx",
            _lazy("docx-zip-bomb.docx", docx_zip_bomb),
            r"a zip bomb or too large: its parts unpack to 30\d MiB, over the limit of 256 MiB \(XXGK_MAX_UNPACKED_BYTES\)",
        ),
        Hostile(
            "docx-lying-sizes.docx",
            _lazy("docx-lying-sizes.docx", docx_lying_sizes),
            r"not a readable Word document \(BadZipFile: Bad CRC-32 for file 'word/document.xml'\)",
        ),
        Hostile(
            "zip-12000-parts.docx",
            _lazy("zip-12000-parts.docx", zip_many_members),
            r"not a report document: a zip of 12001 parts, over the limit of 10000 \(XXGK_MAX_ZIP_MEMBERS\)",
        ),
        Hostile(
            "docx-billion-laughs.docx",
            _lazy("docx-billion-laughs.docx", lambda: _docx_with(BILLION_LAUGHS)),
            r"not a readable Word document \(XMLSyntaxError: .*\)",
        ),
        Hostile(
            "docx-no-document.docx",
            _write(
                "docx-no-document.docx",
                zip_of({"word/styles.xml": b"<x/>", "[Content_Types].xml": b"<Types/>"}),
            ),
            r"not a readable Word document .*",
        ),
        Hostile(
            "docx-truncated.docx",
            _write("docx-truncated.docx", docx[: len(docx) // 2]),
            r"not a readable Word document .*",
        ),
        Hostile(
            "docx-garbage-xml.docx",
            _lazy("docx-garbage-xml.docx", lambda: _docx_with(b"<w:document><<<")),
            r"not a readable Word document .*",
        ),
        Hostile(
            "zip-in-zip.zip",
            _write("zip-in-zip.zip", zip_of({"inner.zip": zip_of({"a.txt": b"x"})})),
            r"unsupported document type \(zip\)",
        ),
        Hostile(
            "xlsx.xlsx",
            _write("xlsx.xlsx", zip_of({"xl/workbook.xml": b"<w/>"})),
            r"unsupported document type \(xlsx\)",
        ),
        Hostile(
            "ofd.ofd", _write("ofd.ofd", zip_of({"OFD.xml": b"<o/>"})), r"OFD documents are not supported yet"
        ),
        Hostile(
            "pdf-compression-bomb.pdf",
            _lazy("pdf-compression-bomb.pdf", pdf_compression_bomb),
            r"too large: reading it needs more than the memory limit of 768 MiB \(XXGK_DOCUMENT_MEMORY\)",
        ),
        Hostile(
            "pdf-2000-pages.pdf",
            _lazy("pdf-2000-pages.pdf", pdf_many_pages),
            r"too many pages: 2000, over the limit of 500 \(XXGK_MAX_PAGES\)",
        ),
        Hostile(
            "pdf-page-tree-loop.pdf",
            _lazy("pdf-page-tree-loop.pdf", pdf_page_tree_loop),
            r"no text in the PDF|not a readable PDF .*",
        ),
        Hostile(
            "pdf-deep-arrays.pdf",
            _lazy("pdf-deep-arrays.pdf", pdf_deep_arrays),
            r"no text in the PDF|not a readable PDF .*",
        ),
        Hostile(
            "pdf-truncated.pdf",
            _write("pdf-truncated.pdf", pdf[: len(pdf) // 2]),
            r"not a readable PDF .*|no text in the PDF",
        ),
        Hostile(
            "pdf-header-only.pdf", _write("pdf-header-only.pdf", b"%PDF-1.7\n"), r"not a readable PDF .*"
        ),
        Hostile(
            "pdf-bom.pdf",
            _write("pdf-bom.pdf", b"\xef\xbb\xbf" + pdf),
            {"applications.received_new.total": 95},
        ),
        Hostile(
            "pdf-garbage-after-header.pdf",
            _write("pdf-garbage-after-header.pdf", b"%PDF-1.4\n" + rand(200_000, 3)),
            r"not a readable PDF .*",
        ),
        Hostile(
            "html-20MB.html",
            _lazy(
                "html-20MB.html",
                lambda: b"<html><body>" + b"<p>\xe5\x85\xac\xe5\xbc\x80</p>" * (20 * MiB // 13),
            ),
            r"too large for a text or HTML report: 20 MiB, over the limit of 16 MiB \(XXGK_MAX_MARKUP_BYTES\)",
        ),
        Hostile(
            "html-padded-report.html",
            _lazy("html-padded-report.html", padded_html_report),
            padded_html_truth(),
        ),
        Hostile(
            "html-deep-divs.html",
            _write(
                "html-deep-divs.html",
                b"<html><body>" + b"<div>" * 200_000 + "政府信息公开".encode() + b"</div>" * 200_000,
            ),
            NOT_A_REPORT,
        ),
        Hostile(
            "html-deep-tables.html",
            _write("html-deep-tables.html", b"<html><body>" + "<table><tr><td>公开".encode() * 50_000),
            {"applications.received_new.total": None},
            "Chinese text without the tables: a report of no cells",
        ),
        Hostile(
            "html-error-page.pdf",
            _write(
                "html-error-page.pdf",
                b"<html><head><title>404 Not Found</title></head><body><h1>Not Found</h1></body></html>",
            ),
            r"an HTML error page, not a report \(404 Not Found\)",
        ),
        Hostile(
            "html-script-only.html",
            _write(
                "html-script-only.html", b"<html><script>location.href='file:///etc/passwd'</script></html>"
            ),
            NOT_A_REPORT,
        ),
        Hostile(
            "html-entities.html",
            _write(
                "html-entities.html",
                b"<html><body>" + b"&#x4e2d;&#99999999;&#0;&amp;" * 50_000 + b"</body></html>",
            ),
            NO_TEXT,
        ),
        Hostile("random-1MB.bin", _write("random-1MB.bin", rand(MiB, 1)), NOT_A_REPORT),
        Hostile("random-4KB.txt", _write("random-4KB.txt", rand(4096, 2)), NOT_A_REPORT),
        Hostile("nul-1MB.txt", _write("nul-1MB.txt", b"\0" * MiB), NO_TEXT),
        Hostile("nul-then-report.txt", _write("nul-then-report.txt", b"\0" * 5000 + seed.encode()), NO_TEXT),
        Hostile("utf32-noise.txt", _lazy("utf32-noise.txt", utf32_noise), NOT_A_REPORT),
        Hostile("utf32-report.txt", _write("utf32-report.txt", seed.encode("utf-32")), truth),
        Hostile("utf16-report.txt", _write("utf16-report.txt", seed.encode("utf-16")), truth),
        Hostile("gb18030-report.txt", _write("gb18030-report.txt", seed.encode("gb18030")), truth),
        Hostile("gzip.gz", _write("gzip.gz", __import__("gzip").compress(seed.encode())), NOT_A_REPORT),
        Hostile(
            "elf-binary",
            _write("elf-binary", Path(sys.executable).resolve().read_bytes()[:300_000]),
            NOT_A_REPORT,
        ),
        Hostile("digits-1MB.txt", _write("digits-1MB.txt", b"1" * MiB), NOT_A_REPORT),
        Hostile("lines-300KB.txt", _write("lines-300KB.txt", b"1\n" * 150_000), NOT_A_REPORT),
        Hostile(
            "huge-number.txt",
            _write("huge-number.txt", big.encode()),
            {"applications.received_new.total": 99999999999999999999},
        ),
        Hostile(
            "ascii-only.txt",
            _write("ascii-only.txt", b"hello world\n" * 100),
            r"not a report: no Chinese text",
        ),
        Hostile("empty.txt", _write("empty.txt", b""), r"empty file"),
        Hostile("whitespace.txt", _write("whitespace.txt", b" \n\t\r\n" * 1000), r"empty file"),
        Hostile(
            "png.pdf",
            _write("png.pdf", b"\x89PNG\r\n\x1a\n" + rand(1000, 4)),
            r"not a readable image \(damaged or unknown image data\)",
        ),
        Hostile(
            "gif.doc",
            _write("gif.doc", b"GIF89a" + rand(1000, 5)),
            r"not a readable image \(damaged or unknown image data\)",
        ),
        Hostile(
            "ole-garbage.doc",
            _write("ole-garbage.doc", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + rand(5000, 6)),
            r"DOC/WPS needs LibreOffice to be read, and soffice was not found: .*",
        ),
        Hostile(
            "ole-workbook.doc",
            _write(
                "ole-workbook.doc",
                b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + "Workbook".encode("utf-16-le") + rand(5000, 7),
            ),
            r"an Excel workbook \(XLS\), not a report document",
        ),
        Hostile("rtf.doc", _write("rtf.doc", b"{\\rtf1\\ansi hello}"), r"unsupported document type \(rtf\)"),
        Hostile("fifo.pdf", fifo, r"a named pipe, not a regular file: not read"),
        Hostile("dev-zero.pdf", dev_zero, r"a character device, not a regular file: not read"),
        Hostile("symlink-loop.pdf", symlink_loop, r"a symbolic link loop, not a document"),
        Hostile("dangling-link.pdf", dangling, r"file not found"),
        Hostile("directory.pdf", directory, r"is a directory, not a document"),
        Hostile("socket.pdf", unix_socket, r"a socket or device, not a regular file"),
        Hostile(
            "sparse-150MB.pdf",
            sparse_huge,
            r"too large: 150 MiB, over the limit of 100 MiB for a document \(XXGK_MAX_DOCUMENT_BYTES\)",
        ),
    ]
    return items


def build(folder: Path) -> list[tuple[Hostile, Path]]:
    folder.mkdir(parents=True, exist_ok=True)
    return [(h, h.make(folder)) for h in hostile_set()]
