"""Recognise anti-bot challenges so they are reported, never retried forever, never stored.

Three families occur on government portals (portals.md §4): 瑞数 answers HTTP 412 (or
202) with self-running JS; 加速乐 answers 521/512 with a `document.cookie` script; WZWS
answers 200 "请开启JavaScript并刷新该页". A 418 "访问被拦截" page is a WAF block.
"""

from __future__ import annotations

import re

CHALLENGE_STATUSES = {
    412: "412 challenge (瑞数-like)",
    521: "521 challenge (加速乐-like)",
    512: "512 challenge (加速乐-like)",
    418: "418 block (WAF)",
}
_WZWS = re.compile(rb"\xe8\xaf\xb7\xe5\xbc\x80\xe5\x90\xafJavaScript|wzws_cid|WZWS|wzwschallenge", re.I)
_JSL = re.compile(rb"__jsl_clearance|__jsluid")
_BLOCKED = "访问被拦截".encode()


def challenge_kind(status: int, body: bytes, headers: dict[str, str] | None = None) -> str | None:
    """Name of the challenge this response is, or None for an ordinary response."""
    if status in CHALLENGE_STATUSES:
        return CHALLENGE_STATUSES[status]
    head = body[:4096]
    if status == 202 and b"<script" in head.lower() and len(body) < 20000:
        return "202 challenge (瑞数-like)"
    if len(body) < 20000 and _WZWS.search(head):
        return "WZWS JavaScript challenge"
    if len(body) < 20000 and _JSL.search(head) and b"document.cookie" in head:
        return "加速乐 cookie challenge"
    if _BLOCKED in head:
        return "WAF block page"
    return None
