"""The `xxgk` command: one sub-command per module in `xxgk.commands`.

This module imports little, so that a Ctrl-C while the commands' libraries load is
caught by `main` (one line, exit 130) rather than printed as a traceback.
"""

from __future__ import annotations

import argparse
import importlib
import sys

from xxgk import __version__

# Each module defines `register(subparsers)`, which adds its sub-command(s) and sets
# `func` (called with the parsed args, returning the exit status).
COMMAND_MODULES = [
    "xxgk.commands.extract",
    "xxgk.commands.pipeline",
    "xxgk.commands.load",
    "xxgk.commands.db",
    "xxgk.commands.crawl",
    "xxgk.commands.discover",
]


def build_parser() -> argparse.ArgumentParser:
    from xxgk.commands import HelpFormatter, add_verbosity_options, status

    parser = argparse.ArgumentParser(
        prog="xxgk",
        description="Crawl, extract and query Chinese government information disclosure annual reports "
        "(政府信息公开工作年度报告).",
        epilog=status.epilog(),
        formatter_class=HelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"xxgk {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in COMMAND_MODULES:
        importlib.import_module(name).register(sub)
    for command in sub.choices.values():
        add_verbosity_options(command)
        command.epilog = f"{command.epilog}\n\n{status.epilog()}" if command.epilog else status.epilog()
        command.formatter_class = HelpFormatter
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run one command; every failure ends as one line on stderr and a documented exit
    status (xxgk/commands/status.py), never as a traceback."""
    try:
        from extract import settings as extract_settings
        from xxgk import config, logs
        from xxgk.commands.status import exit_status

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
        return exit_status(args.command, lambda: args.func(args))
    except KeyboardInterrupt:
        print("xxgk: interrupted", file=sys.stderr)
        return 130  # status.INTERRUPTED, which may not be imported yet
    except BrokenPipeError:
        # `xxgk ... | head`: the reader went away; that is not an error.
        sys.stderr.close()
        return 0


if __name__ == "__main__":
    sys.exit(main())
