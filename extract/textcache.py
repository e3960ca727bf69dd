"""A cache for functions of one printed text, that keeps only short texts.

Labels and values recur in every report, so the functions that read them are cached;
prose lines are printed once, and caching them would only fill memory over a run of
10^5 reports. So a text (or tuple of texts) longer than `limit` characters is
computed each time, not kept, and a cache that reaches `maxsize` texts starts afresh.

A plain dict, not `functools.lru_cache`: a hit is one lookup, and hits are nearly
every call (the labels and the small numbers of the tables). Starting afresh costs
little: the texts that recur are back after one report. The decorator makes the
function a `TextCache` object, not a wrapper function: in the compiled build a call
of it from compiled code is then a direct call (a wrapper is called through Python's
generic protocol, which took about a third of a cache hit).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Generic, TypeVar

K = TypeVar("K")
T = TypeVar("T")

_MISSING: Any = object()


class TextCache(Generic[K, T]):
    """`fn`, with its results for short arguments (a text, or a tuple of texts) kept."""

    def __init__(self, fn: Callable[[K], T], limit: int, maxsize: int) -> None:
        self.fn = fn
        self.limit = limit
        self.maxsize = maxsize
        self.cache: dict[Any, T] = {}

    def __call__(self, arg: K) -> T:
        if isinstance(arg, str):
            if len(arg) > self.limit:
                return self.fn(arg)
        elif sum(map(len, arg)) > self.limit:  # type: ignore[call-overload]
            return self.fn(arg)
        value = self.cache.get(arg, _MISSING)
        if value is _MISSING:
            value = self.fn(arg)
            if len(self.cache) >= self.maxsize:
                self.cache.clear()
            self.cache[arg] = value
        return value  # type: ignore[no-any-return]


def short_text_cache(limit: int = 100, maxsize: int = 65536) -> Callable[[Callable[[K], T]], TextCache[K, T]]:
    """Decorator: cache a function of one text (or tuple of texts) for short arguments only."""

    def decorate(fn: Callable[[K], T]) -> TextCache[K, T]:
        return TextCache(fn, limit, maxsize)

    return decorate
