"""A tiny real HTTP portal for crawler tests whose every page a test writes itself.

    portal = FaultPortal().start()
    portal.route("/list/page_1.html", lambda hit: html(...))
    ... crawl portal.url ...; portal.stop()

A route is a function of the hit number (1 for the first request of that path) that
returns (status, headers, body): faults that fire once, always, or after a while are
one line each. Every request is logged with its Host header, so a test can tell a
request made to `localhost` from one made to `127.0.0.1` (the same socket).
"""

from __future__ import annotations

import json
import threading
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlsplit

Reply = tuple[int, list[tuple[str, str]], bytes]


@dataclass(frozen=True)
class Hit:
    host: str
    path: str
    status: int
    at: float


def html(body: str, status: int = 200, head: str = "", headers: list[tuple[str, str]] | None = None) -> Reply:
    text = f'<html><head><meta charset="utf-8">{head}</head><body>{body}</body></html>'
    return status, [("Content-Type", "text/html; charset=utf-8"), *(headers or [])], text.encode()


def redirect(location: str) -> Reply:
    return 302, [("Location", location)], b""


def report_page(title: str, extra: str = "") -> str:
    """A detail page with enough text of its own to be a report, not a stub."""
    para = "本年度本机关依法主动公开政府信息，依申请公开办理情况如下。" * 8
    return f'<h1>{title}</h1><div class="content"><p>{para}</p>{extra}</div>'


def list_page(rows: list[tuple[str, str]], next_href: str | None = None) -> Reply:
    items = "".join(f'<li><a href="{href}">{title}</a><span>2024-01-10</span></li>' for href, title in rows)
    nxt = f'<a href="{next_href}">下一页</a>' if next_href else ""
    return html(f'<ul class="list">{items}</ul><div class="page">{nxt}</div>')


class FaultPortal:
    def __init__(self) -> None:
        self.routes: dict[str, Callable[[int], Reply]] = {}
        self.log: list[Hit] = []
        self.hits: Counter[str] = Counter()
        self._lock = threading.Lock()
        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.httpd.daemon_threads = True

    @property
    def port(self) -> int:
        return self.httpd.server_address[1]

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def route(self, path: str, reply: Callable[[int], Reply] | Reply) -> None:
        self.routes[path] = reply if callable(reply) else (lambda _hit, r=reply: r)

    def start(self) -> FaultPortal:
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()

    def paths(self, host: str | None = None) -> list[str]:
        return [h.path for h in self.log if host is None or h.host == host]

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        portal = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format: str, *args: object) -> None:
                pass

            def do_GET(self) -> None:
                import time

                path = urlsplit(self.path).path
                with portal._lock:
                    portal.hits[path] += 1
                    n = portal.hits[path]
                if path == "/robots.txt":
                    reply: Reply = (200, [("Content-Type", "text/plain")], b"User-agent: *\nDisallow:\n")
                elif path in portal.routes:
                    reply = portal.routes[path](n)
                else:
                    reply = html("<h1>404</h1>", status=404)
                status, headers, body = reply
                with portal._lock:
                    portal.log.append(Hit(self.headers.get("Host", ""), path, status, time.monotonic()))
                self.send_response(status)
                for name, value in headers:
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

        return Handler


def registry(tmp: Path, start: str, **options: object) -> Path:
    """A registry file (tmp/portals.json) of one generic portal, "fault-portal", starting at
    `start`, with the entry's `options` (allow_private=True for a portal on localhost)."""
    path = tmp / "portals.json"
    entry = {
        "name": "fault-portal",
        "title": "测试门户",
        "region": "110000",
        "level": "province",
        "platform": "generic",
        "start_urls": [start],
        "options": options,
    }
    path.write_text(json.dumps({"portals": [entry]}, ensure_ascii=False), encoding="utf-8")
    return path
