"""Keep a portal's crawl on the portal's own hosts.

A portal page decides which links the crawler sees, so a hostile or broken page could
send it anywhere: `file:///etc/passwd`, the cloud metadata address 169.254.169.254, a
router on the LAN, or another site whose pages would then be stored as the portal's
reports. The policy here is the one gate every request passes (links, list pages,
redirects, meta refreshes, retries):

- only `http` and `https` (the other download handlers are switched off in settings);
- only hosts on the portal's allow-list: the hosts of its start URLs, plus the domains
  its registry entry names in `options.allowed_domains` (with their subdomains, as
  Scrapy's `allowed_domains`), e.g. an attachment CDN;
- never a loopback, private, link-local, multicast or reserved address, whether written
  as an IP or reached through a name, unless the entry sets `options.allow_private`
  (the demo portals on 127.0.0.1 do).

`HostPolicyMiddleware` enforces it as a downloader middleware placed before robots.txt
handling, so a refused request is never sent, not even for its robots.txt. It replaces
Scrapy's `OffsiteMiddleware`, which lets `dont_filter` requests (start URLs, list
pages) through and does not look at addresses.
"""

from __future__ import annotations

import ipaddress
import logging
from dataclasses import dataclass
from urllib.parse import urlsplit

from scrapy import Request
from scrapy.crawler import Crawler
from scrapy.exceptions import CannotResolveHostError, IgnoreRequest
from scrapy.utils.defer import maybe_deferred_to_future

from crawler.registry import Portal

log = logging.getLogger(__name__)
SCHEMES = ("http", "https")


class RefusedRequest(IgnoreRequest):
    """A request the host policy does not allow; `reason` says why."""

    def __init__(self, url: str, reason: str) -> None:
        super().__init__(f"not requested: {reason} ({url})")
        self.url = url
        self.reason = reason


def _is_public(ip: str) -> bool:
    addr = ipaddress.ip_address(ip)
    if isinstance(addr, ipaddress.IPv6Address) and addr.ipv4_mapped:
        addr = addr.ipv4_mapped
    return addr.is_global and not addr.is_multicast


def _literal_ip(host: str) -> str | None:
    try:
        return str(ipaddress.ip_address(host.strip("[]")))
    except ValueError:
        return None


@dataclass(frozen=True)
class HostPolicy:
    """The hosts one portal's crawl may request, and whether private addresses are fine."""

    hosts: frozenset[str]  # exact hosts (of the start URLs)
    domains: tuple[str, ...]  # registry `allowed_domains`: these and their subdomains
    allow_private: bool = False

    @classmethod
    def for_portal(cls, portal: Portal, demo_url: str | None = None) -> HostPolicy:
        hosts = {(urlsplit(u).hostname or "").lower() for u in portal.urls(demo_url)}
        domains = tuple(d.lower().strip(".") for d in portal.options.get("allowed_domains", []))
        return cls(frozenset(hosts - {""}), domains, bool(portal.options.get("allow_private")))

    def refusal(self, url: str) -> str | None:
        """Why `url` may not be requested (scheme or host), or None when it may.
        Addresses behind names are checked by `address_refusal` once resolved."""
        parts = urlsplit(url)
        if parts.scheme.lower() not in SCHEMES:
            return f"scheme {parts.scheme or '(none)'!r} is not http(s)"
        host = (parts.hostname or "").lower()
        if not host:
            return "no host"
        if host not in self.hosts and not any(host == d or host.endswith("." + d) for d in self.domains):
            return f"host {host} is not on the portal's allow-list (registry options.allowed_domains)"
        ip = _literal_ip(host)
        if ip is not None or host == "localhost" or host.endswith(".localhost"):
            return self.address_refusal(host, ip or "127.0.0.1")
        return None

    def address_refusal(self, host: str, ip: str) -> str | None:
        if self.allow_private or _is_public(ip):
            return None
        return (
            f"{host} is a private, loopback or link-local address ({ip}); "
            "the registry entry must set options.allow_private"
        )


class HostPolicyMiddleware:
    """Refuse every request the portal's `HostPolicy` does not allow (see the module doc).

    The spider's `host_policy` attribute holds the policy; a spider without one is left
    alone. Names are resolved through the crawl's own (caching) resolver, so the address
    checked is the address connected to."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> HostPolicyMiddleware:
        return cls(crawler)

    def _refuse(self, request: Request, reason: str) -> RefusedRequest:
        if self.crawler.stats:
            self.crawler.stats.inc_value("xxgk/refused")
        via = request.meta.get("redirect_urls")
        if via:
            reason = f"redirect from {via[0]}: {reason}"
        log.warning("not requesting %s: %s", request.url, reason)
        return RefusedRequest(request.url, reason)

    async def process_request(self, request: Request) -> None:
        policy: HostPolicy | None = getattr(self.crawler.spider, "host_policy", None)
        if policy is None:
            return None
        reason = policy.refusal(request.url)
        if reason:
            raise self._refuse(request, reason)
        host = (urlsplit(request.url).hostname or "").lower()
        if policy.allow_private or _literal_ip(host) is not None or host == "localhost":
            return None
        from twisted.internet import reactor  # the installed one

        try:
            ip = await maybe_deferred_to_future(reactor.resolve(host))
        except Exception as exc:
            # DNS failures are final: no retries for a name that does not resolve.
            text = str(exc)
            raise CannotResolveHostError(
                text if text.startswith("DNS lookup failed") else f"DNS lookup failed: {host}: {text}"
            ) from exc
        reason = policy.address_refusal(host, ip)
        if reason:
            raise self._refuse(request, reason)
        return None
