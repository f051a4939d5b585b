"""The "Connect" button: each network's own authorisation flow, ledger side.

The network side (request tokens, the Login dialog, code exchange, finding the Page,
signing in to Bluesky) lives in the adapters' modules. This module knows the school's
app keys, what the session must remember between leaving for the network and coming
back, and which of the granted Pages (or Instagram accounts) is the account being
connected. Bluesky has no redirect: the handle and an app password are typed in
(`bluesky_connect_finish`).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.conf import settings

from publishing.models import Network, SocialAccount
from publishing.networks.base import PermanentRefusal
from publishing.networks.bluesky import bluesky_connect
from publishing.networks.facebook import (
    FACEBOOK_SCOPES,
    facebook_connect_finish,
    facebook_connect_start,
)
from publishing.networks.instagram import (
    INSTAGRAM_SCOPES,
    PAGE_FIELDS,
    instagram_accounts,
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


def _graph_base_url(network: str) -> str:
    if network == Network.INSTAGRAM:
        return settings.SOCIAL_INSTAGRAM_GRAPH_BASE_URL
    return settings.SOCIAL_FACEBOOK_GRAPH_BASE_URL


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
        base_url=_graph_base_url(network),
        graph_version=settings.SOCIAL_FACEBOOK_GRAPH_VERSION,
        scopes=INSTAGRAM_SCOPES if network == Network.INSTAGRAM else FACEBOOK_SCOPES,
    )
    return ConnectStarted(
        authorize_url=started.authorize_url,
        session_data={"state": started.state, "redirect_uri": callback_url},
    )


def connect_finish(
    *, account: SocialAccount, pending: dict, params: dict
) -> ConnectFinished:
    """Complete authorisation from the callback's query parameters.

    The X flow checks that the callback carries our request token, the Facebook and
    Instagram flows that it carries our ``state``: an answer that belongs to another
    connection is refused.
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
        base_url=_graph_base_url(account.network),
        graph_version=settings.SOCIAL_FACEBOOK_GRAPH_VERSION,
        redirect_uri=pending["redirect_uri"],
        expected_state=pending["state"],
        callback_params=params,
        page_fields=PAGE_FIELDS if account.network == Network.INSTAGRAM else None,
    )
    if account.network == Network.INSTAGRAM:
        chosen = _choose_instagram(account, instagram_accounts(connection.pages))
        return ConnectFinished(
            credentials={
                "ig_user_id": chosen["ig_user_id"],
                "page_access_token": chosen["page_access_token"],
            },
            handle=f"@{chosen['username']}" if chosen["username"] else "",
        )
    page = _choose_page(account, connection.pages)
    return ConnectFinished(credentials=page.credentials, handle=page.name)


def bluesky_connect_finish(
    *, account: SocialAccount, handle: str, app_password: str
) -> ConnectFinished:
    """Sign in once with the handle and app password; keep that session (A3).

    Raises:
        NetworkError: Bluesky refused the app password or could not be reached.
    """
    connection = bluesky_connect(
        handle=handle,
        app_password=app_password,
        base_url=settings.SOCIAL_BLUESKY_PDS_URL,
        timeout=settings.SOCIAL_NETWORK_TIMEOUT_SECONDS,
    )
    return ConnectFinished(credentials=connection.credentials, handle=connection.handle)


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


def _choose_instagram(account: SocialAccount, found: list[dict[str, str]]) -> dict:
    """The granted Instagram account that is this account: the only one, or named."""
    if len(found) == 1:
        return found[0]
    wanted = account.handle.strip().lstrip("@").lower()
    for candidate in found:
        if wanted and wanted in (
            candidate["ig_user_id"],
            candidate["username"].lower(),
        ):
            return candidate
    if not found:
        raise PermanentRefusal(
            "None of the Facebook Pages granted has an Instagram professional account "
            "linked to it. Link the school's Instagram account to its Facebook Page "
            "(in Instagram's settings), then connect again."
        )
    names = ", ".join(f"@{c['username']}" for c in found)
    raise PermanentRefusal(
        f"Facebook granted these Instagram accounts: {names}. Put the account's "
        "@name in the account's handle, then connect again."
    )
