"""Fetching an address given by someone else without reaching the server's network.

A name is looked up once; if any address it has is not on the public internet
(private, loopback, link-local, shared, multicast, reserved...) the fetch is refused,
and otherwise the connection is made to the address that was checked, never to a
second look-up. So a name that answers with a public address to the check and
with ``127.0.0.1`` a moment later (DNS rebinding) cannot reach the server itself.

The Host header, TLS server name and certificate check still use the name, so a
feed on a shared host or behind a CDN reads as it would in a browser. Proxies from
the environment are not used: a proxy would look the name up again.

``MENTIONS_FEEDS_ALLOW_PRIVATE_ADDRESSES`` lets the tests' and the development
stack's loopback feed server be read; it is off in production, and the name is
still looked up only once.
"""

from __future__ import annotations

import ipaddress
import socket
from urllib.parse import urlsplit

import requests
from django.conf import settings
from django.utils.translation import gettext as _
from requests.adapters import HTTPAdapter


class AddressRefused(Exception):
    """The address may not be fetched, in words staff can act on."""


def _is_public(address: str) -> bool:
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if ip.version == 6 and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped  # ::ffff:127.0.0.1 is 127.0.0.1
    return ip.is_global and not ip.is_multicast


def public_address(url: str) -> str:
    """The one IP address ``url``'s host is fetched from, once it was checked.

    Raises:
        AddressRefused: not http(s), the name is not found, or one of its
            addresses is not on the internet (unless the setting allows it).
    """
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise AddressRefused(_("A feed's address starts with http:// or https://."))
    port = parts.port or (443 if parts.scheme == "https" else 80)
    try:
        found = socket.getaddrinfo(parts.hostname, port, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError):
        raise AddressRefused(_("The feed's address could not be found.")) from None
    addresses = [info[4][0] for info in found]
    if not addresses:
        raise AddressRefused(_("The feed's address could not be found."))
    if not settings.MENTIONS_FEEDS_ALLOW_PRIVATE_ADDRESSES and not all(
        _is_public(address) for address in addresses
    ):
        raise AddressRefused(
            _(
                "The feed's address is on a private network; only feeds on the "
                "internet are read."
            )
        )
    return addresses[0]


class _PinnedAddressAdapter(HTTPAdapter):
    """Connects to ``address`` whatever the URL's host name resolves to now."""

    def __init__(self, *, address: str):
        self.address = address
        super().__init__(max_retries=0)

    def get_connection_with_tls_context(self, request, verify, proxies=None, cert=None):
        host_params, pool_kwargs = self.build_connection_pool_key_attributes(
            request, verify, cert
        )
        if host_params["scheme"] == "https":
            hostname = urlsplit(request.url).hostname
            pool_kwargs["server_hostname"] = hostname
            pool_kwargs["assert_hostname"] = hostname
        return self.poolmanager.connection_from_host(
            host=self.address,
            port=host_params["port"],
            scheme=host_params["scheme"],
            pool_kwargs=pool_kwargs,
        )


def pinned_get(url: str, *, timeout: float, headers: dict[str, str]):
    """GET ``url`` (no redirects followed) from its checked address, streamed.

    Raises:
        AddressRefused: see ``public_address``.
        requests.RequestException: the fetch failed.
    """
    address = public_address(url)
    parts = urlsplit(url)
    session = requests.Session()
    session.trust_env = False
    adapter = _PinnedAddressAdapter(address=address)
    session.mount("http://", adapter)
    session.mount("https://", adapter)
    host = parts.netloc.rsplit("@", 1)[-1]  # the name (and port), never a password
    return session.get(
        url,
        stream=True,
        allow_redirects=False,
        timeout=timeout,
        headers={**headers, "Host": host},
    )
