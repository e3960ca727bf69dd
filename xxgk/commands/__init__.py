"""The sub-commands of `xxgk`, one module each, and what their parsers share."""

from __future__ import annotations

import argparse
from typing import Any


class HelpFormatter(argparse.HelpFormatter):
    """Wrap the description as usual, but print an `examples:` epilog line by line."""

    def _fill_text(self, text: str, width: int, indent: str) -> str:
        if text.startswith("examples:"):
            return "".join(indent + line + "\n" for line in text.splitlines()).rstrip("\n")
        return super()._fill_text(text, width, indent)


def examples(*lines: str) -> dict[str, Any]:
    """`add_parser` keywords for a --help that ends with these example command lines."""
    return {
        "epilog": "examples:\n" + "\n".join(f"  {line}" for line in lines),
        "formatter_class": HelpFormatter,
    }
