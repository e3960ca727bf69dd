"""The demo portals: a threaded HTTP server on localhost imitating government portals.

    server = DemoServer(port=0, faults={"challenge"}); server.start(); ...; server.stop()

Each site lives under its own path prefix (`/jl`, `/js`, `/gd/gz`, …) and is rendered by
the module of its platform. Faults are switched per server and are deterministic:

- `challenge`: one TRS department column answers 412 (瑞数-like JS challenge);
- `wzws`: one Hanweb agency's report pages answer 200 "请开启JavaScript" (WZWS);
- `errors500`: the first two hits on every gkmlpt API page and GBK CMS list page are 500s;
- `slow`: Shanghai report pages answer after `slow_seconds`;
- `soft404`: a GBK CMS list links a report whose page says 页面不存在 (200);
- `moved`: a TRS column moved to a new path (301 from the old one).

Every request is logged (`server.log`), so tests can count what a crawl fetched.
"""

from __future__ import annotations

import hashlib
import threading
import time
from collections import Counter
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from importlib import import_module
from urllib.parse import parse_qsl, urlsplit

from crawler.demo.catalog import DemoReport, Site, build_world, expected_titles
from crawler.demo.web import Reply, Req, not_found, page, shell

FAULTS = ("challenge", "wzws", "errors500", "slow", "soft404", "moved")
RENDERERS = {
    "trs": "crawler.demo.trs",
    "hanweb_jpage": "crawler.demo.jpage",
    "gkmlpt": "crawler.demo.gkmlpt",
    "shanghai": "crawler.demo.shanghai",
    "generic": "crawler.demo.gbkcms",
    "hanweb_jpaas": "crawler.demo.jpaas",
    "ucap": "crawler.demo.ucap",
    "tree": "crawler.demo.tree",
}
ROBOTS = "User-agent: *\nDisallow: /admin/\nDisallow: /search/\n"


@dataclass(frozen=True)
class LogEntry:
    method: str
    path: str  # path and query as requested
    status: int
    conditional: bool  # carried If-None-Match / If-Modified-Since


class DemoServer:
    def __init__(
        self,
        host: str = "127.0.0.1",
        port: int = 0,
        faults: set[str] | None = None,
        bench_reports: int = 2000,
        slow_seconds: float = 0.3,
    ) -> None:
        unknown = set(faults or ()) - set(FAULTS)
        if unknown:
            raise ValueError(f"unknown fault(s): {', '.join(sorted(unknown))}; known: {', '.join(FAULTS)}")
        self.faults: set[str] = set(faults or ())
        self.slow_seconds = slow_seconds
        self.sites: dict[str, Site] = build_world(bench_reports)
        self.log: list[LogEntry] = []
        self.hits: Counter[str] = Counter()
        self._lock = threading.Lock()
        self.httpd = ThreadingHTTPServer((host, port), _handler(self))
        self.httpd.daemon_threads = True
        self._thread: threading.Thread | None = None

    # -- lifecycle -----------------------------------------------------------------------
    @property
    def url(self) -> str:
        host, port = self.httpd.server_address[:2]
        return f"http://{host}:{port}"

    def start(self) -> DemoServer:
        from crawler.demo import corpus

        corpus.scan_jpg(), corpus.scan_pdf(), corpus.scan_page_jpgs()  # made once, before a crawl waits
        self._thread = threading.Thread(target=self.httpd.serve_forever, name="demo-portal", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()

    # -- test controls -------------------------------------------------------------------
    def clear_log(self) -> None:
        with self._lock:
            self.log.clear()
            self.hits.clear()

    def revise(self, title: str, new_date: str = "2026-06-30") -> DemoReport:
        """Correct a report (as 更正 re-uploads do): new content, new list date."""
        for site in self.sites.values():
            for r in site.reports():
                if r.title == title:
                    r.revision += 1
                    r.date = new_date
                    return r
        raise KeyError(title)

    def expected(self) -> dict[str, set[str]]:
        return expected_titles(self.sites, self.faults)

    def hit(self, key: str) -> int:
        """Count hits of a URL (for the burst-of-500s fault); returns the count so far."""
        with self._lock:
            self.hits[key] += 1
            return self.hits[key]

    # -- dispatch ------------------------------------------------------------------------
    def handle(self, req: Req) -> Reply:
        if req.path == "/robots.txt":
            return page(ROBOTS, content_type="text/plain")
        if req.path in ("/", "/index.html"):
            links = "".join(
                f'<li><a href="{s.prefix}/">{s.title}</a> ({s.platform})</li>' for s in self.sites.values()
            )
            return page(shell("演示门户", f"<h1>演示门户</h1><ul>{links}</ul>"))
        if req.path.startswith("/api-gateway/"):  # jpaas serves its API at the host root
            return (
                import_module(RENDERERS["hanweb_jpaas"]).render(self.sites["demo-jpaas"], req, self)
                or not_found()
            )
        if req.path == "/fjdzapp/search":  # the TRS search API of the Fujian tree, at the host root
            return import_module(RENDERERS["tree"]).render(self.sites["demo-nd"], req, self) or not_found()
        for site in sorted(self.sites.values(), key=lambda s: -len(s.prefix)):
            if req.path == site.prefix or req.path.startswith(site.prefix + "/"):
                reply = import_module(RENDERERS[site.platform]).render(site, req, self)
                return reply or not_found()
        return not_found()


def _etag(body: bytes) -> str:
    return '"' + hashlib.sha1(body).hexdigest()[:20] + '"'


def _handler(server: DemoServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        server_version = "DemoCMS/1.0"

        def log_message(self, format: str, *args: object) -> None:  # quiet
            pass

        def _serve(self, method: str) -> None:
            parts = urlsplit(self.path)
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else b""
            query = dict(parse_qsl(parts.query, keep_blank_values=True))
            if method == "POST" and "form" in (self.headers.get("Content-Type") or ""):
                query.update(parse_qsl(body.decode("utf-8", "replace"), keep_blank_values=True))
            headers = {k.lower(): v for k, v in self.headers.items()}
            req = Req(method, parts.path, query, headers, body, self.headers.get("Host", ""))
            try:
                reply = server.handle(req)
            except Exception as exc:  # a bug in the demo must not hang the client
                reply = page(f"demo server error: {exc!r}", status=500, content_type="text/plain")
            if reply.delay:
                time.sleep(reply.delay)
            status, out, extra = reply.status, reply.body, list(reply.headers)
            conditional = "if-none-match" in headers or "if-modified-since" in headers
            if reply.cacheable and status == 200:
                etag = _etag(out)
                extra.append(("ETag", etag))
                if reply.last_modified:
                    extra.append(("Last-Modified", reply.last_modified))
                if headers.get("if-none-match") == etag or (
                    "if-none-match" not in headers
                    and reply.last_modified
                    and headers.get("if-modified-since") == reply.last_modified
                ):
                    status, out = 304, b""
            with server._lock:
                server.log.append(LogEntry(method, self.path, status, conditional))
            self.send_response(status)
            for name, value in extra:
                if isinstance(value, bytes):  # raw (GBK) header bytes, as real CMSes send
                    self._headers_buffer.append(name.encode("latin-1") + b": " + value + b"\r\n")
                else:
                    self.send_header(name, value)
            self.send_header("Content-Length", str(len(out)))
            self.end_headers()
            if method != "HEAD":
                self.wfile.write(out)

        def do_GET(self) -> None:
            self._serve("GET")

        def do_HEAD(self) -> None:
            self._serve("HEAD")

        def do_POST(self) -> None:
            self._serve("POST")

    return Handler
