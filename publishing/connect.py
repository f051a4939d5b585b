"""The "Connect" button: each network's own authorisation flow, ledger side.

The network side (request tokens, the Login dialog, code exchange, finding the Page)
lives in the adapters' modules. This module knows the school's app keys, what the
session must remember between leaving for the network and coming back, and which of
the granted Pages is the account being connected.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.conf import settings

from publishing.models import Network, SocialAccount
from publishing.networks.base import PermanentRefusal
from publishing.networks.facebook import (
    facebook_connect_finish,
    facebook_connect_start,
)
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


def _keys(network: str) -> tuple[str, str]:
    if network == Network.X:
        names = ("SOCIAL_X_CONSUMER_KEY", "SOCIAL_X_CONSUMER_SECRET")
    else:
        names = ("SOCIAL_FACEBOOK_APP_ID", "SOCIAL_FACEBOOK_APP_SECRET")
    key, secret = (getattr(settings, name) for name in names)
    if not key or not secret:
        raise ConnectNotConfigured(
            f"The school's app for this network is not configured ({names[0]} and "
            f"{names[1]}); ask the administrator."
        )
    return key, secret


def connect_start(*, network: str, callback_url: str) -> ConnectStarted:
    """Begin authorisation: where to send the browser and what to remember.

    Raises:
        ConnectNotConfigured: the app keys are missing.
        NetworkError: the network refused the app or could not be reached.
    """
    key, secret = _keys(network)
    if network == Network.X:
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
    started = facebook_connect_start(
        app_id=key,
        redirect_uri=callback_url,
        base_url=settings.SOCIAL_FACEBOOK_GRAPH_BASE_URL,
        graph_version=settings.SOCIAL_FACEBOOK_GRAPH_VERSION,
    )
    return ConnectStarted(
        authorize_url=started.authorize_url,
        session_data={"state": started.state, "redirect_uri": callback_url},
    )


def connect_finish(
    *, account: SocialAccount, pending: dict, params: dict
) -> ConnectFinished:
    """Complete authorisation from the callback's query parameters.

    The X flow checks that the callback carries our request token, the Facebook flow
    that it carries our ``state``: an answer that belongs to another connection is
    refused.
    """
    key, secret = _keys(account.network)
    if account.network == Network.X:
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
    connection = facebook_connect_finish(
        app_id=key,
        app_secret=secret,
        base_url=settings.SOCIAL_FACEBOOK_GRAPH_BASE_URL,
        graph_version=settings.SOCIAL_FACEBOOK_GRAPH_VERSION,
        redirect_uri=pending["redirect_uri"],
        expected_state=pending["state"],
        callback_params=params,
    )
    page = _choose_page(account, connection.pages)
    return ConnectFinished(credentials=page.credentials, handle=page.name)


def _choose_page(account: SocialAccount, pages):
    """The granted Page that is this account: the only one, or the one named."""
    if len(pages) == 1:
        return pages[0]
    wanted = account.handle.strip().lower()
    for page in pages:
        if wanted and wanted in (page.page_id, page.name.lower()):
            return page
    names = ", ".join(page.name for page in pages) or "none"
    raise PermanentRefusal(
        f"Facebook granted these Pages: {names}. Put the Page's exact name in the "
        "account's handle, then connect again."
    )
