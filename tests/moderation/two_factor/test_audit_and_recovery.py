"""Password lockout, the sign-in log for senior leadership, and new backup codes."""

import re

import pytest
from django.test import Client
from django.urls import reverse
from wagtail.models import ModelLogEntry

from moderation.two_factor import audit
from moderation.two_factor.backup_codes import backup_code_hash, backup_code_matches
from moderation.two_factor.models import BackupCodeDevice
from tests.moderation.two_factor.conftest import PASSWORD, code_at
from tests.twofactor import login_verified

LOGIN = reverse("wagtailadmin_login")
DEVICES = reverse("two_factor:devices")


@pytest.mark.django_db
def test_five_wrong_passwords_lock_the_username(editor):
    client = Client()
    for _ in range(4):
        wrong = client.post(LOGIN, {"username": editor.username, "password": "nope"})
        assert wrong.status_code == 200
    fifth = client.post(LOGIN, {"username": editor.username, "password": "nope"})
    assert fifth.status_code == 429

    locked = client.post(LOGIN, {"username": editor.username, "password": PASSWORD})

    assert locked.status_code == 429
    assert "15 minutes" in locked.content.decode()
    assert "_auth_user_id" not in client.session
    actions = list(
        ModelLogEntry.objects.filter(object_id=str(editor.pk)).values_list(
            "action", flat=True
        )
    )
    assert actions.count(audit.SIGN_IN_FAILED) >= 5
    assert audit.LOCKED_OUT in actions


@pytest.mark.django_db
def test_lockout_is_per_username_not_per_school_address(editor, approver):
    client = Client()
    for _ in range(5):
        client.post(LOGIN, {"username": editor.username, "password": "nope"})

    response = client.post(LOGIN, {"username": approver.username, "password": PASSWORD})

    assert response.status_code == 302


@pytest.mark.django_db
def test_wrong_password_message_is_shown_and_nothing_leaks(editor):
    response = Client().post(LOGIN, {"username": editor.username, "password": "x"})

    assert response.status_code == 200
    entry = ModelLogEntry.objects.get(action=audit.SIGN_IN_FAILED)
    assert entry.data == {"ip": "127.0.0.1", "username": editor.username}


@pytest.mark.django_db
def test_senior_leadership_reads_the_sign_in_log(editor, senior_leader):
    Client().post(LOGIN, {"username": editor.username, "password": PASSWORD})
    client = Client()
    login_verified(client, senior_leader)

    response = client.get(reverse("two_factor:report"))
    html = response.content.decode()

    assert response.status_code == 200
    assert "Signed in with password" in html
    assert "127.0.0.1" in html
    assert editor.get_full_name() in html or editor.username in html
    filtered = client.get(reverse("two_factor:report"), {"action": audit.RESET})
    assert "Nothing recorded yet" in filtered.content.decode()
    bogus = client.get(reverse("two_factor:report"), {"action": "x", "p": "zzz"})
    assert bogus.status_code == 200


@pytest.mark.django_db
def test_sign_in_log_is_in_the_reports_menu_for_senior_leadership(senior_leader):
    client = Client()
    login_verified(client, senior_leader)

    html = client.get("/admin/").content.decode()

    assert "Sign-in log" in html


@pytest.mark.django_db
def test_new_backup_codes_need_a_current_code_and_replace_the_old(editor):
    client = Client()
    device = login_verified(client, editor)
    old = BackupCodeDevice.objects.create(user=editor, name="Backup codes")
    old.codes.create(code_hash=backup_code_hash("abcd2345"))

    refused = client.post(DEVICES, {"otp_token": "abcd2345"})
    assert "Enter the 6 digits" in refused.content.decode()
    assert old.codes.count() == 1

    response = client.post(DEVICES, {"otp_token": code_at(device, steps_from_now=1)})
    codes_page = client.get(response["Location"]).content.decode()
    codes = re.findall(r"<li>([a-z2-7]{8})</li>", codes_page)

    assert len(codes) == 10
    assert "abcd2345" not in codes
    assert not any(
        backup_code_matches("abcd2345", stored)
        for stored in old.codes.values_list("code_hash", flat=True)
    )
    assert ModelLogEntry.objects.filter(action=audit.BACKUP_CODES_REGENERATED).exists()
    assert "10 left" in client.get(DEVICES).content.decode()


@pytest.mark.django_db
def test_devices_page_is_linked_from_the_account_page(editor):
    client = Client()
    login_verified(client, editor)

    assert DEVICES in client.get(reverse("wagtailadmin_account")).content.decode()
