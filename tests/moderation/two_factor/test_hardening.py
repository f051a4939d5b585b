"""Sign-in hardening (ASVS V6, V7): lockout by username and address together, a new
session id after the second factor, resets only downwards, no devices in Django's
admin."""

import pytest
from django.contrib.auth.models import Group
from django.test import Client
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice
from wagtail.models import ModelLogEntry

from moderation.roles import SENIOR_LEADERSHIP
from moderation.two_factor import audit
from moderation.two_factor.models import StaffSession
from tests.factories import UserFactory
from tests.moderation.two_factor.conftest import PASSWORD, code_at
from tests.twofactor import login_verified

LOGIN = reverse("wagtailadmin_login")
VERIFY = reverse("two_factor:verify")


@pytest.mark.django_db
def test_wrong_passwords_lock_the_username_only_from_that_address(editor):
    attacker = Client(REMOTE_ADDR="203.0.113.9")
    for _ in range(5):
        attacker.post(LOGIN, {"username": editor.username, "password": "nope"})

    from_attacker = attacker.post(
        LOGIN, {"username": editor.username, "password": PASSWORD}
    )
    from_school = Client(REMOTE_ADDR="198.51.100.20").post(
        LOGIN, {"username": editor.username, "password": PASSWORD}
    )

    assert from_attacker.status_code == 429
    page = from_attacker.content.decode()
    assert "locked" in page
    assert "Signing in from anywhere else is not affected" in page
    assert from_school.status_code == 302


@pytest.mark.django_db
def test_the_session_id_changes_when_the_code_is_accepted(enrolled_editor):
    user, device = enrolled_editor
    client = Client()
    client.post(LOGIN, {"username": user.username, "password": PASSWORD})
    password_only_key = client.session.session_key

    response = client.post(VERIFY, {"otp_token": code_at(device), "next": "/admin/"})

    assert response.status_code == 302
    verified_key = client.session.session_key
    assert verified_key != password_only_key
    assert client.get("/admin/").status_code == 200
    # The id seen before the code is dead, and only the new one is recorded.
    stale = Client()
    stale.cookies["sessionid"] = password_only_key
    assert stale.get("/admin/").status_code == 302
    assert list(
        StaffSession.objects.filter(user=user).values_list("session_key", flat=True)
    ) == [verified_key]


def _senior_leader_with_fresh_code():
    head = UserFactory(username="head2")
    head.groups.add(Group.objects.get(name=SENIOR_LEADERSHIP))
    client = Client()
    login_verified(client, head)
    return head, client


@pytest.mark.django_db
def test_a_senior_leader_cannot_reset_the_superusers_second_factor():
    head, client = _senior_leader_with_fresh_code()
    admin = UserFactory(username="admin", is_superuser=True, is_staff=True)
    TOTPDevice.objects.create(user=admin, name="Authenticator app", confirmed=True)

    response = client.post(reverse("two_factor:reset", args=[admin.pk]), follow=True)

    assert "cannot reset the two-factor sign-in of someone with more rights" in (
        response.content.decode()
    )
    assert TOTPDevice.objects.filter(user=admin).exists()
    assert ModelLogEntry.objects.filter(
        action=audit.RESET_REFUSED, object_id=str(admin.pk), user=head
    ).exists()
    listing = client.get(reverse("two_factor:staff")).content.decode()
    assert reverse("two_factor:reset", args=[admin.pk]) not in listing


@pytest.mark.django_db
def test_a_senior_leader_still_resets_an_editor_and_it_is_logged(editor):
    head, client = _senior_leader_with_fresh_code()
    TOTPDevice.objects.create(user=editor, name="Authenticator app", confirmed=True)

    response = client.post(reverse("two_factor:reset", args=[editor.pk]))

    assert response.status_code == 302
    assert not TOTPDevice.objects.filter(user=editor).exists()
    assert ModelLogEntry.objects.filter(
        action=audit.RESET, object_id=str(editor.pk), user=head
    ).exists()


@pytest.mark.django_db
def test_a_reset_needs_a_fresh_code(editor):
    head = UserFactory(username="head3")
    head.groups.add(Group.objects.get(name=SENIOR_LEADERSHIP))
    client = Client()
    login_verified(client, head, verified_at=0)
    TOTPDevice.objects.create(user=editor, name="Authenticator app", confirmed=True)

    response = client.post(reverse("two_factor:reset", args=[editor.pk]))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("two_factor:step_up"))
    assert TOTPDevice.objects.filter(user=editor).exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    "path",
    [
        "/admin/django/otp_totp/totpdevice/",
        "/admin/django/otp_totp/totpdevice/add/",
        "/admin/django/otp_static/staticdevice/",
        "/admin/django/otp_static/staticdevice/add/",
    ],
)
def test_no_one_reads_or_adds_devices_in_djangos_admin(path):
    admin = UserFactory(username="admin", is_superuser=True, is_staff=True)
    client = Client()
    login_verified(client, admin)
    other = UserFactory(username="victim")
    TOTPDevice.objects.create(user=other, name="Authenticator app", confirmed=True)

    response = client.get(path)

    assert response.status_code == 404
    # Positive control: the rest of Django's admin still opens for the superuser.
    assert client.get("/admin/django/").status_code == 200


@pytest.mark.django_db
def test_backup_codes_are_stored_only_as_salted_hashes(enrolled_editor):
    editor, _ = enrolled_editor
    from moderation.two_factor.models import BackupCode
    from moderation.two_factor.services import backup_codes_regenerate

    codes = backup_codes_regenerate(user=editor)

    stored = list(BackupCode.objects.values_list("code_hash", flat=True))
    assert len(stored) == 10
    for code in codes:
        assert not any(code in code_hash for code_hash in stored)
    assert all(code_hash.startswith("pbkdf2_sha256$") for code_hash in stored)
    assert len({code_hash.split("$")[2] for code_hash in stored}) == 10  # own salt
    # Positive control: a printed code still signs in, once.
    client = Client()
    client.post(LOGIN, {"username": editor.username, "password": PASSWORD})
    assert client.post(VERIFY, {"otp_token": codes[0]}).status_code == 302
    assert BackupCode.objects.count() == 9


@pytest.mark.django_db(transaction=True)
def test_existing_clear_codes_are_hashed_by_the_migration(editor):
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor
    from django_otp.plugins.otp_static.models import StaticDevice

    executor = MigrationExecutor(connection)
    before = [("two_factor", "0002_senior_leadership_admin_access")]
    after = [("two_factor", "0003_backup_codes_hashed")]
    executor.migrate(before)
    executor.loader.build_graph()
    static = StaticDevice.objects.create(user=editor, name="Backup codes")
    static.token_set.create(token="abcd2345")

    executor.migrate(after)

    from moderation.two_factor.models import BackupCodeDevice

    assert not StaticDevice.objects.filter(user=editor).exists()
    device = BackupCodeDevice.objects.get(user=editor)
    assert "abcd2345" not in device.codes.get().code_hash
    assert device.verify_token("abcd2345")
    assert not device.verify_token("abcd2345")
