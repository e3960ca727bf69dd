"""The `xxgk` command: one sub-command per module in `xxgk.commands`."""

from __future__ import annotations

import argparse
import importlib
import sys

from extract import settings as extract_settings
from xxgk import __version__, config, logs
from xxgk.commands import add_verbosity_options

# Each module defines `register(subparsers)`, which adds its sub-command(s) and sets
# `func` (called with the parsed args, returning the exit status).
COMMAND_MODULES = [
    "xxgk.commands.extract",
    "xxgk.commands.pipeline",
    "xxgk.commands.db",
    "xxgk.commands.crawl",
    "xxgk.commands.discover",
]


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="xxgk",
        description="Crawl, extract and query Chinese government information disclosure annual reports "
        "(政府信息公开工作年度报告).",
    )
    parser.add_argument("--version", action="version", version=f"xxgk {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in COMMAND_MODULES:
        importlib.import_module(name).register(sub)
    for command in sub.choices.values():
        add_verbosity_options(command)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help()
        return 2
    logs.setup(logs.verbosity(args))
    try:
        # the one place the library's settings come from the environment (xxgk/config.py)
        extract_settings.configure(config.read_settings())
    except config.SettingError as exc:
        print(f"xxgk: {exc}", file=sys.stderr)
        return 2
    try:
        return int(args.func(args) or 0)
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        # `xxgk ... | head`: the reader went away; that is not an error.
        sys.stderr.close()
        return 0


if __name__ == "__main__":
    sys.exit(main())
