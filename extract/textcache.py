"""A cache for functions of one printed text, that keeps only short texts.

Labels and values recur in every report, so the functions that read them are cached;
prose lines are printed once, and caching them would only fill memory over a run of
10^5 reports (a key stays until 65,536 newer ones push it out). So a text (or tuple of
texts) longer than `limit` characters is computed each time, not kept.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, TypeVar

F = TypeVar("F", bound=Callable[[Any], Any])


def short_text_cache(limit: int = 100, maxsize: int = 65536) -> Callable[[F], F]:
    """Decorator: cache a function of one text (or tuple of texts) for short arguments only."""

    def decorate(fn: F) -> F:
        cached = functools.lru_cache(maxsize=maxsize)(fn)

        @functools.wraps(fn)
        def call(arg: Any) -> Any:
            size = len(arg) if isinstance(arg, str) else sum(map(len, arg))
            return fn(arg) if size > limit else cached(arg)

        return call  # type: ignore[return-value]

    return decorate
