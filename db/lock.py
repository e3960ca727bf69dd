"""One `xxgk load` at a time per database: an advisory `flock` on `<db>.load.lock`.

Two loads of one database would each extract the documents the other is extracting
and store them twice (as new versions). The second one waits for the first, up to a
timeout, then refuses with a clear message. The kernel releases the lock of a process
that dies, so a crash never leaves a stale lock.
"""

from __future__ import annotations

import fcntl
import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


class LoadLocked(RuntimeError):
    """Another load holds the database."""


@contextmanager
def load_lock(db_path: str | Path, wait: float = 0.0) -> Iterator[Path]:
    """Hold the load lock of `db_path`, waiting up to `wait` seconds for it."""
    path = Path(f"{db_path}.load.lock")
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        deadline = time.monotonic() + wait
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    holder = os.pread(fd, 32, 0).decode(errors="replace").strip() or "?"
                    waited = f" after waiting {wait:g} s" if wait else ""
                    raise LoadLocked(
                        f"another xxgk load is writing this database (pid {holder}); not starting a "
                        f"second one{waited} (--wait SECONDS waits for it)"
                    ) from None
                time.sleep(0.2)
        os.ftruncate(fd, 0)
        os.pwrite(fd, str(os.getpid()).encode(), 0)
        yield path
    finally:
        os.close(fd)  # closing releases the lock
