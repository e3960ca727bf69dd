"""Put extracted reports into the database: idempotent, versioned, never half-written.

A report belongs to a *series*: the same agency's report for the same year (or, when the
year is unknown, the same source). Loading content already loaded (same sha256) changes
nothing; new content in a known series is a new version and becomes the current one.
Each report's rows are written inside one savepoint: a failure leaves no trace of it.

Three ways in: `Loader.load_report` takes a `Report.to_json()` dict (tests, benchmarks,
`xxgk extract --jsonl` output); `load_paths` extracts files; `load_documents` extracts
rows of the crawler's `documents` table from `<data>/docs/<sha[:2]>/<sha>`.
"""

from __future__ import annotations

import hashlib
import json
import re
import sqlite3
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, BinaryIO

import sqlite_utils

from db.parallel import Executor, InProcess, Outcome, Task
from db.regions import RegionIndex
from db.resolve import Resolution, Resolver
from db.scanned_pages import ScannedPages
from db.schema import TABLE_SECTIONS, canonical_keys, column_name
from db.search import index_text
from db.status import count_line, report_status
from db.validate import report_problem

SECTION_ORDER = {n: i for i, n in enumerate("一二三四五六", start=1)}
SECTION_SHIFT = 40
Progress = Callable[[str, str], None]  # (status, source): status is loaded|version|unchanged|error


@dataclass
class LoadSummary:
    loaded: int = 0  # new reports
    versions: int = 0  # new versions of known reports
    unchanged: int = 0  # content already in the database
    errors: int = 0  # documents that could not be extracted (see extraction_errors)
    unresolved: set[str] = field(default_factory=set)  # agency names without a region
    last_error: str = ""  # the reason of the latest error, for progress lines
    failures: Counter[str] = field(default_factory=Counter)  # this run's failed documents by kind of reason
    statuses: dict[str, int] = field(default_factory=dict)  # new reports by status (db.status)

    def count(self, status: str) -> None:
        if status == "loaded":
            self.loaded += 1
        elif status == "version":
            self.versions += 1
        elif status == "unchanged":
            self.unchanged += 1
        elif status == "error":
            self.errors += 1

    def count_status(self, status: str) -> None:
        self.statuses[status] = self.statuses.get(status, 0) + 1

    def line(self) -> str:
        text = (
            f"{self.loaded} new report(s), {self.versions} new version(s), {self.unchanged} unchanged, "
            f"{self.errors} extraction error(s)"
        )
        if self.loaded or self.versions or self.errors:
            text += f"; by status: {count_line({**self.statuses, 'unreadable': self.errors})}"
        if self.failures:
            kinds = "; ".join(f"{n} × {kind}" for kind, n in self.failures.most_common())
            text += f"; failed: {kinds}"
        if self.unresolved:
            text += f"; {len(self.unresolved)} agency name(s) without a region (view unresolved_agencies)"
        return text


def now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def printable(text: str) -> str:
    """`text` as SQLite can store it: lone surrogates (from JSON escapes) replaced."""
    return text.encode("utf-8", "replace").decode("utf-8") if isinstance(text, str) else repr(text)


def _text_field(report: Any, name: str) -> str | None:
    value = report.get(name) if isinstance(report, Mapping) else None
    return value if isinstance(value, str) and value else None


def report_sha256(report: Mapping[str, Any]) -> str:
    """A stable digest of a report dict, for reports loaded without their document."""
    blob = json.dumps(report, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(blob.encode()).hexdigest()


class Loader:
    """Writes reports into an open database, committing every `batch` reports."""

    def __init__(
        self,
        db: sqlite_utils.Database,
        *,
        batch: int = 2000,
        index: RegionIndex | None = None,
        retry_errors: bool = False,
    ) -> None:
        self.db = db
        self.conn: sqlite3.Connection = db.conn
        self.batch = batch
        self.pending = 0
        self.resolver = Resolver(index)
        self.keys = canonical_keys()
        self.key_ids = {key: kid for kid, key in self.conn.execute("SELECT id, key FROM cell_keys")}
        self.values_sql = (
            f"INSERT INTO report_values (report_id, {', '.join(map(column_name, self.keys))}) "
            f"VALUES ({', '.join('?' * (len(self.keys) + 1))})"
        )
        self.agencies: dict[tuple, tuple[int, Resolution]] = {}
        self.known_sha = {row[0] for row in self.conn.execute("SELECT DISTINCT sha256 FROM reports")}
        # documents that failed before are skipped, unless asked to try them again
        self.retry_errors = retry_errors
        self.failed_sha: set[str] = set()
        if not retry_errors:
            self.failed_sha = {
                row[0] for row in self.conn.execute("SELECT DISTINCT sha256 FROM extraction_errors") if row[0]
            }
        self.check_ids = {name: cid for cid, name in self.conn.execute("SELECT id, name FROM check_names")}
        # sections.id = (section number << 40) + a sequence, so that the rows of one section
        # (say 五, the problems) lie together and a scan of them reads nothing else
        mask = (1 << SECTION_SHIFT) - 1
        self.section_seq = self.conn.execute(
            f"SELECT COALESCE(MAX(id & {mask}), 0) FROM sections"
        ).fetchone()[0]
        self.unindexed: list[tuple[int, str, str]] = []  # narrative sections not yet in sections_fts
        # cache entries made inside the current report's savepoint: dropped if it rolls back
        self.cached_in_report: list[tuple[dict, Any]] = []
        self.summary = LoadSummary()

    # --- transactions ---------------------------------------------------------------

    def _begin(self) -> None:
        if not self.conn.in_transaction:
            self.conn.execute("BEGIN")

    def _done_one(self) -> None:
        self.pending += 1
        if self.pending >= self.batch:
            self.commit()

    def commit(self) -> None:
        """Index the new sections for full-text search, then commit (one transaction)."""
        if self.conn.in_transaction:
            self._index_sections()
            self.conn.commit()
        self.pending = 0

    def _index_sections(self) -> None:
        # Once per batch, not per report: FTS5 indexes a batch many times faster. Only the
        # narrative sections (一 总体情况, 五 问题, 六 其他) are indexed; 二 to 四 are the tables.
        if not self.unindexed:
            return
        # In rowid order: FTS5 writes its in-memory index out whenever a rowid is lower than
        # the last one, and the ids of sections 一, 五 and 六 interleave (see SECTION_SHIFT).
        self.unindexed.sort()
        self.conn.executemany(
            "INSERT INTO sections_fts (rowid, heading, text) VALUES (?, ?, ?)", self.unindexed
        )
        self.unindexed = []

    def check_id(self, name: str, table: str | None) -> int:
        cid = self.check_ids.get(name)
        if cid is None:
            cur = self.conn.execute("INSERT INTO check_names (name, tbl) VALUES (?, ?)", (name, table))
            cid = self.check_ids[name] = cur.lastrowid
            self.cached_in_report.append((self.check_ids, name))
        return cid

    def is_known(self, sha256: str) -> bool:
        """True when this content was loaded (or failed) before: a re-run skips it unread."""
        return sha256 in self.known_sha or sha256 in self.failed_sha

    # --- agencies -------------------------------------------------------------------

    def agency(
        self, name: str | None, title: str | None, portal_region: str | None
    ) -> tuple[int, Resolution]:
        cache_key = (name, None if name else title, portal_region)
        hit = self.agencies.get(cache_key)
        if hit:
            return hit
        res = self.resolver.resolve(name, title, portal_region)
        display = name or res.name or "(unknown agency)"
        if res.region_code is None:
            res = Resolution(display, None, None, None, "unresolved", res.reason)
        self.conn.execute(
            "INSERT OR IGNORE INTO agencies (key, name, region_code, level, kind, method, unresolved_reason) "
            "VALUES (?, ?, ?, ?, ?, ?, ?)",
            (res.key, display, res.region_code, res.level, res.kind, res.method, res.reason),
        )
        agency_id = self.conn.execute("SELECT id FROM agencies WHERE key = ?", (res.key,)).fetchone()[0]
        self.agencies[cache_key] = (agency_id, res)
        self.cached_in_report.append((self.agencies, cache_key))
        return agency_id, res

    # --- reports --------------------------------------------------------------------

    def load_report(
        self,
        report: Mapping[str, Any],
        *,
        sha256: str | None = None,
        source: str | None = None,
        url: str | None = None,
        document_id: int | None = None,
        portal_region: str | None = None,
        list_date: str | None = None,
        title_hint: str | None = None,
    ) -> str:
        """Store one report (a `Report.to_json()` dict). Returns loaded|version|unchanged|error.

        Never raises for a fault of the report itself: a report the database cannot hold
        (a number >= 2^63, a field of the wrong type) or any failure while writing it is
        rolled back whole and recorded in extraction_errors against this document, and
        the batch goes on. Only interruptions and errors of the database itself propagate.
        """
        problem = report_problem(report)
        if problem is None and sha256 is None:
            sha256 = report_sha256(report)
        if problem:
            name = source or _text_field(report, "source") or url or sha256 or "(report)"
            return self._refuse(name, f"cannot be stored: {problem}", sha256, document_id)
        assert sha256 is not None
        if sha256 in self.known_sha:
            self.summary.count("unchanged")
            return "unchanged"
        source = source or report.get("source") or url or sha256
        self._begin()
        self.conn.execute("SAVEPOINT report")
        self.cached_in_report = []
        try:
            status = self._insert(
                report, sha256, source, url, document_id, portal_region, list_date, title_hint
            )
        except (KeyboardInterrupt, SystemExit, MemoryError, sqlite3.OperationalError):
            self._rollback_report()
            raise  # an interruption, or the database itself failing (locked, disk full)
        except Exception as exc:  # this report's own fault: the batch goes on without it
            self._rollback_report()
            return self._refuse(source, f"cannot be stored: {type(exc).__name__}: {exc}", sha256, document_id)
        self.conn.execute("RELEASE report")
        self.cached_in_report = []
        if self.retry_errors:
            self.conn.execute("DELETE FROM extraction_errors WHERE sha256 = ?", (sha256,))
        self.known_sha.add(sha256)
        self.summary.count(status)
        self.summary.count_status(report_status(report))
        self._done_one()
        return status

    def _rollback_report(self) -> None:
        self.conn.execute("ROLLBACK TO report")
        self.conn.execute("RELEASE report")
        for cache, key in self.cached_in_report:  # rows the rollback removed
            cache.pop(key, None)
        self.cached_in_report = []

    def _refuse(self, source: str, reason: str, sha256: str | None, document_id: int | None) -> str:
        self.record_error(source, reason, sha256=sha256, document_id=document_id)
        return "error"

    def _insert(
        self,
        report: Mapping[str, Any],
        sha256: str,
        source: str,
        url: str | None,
        document_id: int | None,
        portal_region: str | None,
        list_date: str | None,
        title_hint: str | None,
    ) -> str:
        conn = self.conn
        title = report.get("title") or title_hint
        agency_id, res = self.agency(report.get("agency"), title, portal_region)
        if res.region_code is None:
            self.summary.unresolved.add(res.name)
        year = report.get("year")
        series = f"agency:{agency_id}:{year}" if year else f"source:{url or source}"
        prev = conn.execute("SELECT MAX(version) FROM reports WHERE series = ?", (series,)).fetchone()[0]
        version = (prev or 0) + 1
        # A page without the tables (a "详见附件" page, a short notice) never hides a version
        # that has them: the same report published as a page and as an attachment. Nor does
        # a scan hide a version read from a text layer: the same report published as text
        # and as images is better read from the text, whichever the crawl happened to
        # fetch last.
        current = conn.execute(
            "SELECT cells_found, method FROM reports WHERE series = ? AND is_current = 1", (series,)
        ).fetchone()
        cells_found = len(report.get("cells") or {})
        read_by_ocr = report.get("method") == "ocr"
        worse = not cells_found or (read_by_ocr and current is not None and current[1] != "ocr")
        outranked = bool(current and current[0]) and worse
        is_current = 0 if outranked else 1
        if prev and is_current:
            conn.execute("UPDATE reports SET is_current = 0 WHERE series = ? AND is_current = 1", (series,))
        cells: Mapping[str, Any] = report.get("cells") or {}
        checks = report.get("checks") or []
        warnings = list(report.get("warnings") or [])
        unknown = [k for k in cells if k not in self.key_ids]
        if unknown:
            warnings.append(f"keys not in the template, not stored: {', '.join(sorted(unknown)[:5])}")
        cur = conn.execute(
            "INSERT INTO reports (agency_id, region_code, year, template, title, url, published, "
            "document_id, "
            "source, sha256, format, series, version, is_current, loaded_at, cells_found, checks_failed, "
            "checks_unknown, warnings, status) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                agency_id,
                res.region_code,
                year,
                report.get("template"),
                title,
                url,
                report.get("published") or list_date,
                document_id,
                source,
                sha256,
                report.get("format"),
                series,
                version,
                is_current,
                now(),
                len(cells) - list(cells.values()).count(None),
                sum(1 for c in checks if c.get("ok") is False),
                sum(1 for c in checks if c.get("ok") is None),
                json.dumps(warnings, ensure_ascii=False) if warnings else None,
                report_status(report),
            ),
        )
        rid = cur.lastrowid
        raw = report.get("raw") or {}
        units = report.get("units") or {}
        notes = report.get("notes") or {}
        placement = report.get("placement") or {}
        boxes = report.get("boxes") or {}  # OCR'd cells: page, pixel box, confidence
        # Every value goes into report_values; a cell that is just its integer, printed as
        # such, needs nothing more (the view `cells` shows it). The others, with a printed form
        # of their own, a blank, a unit, a note or an arithmetic placement, go to cell_details.
        key_ids = self.key_ids
        extra = units.keys() | notes.keys() | placement.keys() | boxes.keys()
        details = []
        for k, v in cells.items():
            if type(v) is int and raw.get(k) == str(v) and k not in extra:
                continue
            kid = key_ids.get(k)
            if kid is not None:
                b = boxes.get(k)
                where = (b["page"], ",".join(map(str, b["box"])), b["confidence"]) if b else (None,) * 3
                details.append(
                    (rid, kid, v, raw.get(k), units.get(k), notes.get(k), placement.get(k, "printed"), *where)
                )
        if details:
            conn.executemany(
                "INSERT INTO cell_details (report_id, key_id, value, raw, unit, note, placement, page, box, "
                "confidence) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                details,
            )
        if report.get("method") == "ocr":
            pages = ",".join(map(str, report.get("ocr_pages") or []))
            conn.execute("UPDATE reports SET method = 'ocr', ocr_pages = ? WHERE id = ?", (pages, rid))
        conn.execute(self.values_sql, (rid, *map(cells.get, self.keys)))
        if checks:
            check_ids = self.check_ids
            rows = {}
            for c in checks:
                name = c["name"]
                cid = check_ids.get(name) or self.check_id(name, c.get("table"))
                # booleans are stored as 1/0 by sqlite3
                rows[cid] = (rid, cid, c.get("ok"), c.get("expected"), c.get("actual"))
            conn.executemany("INSERT INTO checks VALUES (?, ?, ?, ?, ?)", list(rows.values()))
        sections = report.get("sections") or []
        if sections:
            rows, fts = [], []
            for sec in sections:
                self.section_seq += 1
                number, heading, text = sec.get("number"), sec.get("heading"), sec.get("text")
                sid = (SECTION_ORDER.get(number, 7) << SECTION_SHIFT) + self.section_seq
                rows.append((sid, rid, number, heading, text))
                if number not in TABLE_SECTIONS:
                    fts.append((sid, index_text(heading), index_text(text)))
            conn.executemany(
                "INSERT INTO sections (id, report_id, number, heading, text) VALUES (?, ?, ?, ?, ?)", rows
            )
            self.unindexed += fts  # only once this report is stored whole
        return "version" if prev else "loaded"

    # --- errors ---------------------------------------------------------------------

    def record_error(
        self, source: str, reason: str, *, sha256: str | None = None, document_id: int | None = None
    ) -> None:
        """Note a document that could not be extracted; a re-run does not note it twice."""
        source, reason = printable(source), printable(reason)
        self.summary.last_error = reason
        # "cannot be stored: cell ... is 1e20, ..." counts as "cannot be stored", and
        # "not valid JSON (nested too deeply)" as "not valid JSON"
        self.summary.failures[re.sub(r" \(.*", "", reason.split(": ")[0])[:60]] += 1
        if sha256 and sha256 in self.failed_sha:
            return
        self._begin()
        if sha256 and self.retry_errors:
            self.conn.execute("DELETE FROM extraction_errors WHERE sha256 = ?", (sha256,))
        if (
            sha256 is None
            and self.conn.execute(
                "SELECT 1 FROM extraction_errors WHERE source = ? AND sha256 IS NULL AND reason = ?",
                (source, reason),
            ).fetchone()
        ):
            return
        self.conn.execute(
            "INSERT INTO extraction_errors (document_id, source, sha256, reason, at) VALUES (?, ?, ?, ?, ?)",
            (document_id, source, sha256, reason, now()),
        )
        if sha256:
            self.failed_sha.add(sha256)
        self.summary.count("error")
        self._done_one()


# --- documents in, reports out -------------------------------------------------------

Extractor = Callable[..., Any]  # extract.extract_bytes


def _default_extractor() -> Extractor:
    from extract import extract_bytes

    return extract_bytes


def extract_report(
    extractor: Extractor,
    data: bytes,
    name: str,
    *,
    content_type: str | None = None,
    title_hint: str | None = None,
    images: list[tuple[str, bytes | None]] | None = None,
) -> tuple[dict[str, Any] | None, str | None]:
    """Extract one document: (its report dict, None), or (None, the reason it failed).

    Never raises but for an interruption: whatever goes wrong in one document is that
    document's error. It touches no database, so a process pool can run it. `images`: a
    scanned report page's images, in page order (`extract.extract_bytes`).
    """
    from extract import ReadError

    try:
        more = {"images": images} if images else {}
        report = extractor(data, name, content_type=content_type, title_hint=title_hint, **more)
        return report.to_json(), None
    except ReadError as exc:
        return None, str(exc)
    except MemoryError:
        return None, "too large: extraction ran out of memory"
    except RecursionError:
        return None, "nested too deeply to be read (recursion limit)"
    except Exception as exc:  # a bug in extraction must not stop the run
        return None, f"internal error while extracting: {type(exc).__name__}: {exc}"


def load_paths(
    loader: Loader,
    paths: Iterable[str | Path],
    *,
    progress: Progress | None = None,
    extractor: Extractor | None = None,
    portal_region: str | None = None,
    executor: Executor[Any] | None = None,
) -> LoadSummary:
    """Extract and load report files; unreadable ones go to extraction_errors.

    `executor` extracts (db.parallel: worker processes, Dask); by default this process does.
    """

    from extract import ReadError
    from extract.bounded import read_file
    from extract.page_images import local_image_paths

    def tasks() -> Iterator[tuple[tuple[str, str | None], Task | None]]:
        for path in paths:
            source = str(path)
            try:
                data = read_file(path)
            except ReadError as exc:
                yield (source, str(exc)), None
                continue
            sha = hashlib.sha256(data).hexdigest()
            images = tuple(local_image_paths(path, data))  # a saved scanned report page's images
            if images:
                whole = _digest_with_images(sha, images)
                task = Task(source, sha, source, images=images, report_sha256=whole)
                yield (source, None), None if loader.is_known(whole) else task
                continue
            yield (source, None), None if loader.is_known(sha) else Task(source, sha, source)

    with executor or InProcess(extractor) as pool:
        for (source, unreadable), task, outcome in pool.extract(tasks()):
            if unreadable:
                loader.record_error(source, unreadable)
                status = "error"
            elif task is None or outcome is None or loader.is_known(task.report_sha256 or task.sha256):
                loader.summary.count("unchanged")
                status = "unchanged"
            else:
                status = _store(loader, task, outcome, source=source, portal_region=portal_region)
            if progress:
                progress(status, source)
    loader.commit()
    return loader.summary


def _digest_with_images(sha: str, images: Iterable[tuple[str, str | None]]) -> str:
    """A saved scanned page's report digest: its own and its images', so that a changed
    image makes a new version."""
    from extract import ReadError
    from extract.bounded import read_file

    digest = hashlib.sha256(sha.encode())
    for url, path in images:
        try:
            image = hashlib.sha256(read_file(path)).hexdigest() if path else "-"
        except ReadError:
            image = "-"
        digest.update(f"\n{url} {image}".encode())
    return digest.hexdigest()


def _store(loader: Loader, task: Task, outcome: Outcome, *, document_id: int | None = None, **kw: Any) -> str:
    """Write one extracted document (or its error) through the loader, the only writer."""
    report, reason = outcome
    if report is None:
        loader.record_error(task.name, reason or "unknown error", sha256=task.sha256, document_id=document_id)
        return "error"
    return loader.load_report(report, sha256=task.report_sha256 or task.sha256, document_id=document_id, **kw)


def document_path(data_dir: str | Path, sha256: str) -> Path:
    return Path(data_dir) / "docs" / sha256[:2] / sha256


def load_documents(
    loader: Loader,
    rows: Iterable[Mapping[str, Any]],
    data_dir: str | Path,
    *,
    portal_regions: Mapping[str, str] | None = None,
    progress: Progress | None = None,
    extractor: Extractor | None = None,
    executor: Executor[Any] | None = None,
) -> LoadSummary:
    """Extract and load rows of the `documents` table (oldest first, so the newest ends current).

    `executor` extracts (db.parallel: worker processes, Dask); by default this process does.
    Either way the outcomes are written in the rows' order, as one process would.
    """
    portal_regions = portal_regions or {}
    scanned = ScannedPages(loader.conn, data_dir)
    read_scans: set[str] = set()  # scanned reports read in this run (a page and its images)

    def tasks() -> Iterator[tuple[dict[str, Any], Task | None]]:
        for row in rows:
            row = dict(row)
            sha, url = row["sha256"], row["url"]
            scan = scanned.report_of(row)
            if scan is not None:  # the page and its images, one report: keyed by the page row
                if loader.is_known(scan.report_sha256) or scan.report_sha256 in read_scans:
                    yield row, None
                    continue
                read_scans.add(scan.report_sha256)
                row, sha, url = scan.page, scan.page["sha256"], scan.page["url"]
                path = str(document_path(data_dir, sha))
                yield (
                    row,
                    Task(
                        path,
                        sha,
                        url,
                        row.get("content_type"),
                        row.get("title"),
                        scan.images,
                        scan.report_sha256,
                    ),
                )
            elif loader.is_known(sha):
                yield row, None
            else:
                path = str(document_path(data_dir, sha))
                yield row, Task(path, sha, url, row.get("content_type"), row.get("title"))

    with executor or InProcess(extractor) as pool:
        for row, task, outcome in pool.extract(tasks()):
            url = row["url"]
            if task is None or outcome is None or loader.is_known(task.report_sha256 or task.sha256):
                loader.summary.count("unchanged")
                status = "unchanged"
            else:
                status = _store(
                    loader,
                    task,
                    outcome,
                    document_id=row.get("id"),
                    source=url,
                    url=row.get("final_url") or url,
                    portal_region=portal_regions.get(row.get("portal") or ""),
                    list_date=row.get("list_date"),
                    title_hint=row.get("title"),
                )
            if progress:
                progress(status, url)
    loader.commit()
    return loader.summary


def stored_documents(db: sqlite_utils.Database) -> list[dict[str, Any]]:
    """Rows of the documents table not yet loaded nor failed, oldest first."""
    return [
        dict(r)
        for r in db.query(
            "SELECT * FROM documents d WHERE NOT EXISTS (SELECT 1 FROM reports r WHERE r.sha256 = d.sha256) "
            "AND NOT EXISTS (SELECT 1 FROM extraction_errors e WHERE e.sha256 = d.sha256) "
            "ORDER BY fetched_at, id"
        )
    ]


MAX_JSONL_LINE = 256 * 1024 * 1024  # bytes: a report line longer than this is refused unread


def load_jsonl(
    loader: Loader,
    stream: BinaryIO,
    name: str,
    *,
    portal_region: str | None = None,
    progress: Progress | None = None,
) -> LoadSummary:
    """Load `xxgk extract --jsonl` output. A line that is not a storable report (not JSON,
    not UTF-8, not an object, a bad value) is recorded in extraction_errors as `name:line`
    with the reason; the other lines of the batch load."""
    for n, line in enumerate(_lines(stream, MAX_JSONL_LINE), 1):
        where = f"{name}:{n}"
        report: Any = None
        if line is None:
            reason: str | None = f"line longer than {MAX_JSONL_LINE} bytes, not read"
        elif not line.strip():
            continue
        else:
            report, reason = _parse_line(line)
        if reason is not None:
            loader.record_error(where, reason)
            status = "error"
        elif isinstance(report, dict) and "error" in report and "cells" not in report:
            # `xxgk extract --jsonl` prints {"source", "error"} for a file it could not read
            source = _text_field(report, "source") or where
            loader.record_error(source, str(report["error"]))
            status = "error"
        else:
            status = loader.load_report(
                report, source=_text_field(report, "source") or where, portal_region=portal_region
            )
        if progress:
            progress(status, where)
    loader.commit()
    return loader.summary


def _parse_line(line: bytes) -> tuple[Any, str | None]:
    try:
        text = line.rstrip(b"\r\n").decode("utf-8")
    except UnicodeDecodeError as exc:
        return None, f"not UTF-8 text (byte {exc.start})"
    try:
        return json.loads(text), None
    except json.JSONDecodeError as exc:
        return None, f"not valid JSON ({exc.msg} at column {exc.colno})"
    except RecursionError:
        return None, "not valid JSON (nested too deeply)"
    except ValueError as exc:  # e.g. an integer of more than 4,300 digits
        return None, f"not valid JSON ({exc})"


def _lines(stream: BinaryIO, limit: int) -> Iterator[bytes | None]:
    """The stream's lines, or None for a line longer than `limit` (skipped unread)."""
    while True:
        line = stream.readline(limit + 1)
        if not line:
            return
        if len(line) > limit and not line.endswith(b"\n"):
            while line and not line.endswith(b"\n"):  # skip the rest of the line
                line = stream.readline(1 << 20)
            yield None
            continue
        yield line
