"""Extraction on every core, or on a Dask cluster, with one writer.

`xxgk load` extracts documents here and writes the database in its own process: the
executors below run `extract_task` (read a document, check its hash, extract it) and hand
back each document's outcome, a `Report.to_json()` dict or the reason it failed, never a
database row. Outcomes come back in the order the documents went in, so that the writer
stores them exactly as one sequential run would (ids, versions, the current report).

- `InProcess`: in the calling process (`--jobs 0`, the library's default, tests that pass
  their own extractor).
- `ProcessPool`: N worker processes, each with one document at a time. A worker that dies
  (a crash in a C library, the kernel's OOM killer) or passes the time limit is killed and
  replaced; its document gets the error, the others go on.
- `DaskPool`: the same function on a Dask distributed cluster; the workers read the
  documents by path (a shared filesystem or an fsspec URL). Dask retries a lost worker's
  tasks; a document whose tasks keep killing workers fails alone.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import multiprocessing
import os
import signal
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from multiprocessing.connection import Connection, wait
from pathlib import Path
from typing import Any, Generic, TypeVar

from extract import settings
from extract.settings import ReadSettings

K = TypeVar("K")
Outcome = tuple[dict[str, Any] | None, str | None]  # (report dict, None) or (None, reason)
Items = Iterable[tuple[K, "Task | None"]]  # (the caller's key, a document or None)
Results = Iterator[tuple[K, "Task | None", "Outcome | None"]]

DEFAULT_TIMEOUT = 600.0  # seconds per document: a scanned report of 50 pages OCRs in ~4 min


class ExecutorError(RuntimeError):
    """The executor asked for cannot start (Dask not installed, scheduler unreachable)."""


@dataclass(frozen=True)
class Task:
    """One document to extract, named so that any process or machine can read it."""

    path: str  # a file path or an fsspec URL (the store's docs/xx/<sha256>, or a user's file)
    sha256: str  # what the file must hash to
    name: str  # the source named in errors and in the report (URL or file name)
    content_type: str | None = None
    title_hint: str | None = None
    # a scanned report's page: its images in page order, (URL, stored path or None if not
    # fetched), read with it as one report whose digest covers them all (report_sha256)
    images: tuple[tuple[str, str | None], ...] = ()
    report_sha256: str | None = None


def read_task(task: Task) -> bytes:
    """The document's bytes; ReadError (OSError for a URL) when unreadable, ValueError when
    they do not match the hash (not checked when the task has none: a scanned page's image)."""
    if "://" in task.path:
        import fsspec  # a dependency of dask: fsspec URLs are for cluster workers

        with fsspec.open(task.path, "rb") as f:
            data = f.read()
    else:
        from extract.bounded import read_file  # regular files only, within the size limit

        data = read_file(task.path)
    if task.sha256 and hashlib.sha256(data).hexdigest() != task.sha256:
        raise ValueError(f"stored file {task.path} does not match its sha256 (damaged store)")
    return data


def extract_task(
    task: Task, extractor: Callable[..., Any] | None = None, read_settings: ReadSettings | None = None
) -> Outcome:
    """Read, check and extract one document; never raises but for an interruption.

    The function every executor runs, in a worker process or on a Dask worker. A Dask
    worker gets the client's `read_settings` (its limits) with each task: it has no
    other way to know them.
    """
    from db.load import _default_extractor, extract_report
    from extract import ReadError

    if read_settings is not None:
        settings.configure(read_settings)

    try:
        data = read_task(task)
    except ReadError as exc:
        return None, f"stored file {task.path} cannot be read ({exc})"
    except OSError as exc:  # an fsspec URL
        return None, f"stored file {task.path} cannot be read ({exc.strerror or exc})"
    except ValueError as exc:
        return None, str(exc)
    images = {"images": read_images(task)} if task.images else {}
    return extract_report(
        extractor or _default_extractor(),
        data,
        task.name,
        content_type=task.content_type,
        title_hint=task.title_hint,
        **images,
    )


def read_images(task: Task) -> list[tuple[str, bytes | None]]:
    """A scanned report page's images, None for one not fetched or not readable (its pages
    are then missing, and the report says so)."""
    from extract import ReadError

    images: list[tuple[str, bytes | None]] = []
    for url, path in task.images:
        try:
            images.append((url, read_task(Task(path, "", url)) if path else None))
        except (ReadError, OSError, ValueError):
            images.append((url, None))
    return images


class Executor(Generic[K]):
    """Extracts a stream of (key, task) and yields (key, task, outcome) in the same order.

    A None task passes through with a None outcome (a document known already, say), so
    the caller sees every item in order.
    """

    def extract(self, items: Items[K]) -> Results[K]:
        raise NotImplementedError

    def close(self) -> None:
        pass

    def __enter__(self) -> Executor[K]:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class InProcess(Executor[K]):
    """Extraction in this process, one document after another."""

    def __init__(self, extractor: Callable[..., Any] | None = None) -> None:
        self.extractor = extractor

    def extract(self, items: Items[K]) -> Results[K]:
        for key, task in items:
            yield key, task, (extract_task(task, self.extractor) if task else None)


class _Ordered(Generic[K]):
    """Outcomes arriving in any order, handed out in the order of submission."""

    def __init__(self, items: Items[K], window: int) -> None:
        self.queue: deque[list[Any]] = deque()  # [key, task, outcome, done]
        self.source = iter(items)
        self.window = window  # documents held at most (a slow one holds back the writer)
        self.exhausted = False

    def take(self) -> list[list[Any]]:
        """Entries newly taken from the items, up to the window, that need extracting."""
        new = []
        while not self.exhausted and len(self.queue) < self.window:
            try:
                key, task = next(self.source)
            except StopIteration:
                self.exhausted = True
                break
            entry = [key, task, None, task is None]
            self.queue.append(entry)
            if task is not None:
                new.append(entry)
        return new

    def finished(self) -> bool:
        return self.exhausted and not self.queue

    def ready(self) -> Iterator[tuple[K, Task | None, Outcome | None]]:
        while self.queue and self.queue[0][3]:
            key, task, outcome, _ = self.queue.popleft()
            yield key, task, outcome


# --- worker processes ------------------------------------------------------------------


def _worker_main(
    conn: Connection, memory_mb: int, extractor: Callable[..., Any] | None, read_settings: ReadSettings
) -> None:
    """A worker process: tasks in, outcomes out, until the parent sends None.

    It reads documents with the parent's settings (a forkserver child inherits none)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle
    settings.configure(read_settings)
    if memory_mb:
        import resource

        limit = memory_mb * 1024 * 1024
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))  # beyond it: MemoryError
    from extract import batch_gc

    with batch_gc():
        while True:
            try:
                task = conn.recv()
            except EOFError:
                return
            if task is None:
                return
            conn.send(extract_task(task, extractor))


@dataclass
class _Worker:
    process: Any  # multiprocessing.Process
    conn: Connection
    entry: list[Any] | None = None  # the _Ordered entry of the document it works on
    started: float = 0.0


def _death(exitcode: int | None) -> str:
    if exitcode is not None and exitcode < 0:
        try:
            return f"killed by signal {signal.Signals(-exitcode).name}"
        except ValueError:
            return f"killed by signal {-exitcode}"
    return f"exit status {exitcode}"


class ProcessPool(Executor[K]):
    """`jobs` worker processes, one document each at a time; this process stays the writer.

    A document that passes `timeout` seconds has its worker killed; a worker that dies
    fails only the document it held. Either way a new worker takes its place.
    """

    def __init__(
        self,
        jobs: int,
        *,
        timeout: float = DEFAULT_TIMEOUT,
        memory_mb: int = 0,
        extractor: Callable[..., Any] | None = None,  # a module-level function (it is pickled)
    ) -> None:
        self.jobs = max(1, jobs)
        self.extractor = extractor
        self.timeout = timeout
        self.memory_mb = memory_mb
        method = "forkserver" if "forkserver" in multiprocessing.get_all_start_methods() else "spawn"
        self.ctx = multiprocessing.get_context(method)
        if method == "forkserver":
            self.ctx.set_forkserver_preload(["extract", "db.load"])  # each worker starts warm
        self.workers: list[_Worker] = []
        self.restarted = 0

    def _start(self) -> _Worker:
        parent, child = self.ctx.Pipe()
        proc = self.ctx.Process(
            target=_worker_main, args=(child, self.memory_mb, self.extractor, settings.current()), daemon=True
        )
        proc.start()
        child.close()
        return _Worker(proc, parent)

    def _replace(self, worker: _Worker, reason: str) -> None:
        entry = worker.entry
        if entry is not None:
            entry[2] = (None, reason)
            entry[3] = True
        if worker.process.is_alive():
            worker.process.kill()
        worker.process.join()
        worker.conn.close()
        self.workers[self.workers.index(worker)] = self._start()
        self.restarted += 1

    def extract(self, items: Items[K]) -> Results[K]:
        while len(self.workers) < self.jobs:
            self.workers.append(self._start())
        ordered: _Ordered[K] = _Ordered(items, self.jobs * 8)
        waiting: deque[list[Any]] = deque()  # entries not yet given to a worker
        while True:
            waiting.extend(ordered.take())
            for w in self.workers:
                if w.entry is None and waiting:
                    w.entry = waiting.popleft()
                    w.started = time.monotonic()
                    with contextlib.suppress(BrokenPipeError, OSError):  # if it died: its sentinel says
                        w.conn.send(w.entry[1])
            yield from ordered.ready()
            busy = [w for w in self.workers if w.entry is not None]
            if not busy:
                if ordered.finished():
                    return
                continue
            deadline = min(w.started for w in busy) + self.timeout
            ready = wait(
                [w.conn for w in busy] + [w.process.sentinel for w in busy],
                timeout=max(0.0, deadline - time.monotonic()),
            )
            for w in busy:
                if w.conn in ready:
                    try:
                        outcome = w.conn.recv()
                    except (EOFError, OSError):
                        w.process.join(5)
                        self._replace(w, f"the extraction process died ({_death(w.process.exitcode)})")
                        continue
                    assert w.entry is not None
                    w.entry[2], w.entry[3] = outcome, True
                    w.entry = None
                elif w.process.sentinel in ready:
                    w.process.join(5)
                    self._replace(w, f"the extraction process died ({_death(w.process.exitcode)})")
                elif time.monotonic() - w.started >= self.timeout:
                    self._replace(w, f"extraction took longer than {self.timeout:g} s (stopped)")

    def close(self) -> None:
        for w in self.workers:
            with contextlib.suppress(BrokenPipeError, OSError):
                w.conn.send(None)
        for w in self.workers:
            w.process.join(5)
            if w.process.is_alive():
                w.process.kill()
                w.process.join()
            w.conn.close()
        self.workers = []


# --- Dask ------------------------------------------------------------------------------


class DaskPool(Executor[K]):
    """`extract_task` on a Dask distributed cluster; the documents are read by the workers.

    `store` maps the local data folder to the path (or fsspec URL) the workers see it at.
    """

    def __init__(self, address: str, *, local_store: str | None = None, store: str | None = None) -> None:
        try:
            from distributed import Client
        except ImportError as exc:
            raise ExecutorError("--dask needs the dask extra: pip install 'xxgk[dask]'") from exc
        try:
            self.client = Client(address, timeout="30s")
        except (OSError, TimeoutError) as exc:
            raise ExecutorError(f"cannot reach the Dask scheduler at {address}: {exc}") from exc
        self.local_store = str(Path(local_store).resolve()) if local_store else None
        self.store = store.rstrip("/") if store else None
        self.window = max(64, 16 * sum(self.client.nthreads().values()))

    def _remote(self, task: Task) -> Task:
        path = str(Path(task.path).resolve())  # the workers may run elsewhere: no relative paths
        if self.store and self.local_store and path.startswith(self.local_store + os.sep):
            path = self.store + "/" + path[len(self.local_store) + 1 :].replace(os.sep, "/")
        return Task(path, task.sha256, task.name, task.content_type, task.title_hint)

    def extract(self, items: Items[K]) -> Results[K]:
        from distributed import as_completed

        ordered: _Ordered[K] = _Ordered(items, self.window)
        running = as_completed()
        entries: dict[str, list[Any]] = {}
        while True:
            for entry in ordered.take():
                task = self._remote(entry[1])
                future = self.client.submit(extract_task, task, read_settings=settings.current(), pure=False)
                entries[future.key] = entry
                running.add(future)
            yield from ordered.ready()
            if not entries:
                if ordered.finished():
                    return
                continue
            future = next(running)
            entry = entries.pop(future.key)
            try:
                entry[2] = future.result()
            except (Exception, asyncio.CancelledError) as exc:  # KilledWorker: it killed workers each try
                entry[2] = (None, f"extraction failed on the Dask cluster: {type(exc).__name__}: {exc}")
            entry[3] = True
            future.release()

    def close(self) -> None:
        self.client.close()


def make_executor(
    jobs: int | None,
    *,
    dask: str | None = None,
    timeout: float = DEFAULT_TIMEOUT,
    memory_mb: int = 0,
    local_store: str | None = None,
    store: str | None = None,
) -> Executor[Any]:
    """The executor the command line asks for: Dask, worker processes, or this process (jobs 0)."""
    if dask:
        return DaskPool(dask, local_store=local_store, store=store)
    if jobs == 0:
        return InProcess()
    return ProcessPool(jobs or os.cpu_count() or 1, timeout=timeout, memory_mb=memory_mb)
