"""Name why a request failed, in the words the run summary uses.

The summary of a crawl groups failures by kind ("DNS", "refused", "timeout",
"HTTP 404", "robots.txt", …) so that a user sees at a glance whether a portal is
gone, down, slow or blocking us, without reading tracebacks.
"""

from __future__ import annotations

from scrapy.exceptions import (
    CannotResolveHostError,
    DownloadConnectionRefusedError,
    DownloadTimeoutError,
    IgnoreRequest,
    NotSupported,
    ResponseDataLossError,
)
from scrapy.spidermiddlewares.httperror import HttpError
from twisted.internet import error as net

_KINDS: tuple[tuple[tuple[type[BaseException], ...], str], ...] = (
    ((CannotResolveHostError, net.DNSLookupError), "DNS"),
    ((DownloadConnectionRefusedError, net.ConnectionRefusedError), "refused"),
    ((DownloadTimeoutError, net.TimeoutError, net.TCPTimedOutError), "timeout"),
    ((ResponseDataLossError, net.ConnectionLost, net.ConnectionDone), "connection lost"),
    ((NotSupported,), "unsupported"),
)


def failure_reason(exc: BaseException) -> tuple[str, str]:
    """(kind, reason) of a failed request: the kind for counting, the reason for the notes."""
    if isinstance(exc, HttpError):
        status = exc.response.status
        reason = f"HTTP {status}"
        retry_after = exc.response.headers.get("Retry-After")
        if retry_after:
            reason += f" (Retry-After: {retry_after.decode('latin-1')})"
        return f"HTTP {status}", reason
    for types, kind in _KINDS:
        if isinstance(exc, types):
            return kind, f"{kind}: {exc}"
    if isinstance(exc, IgnoreRequest) and "robots.txt" in str(exc):
        return "robots.txt", str(exc)
    return type(exc).__name__, f"{type(exc).__name__}: {exc}"
