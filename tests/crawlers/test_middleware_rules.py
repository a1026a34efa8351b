"""The politeness middlewares' decisions, table-driven (the crawl tests observe them at a real server)."""

from __future__ import annotations

import time
from email.utils import formatdate

import pytest
from scrapy.http import Request, Response

from crawlers.middlewares import RedirectLoopMiddleware, retry_after_seconds, retry_wait_seconds


def _response(status: int = 503, **headers: str) -> Response:
    return Response("https://www.example.com/news/a", status=status, headers=headers)


@pytest.mark.parametrize(
    ("header", "seconds"),
    [("120", 120.0), ("0", 0.0), (" 7 ", 7.0), ("soon", None), ("-5", None), ("", None)],
)
def test_retry_after_in_seconds(header, seconds):
    assert retry_after_seconds(_response(**{"Retry-After": header})) == seconds


def test_retry_after_as_an_http_date_is_the_seconds_until_then():
    in_a_minute = formatdate(time.time() + 60, usegmt=True)
    assert 55 <= retry_after_seconds(_response(**{"Retry-After": in_a_minute})) <= 60
    a_minute_ago = formatdate(time.time() - 60, usegmt=True)
    assert retry_after_seconds(_response(**{"Retry-After": a_minute_ago})) == 0.0


def test_no_retry_after_header_is_none():
    assert retry_after_seconds(_response()) is None


@pytest.mark.parametrize(
    ("retry_after", "attempt", "wait"),
    [
        (None, 1, 0.5),
        (None, 2, 1.0),
        (None, 3, 2.0),
        (3.0, 1, 3.0),
        (3.0, 3, 3.0),
        (500.0, 1, 120.0),
        (None, 12, 120.0),
    ],
)
def test_the_wait_before_a_retry(retry_after, attempt, wait):
    assert retry_wait_seconds(retry_after, attempt, backoff_seconds=0.5, max_seconds=120.0) == wait


def test_a_redirect_back_into_its_own_chain_is_refused_as_a_loop_and_others_pass():
    from scrapy.exceptions import IgnoreRequest

    middleware = RedirectLoopMiddleware()
    request = Request("https://www.example.com/b", meta={"redirect_urls": ["https://www.example.com/a/"]})
    with pytest.raises(IgnoreRequest, match=r"redirect loop: https://www\.example\.com/a/ -> .*/b -> .*/a$"):
        middleware.process_response(request, _response(301, Location="/a"))
    onward = _response(301, Location="/c")
    assert middleware.process_response(request, onward) is onward
    ok = _response(200)
    assert middleware.process_response(request, ok) is ok
