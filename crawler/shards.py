"""Split the registry between crawl nodes: `xxgk crawl --all --shard K/N [--province]`.

Every node gets the same answer without talking to the others: a portal belongs to
shard `sha256(key) mod N`, where the key is the portal's registry name, or with
`--province` its province (the first two digits of its region code), so that a node
takes whole provinces (operators who split work by network or by province). The hash
does not depend on the registry's order or size: adding a portal never moves another
one to a different node. Each node crawls into its own data folder; `xxgk load --store`
merges them (db.stores).
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable

from crawler.registry import Portal

_SHARD = re.compile(r"^\s*(\d+)\s*/\s*(\d+)\s*$")


class ShardError(ValueError):
    """A --shard value that is not K/N with 1 <= K <= N."""


def parse_shard(text: str) -> tuple[int, int]:
    """`"2/3"` -> (2, 3): this node is the 2nd of 3 (1-based, as operators count nodes)."""
    m = _SHARD.match(text or "")
    if not m:
        raise ShardError(f"--shard {text!r}: expected K/N, e.g. 1/3 for the first of three nodes")
    k, n = int(m.group(1)), int(m.group(2))
    if not 1 <= k <= n:
        raise ShardError(f"--shard {text}: K must be between 1 and N ({n})")
    return k, n


def province_of(portal: Portal) -> str:
    """The province code of a portal's region (`220800` -> `220000`); central bodies `100000`."""
    return portal.region[:2] + "0000"


def shard_key(portal: Portal, *, by_province: bool = False) -> str:
    return province_of(portal) if by_province else portal.name


def shard_of(key: str, n: int) -> int:
    """The 1-based shard of a key among n: stable across machines, runs and Python versions
    (sha256, not Python's salted hash())."""
    return int.from_bytes(hashlib.sha256(key.encode("utf-8")).digest()[:8], "big") % n + 1


def in_shard(portal: Portal, shard: tuple[int, int], *, by_province: bool = False) -> bool:
    k, n = shard
    return shard_of(shard_key(portal, by_province=by_province), n) == k


def select(
    names: Iterable[str], portals: dict[str, Portal], shard: tuple[int, int], *, by_province: bool = False
) -> list[str]:
    """The names (in their order) whose portals fall in this node's shard."""
    return [n for n in names if in_shard(portals[n], shard, by_province=by_province)]
