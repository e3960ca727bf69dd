"""Files shipped inside the crawler package (the registry, platform fingerprints), read so
that a deployed egg works too: scrapyd runs the project from a zipped egg, where a path
under `__file__` is not a directory and `Path.read_text` fails."""

from __future__ import annotations

from importlib import resources
from pathlib import Path


def read_text(path: Path) -> str:
    """The file's text; for a file of this package inside a zip, read through importlib."""
    try:
        return path.read_text(encoding="utf-8")
    except NotADirectoryError:
        package = Path(__file__).parent
        relative = path.relative_to(package)  # only files of this package have a zipped copy
        return resources.files("crawler").joinpath(*relative.parts).read_text(encoding="utf-8")
