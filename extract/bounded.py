"""Reading one document within its limits (`extract.settings`).

- `read_file` reads only regular files, and at most MAX_DOCUMENT_BYTES of them: a named
  pipe, a device (`/dev/zero`), a socket or a symlink loop is an error, never a hang.
- `extract_bounded` reads PDF, Word and large documents in a forked child process with
  a memory limit (RLIMIT_AS) and a time limit: a zip bomb, a compression bomb, a reader
  that loops or crashes is an error for that document, and the parent, which holds the
  batch and the database, never holds more than the document's bytes. Small text and
  HTML documents are read in the process itself (a fork would cost more than reading
  them) under the time limit, where a timer can interrupt them.

Module not compiled (see setup.py): it forks, handles signals and rebuilds reports.
"""

from __future__ import annotations

import builtins
import contextlib
import errno
import faulthandler
import os
import pickle
import select
import signal
import stat
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from extract import settings
from extract.model import CellValue, Check, OcrBox, ReadError, Report, Section
from extract.readers import import_reader
from extract.settings import mib

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


# --- files ---------------------------------------------------------------------------------


def _kind(mode: int) -> str:
    for test, name in (
        (stat.S_ISDIR, "a directory"),
        (stat.S_ISFIFO, "a named pipe"),
        (stat.S_ISCHR, "a character device"),
        (stat.S_ISBLK, "a block device"),
        (stat.S_ISSOCK, "a socket"),
    ):
        if test(mode):
            return name
    return "not a regular file"


def read_file(path: str | Path) -> bytes:
    """The bytes of the regular file at `path`; ReadError for anything else or too large."""
    flags = os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0)  # a FIFO opens without a writer
    try:
        fd = os.open(path, flags)
    except FileNotFoundError:
        raise ReadError("file not found") from None
    except PermissionError:
        raise ReadError("permission denied") from None
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            raise ReadError("a symbolic link loop, not a document") from None
        if exc.errno == errno.ENXIO:
            raise ReadError("a socket or device, not a regular file") from None
        raise ReadError(f"cannot read the file ({exc.strerror or exc})") from None
    try:
        st = os.fstat(fd)  # of what was opened: no race with a file swapped after a check
        if stat.S_ISDIR(st.st_mode):
            raise ReadError("is a directory, not a document")
        if not stat.S_ISREG(st.st_mode):
            raise ReadError(f"{_kind(st.st_mode)}, not a regular file: not read")
        limit = settings.current().max_document_bytes
        if st.st_size > limit:
            raise ReadError(too_large(st.st_size))
        os.set_blocking(fd, True)
        chunks: list[bytes] = []
        size = 0
        while size <= limit:  # the file may grow while it is read
            chunk = os.read(fd, min(1 << 20, limit + 1 - size))
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
        if size > limit:
            raise ReadError(too_large(size, "over"))
        return b"".join(chunks)
    except OSError as exc:
        raise ReadError(f"cannot read the file ({exc.strerror or exc})") from None
    finally:
        os.close(fd)


def too_large(size: int, prefix: str = "") -> str:
    at = f"{prefix} " if prefix else ""
    return (
        f"too large: {at}{mib(size)}, over the limit of {mib(settings.current().max_document_bytes)} "
        "for a document (XXGK_MAX_DOCUMENT_BYTES)"
    )


# --- which documents go to a child --------------------------------------------------------------


def is_binary_container(data: bytes) -> bool:
    """PDF, zip (DOCX, XLSX, OFD) or OLE (DOC, WPS): the formats whose readers unpack."""
    return data.startswith((b"PK", OLE_MAGIC)) or b"%PDF-" in data[:1024]


def size_problem(data: bytes) -> str | None:
    limits = settings.current()
    if len(data) > limits.max_document_bytes:
        return too_large(len(data))
    if len(data) > limits.max_markup_bytes and not is_binary_container(data):
        return (
            f"too large for a text or HTML report: {mib(len(data))}, over the limit of "
            f"{mib(limits.max_markup_bytes)} (XXGK_MAX_MARKUP_BYTES)"
        )
    return None


def in_child(data: bytes) -> bool:
    limits = settings.current()
    return (
        limits.isolate
        and hasattr(os, "fork")
        and (len(data) > limits.in_process_bytes or is_binary_container(data))
    )


def extract_bounded(
    read: Callable[[bytes, str, str | None, str | None], Report],
    data: bytes,
    source: str,
    content_type: str | None,
    title_hint: str | None,
    *,
    isolate: bool = False,
) -> Report:
    """`read(data, source, content_type, title_hint)` within the document limits;
    `isolate`: in a child even when `data` is small (a page that brings its images)."""
    problem = size_problem(data)
    if problem:
        raise ReadError(problem)
    if in_child(data) or (isolate and settings.current().isolate and hasattr(os, "fork")):
        import_reader(data)  # once here, not once per child
        state = run_in_child(_state_of_read, (read, data, source, content_type, title_hint))
        return report_from_state(state)
    return call_with_time_limit(
        read, (data, source, content_type, title_hint), settings.current().document_seconds
    )


def _state_of_read(
    read: Callable[[bytes, str, str | None, str | None], Report],
    data: bytes,
    source: str,
    content_type: str | None,
    title_hint: str | None,
) -> tuple:
    return report_state(read(data, source, content_type, title_hint))


# --- the child process ----------------------------------------------------------------------


def _memory_in_use() -> int | None:
    try:
        with open("/proc/self/statm", "rb") as f:
            return int(f.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        return None


def _limit_memory(extra: int) -> None:
    import resource

    used = _memory_in_use()
    if used is None:
        return
    soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    cap = used + extra
    if hard != resource.RLIM_INFINITY:
        cap = min(cap, hard)
    if soft == resource.RLIM_INFINITY or cap < soft:
        # only the soft limit: a program this child starts (LibreOffice) may raise it again
        resource.setrlimit(resource.RLIMIT_AS, (cap, hard))


def unlimited_memory() -> None:
    """For `subprocess` in a child (preexec_fn): LibreOffice needs more address space."""
    import resource

    _, hard = resource.getrlimit(resource.RLIMIT_AS)
    resource.setrlimit(resource.RLIMIT_AS, (hard, hard))


def _child(write_fd: int, fn: Callable[..., Any], args: tuple) -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle: it kills us
    # A crash is the parent's to report, as one line for the document ("the reader
    # crashed (SIGSEGV)"). A faulthandler inherited from the parent (pytest enables one;
    # so do PYTHONFAULTHANDLER and -X dev) would add "Fatal Python error" and a stack
    # dump to the user's stderr.
    faulthandler.disable()
    _limit_memory(settings.current().document_memory)
    # exceptions cross as words (the compiled build's classes do not pickle); the parent
    # raises them again as a ReadError, the same built-in exception, or a RuntimeError
    try:
        outcome: tuple[str, Any, str] = ("ok", fn(*args), "")
    except ReadError as exc:
        outcome = ("read", None, str(exc))
    except MemoryError:
        outcome = ("read", None, out_of_memory())
    except BaseException as exc:
        outcome = ("error", type(exc).__name__, str(exc))
    blob = pickle.dumps(outcome, protocol=pickle.HIGHEST_PROTOCOL)
    view = memoryview(blob)
    while view:
        view = view[os.write(write_fd, view) :]


def timed_out(seconds: float) -> str:
    return f"took longer than the limit of {seconds:g} s for one document (XXGK_DOCUMENT_SECONDS); stopped"


def out_of_memory() -> str:
    limit = mib(settings.current().document_memory)
    return f"too large: reading it needs more than the memory limit of {limit} (XXGK_DOCUMENT_MEMORY)"


def run_in_child(fn: Callable[..., Any], args: tuple) -> Any:
    """`fn(*args)` in a forked child under the memory and time limits; its result or its
    exception, as if called here. A child that overruns the time, is killed (by the
    kernel for memory) or crashes is a ReadError naming what happened."""
    read_fd, write_fd = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: never returns
        status = 0
        try:
            os.close(read_fd)
            _child(write_fd, fn, args)
        except BaseException:
            status = 70
        finally:
            os._exit(status)  # no atexit handlers, no flushing of the parent's buffers
    os.close(write_fd)
    chunks: list[bytes] = []
    reaped = False
    seconds = settings.current().document_seconds
    deadline = time.monotonic() + seconds
    poll = select.poll()  # not select(): a long run may hold file descriptors above 1024
    poll.register(read_fd, select.POLLIN)
    try:
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                raise ReadError(timed_out(seconds))
            if poll.poll(left * 1000):
                chunk = os.read(read_fd, 1 << 20)
                if not chunk:
                    break
                chunks.append(chunk)
        _, status = os.waitpid(pid, 0)
        reaped = True
    finally:
        os.close(read_fd)
        if not reaped:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
    if not chunks:
        if os.WIFSIGNALED(status):
            sig = os.WTERMSIG(status)
            if sig == signal.SIGKILL:
                raise ReadError("the reader was killed by the system (out of memory?) on this document")
            raise ReadError(f"the reader crashed ({signal.Signals(sig).name}) on this document")
        raise ReadError(f"the reader stopped without a result (exit status {os.WEXITSTATUS(status)})")
    kind, value, message = pickle.loads(b"".join(chunks))
    if kind == "ok":
        return value
    if kind == "read":
        raise ReadError(message)
    builtin = getattr(builtins, value, None)
    if isinstance(builtin, type) and issubclass(builtin, Exception):
        raise builtin(message)
    raise RuntimeError(f"{value}: {message}")


# --- the in-process time limit ------------------------------------------------------------------


class _Timeout(Exception):
    pass


def call_with_time_limit(fn: Callable[..., Any], args: tuple, seconds: float) -> Any:
    """`fn(*args)`, interrupted by a ReadError after `seconds` (a timer signal, so only in
    the main thread; elsewhere it runs unbounded). Compiled code sees the signal when it
    next calls interpreted code: there the limit is the child process's, for large inputs."""
    usable = (
        hasattr(signal, "setitimer")
        and threading.current_thread() is threading.main_thread()
        and signal.getsignal(signal.SIGALRM) in (signal.SIG_DFL, None)
    )
    if not usable:
        return fn(*args)
    active = [True]

    def expire(_signum: int, _frame: Any) -> None:
        if active[0]:  # a signal handled after fn returned is too late to matter
            raise _Timeout

    signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        result = fn(*args)
        active[0] = False
        return result
    except _Timeout:
        raise ReadError(timed_out(seconds)) from None
    finally:
        active[0] = False
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, signal.SIG_DFL)


# --- reports across the pipe (compiled classes do not pickle) ------------------------------------


def report_state(r: Report) -> tuple:
    return (
        (r.source, r.format, r.title, r.agency, r.year, r.template, r.published),
        [(c.key, c.value, c.raw, c.unit, c.note, c.placed, c.row_label) for c in r.cells.values()],
        [(c.name, c.ok, c.expected, c.actual, c.table) for c in r.checks],
        list(r.warnings),
        [(s.number, s.heading, s.text) for s in r.sections],
        list(r.ocr_pages),  # OCR: the pages, and each number's box
        {k: (c.box.page, c.box.box, c.box.confidence, c.box.readable) for k, c in r.cells.items() if c.box},
    )


def report_from_state(state: tuple) -> Report:
    head, cells, checks, warnings, sections, ocr_pages, boxes = state
    source, fmt, title, agency, year, template, published = head
    report = Report(source=source, format=fmt, title=title, agency=agency, year=year, template=template)
    report.published = published
    for key, value, raw, unit, note, placed, row_label in cells:
        report.cells[key] = CellValue(key, value, raw, unit, note, placed, row_label)
    report.checks = [Check(*c) for c in checks]
    report.warnings = warnings
    report.sections = [Section(*s) for s in sections]
    report.ocr_pages = ocr_pages
    for key, (page, box, confidence, readable) in boxes.items():
        report.cells[key].box = OcrBox(page, box, confidence, readable)
    return report
