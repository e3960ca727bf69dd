"""Write tests/converted/: PDF reports with known numbers, as real converters turn them into text.

Why: users and pipelines hand the extractor what `pdftotext`, pdfminer, PyMuPDF,
pymupdf4llm or markitdown made of a PDF report: tables torn apart, read column by
column, split across page footers, or printed as Markdown. Each converter tears them
in its own way, and no rule written from imagination covers them. So the outputs of
the real converters are kept here, beside the truth of the PDF they came from, and
`tests/test_converted.py` requires every cell of them right or absent.

The PDFs: the real reports of tests/corpus (dev-pdf, seed-rendered) and the
renderings of tests/documents, plus renderings of the office matrix
(`tests/office_matrix.py`, LibreOffice), chosen to cover both templates, page sizes,
blank cells and section 四 in parts.

    python -m tests.converted.make --python /path/to/python-with-converters

`--python` names an interpreter with pymupdf, pymupdf4llm and markitdown[pdf]
installed (pdfminer comes with them); `pdftotext` is poppler-utils. Versions used for
the committed files are in tests/converted/VERSIONS.
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import tempfile
from pathlib import Path

HERE = Path(__file__).parent
TESTS = HERE.parent
# converter -> (file suffix, how it is run); `{pdf}` and `{out}` are filled in
CONVERTERS: dict[str, tuple[str, list[str]]] = {
    "pdftotext": (".txt", ["pdftotext", "{pdf}", "{out}"]),
    "pdftotext-raw": (".txt", ["pdftotext", "-raw", "{pdf}", "{out}"]),
    "pdftotext-layout": (".txt", ["pdftotext", "-layout", "{pdf}", "{out}"]),
    "pdfminer": (
        ".txt",
        ["{python}", "-c", "import sys; from pdfminer.high_level import extract_text as t; "
         "open(sys.argv[2], 'w').write(t(sys.argv[1]))", "{pdf}", "{out}"],
    ),
    "pymupdf": (
        ".txt",
        ["{python}", "-c", "import sys, pymupdf; d = pymupdf.open(sys.argv[1]); "
         "open(sys.argv[2], 'w').write(''.join(p.get_text() for p in d))", "{pdf}", "{out}"],
    ),
    "pymupdf4llm": (
        ".md",
        ["{python}", "-c", "import sys, pymupdf4llm; "
         "open(sys.argv[2], 'w').write(pymupdf4llm.to_markdown(sys.argv[1]))", "{pdf}", "{out}"],
    ),
    "markitdown": (
        ".md",
        ["{python}", "-c", "import sys; from markitdown import MarkItDown; "
         "open(sys.argv[2], 'w').write(MarkItDown().convert(sys.argv[1]).text_content)", "{pdf}", "{out}"],
    ),
}  # fmt: skip
# office-matrix renderings kept (tests/office_matrix.py names them)
MATRIX = ("m01a", "m02b", "m03a", "m04b", "m05a", "m06b", "m07a", "m08b")


def truth_pdfs(tmp: Path) -> list[tuple[str, Path, dict]]:
    """(name, PDF, truth file contents) of every PDF with known numbers."""
    out = []
    for folder in (TESTS / "corpus" / "dev-pdf", TESTS / "corpus" / "seed-rendered", TESTS / "documents"):
        for pdf in sorted(folder.glob("*.pdf")):
            meta = pdf.with_suffix(".json")
            if meta.exists():
                out.append((pdf.stem, pdf, json.loads(meta.read_text(encoding="utf-8"))))
    from tests.make_documents import convert_many, render_matrix_docx
    from tests.office_matrix import matrix_cases

    cases = [c for c in matrix_cases() if c.name in MATRIX]
    docs = [render_matrix_docx(c.info, c.raw, c.style, tmp / f"{c.name}.docx") for c in cases]
    for case, pdf in zip(cases, convert_many(docs, "pdf", tmp / "pdf"), strict=True):
        info = {
            **case.info,
            "truth": case.expected,
            "notes": f"office matrix {case.name}: {case.style.describe()}",
        }
        out.append((f"matrix-{case.name}", pdf, info))
    return out


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--python", required=True, help="an interpreter with pymupdf, pymupdf4llm, markitdown"
    )
    args = parser.parse_args()
    if shutil.which("pdftotext") is None:
        parser.error("pdftotext is needed: apt-get install poppler-utils")
    with tempfile.TemporaryDirectory() as tmp:
        for name, pdf, info in truth_pdfs(Path(tmp)):
            truth = {k: v for k, v in info["truth"].items()}
            meta = {k: info.get(k) for k in ("title", "year", "template", "notes")}
            (HERE / "truth").mkdir(exist_ok=True)
            (HERE / "truth" / f"{name}.json").write_text(
                json.dumps({**meta, "source": pdf.name, "truth": truth}, ensure_ascii=False, indent=1) + "\n",
                encoding="utf-8",
            )
            for conv, (suffix, command) in CONVERTERS.items():
                folder = HERE / conv
                folder.mkdir(exist_ok=True)
                out = folder / f"{name}{suffix}"
                argv = [a.format(pdf=pdf, out=out, python=args.python) for a in command]
                subprocess.run(argv, check=True, capture_output=True, timeout=300)
                print(f"{conv:>16}  {out.relative_to(TESTS)}")
    versions = subprocess.run(
        [args.python, "-c", "import importlib.metadata as m; print('\\n'.join(f'{p} {m.version(p)}' for p in "
         "('pdfminer.six', 'pymupdf', 'pymupdf4llm', 'markitdown')))"],
        check=True, capture_output=True, text=True,
    ).stdout  # fmt: skip
    poppler = subprocess.run(["pdftotext", "-v"], capture_output=True, text=True).stderr.splitlines()[0]
    (HERE / "VERSIONS").write_text(versions + poppler + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
