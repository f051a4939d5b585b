"""The "Connect" button: each network's own authorisation flow, ledger side.

The network side (request tokens, code exchange, finding the Page) lives in the
adapters' modules; this keeps what the session must remember and checks that the
answer coming back belongs to the connection started here (the state check).
"""

from __future__ import annotations

import hmac
from dataclasses import dataclass, field

from django.conf import settings

from publishing.networks.base import PermanentRefusal
from publishing.networks.x import x_connect_finish, x_connect_start


class ConnectNotConfigured(Exception):
    """The school's app keys for the network are not set."""


@dataclass(frozen=True)
class ConnectStarted:
    authorize_url: str
    session_data: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class ConnectFinished:
    credentials: dict[str, str]
    handle: str


def _x_keys() -> tuple[str, str]:
    key, secret = settings.SOCIAL_X_CONSUMER_KEY, settings.SOCIAL_X_CONSUMER_SECRET
    if not key or not secret:
        raise ConnectNotConfigured(
            "The school's X app is not configured (SOCIAL_X_CONSUMER_KEY and "
            "SOCIAL_X_CONSUMER_SECRET); ask the administrator."
        )
    return key, secret


def connect_start(*, network: str, callback_url: str, state: str) -> ConnectStarted:
    """Begin authorisation; returns where to send the browser and what to remember."""
    if network == "x":
        key, secret = _x_keys()
        started = x_connect_start(
            consumer_key=key,
            consumer_secret=secret,
            callback_url=callback_url,
            base_url=settings.SOCIAL_X_API_BASE_URL,
        )
        return ConnectStarted(
            authorize_url=started.authorize_url,
            session_data={
                "request_token": started.request_token,
                "request_token_secret": started.request_token_secret,
            },
        )
    raise ConnectNotConfigured(f"There is no Connect flow for {network!r}.")


def _check_state(pending: dict, params: dict) -> None:
    if not hmac.compare_digest(str(params.get("state", "")), str(pending["state"])):
        raise PermanentRefusal(
            "The answer does not belong to the connection started here; "
            "press Connect again."
        )


def connect_finish(*, network: str, pending: dict, params: dict) -> ConnectFinished:
    """Complete authorisation from the callback's query parameters."""
    if network == "x":
        key, secret = _x_keys()
        connection = x_connect_finish(
            consumer_key=key,
            consumer_secret=secret,
            base_url=settings.SOCIAL_X_API_BASE_URL,
            request_token=pending["request_token"],
            request_token_secret=pending["request_token_secret"],
            callback_params=params,
        )
        return ConnectFinished(
            credentials=connection.credentials, handle=f"@{connection.username}"
        )
    _check_state(pending, params)
    raise ConnectNotConfigured(f"There is no Connect flow for {network!r}.")
