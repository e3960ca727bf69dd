"""One crawl at a time per data folder: an advisory `flock` on `<data>/crawl.lock`.

The lock belongs to the process (several spiders of one `xxgk crawl` share it) and is
released by the kernel if the process dies, so a crash never leaves a stale lock.
"""

from __future__ import annotations

import fcntl
import os
from pathlib import Path


class CrawlLocked(RuntimeError):
    """Another crawl holds the lock on this data folder."""


_held: dict[Path, tuple[int, int]] = {}  # lock path -> (fd, users in this process)


def acquire(data_dir: str | Path) -> Path:
    path = (Path(data_dir) / "crawl.lock").resolve()
    if path in _held:
        fd, users = _held[path]
        _held[path] = (fd, users + 1)
        return path
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        holder = os.pread(fd, 64, 0).decode(errors="replace").strip() or "?"
        os.close(fd)
        raise CrawlLocked(
            f"{path}: another crawl is running (pid {holder}); not starting a second one"
        ) from None
    os.ftruncate(fd, 0)
    os.pwrite(fd, str(os.getpid()).encode(), 0)
    _held[path] = (fd, 1)
    return path


def release(path: Path) -> None:
    if path not in _held:
        return
    fd, users = _held[path]
    if users > 1:
        _held[path] = (fd, users - 1)
        return
    del _held[path]
    fcntl.flock(fd, fcntl.LOCK_UN)
    os.close(fd)
