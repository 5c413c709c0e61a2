"""Fetching a calendar from a URL for an import, safely.

Only http and https on their usual ports (80, 443, or any above 1023); the host name is
resolved once and every address must be public (no loopback, private, link-local, shared,
multicast or reserved address: no requests into the server's own network, SSRF), and the
connection goes to the address that was checked (no second lookup an attacker's DNS could
answer differently). At most 3 redirects, each checked the same way; a 10-second timeout per
connection and read; at most MAX_BYTES read.
"""

from __future__ import annotations

import http.client
import ipaddress
import socket
from collections.abc import Callable, Collection
from typing import Any
from urllib.parse import urljoin, urlsplit

from coshore.core.errors import Invalid

from .parse import MAX_BYTES

__all__ = ["FetchFailed", "UrlRefused", "fetch_calendar"]

TIMEOUT = 10.0
MAX_REDIRECTS = 3
USER_AGENT = "Coshore calendar import (+https://github.com/coshore)"

Resolver = Callable[[str, int], list[str]]


class UrlRefused(Invalid):
    code = "calendar.url_refused"


class FetchFailed(Invalid):
    code = "calendar.fetch_failed"


def _resolve(host: str, port: int) -> list[str]:
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return sorted({str(info[4][0]) for info in infos})


def _public(address: str) -> bool:
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return bool(ip.is_global) and not (ip.is_multicast or ip.is_reserved)


def _target(
    url: str, resolver: Resolver, allow_private: Collection[str]
) -> tuple[str, str, int, str, str]:
    parts = urlsplit(url.strip())
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise UrlRefused("Give an http or https address.", detail={"field": "url"})
    if parts.username or parts.password:
        raise UrlRefused("Addresses with a user name or password are refused.")
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError:
        raise UrlRefused("The address has a bad port.", detail={"field": "url"}) from None
    if port not in (80, 443) and port < 1024:
        raise UrlRefused("That port is refused.", detail={"field": "url", "port": port})
    try:
        addresses = resolver(parts.hostname, port)
    except (OSError, UnicodeError):
        raise FetchFailed("The address's host cannot be found.", detail={"field": "url"}) from None
    if not addresses:
        raise FetchFailed("The address's host cannot be found.", detail={"field": "url"})
    if parts.hostname not in allow_private and not all(_public(a) for a in addresses):
        raise UrlRefused(
            "That address is inside a private network: only public addresses are fetched.",
            detail={"field": "url"},
        )
    path = parts.path or "/"
    if parts.query:
        path += "?" + parts.query
    return parts.scheme, parts.hostname, port, addresses[0], path


def _connection(scheme: str, host: str, port: int, address: str) -> http.client.HTTPConnection:
    conn: http.client.HTTPConnection
    if scheme == "https":
        conn = http.client.HTTPSConnection(host, port, timeout=TIMEOUT)
    else:
        conn = http.client.HTTPConnection(host, port, timeout=TIMEOUT)

    def pinned(_addr: Any, timeout: Any = TIMEOUT, source: Any = None) -> socket.socket:
        # Connect to the checked address; TLS still verifies the host name.
        return socket.create_connection((address, port), timeout, source)

    conn._create_connection = pinned  # type: ignore[attr-defined]
    return conn


def fetch_calendar(
    url: str, *, resolver: Resolver = _resolve, allow_private: Collection[str] = ()
) -> bytes:
    """The body at `url` (see the module's rules). UrlRefused (422) for an address that is
    not allowed, FetchFailed (422) when it cannot be fetched, CalendarTooLarge above
    MAX_BYTES. `allow_private` names hosts exempt from the public-address rule, for tests
    serving a file on localhost (every redirect is still checked)."""
    from ..errors import CalendarTooLarge

    if len(url) > 1000:
        raise UrlRefused("The address is too long.", detail={"field": "url"})
    for _hop in range(MAX_REDIRECTS + 1):
        scheme, host, port, address, path = _target(url, resolver, allow_private)
        conn = _connection(scheme, host, port, address)
        try:
            conn.request(
                "GET",
                path,
                headers={
                    "Host": host if port in (80, 443) else f"{host}:{port}",
                    "User-Agent": USER_AGENT,
                    "Accept": "text/calendar, */*;q=0.5",
                },
            )
            response = conn.getresponse()
            if response.status in (301, 302, 303, 307, 308):
                location = response.getheader("Location") or ""
                if not location:
                    raise FetchFailed("The address redirects nowhere.")
                url = urljoin(url, location)
                continue
            if response.status != 200:
                raise FetchFailed(
                    f"The address answered {response.status}.",
                    detail={"field": "url", "status": response.status},
                )
            length = response.getheader("Content-Length")
            if length and length.isdigit() and int(length) > MAX_BYTES:
                raise CalendarTooLarge(
                    "The calendar is larger than 5 MB.", detail={"limit": MAX_BYTES}
                )
            body = response.read(MAX_BYTES + 1)
            if len(body) > MAX_BYTES:
                raise CalendarTooLarge(
                    "The calendar is larger than 5 MB.", detail={"limit": MAX_BYTES}
                )
            return body
        except (OSError, http.client.HTTPException) as exc:
            raise FetchFailed(
                f"The calendar could not be fetched: {exc.__class__.__name__}.",
                detail={"field": "url"},
            ) from None
        finally:
            conn.close()
    raise FetchFailed("Too many redirects.", detail={"field": "url"})
