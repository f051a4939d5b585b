"""The shared step-up contract and the state ``login_verified`` leaves behind."""

import time
from urllib.parse import parse_qs, urlparse

import pytest
from django.test import RequestFactory, override_settings
from django.urls import reverse

from moderation.two_factor.step_up import (
    STEP_UP_SESSION_KEY,
    is_step_up_fresh,
    step_up_redirect,
)
from tests.twofactor import login_verified


def _request_from(client, path="/admin/pages/3/edit/?tab=promote"):
    """A request carrying the test client's session, through the middleware."""
    from django.contrib.auth.middleware import AuthenticationMiddleware
    from django.contrib.sessions.middleware import SessionMiddleware
    from django_otp.middleware import OTPMiddleware

    request = RequestFactory().get(path)
    request.COOKIES = {k: v.value for k, v in client.cookies.items()}
    SessionMiddleware(lambda r: None).process_request(request)
    AuthenticationMiddleware(lambda r: None).process_request(request)
    OTPMiddleware(lambda r: None)(request)
    return request


@pytest.mark.django_db
def test_login_verified_session_is_fresh(client, editor):
    login_verified(client, editor)

    assert is_step_up_fresh(_request_from(client))


@pytest.mark.django_db
def test_code_older_than_fifteen_minutes_is_stale(client, editor):
    login_verified(client, editor, verified_at=time.time() - 901)

    assert not is_step_up_fresh(_request_from(client))


@pytest.mark.django_db
@override_settings(OTP_STEP_UP_SECONDS=60)
def test_window_follows_the_setting(client, editor):
    login_verified(client, editor, verified_at=time.time() - 120)

    assert not is_step_up_fresh(_request_from(client))


@pytest.mark.django_db
def test_timestamp_from_the_future_does_not_count(client, editor):
    login_verified(client, editor, verified_at=time.time() + 3600)

    assert not is_step_up_fresh(_request_from(client))


@pytest.mark.django_db
def test_password_only_session_is_not_fresh_even_with_a_timestamp(client, editor):
    client.force_login(editor)
    session = client.session
    session[STEP_UP_SESSION_KEY] = time.time()
    session.save()

    assert not is_step_up_fresh(_request_from(client))


@pytest.mark.django_db
def test_anonymous_is_not_fresh(client):
    assert not is_step_up_fresh(_request_from(client))


@pytest.mark.django_db
def test_redirect_goes_to_step_up_and_back_to_the_same_address(client, editor):
    login_verified(client, editor)
    response = step_up_redirect(_request_from(client))

    location = urlparse(response["Location"])
    assert location.path == reverse("two_factor:step_up")
    assert parse_qs(location.query)["next"] == ["/admin/pages/3/edit/?tab=promote"]


@pytest.mark.django_db
def test_login_verified_session_passes_the_gate(client, editor):
    login_verified(client, editor)

    response = client.get("/admin/")

    assert response.status_code == 200
