"""A cache for functions of one printed text, that keeps only short texts.

Labels and values recur in every report, so the functions that read them are cached;
prose lines are printed once, and caching them would only fill memory over a run of
10^5 reports. So a text (or tuple of texts) longer than `limit` characters is
computed each time, not kept, and a cache that reaches `maxsize` texts starts afresh.

A plain dict, not `functools.lru_cache`: nearly every call is a hit (the labels and the
small numbers of the tables), and a hit is then one lookup, with no recency list to
keep. Starting afresh costs little: the texts that recur are back after one report.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, TypeVar

F = TypeVar("F", bound=Callable[[Any], Any])

_MISSING: Any = object()


def short_text_cache(limit: int = 100, maxsize: int = 65536) -> Callable[[F], F]:
    """Decorator: cache a function of one text (or tuple of texts) for short arguments only."""

    def decorate(fn: F) -> F:
        cache: dict[Any, Any] = {}

        @functools.wraps(fn)
        def call(arg: Any) -> Any:
            if isinstance(arg, str):
                if len(arg) > limit:
                    return fn(arg)
            elif sum(map(len, arg)) > limit:
                return fn(arg)
            value = cache.get(arg, _MISSING)
            if value is _MISSING:
                value = fn(arg)
                if len(cache) >= maxsize:
                    cache.clear()
                cache[arg] = value
            return value

        return call  # type: ignore[return-value]

    return decorate
