"""What every `xxgk` command prints on stderr, set by one `-q`/`-v` option.

A scheduled run's log is read by a person after the fact, often through `>> run.log
2>&1`, so by default it holds xxgk's own lines only: one per problem, with the reason,
and the summaries. The libraries underneath (Scrapy, Twisted, pdfminer) speak only when
asked:

  -q      errors and the final summaries, no progress
  (none)  xxgk's messages and progress (on a terminal); library messages are dropped
  -v      also the libraries' warnings and errors, tracebacks included, and progress lines
  -vv     also their INFO messages (Scrapy's request statistics)
  -vvv    everything, DEBUG included (every request)
"""

from __future__ import annotations

import argparse
import logging
import sys

QUIET, NORMAL, VERBOSE = -1, 0, 1
# Loggers whose messages are xxgk's own, shown without -v.
OWN = ("xxgk",)
LIBRARY_LEVELS = {VERBOSE: logging.WARNING, VERBOSE + 1: logging.INFO}


def verbosity(args: argparse.Namespace) -> int:
    """-1 with -q, 0 by default, 1, 2, 3 with -v, -vv, -vvv."""
    return int(getattr(args, "verbose", 0) or 0) - int(bool(getattr(args, "quiet", False)))


def library_level(level: int) -> int:
    """The level at which library messages are shown for a verbosity (above CRITICAL: never)."""
    if level < VERBOSE:
        return logging.CRITICAL + 1
    return LIBRARY_LEVELS.get(level, logging.DEBUG)


class _Filter(logging.Filter):
    def __init__(self, level: int) -> None:
        super().__init__()
        self.own_level = logging.ERROR if level <= QUIET else logging.INFO
        self.library_level = library_level(level)

    def filter(self, record: logging.LogRecord) -> bool:
        own = record.name.split(".")[0] in OWN
        return record.levelno >= (self.own_level if own else self.library_level)


class _Formatter(logging.Formatter):
    """`xxgk: message` for xxgk's lines; `[logger] LEVEL: message` for a library's, which
    appear only with -v. Tracebacks only with -v."""

    def __init__(self, level: int) -> None:
        super().__init__("[%(name)s] %(levelname)s: %(message)s")
        self.tracebacks = level >= VERBOSE

    def format(self, record: logging.LogRecord) -> str:
        if record.name.split(".")[0] in OWN:
            text = f"xxgk: {record.getMessage()}"
        else:
            text = super().formatMessage(self._with_message(record))
        if self.tracebacks and record.exc_info:
            text += "\n" + self.formatException(record.exc_info)
        return text

    @staticmethod
    def _with_message(record: logging.LogRecord) -> logging.LogRecord:
        record.message = record.getMessage()
        return record


def setup(level: int) -> None:
    """Send log records to stderr, filtered for this verbosity (see the module's docstring)."""
    handler = logging.StreamHandler(sys.stderr)
    handler.addFilter(_Filter(level))
    handler.setFormatter(_Formatter(level))
    root = logging.getLogger()
    for old in [h for h in root.handlers if getattr(h, "_xxgk", False)]:
        root.removeHandler(old)
    handler._xxgk = True  # type: ignore[attr-defined]
    root.addHandler(handler)
    root.setLevel(min(logging.INFO, library_level(level)))
