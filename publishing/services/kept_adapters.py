"""Each account's network adapter, kept from one send to the next in the same thread.

A worker sends post after post to the same few accounts. Made afresh for each post,
an adapter decrypted the credentials again, opened a new HTTPS connection (TCP and
TLS handshakes) and, for Bluesky, built a new SDK client, loading the certificate
store again (about 25 ms of CPU a post). Kept, its connections stay open between
posts (HTTP keep-alive) and Bluesky's session stays in memory.

An adapter is made again when the account's stored credentials change (connected
again, or a session renewed by another worker: the stored one is then the one that
works), when the settings change (the configured API, timeouts), and when it has not
been used for ``KEEP_IDLE_SECONDS``, so that a send never goes over a connection the
network is about to close for idleness (that would make its outcome unknown). A
thread keeps at most ``KEEP_ACCOUNTS``; each thread has its own, as an HTTP session
is not to be shared between threads.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from dataclasses import dataclass

from django.core.signals import setting_changed
from django.dispatch import receiver

from publishing.models import SocialAccount
from publishing.networks.base import Network, network_class
from publishing.services.accounts import account_adapter

KEEP_ACCOUNTS = 32
KEEP_IDLE_SECONDS = 30.0

_kept = threading.local()
_settings_version = 0


@dataclass
class _Kept:
    adapter: Network
    made_for: tuple
    used_at: float


def kept_adapter(*, account: SocialAccount) -> Network:
    """The account's adapter (``account_adapter``), the one kept if still good."""
    adapters: OrderedDict[int, _Kept] = _thread_adapters()
    made_for = (
        account.network,
        account.credentials_encrypted,
        network_class(account.network).default_base_url(),
        _settings_version,
    )
    now = time.monotonic()
    kept = adapters.pop(account.pk, None)
    if (
        kept is None
        or kept.made_for != made_for
        or now - kept.used_at > KEEP_IDLE_SECONDS
    ):
        kept = _Kept(
            adapter=account_adapter(account=account), made_for=made_for, used_at=now
        )
    kept.used_at = now
    adapters[account.pk] = kept
    while len(adapters) > KEEP_ACCOUNTS:
        adapters.popitem(last=False)  # the least recently used
    return kept.adapter


def _thread_adapters() -> OrderedDict[int, _Kept]:
    if not hasattr(_kept, "adapters"):
        _kept.adapters = OrderedDict()
    return _kept.adapters


@receiver(setting_changed)
def _settings_changed(**kwargs) -> None:
    """Settings changed (tests do): every thread's kept adapters are made again."""
    global _settings_version
    _settings_version += 1
