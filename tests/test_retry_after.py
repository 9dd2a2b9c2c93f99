"""tools/retry_after.py: whatever a server writes in Retry-After, a number of seconds or None."""

from __future__ import annotations

import httpx
import pytest

from tools.retry_after import retry_after_header, retry_after_seconds

NOW = 1_445_412_480.0  # Wed, 21 Oct 2015 07:28:00 GMT


@pytest.mark.parametrize(("value", "expected"), [
    ("120", 120.0),
    (" 1.5 ", 1.5),
    ("-3", 0.0),                                   # a wait in the past is no wait
    ("Wed, 21 Oct 2015 07:29:00 GMT", 60.0),
    ("Wed, 21 Oct 2015 07:29:00", 60.0),           # no zone: GMT, as RFC 9110 dates are
    ("Wed, 21 Oct 2015 07:00:00 GMT", 0.0),
])
def test_readable_values(value: str, expected: float) -> None:
    assert retry_after_seconds(value, now=NOW) == pytest.approx(expected)


@pytest.mark.parametrize("value", [
    None, "", "   ", "soon", "nan", "inf", "-inf", "1e999",
    "Mon, 99 Foo 20x5 25:61:00 GMT",               # issue 17: raised out of the retry wait
    "Mon, 01 Jan 2020 25:00:00 GMT",               # hour out of range
    "Mon, 01 Jan 99999999999 00:00:00 GMT",        # OverflowError inside the stdlib
    "1 2 3 4 5",
])
def test_unreadable_values_are_none(value: str | None) -> None:
    assert retry_after_seconds(value, now=NOW) is None


def test_header_prefers_milliseconds_and_falls_back() -> None:
    assert retry_after_header(httpx.Headers({"Retry-After-Ms": "250", "Retry-After": "9"})) \
        == pytest.approx(0.25)
    assert retry_after_header(httpx.Headers({"retry-after-ms": "nan", "Retry-After": "9"})) == 9
    assert retry_after_header(httpx.Headers({"retry-after-ms": "x"})) is None
    assert retry_after_header(httpx.Headers({})) is None
    assert retry_after_header(None) is None
    assert retry_after_header(httpx.Headers({"Retry-After": "Mon, 99 Foo 20x5 25:61:00 GMT"})) \
        is None
