"""The address guard: a site's crawl connects only to that site, and never into the machine's own network.

Two checks before any request leaves (AddressGuardMiddleware, the first downloader middleware, so a
redirect target or robots.txt of another host is refused before anything is sent to it):

1. the URL's scheme is http(s), and its host and port are the site's: base_url's host on base_url's port, or
   a host of the site's `domains` (or a subdomain) on the default port of http or https. Ports are compared,
   not only host names: another service on the site's own host is another site.
2. every address the host resolves to is public: loopback, private, link-local, multicast, reserved and
   unspecified addresses are refused unless the site's registry entry lists them in `allowed_addresses`
   (a local mirror, the demo sites, tests).

A refused request fails with ForbiddenDestination, whose `reason` the spider records as a crawl reject
(`off_site_redirect` for a redirect that leaves the site, `forbidden_address` otherwise): never silence.
"""

from __future__ import annotations

import ipaddress
import socket
from typing import Self
from urllib.parse import urlsplit

from scrapy import Request
from scrapy.crawler import Crawler
from scrapy.exceptions import IgnoreRequest
from scrapy.utils.defer import maybe_deferred_to_future
from twisted.internet.threads import deferToThread

from broadsheet.sites import DEFAULT_PORTS, SiteConfig

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network


class ForbiddenDestination(IgnoreRequest):
    """A request the address guard refused; `reason` is the reject reason it becomes."""

    def __init__(self, reason: str, detail: str) -> None:
        super().__init__(detail)
        self.reason = reason
        self.detail = detail


def address_refusal(address: IPAddress, allowed: list[IPNetwork]) -> str | None:
    """Why connecting to `address` is refused ("loopback", "private"...), or None when it may be used."""
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped  # ::ffff:127.0.0.1 is 127.0.0.1
    if any(address in network for network in allowed if network.version == address.version):
        return None
    for kind in ("loopback", "link_local", "multicast", "unspecified", "reserved", "private", "site_local"):
        if getattr(address, f"is_{kind}", False):
            return kind.replace("_", "-")
    if not address.is_global:  # shared address space (100.64/10), benchmarking nets and the like
        return "not-global"
    return None


def allowed_networks(site: SiteConfig) -> list[IPNetwork]:
    return [ipaddress.ip_network(value, strict=False) for value in site.allowed_addresses]


def origin_refusal(url: str, site: SiteConfig) -> str | None:
    """Why `url` is not the site's (scheme, host or port), or None when it is (see SiteConfig.foreign_origin)."""
    return site.foreign_origin(url)


def _resolve(host: str, port: int) -> list[IPAddress]:
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return [ipaddress.ip_address(info[4][0].split("%", 1)[0]) for info in infos]


class AddressGuardMiddleware:
    """Refuses every request that is not to the site's hosts and ports, or that resolves to a non-public
    address the site's entry does not allow (see the module docstring)."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        return cls(crawler)

    def _refuse(self, request: Request, detail: str) -> ForbiddenDestination:
        is_redirect = bool(request.meta.get("redirect_urls"))
        assert self.crawler.stats is not None
        self.crawler.stats.inc_value("broadsheet/refused_by_address_guard")
        chain = " -> ".join([*request.meta.get("redirect_urls", []), request.url])
        if is_redirect:
            return ForbiddenDestination("off_site_redirect", f"redirect off the site: {chain}: {detail}")
        return ForbiddenDestination("forbidden_address", f"refused {request.url}: {detail}")

    async def process_request(self, request: Request) -> None:
        site: SiteConfig | None = getattr(self.crawler.spider, "site", None)
        if site is None:
            return
        refusal = origin_refusal(request.url, site)
        if refusal:
            raise self._refuse(request, refusal)
        parts = urlsplit(request.url)
        host = parts.hostname or ""
        try:
            addresses = [ipaddress.ip_address(host)]
        except ValueError:
            port = parts.port or DEFAULT_PORTS[parts.scheme.lower()]
            try:
                addresses = await maybe_deferred_to_future(deferToThread(_resolve, host, port))
            except OSError as error:
                raise ForbiddenDestination("dns_error", f"cannot resolve {host}: {error}") from error
        networks = allowed_networks(site)
        for address in addresses:
            kind = address_refusal(address, networks)
            if kind:
                raise self._refuse(
                    request, f"{host} resolves to {address}, a {kind} address the site's entry does not allow"
                )
