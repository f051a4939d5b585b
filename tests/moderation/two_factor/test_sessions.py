"""Sessions end at sign-out, after 30 minutes idle, after 10 hours, and when access
changes (deactivation, new password, second factor reset)."""

import socket
import time
from urllib.parse import urlparse

import pytest
from django.contrib.sessions.models import Session
from django.core import mail
from django.test import Client, override_settings
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice
from wagtail.models import ModelLogEntry

from cms.models import FailedEmail
from moderation.two_factor import audit
from moderation.two_factor.models import BackupCodeDevice, StaffSession
from moderation.two_factor.services import (
    LAST_SEEN_SESSION_KEY,
    SIGNED_IN_AT_SESSION_KEY,
)
from tests.moderation.two_factor.conftest import PASSWORD
from tests.twofactor import login_verified

LOGIN = reverse("wagtailadmin_login")


def signed_out(client: Client) -> bool:
    response = client.get("/admin/")
    return response.status_code == 302 and urlparse(response["Location"]).path == LOGIN


def shift_session(client: Client, **seconds_ago: float) -> None:
    session = client.session
    for key, ago in seconds_ago.items():
        session[key] = time.time() - ago
    session.save()


@pytest.mark.django_db
def test_sign_out_ends_the_session_on_the_server(editor):
    client = Client()
    login_verified(client, editor)
    key = client.session.session_key

    client.post(reverse("wagtailadmin_logout"))

    assert not Session.objects.filter(session_key=key).exists()
    assert not StaffSession.objects.filter(session_key=key).exists()
    assert signed_out(client)
    assert ModelLogEntry.objects.filter(action=audit.SIGN_OUT).exists()


@pytest.mark.django_db
def test_session_ends_after_ten_hours_even_when_busy(editor):
    client = Client()
    login_verified(client, editor)
    shift_session(client, **{SIGNED_IN_AT_SESSION_KEY: 10 * 3600 + 1})

    assert signed_out(client)
    entry = ModelLogEntry.objects.get(action=audit.SESSION_ENDED)
    assert entry.data["reason"] == "absolute_lifetime"


@pytest.mark.django_db
def test_session_ends_after_thirty_minutes_idle(editor):
    client = Client()
    login_verified(client, editor)
    shift_session(client, **{LAST_SEEN_SESSION_KEY: 30 * 60 + 1})

    assert signed_out(client)
    assert ModelLogEntry.objects.get(action=audit.SESSION_ENDED).data["reason"] == (
        "idle"
    )


@pytest.mark.django_db
def test_activity_within_thirty_minutes_keeps_the_session(editor):
    client = Client()
    login_verified(client, editor)
    shift_session(client, **{LAST_SEEN_SESSION_KEY: 29 * 60})

    assert client.get("/admin/").status_code == 200
    assert time.time() - client.session[LAST_SEEN_SESSION_KEY] < 60


@pytest.mark.django_db
def test_remember_me_still_ends_at_browser_close(editor):
    client = Client()
    client.post(
        LOGIN, {"username": editor.username, "password": PASSWORD, "remember": "on"}
    )
    client.get("/admin/two-factor/enrol/")

    assert client.session.get_expire_at_browser_close()


@pytest.mark.django_db
def test_new_session_id_at_sign_in(editor):
    client = Client()
    client.get(LOGIN)
    client.session.save()
    before = client.cookies["sessionid"].value

    client.post(LOGIN, {"username": editor.username, "password": PASSWORD})

    assert client.cookies["sessionid"].value != before


@pytest.mark.django_db
def test_deactivating_a_user_ends_all_their_sessions(editor):
    browsers = [Client(), Client()]
    for client in browsers:
        login_verified(client, editor)

    editor.is_active = False
    editor.save()

    assert not StaffSession.objects.filter(user=editor).exists()
    assert all(signed_out(client) for client in browsers)


@pytest.mark.django_db
def test_a_new_password_ends_all_their_sessions(editor):
    client = Client()
    login_verified(client, editor)
    key = client.session.session_key

    editor.set_password("a-different-long-passphrase")
    editor.save()

    assert not Session.objects.filter(session_key=key).exists()
    assert signed_out(client)


@pytest.mark.django_db
def test_signing_in_again_does_not_end_other_sessions(editor):
    first, second = Client(), Client()
    login_verified(first, editor)
    login_verified(second, editor)  # saves last_login on the user

    assert first.get("/admin/").status_code == 200


@pytest.mark.django_db
def test_senior_leader_resets_a_second_factor(editor, senior_leader):
    victim_browser, head_browser = Client(), Client()
    login_verified(victim_browser, editor)
    BackupCodeDevice.objects.create(user=editor, name="Backup codes")
    login_verified(head_browser, senior_leader)
    url = reverse("two_factor:reset", args=(editor.pk,))

    shown_as = editor.get_full_name() or editor.get_username()
    assert shown_as in head_browser.get(url).content.decode()
    response = head_browser.post(url)

    assert response["Location"] == reverse("two_factor:staff")
    assert signed_out(victim_browser)
    assert not TOTPDevice.objects.filter(user=editor).exists()
    assert not BackupCodeDevice.objects.filter(user=editor).exists()
    assert mail.outbox[0].to == [editor.email]
    assert "reset the two-factor" in mail.outbox[0].body
    entry = ModelLogEntry.objects.get(action=audit.RESET)
    assert entry.user == senior_leader
    assert entry.object_id == str(editor.pk)
    assert entry.data["sessions_ended"] == 1
    # The senior leader's own session carries on.
    assert head_browser.get(reverse("two_factor:staff")).status_code == 200


@pytest.mark.django_db
def test_reset_needs_a_fresh_code(editor, senior_leader):
    client = Client()
    login_verified(client, senior_leader, verified_at=time.time() - 3600)
    url = reverse("two_factor:reset", args=(editor.pk,))

    response = client.post(url)

    assert urlparse(response["Location"]).path == reverse("two_factor:step_up")
    assert StaffSession.objects.filter(user=senior_leader).exists()


@pytest.mark.django_db
def test_only_senior_leadership_may_reset(editor, approver):
    client = Client()
    login_verified(client, approver)
    login_verified(Client(), editor)

    response = client.post(reverse("two_factor:reset", args=(editor.pk,)))

    # Wagtail turns PermissionDenied into "Sorry, you do not have permission".
    assert response["Location"] == reverse("wagtailadmin_home")
    assert TOTPDevice.objects.filter(user=editor).exists()
    assert client.get(reverse("two_factor:staff"))["Location"] == reverse(
        "wagtailadmin_home"
    )
    assert client.get(reverse("two_factor:report"))["Location"] == reverse(
        "wagtailadmin_home"
    )


@pytest.mark.django_db
def test_reset_stands_and_says_so_when_the_email_cannot_be_sent(editor, senior_leader):
    with socket.socket() as probe:  # a local port with nothing listening
        probe.bind(("127.0.0.1", 0))
        closed_port = probe.getsockname()[1]
    client = Client()
    login_verified(client, senior_leader)
    login_verified(Client(), editor)

    with override_settings(
        EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend",
        EMAIL_HOST="127.0.0.1",
        EMAIL_PORT=closed_port,
        EMAIL_TIMEOUT=2,
    ):
        response = client.post(
            reverse("two_factor:reset", args=(editor.pk,)), follow=True
        )

    assert response.status_code == 200
    assert "please tell them yourself" in response.content.decode()
    assert not TOTPDevice.objects.filter(user=editor).exists()


@pytest.mark.django_db
def test_reset_through_the_sites_mail_path_keeps_the_email_to_retry(
    editor, senior_leader
):
    with socket.socket() as probe:  # a local port with nothing listening
        probe.bind(("127.0.0.1", 0))
        closed_port = probe.getsockname()[1]
    client = Client()
    login_verified(client, senior_leader)

    with override_settings(
        EMAIL_BACKEND="cms.mail.RecordingEmailBackend",
        EMAIL_DELIVERY_BACKEND="django.core.mail.backends.smtp.EmailBackend",
        EMAIL_HOST="127.0.0.1",
        EMAIL_PORT=closed_port,
        EMAIL_TIMEOUT=2,
    ):
        response = client.post(
            reverse("two_factor:reset", args=(editor.pk,)), follow=True
        )

    assert "please tell them yourself" in response.content.decode()
    assert FailedEmail.objects.get().recipients == [editor.email]


@pytest.mark.django_db
def test_senior_leadership_group_can_reach_the_admin():
    from django.contrib.auth.models import Group

    group = Group.objects.get(name="Senior leadership")

    assert group.permissions.filter(codename="access_admin").exists()
