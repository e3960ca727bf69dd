"""The sub-commands of `xxgk`, one module each, and the options their parsers share.

Each module has a plain function per command (`crawl.crawl`, `load.load`,
`pipeline.run`, ...) that the demo and the tests call too; its argparse handler only
turns the parsed arguments into that call. An option that several commands take is
defined once here, so that it reads and defaults the same everywhere.
"""

from __future__ import annotations

import argparse
from typing import Any

from xxgk import config


class HelpFormatter(argparse.HelpFormatter):
    """Wrap the description as usual, but print the epilog (examples, exit status) line by line."""

    def _fill_text(self, text: str, width: int, indent: str) -> str:
        if text.startswith(("examples:", "exit status")):
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


def add_data_options(p: argparse.ArgumentParser) -> None:
    """--data and --db: where the document store and the database are (every stage uses them)."""
    p.add_argument(
        "--data",
        default=config.data_dir(),
        metavar="DIR",
        help="data folder holding the document store docs/ and xxgk.db (default: %(default)s, or $XXGK_DATA)",
    )
    p.add_argument("--db", metavar="FILE", help="database file (default: DIR/xxgk.db)")


def add_registry_option(p: argparse.ArgumentParser) -> None:
    """--registry: the portal registry a crawl walks and `discover` compares with."""
    p.add_argument(
        "--registry", metavar="FILE", help="registry file (default: $XXGK_REGISTRY, or the one in crawler/)"
    )


def add_politeness_options(p: argparse.ArgumentParser) -> None:
    """--no-throttle and --no-robots: for local portals only (tests, the demo)."""
    p.add_argument("--no-throttle", action="store_true", help="no AutoThrottle, no delay (local tests only)")
    p.add_argument("--no-robots", action="store_true", help="ignore robots.txt (do not use on real portals)")
