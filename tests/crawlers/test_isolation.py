"""No site can reach another: the address guard's decision on every address range (no packet sent), and end
to end a site that redirects and links to another loopback address and to another port of its own host
reaches neither, and says so in a reject."""

from __future__ import annotations

import ipaddress
from pathlib import Path

import pytest
from hostile_site import Answer, hostile_site_config, robots_txt, serve_hostile_site, sitemap_xml, xml

from broadsheet.settings import Settings
from crawlers.address_guard import address_refusal, origin_refusal
from crawlers.run import crawl_site

REFUSED = [
    ("127.0.0.1", "loopback"),
    ("127.0.0.2", "loopback"),
    ("10.1.2.3", "private"),
    ("172.16.0.1", "private"),
    ("192.168.1.1", "private"),
    ("169.254.169.254", "link-local"),  # the cloud metadata service
    ("224.0.0.1", "multicast"),
    ("0.0.0.0", "unspecified"),
    ("240.0.0.1", "reserved"),
    ("100.64.0.1", "not-global"),  # carrier-grade NAT
    ("::1", "loopback"),
    ("fe80::1", "link-local"),
    ("fc00::1", "private"),
    ("ff02::1", "multicast"),
    ("::", "unspecified"),
    ("::ffff:127.0.0.1", "loopback"),  # an IPv4-mapped loopback is the loopback
    ("::ffff:10.0.0.1", "private"),
]


@pytest.mark.parametrize(("address", "kind"), REFUSED)
def test_the_guard_refuses_non_public_addresses_by_default(address, kind):
    assert address_refusal(ipaddress.ip_address(address), []) == kind


@pytest.mark.parametrize("address", ["93.184.215.14", "8.8.8.8", "2606:2800:21f:cb07:6820:80da:af6b:8b2c"])
def test_the_guard_lets_public_addresses_through(address):
    assert address_refusal(ipaddress.ip_address(address), []) is None


def test_an_allowed_address_is_only_the_one_the_entry_names():
    allowed = [ipaddress.ip_network("127.0.0.1")]
    assert address_refusal(ipaddress.ip_address("127.0.0.1"), allowed) is None
    assert address_refusal(ipaddress.ip_address("::ffff:127.0.0.1"), allowed) is None
    assert address_refusal(ipaddress.ip_address("127.0.0.2"), allowed) == "loopback"
    assert address_refusal(ipaddress.ip_address("10.0.0.1"), allowed) == "private"


def _site(**update):
    values = {
        "key": "example_times",
        "name": "Example Times",
        "base_url": "https://www.example.com",
        "domains": ["example.com"],
        "sitemaps": ["/robots.txt"],
        "article_patterns": ["^/news/"],
        "timezone": "UTC",
        "languages": ["en"],
    }
    from broadsheet.sites import SiteConfig

    return SiteConfig.model_validate({**values, **update})


@pytest.mark.parametrize(
    ("url", "allowed"),
    [
        ("https://www.example.com/news/a", True),
        ("http://www.example.com/news/a", True),  # the default port of the other scheme
        ("https://cdn.example.com/news/a", True),  # a subdomain of a declared domain
        ("https://www.example.com:8443/news/a", False),  # another port of the site's own host
        ("https://example.org/news/a", False),
        ("https://www.example.com.evil.org/news/a", False),
        ("https://notexample.com/news/a", False),
        ("ftp://www.example.com/news/a", False),
        ("file:///etc/passwd", False),
    ],
)
def test_the_guard_compares_scheme_host_and_port(url, allowed):
    assert (origin_refusal(url, _site()) is None) is allowed


def test_a_local_mirror_allows_its_own_port_only():
    site = _site(base_url="http://127.0.0.1:8805", domains=[])
    assert origin_refusal("http://127.0.0.1:8805/news/a", site) is None
    assert "port 8806" in origin_refusal("http://127.0.0.1:8806/news/a", site)
    assert "port 80 " in origin_refusal("http://127.0.0.1/news/a", site)


def test_a_site_that_redirects_and_links_elsewhere_reaches_neither_and_says_so(tmp_path: Path):
    with (
        serve_hostile_site() as site,
        serve_hostile_site("127.0.0.2") as other_address,
        serve_hostile_site() as other_port,
    ):
        article = Answer("<html><head><title>A</title></head><body><p>Story.</p></body></html>")
        for target in (other_address, other_port):
            target.routes.update({"/news/b": article, "/news/c": article, "/news/d": article, "/robots.txt": article})
        site.routes.update(
            {
                "/robots.txt": robots_txt(),
                "/sitemap.xml": xml(
                    sitemap_xml(site.origin, ["/news/a", "/news/b", "/news/c"]).replace(
                        "</urlset>", f"<url><loc>{other_port.origin}/news/d</loc></url></urlset>"
                    )
                ),
                "/news/a": article,
                "/news/b": Answer(status=301, headers={"Location": other_address.url("/news/b")}),
                "/news/c": Answer(status=302, headers={"Location": other_port.url("/news/c")}),
                "/latest/": Answer(
                    f'<a href="{other_address.url("/news/e")}">e</a><a href="{other_port.url("/news/f")}">f</a>'
                ),
            }
        )
        config = hostile_site_config(site, sections=["/latest/"])
        archive = tmp_path / "site.warc.gz"
        result = crawl_site(Settings(data_dir=tmp_path), config, archive, window_end=None)
        assert other_address.paths() == [] and other_port.paths() == []
    errors = {url.removeprefix(site.origin): (reason, detail) for url, reason, detail in result.download_errors}
    assert set(errors) == {"/news/b", "/news/c"}
    assert errors["/news/b"][0] == "off_site_redirect" and other_address.url("/news/b") in errors["/news/b"][1]
    assert errors["/news/c"][0] == "off_site_redirect" and "port" in errors["/news/c"][1]
    assert "/news/a" in site.paths()


def test_a_site_whose_entry_does_not_allow_loopback_is_not_fetched_at_all(tmp_path: Path):
    with serve_hostile_site() as site:
        site.routes["/robots.txt"] = robots_txt()
        config = hostile_site_config(site, allowed_addresses=[], sections=["/latest/"])
        result = crawl_site(Settings(data_dir=tmp_path), config, tmp_path / "site.warc.gz", window_end=None)
        assert site.paths() == []
    assert any("loopback" in detail for _, _, detail in result.download_errors), result.download_errors
    assert {reason for _, reason, _ in result.download_errors} == {"forbidden_address"}
