"""Connecting accounts, network side: the full OAuth flows against the emulators.

The test plays the browser: it asks requests to open the authorisation URL and takes
the emulator's redirect back to the callback, as the account holder's browser would.
"""

from urllib.parse import parse_qsl, urlsplit

import pytest
import requests

from publishing.networks.base import AuthExpired, PermanentRefusal
from publishing.networks.facebook import (
    FacebookPageNetwork,
    facebook_connect_finish,
    facebook_connect_start,
)
from publishing.networks.x import XNetwork, x_connect_finish, x_connect_start

X_CALLBACK = "http://testserver/admin/publishing/connect/x/callback/?account=7"
FACEBOOK_CALLBACK = "http://testserver/admin/publishing/connect/facebook/callback/"


def follow_authorisation(url: str, callback: str) -> dict[str, str]:
    """Open the authorisation URL; return the query the network sent to the callback."""
    answer = requests.get(url, allow_redirects=False, timeout=5)
    assert answer.status_code == 302
    location = answer.headers["Location"]
    assert location.startswith(callback.split("?")[0])
    return dict(parse_qsl(urlsplit(location).query))


# --- X: OAuth 1.0a three-legged -------------------------------------------------------


def start_x(emulator):
    return x_connect_start(
        **emulator.app_credentials, callback_url=X_CALLBACK, base_url=emulator.base_url
    )


def finish_x(emulator, start, params):
    return x_connect_finish(
        **emulator.app_credentials,
        base_url=emulator.base_url,
        request_token=start.request_token,
        request_token_secret=start.request_token_secret,
        callback_params=params,
    )


def test_connecting_x_gives_working_tokens_and_the_account_name(x_emulator):
    start = start_x(x_emulator)
    params = follow_authorisation(start.authorize_url, X_CALLBACK)

    connection = finish_x(x_emulator, start, params)

    assert params["account"] == "7"  # the callback's own query survives
    assert (connection.user_id, connection.username) == (
        "1500000000000000001",
        "OurSchool",
    )
    assert connection.access_token != x_emulator.access_token  # freshly issued
    network = XNetwork(
        credentials=connection.credentials | x_emulator.app_credentials,
        base_url=x_emulator.base_url,
    )
    network.publish(text="Connected!", images=[])
    assert [post["text"] for post in x_emulator.state()["posts"]] == ["Connected!"]


def test_an_x_callback_for_another_request_is_refused(x_emulator):
    start = start_x(x_emulator)
    params = follow_authorisation(start.authorize_url, X_CALLBACK)

    with pytest.raises(PermanentRefusal, match="does not belong to the connection"):
        finish_x(x_emulator, start, params | {"oauth_token": "someone-elses"})


def test_declining_on_x_connects_nothing(x_emulator):
    start = start_x(x_emulator)

    with pytest.raises(PermanentRefusal, match="Access was not granted on X"):
        finish_x(x_emulator, start, {"denied": start.request_token})


def test_an_x_verifier_works_once(x_emulator):
    start = start_x(x_emulator)
    params = follow_authorisation(start.authorize_url, X_CALLBACK)
    finish_x(x_emulator, start, params)

    with pytest.raises(AuthExpired, match="Invalid request token"):
        finish_x(x_emulator, start, params)


def test_wrong_app_keys_are_named_in_the_error(x_emulator):
    with pytest.raises(AuthExpired, match="check SOCIAL_X_CONSUMER_KEY"):
        x_connect_start(
            consumer_key=x_emulator.consumer_key,
            consumer_secret="wrong",
            callback_url=X_CALLBACK,
            base_url=x_emulator.base_url,
        )


# --- Facebook Login -> long-lived user token -> Page token --------------------------


def start_facebook(emulator):
    return facebook_connect_start(
        app_id=emulator.app_id,
        redirect_uri=FACEBOOK_CALLBACK,
        base_url=emulator.base_url,
        graph_version="v21.0",
    )


def finish_facebook(emulator, start, params, **overrides):
    arguments = {
        **emulator.app_credentials,
        "base_url": emulator.base_url,
        "graph_version": "v21.0",
        "redirect_uri": FACEBOOK_CALLBACK,
        "expected_state": start.state,
        "callback_params": params,
    }
    return facebook_connect_finish(**(arguments | overrides))


def test_connecting_facebook_gives_the_pages_token(facebook_emulator):
    start = start_facebook(facebook_emulator)
    params = follow_authorisation(start.authorize_url, FACEBOOK_CALLBACK)

    connection = finish_facebook(facebook_emulator, start, params)

    page = connection.page(facebook_emulator.page_id)
    assert page.name == "Our School"
    assert page.access_token == facebook_emulator.page_access_token
    network = FacebookPageNetwork(
        credentials=page.credentials, base_url=facebook_emulator.base_url
    )
    network.publish(text="Connected!", images=[])
    assert [post["text"] for post in facebook_emulator.state()["posts"]] == [
        "Connected!"
    ]
    assert (
        "pages_manage_posts"
        in dict(parse_qsl(urlsplit(start.authorize_url).query))["scope"]
    )


def test_the_user_token_is_exchanged_for_a_long_lived_one(facebook_emulator):
    start = start_facebook(facebook_emulator)
    params = follow_authorisation(start.authorize_url, FACEBOOK_CALLBACK)

    finish_facebook(facebook_emulator, start, params)

    assert sorted(facebook_emulator.user_tokens.values()) == [
        "long-lived",
        "short-lived",
    ]


def test_a_facebook_callback_with_another_state_is_refused(facebook_emulator):
    start = start_facebook(facebook_emulator)
    params = follow_authorisation(start.authorize_url, FACEBOOK_CALLBACK)

    with pytest.raises(PermanentRefusal, match="does not belong to the connection"):
        finish_facebook(facebook_emulator, start, params | {"state": "forged"})
    assert facebook_emulator.user_tokens == {}


def test_declining_on_facebook_connects_nothing(facebook_emulator):
    start = start_facebook(facebook_emulator)
    declined = {
        "error": "access_denied",
        "error_reason": "user_denied",
        "error_description": "Permissions error",
        "state": start.state,
    }

    with pytest.raises(PermanentRefusal, match="Access was not granted on Facebook"):
        finish_facebook(facebook_emulator, start, declined)


def test_a_login_code_works_once(facebook_emulator):
    start = start_facebook(facebook_emulator)
    params = follow_authorisation(start.authorize_url, FACEBOOK_CALLBACK)
    finish_facebook(facebook_emulator, start, params)

    with pytest.raises(PermanentRefusal, match="Invalid verification code"):
        finish_facebook(facebook_emulator, start, params)


def test_a_wrong_app_secret_is_refused_in_facebooks_words(facebook_emulator):
    start = start_facebook(facebook_emulator)
    params = follow_authorisation(start.authorize_url, FACEBOOK_CALLBACK)

    with pytest.raises(PermanentRefusal, match="Error validating client secret"):
        finish_facebook(facebook_emulator, start, params, app_secret="wrong")


def test_choosing_a_page_that_was_not_granted_is_refused(facebook_emulator):
    start = start_facebook(facebook_emulator)
    params = follow_authorisation(start.authorize_url, FACEBOOK_CALLBACK)
    connection = finish_facebook(facebook_emulator, start, params)

    with pytest.raises(PermanentRefusal, match="not granted to the app"):
        connection.page("999")
