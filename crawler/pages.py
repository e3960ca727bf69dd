"""What a report's detail page or attachment response says, as plain functions.

The spider decides what to request and keeps the run's books; the reading of a page
lives here, away from Scrapy's callbacks, so that each rule can be tested on a saved
page (`tests/files/<platform>/`) without a crawl: is the page a redirect stub or a soft
404, which report title does it carry, which attachments does it link (links, iframes,
scanned bodies of images), what is an attachment's file called, and which document
with which metadata the response becomes. Each function takes a response and returns
plain data, in the style of the list-page adapters (`crawler.adapters.base`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from urllib.parse import urlsplit

from scrapy.http import Response, TextResponse
from w3lib.html import get_meta_refresh

from crawler.adapters.base import clean, resolve_link
from crawler.attachments import (
    filename_from_disposition,
    is_error_page_instead_of_file,
    looks_like_attachment,
    scanned_report_images,
    sniff_format,
)
from crawler.items import FetchedDocument, ReportLink
from crawler.titles import is_annual_report, report_year

_STUB = re.compile(
    r"""(?:window\.|document\.|top\.)?location(?:\.href)?\s*(?:=|\.replace\(|\.assign\()\s*['"]([^'"]+)['"]"""
)
_SOFT_404 = re.compile(
    "页面不存在|页面未找到|找不到(?:该|您要访问的)?页面|您访问的页面不存在"
    "|404 Not Found|信息已删除|文章已删除"
)
_HOME_PATHS = ("", "/", "/index.html", "/index.htm")


def with_encoding(response: Response, encoding: str | None) -> Response:
    """The response decoded as the registry says (GBK portals that declare UTF-8)."""
    if encoding and isinstance(response, TextResponse):
        return response.replace(encoding=encoding)
    return response


def report_title(response: Response) -> str | None:
    """The annual-report title a page carries (meta ArticleTitle, h1, <title>), if any:
    how a start URL that is itself a report (Zhejiang's xxgkAnnualReport.jsp) is told
    from a list page, which is titled by its column, with no year."""
    if not isinstance(response, TextResponse):
        return None
    for xpath in ('//meta[@name="ArticleTitle"]/@content', "//h1//text()", "//title//text()"):
        title = clean(" ".join(response.xpath(xpath).getall()))
        if title and is_annual_report(title) and report_year(title):
            return title
    return None


def stub_target(response: TextResponse) -> str | None:
    """Where a redirect stub leads: `location.href='…'` scripts, and `<meta
    http-equiv=refresh>` pages Scrapy's MetaRefreshMiddleware left alone (a long delay,
    the tag past its first 4 KB or in <noscript>, a non-http target). A page is a stub
    when it holds next to no text of its own; a report page that merely reloads itself
    is not. The caller checks the target against the portal's hosts."""
    target = None
    if len(response.body) <= 3000:
        m = _STUB.search(response.text)
        if m:
            target = response.urljoin(m.group(1))
    if target is None and len(response.body) <= 200_000 and b"efresh" in response.body:
        _delay, url = get_meta_refresh(response.text, response.url, response.encoding, ignore_tags=())
        if url:
            text = response.xpath("//body//text()[not(ancestor::script or ancestor::style)]").getall()
            if len(clean(" ".join(text))) < 200:
                target = url
    return target if target and target != response.url else None


def soft_404(response: TextResponse) -> str | None:
    """Why a 200 page is really "not found" (the reason, for the frontier), or None.

    Portals answer a deleted report with 200 and a "页面不存在" page, or redirect it to
    the home page; storing either would record a report that does not exist. Only the
    title and headings are read (or the whole text of a tiny page), so a report that
    quotes "404" in its body is not dropped."""
    path = urlsplit(response.url).path
    if response.meta.get("redirect_urls") and path in _HOME_PATHS:
        return f"redirected to the home page ({response.url}): the report is gone"
    title = clean(" ".join(response.xpath("//title//text()").getall()))
    headings = clean(" ".join(response.xpath("//body//h1//text()|//body//h2//text()").getall()))
    if _SOFT_404.search(f"{title} {headings[:200]}") or (
        len(response.body) < 4000 and _SOFT_404.search(response.text)
    ):
        return "soft 404: the page says it does not exist"
    return None


def attachment_links(response: TextResponse, listed: Iterable[tuple[str, str]] = ()) -> list[tuple[str, str]]:
    """(URL, link text) of every attachment of a report page, in page order, after those
    the list already named (`listed`): links and `onclick` handlers to files, embedded
    viewers (iframe, embed, object), and, when the body is a scan (little text, no
    table), its images."""
    found: dict[str, str] = {}
    for url, name in listed:
        found.setdefault(url, name)
    for a in response.xpath("//a[@href or @onclick]"):
        url = resolve_link(a.attrib.get("href"), a.attrib.get("onclick"), response.url)
        if url and looks_like_attachment(url):
            found.setdefault(
                url, clean(a.attrib.get("title")) or clean(" ".join(a.xpath(".//text()").getall()))
            )
    for src in response.xpath("//iframe/@src|//embed/@src|//object/@data").getall():
        url = resolve_link(src, None, response.url)
        if url and looks_like_attachment(url):
            found.setdefault(url, "")
    for url in scanned_images(response):
        found.setdefault(url, "")
    return list(found.items())


def scanned_images(response: TextResponse) -> list[str]:
    """The image URLs of a body that is a scanned report (little text, no table), in
    page order, icons and spacers left out; [] for an ordinary page. The rule is
    `extract.page_images`, which extraction asks too, so the images fetched are the ones
    read as the report's pages."""
    return scanned_report_images(response.text, response.url)


def attachment_filename(url: str, content_disposition: bytes | str | None, link_text: str) -> str | None:
    """The name an attachment is stored under: the server's Content-Disposition name,
    else the link's text given the URL's extension, else the URL's last path segment.
    The link text is what a reader saw ("2023年年报.pdf"); a CMS's URL is often a hash."""
    name = filename_from_disposition(content_disposition)
    if name:
        return name
    path = urlsplit(url).path
    ext = path.rsplit(".", 1)
    suffix = f".{ext[1]}" if len(ext) == 2 and len(ext[1]) <= 4 else ""
    if link_text:
        return link_text if link_text.endswith(suffix) else link_text + suffix
    return path.rsplit("/", 1)[-1] or None


def error_page_instead_of_file(response: Response) -> bool:
    """A small HTML page served where a file was linked (a CMS's "file not found" with
    status 200): storing it would record an empty report."""
    return len(response.body) < 20000 and is_error_page_instead_of_file(response.request.url, response.body)


def fetched_document(
    response: Response,
    report: ReportLink,
    portal: str,
    *,
    parent: str | None = None,
    link_text: str | None = None,
) -> FetchedDocument:
    """The document a response holds, for the store: the report page itself when
    `link_text` is None, else an attachment named after `link_text`, of the page
    `parent` (or, with `parent` None, a file the list linked directly).

    A report page is keyed by the URL the list gave, an attachment by the URL it was
    linked as (before redirects): those are what the next run looks up. The format is
    sniffed from the bytes, as the Content-Type of portals is often wrong."""

    def header(name: str) -> str | None:
        value = response.headers.get(name)
        return value.decode("latin-1") if value else None

    disposition = response.headers.get("Content-Disposition")
    linked = response.meta.get("redirect_urls", [response.request.url])[0]
    return FetchedDocument(
        url=report.url if link_text is None else linked,
        final_url=response.url,
        portal=portal,
        kind="page" if link_text is None else "attachment",
        title=report.title,
        body=response.body,
        list_date=report.date,
        year=report_year(report.title),
        http_status=response.status,
        content_type=header("Content-Type"),
        etag=header("ETag"),
        last_modified=header("Last-Modified"),
        parent_url=parent,
        filename=None if link_text is None else attachment_filename(response.url, disposition, link_text),
        format=sniff_format(response.body),
    )
