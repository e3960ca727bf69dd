"""The text cache behind label and value reading: what it keeps and for how long."""

from __future__ import annotations

from extract.textcache import short_text_cache


def _counting(limit: int = 5, maxsize: int = 3):  # type: ignore[no-untyped-def]
    calls: list[object] = []

    @short_text_cache(limit=limit, maxsize=maxsize)
    def length_or_none(text: str) -> int | None:
        calls.append(text)
        return len(text) if text != "none" else None

    return length_or_none, calls


def test_short_texts_are_computed_once_even_when_the_result_is_none() -> None:
    fn, calls = _counting()
    assert [fn("ab"), fn("ab"), fn("none"), fn("none")] == [2, 2, None, None]
    assert calls == ["ab", "none"]


def test_long_texts_are_computed_every_time() -> None:
    fn, calls = _counting(limit=5)
    assert fn("abcdef") == 6 and fn("abcdef") == 6
    assert calls == ["abcdef", "abcdef"]


def test_a_full_cache_starts_afresh() -> None:
    fn, calls = _counting(maxsize=2)
    for text in ("a", "b", "c", "a", "c"):
        fn(text)
    # "a" and "b" filled it; "c" emptied it and stayed; "a" came back; "c" is still kept
    assert calls == ["a", "b", "c", "a"]


def test_tuples_of_texts_are_measured_by_their_total_length() -> None:
    calls: list[tuple[str, ...]] = []

    @short_text_cache(limit=4)
    def joined(parts: tuple[str, ...]) -> str:
        calls.append(parts)
        return "".join(parts)

    assert joined(("ab", "cd")) == "abcd" and joined(("ab", "cd")) == "abcd"
    assert joined(("abc", "de")) == "abcde" and joined(("abc", "de")) == "abcde"
    assert calls == [("ab", "cd"), ("abc", "de"), ("abc", "de")]
