"""URL identity: two spellings of one page are one page; two pages are never one."""

from __future__ import annotations

import pytest

from broadsheet.urls import absolute_url, clean_url, url_identity


@pytest.mark.parametrize(
    ("first", "second"),
    [
        ("https://www.example.com/news/a", "https://www.example.com/news/a/"),
        ("https://WWW.Example.com/news/a", "https://www.example.com/news/a"),
        ("https://www.example.com:443/news/a", "https://www.example.com/news/a"),
        ("https://www.example.com/news/a?utm_source=x&fbclid=y", "https://www.example.com/news/a"),
        ("https://www.example.com/news/a#comments", "https://www.example.com/news/a/"),
        ("https://www.example.com/news?b=2&a=1", "https://www.example.com/news?a=1&b=2"),
        ("https://www.example.com", "https://www.example.com/"),
    ],
)
def test_two_spellings_of_one_page_share_an_identity(first, second):
    assert url_identity(first) == url_identity(second)


@pytest.mark.parametrize(
    ("first", "second"),
    [
        ("https://www.example.com/news/a", "https://www.example.com/news/b"),
        ("https://www.example.com/news/a", "https://www.example.com/news/a/b"),
        ("https://www.example.com/news?id=1", "https://www.example.com/news?id=2"),
        ("https://www.example.com/news/a", "https://www.example.com:8443/news/a"),
        ("https://www.example.com/news/a", "https://example.org/news/a"),
        ("https://www.example.com/News/a", "https://www.example.com/news/a"),  # paths are case-sensitive
        ("https://www.example.com/news/TAX", "https://www.example.com/news/TA"),  # only a slash is dropped
    ],
)
def test_two_pages_never_share_an_identity(first, second):
    assert url_identity(first) != url_identity(second)


def test_a_fragment_is_never_part_of_the_url_requested_or_stored():
    assert clean_url("https://www.example.com/news/a#comments") == "https://www.example.com/news/a"
    assert clean_url("https://www.example.com/news/a?id=3#top") == "https://www.example.com/news/a?id=3"


def test_the_url_requested_keeps_its_trailing_slash():
    """Servers treat /a and /a/ as different resources: only the identity drops the slash."""
    assert clean_url("https://www.example.com/news/a/").endswith("/news/a/")
    assert clean_url("https://www.example.com/news/a").endswith("/news/a")
    assert url_identity("https://www.example.com/news/a/") == "https://www.example.com/news/a"
    assert url_identity("https://www.example.com") == "https://www.example.com/"  # a home page keeps its one slash


def test_a_link_that_is_not_a_url_is_none_not_an_exception():
    assert absolute_url("https://www.example.com/", "http://[2001:db8::1/x") is None
    assert absolute_url("https://www.example.com/news/", "../a") == "https://www.example.com/a"
