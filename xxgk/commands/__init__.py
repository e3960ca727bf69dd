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


def add_verbosity_options(parser: argparse.ArgumentParser) -> None:
    """The same -q/-v on every sub-command (xxgk/logs.py says what each level shows)."""
    group = parser.add_mutually_exclusive_group()
    group.add_argument("-q", "--quiet", action="store_true", help="no progress: only errors and the summary")
    group.add_argument(
        "-v",
        "--verbose",
        action="count",
        default=0,
        help="more detail: -v the libraries' warnings with tracebacks, -vv their INFO, -vvv DEBUG",
    )


def verbosity_flags(args: argparse.Namespace) -> list[str]:
    """The -q/-v flags that give another command the verbosity of `args`."""
    return (["-q"] if getattr(args, "quiet", False) else []) + ["-v"] * int(getattr(args, "verbose", 0) or 0)
