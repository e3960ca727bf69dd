"""The exit statuses of every `xxgk` command, and the errors that give them.

A scheduled run is judged by its exit status, so every command fails in the same way:
the library functions under the commands return 0, 1 or 130 for how the work went and
raise `CommandError` (or a subclass) when they cannot start it; `xxgk.cli.main` turns
the exception into one line on stderr and its status. docs/exit-status.md is the same
table for readers; tests/test_docs.py checks that the two agree.
"""

from __future__ import annotations

import sys
from collections.abc import Callable

OK = 0
FAILED = 1  # some documents or portals failed, or the command could not do its work
USAGE = 2  # bad arguments: an unknown portal, a bad registry, options that do not fit
LOCKED = 3  # another crawl or load holds the data folder or the database
INTERRUPTED = 130  # Ctrl-C (128 + SIGINT, as shells report it)

EXIT_CODES = {
    OK: "success: everything asked for was done",
    FAILED: "something failed: a document, a portal, a query, a file (stderr names each and why)",
    USAGE: "usage error: bad arguments or options, an unknown portal, a bad registry",
    LOCKED: "another crawl or load holds the data folder or database (`load --wait` waits for it)",
    INTERRUPTED: "interrupted (Ctrl-C); a crawl resumes where it stopped on the next run",
}


def epilog() -> str:
    """The exit statuses as the last lines of a `--help`."""
    lines = [f"  {code:<4} {meaning}" for code, meaning in EXIT_CODES.items()]
    return "exit status (docs/exit-status.md):\n" + "\n".join(lines)


class CommandError(Exception):
    """A command could not do what it was asked: one line for the user, and a status."""

    status = FAILED


class UsageError(CommandError):
    """The arguments are wrong (exit 2), as argparse's own errors are."""

    status = USAGE


class Locked(CommandError):
    """Another process holds the lock this command needs (exit 3)."""

    status = LOCKED


def exit_status(command: str, call: Callable[[], int]) -> int:
    """Run a command's library call: its status, or a CommandError's one line on stderr
    (`xxgk COMMAND: why`) and the error's status. `xxgk.cli.main` runs every command so."""
    try:
        return int(call() or 0)
    except CommandError as exc:
        print(f"xxgk {command}: {exc}", file=sys.stderr)
        return exc.status
