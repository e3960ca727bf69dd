"""HTTP building blocks shared by the demo platforms: replies, page shells, obstacles."""

from __future__ import annotations

import html
import time
from dataclasses import dataclass, field
from email.utils import formatdate
from urllib.parse import quote


@dataclass
class Req:
    method: str
    path: str
    query: dict[str, str]
    headers: dict[str, str]  # lower-case names
    body: bytes
    host: str  # as the client sent it (for protocol-relative links)


@dataclass
class Reply:
    status: int = 200
    body: bytes = b""
    headers: list[tuple[str, str | bytes]] = field(default_factory=list)
    delay: float = 0.0  # seconds to wait before answering (the "slow" fault)
    cacheable: bool = False  # send ETag/Last-Modified and honour conditional requests
    last_modified: str | None = None


def page(
    text: str,
    *,
    encoding: str = "utf-8",
    charset_header: bool = True,
    status: int = 200,
    content_type: str = "text/html",
) -> Reply:
    ctype = f"{content_type}; charset={encoding}" if charset_header else content_type
    return Reply(status, text.encode(encoding, "xmlcharrefreplace"), [("Content-Type", ctype)])


def shell(
    title: str, body: str, *, metas: dict[str, str] | None = None, charset: str = "utf-8", script: str = ""
) -> str:
    meta = "".join(f'<meta name="{k}" content="{html.escape(v)}">\n' for k, v in (metas or {}).items())
    return (
        f'<!DOCTYPE html>\n<html><head><meta charset="{charset}">\n'
        f"{meta}<title>{html.escape(title)}</title>\n"
        f'</head><body>\n<div class="header"><a href="/">首页</a> | <a href="#">政务公开</a> | '
        f'<a href="/about.html">关于我们</a></div>\n{body}\n'
        f'<div class="footer"><a href="/sitemap.html">网站地图</a> 主办单位：演示政府办公室</div>\n'
        f"{script}</body></html>"
    )


def not_found() -> Reply:
    return page(shell("404", "<h1>404 Not Found</h1>"), status=404)


def redirect(location: str, status: int = 302) -> Reply:
    return Reply(status, b"", [("Location", location), ("Content-Type", "text/html")])


def challenge_412() -> Reply:
    """瑞数-like: 412 with self-running JS that would set the S/T cookies."""
    body = (
        '<!DOCTYPE html><html><head><meta charset="utf-8"><meta id="9DhefwqGPrzGxEp9hPaoag" '
        'content="d8Q3kpR0...">\n<script type="text/javascript" r="m">'
        "$_ts=window['$_ts'];if(!$_ts)$_ts={};$_ts.nsd=38291;$_ts.cd='qxxrrrAlcGq';"
        "document.cookie='FSSBBIl1UgzbN7N80T=53x...;path=/';</script>\n"
        '<script src="/4QbVtADbnLVIc/c.FxJzG50F.dfe1675.js" r="m"></script></head><body></body></html>'
    )
    return Reply(
        412,
        body.encode(),
        [
            ("Content-Type", "text/html; charset=utf-8"),
            ("Set-Cookie", "FSSBBIl1UgzbN7N80S=5h3...; Path=/; HttpOnly"),
        ],
    )


def challenge_wzws() -> Reply:
    """WZWS-like: HTTP 200 "请开启JavaScript并刷新该页" with a computed redirect."""
    body = (
        '<html><head><meta charset="utf-8"><title></title></head><body>'
        "<noscript>请开启JavaScript并刷新该页.</noscript>"
        '<script type="text/javascript">var wzwschallenge="RANDOMSTR3458";'
        'var wzwschallengex="STRRANDOM2943";function HXXTTKKLLPPP5(){'
        "window.location='/WZWSREL3d6d3NjaGFsbGVuZ2U=?wzwschallenge='+wzwschallenge;}"
        "HXXTTKKLLPPP5();</script></body></html>"
    )
    return page(body)


def soft_404(encoding: str = "utf-8", charset_header: bool = True) -> Reply:
    return page(
        shell(
            "页面不存在",
            '<h2>抱歉，您访问的页面不存在或已被删除！</h2><p><a href="/">返回首页</a></p>',
            charset=encoding,
        ),
        encoding=encoding,
        charset_header=charset_header,
    )


def gbk_attachment(data: bytes, filename: str, content_type: str) -> Reply:
    """An attachment whose Content-Disposition carries the name as raw GBK bytes."""
    disposition = b'attachment; filename="' + filename.encode("gbk") + b'"'
    return Reply(
        200, data, [("Content-Type", content_type), ("Content-Disposition", disposition)], cacheable=True
    )


def rfc5987_attachment(data: bytes, filename: str, content_type: str) -> Reply:
    disposition = f"attachment; filename*=UTF-8''{quote(filename)}"
    return Reply(
        200, data, [("Content-Type", content_type), ("Content-Disposition", disposition)], cacheable=True
    )


def http_date(iso_date: str) -> str:
    """RFC 1123 date of an ISO date (for Last-Modified)."""
    return formatdate(time.mktime(time.strptime(iso_date, "%Y-%m-%d")), usegmt=True)
