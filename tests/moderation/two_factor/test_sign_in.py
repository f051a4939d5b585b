"""Signing in: password, then enrolment or a code; bad codes, replays, throttling."""

import re
import time
from base64 import b32encode
from datetime import timedelta
from urllib.parse import parse_qs, urlparse

import pytest
import time_machine
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice
from wagtail.models import ModelLogEntry

from moderation.two_factor import audit
from moderation.two_factor.backup_codes import backup_code_hash, backup_code_matches
from moderation.two_factor.models import BackupCodeDevice
from tests.moderation.two_factor.conftest import PASSWORD, code_at

VERIFY = reverse("two_factor:verify")
ENROL = reverse("two_factor:enrol")


def sign_in_with_password(client: Client, user, next_url: str = "/admin/") -> None:
    response = client.post(
        reverse("wagtailadmin_login"),
        {"username": user.username, "password": PASSWORD, "next": next_url},
    )
    assert response.status_code == 302, response.content[:500]


def actions_for(user) -> list[str]:
    return list(
        ModelLogEntry.objects.filter(
            object_id=str(user.pk), action__startswith=audit.PREFIX
        )
        .order_by("pk")
        .values_list("action", flat=True)
    )


def backup_codes_for(user, *codes: str) -> BackupCodeDevice:
    device = BackupCodeDevice.objects.create(user=user, name="Backup codes")
    for code in codes:
        device.codes.create(code_hash=backup_code_hash(code))
    return device


def errors_of(response) -> str:
    return response.content.decode()


@pytest.mark.django_db
def test_first_sign_in_enrols_then_shows_backup_codes_once_then_admin(client, editor):
    sign_in_with_password(client, editor, next_url="/admin/pages/")

    response = client.get("/admin/pages/")
    assert response.status_code == 302
    assert response["Location"].startswith(ENROL)

    enrol_url = response["Location"]
    html = client.get(enrol_url).content.decode()
    assert "<svg" in html
    device = TOTPDevice.objects.get(user=editor, confirmed=False)
    secret = re.search(r"data-two-factor-secret>([A-Z2-7 ]+)<", html).group(1)
    assert secret.replace(" ", "") == b32encode(device.bin_key).decode()
    assert re.fullmatch(r"([A-Z2-7]{4} )+[A-Z2-7]{4}", secret)

    # Nothing else is reachable before enrolment.
    assert client.get("/admin/").status_code == 302

    response = client.post(enrol_url, {"otp_token": code_at(device)})
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("two_factor:backup_codes"))

    codes_page = client.get(response["Location"])
    codes = re.findall(r"<li>([a-z2-7]{8})</li>", codes_page.content.decode())
    assert len(codes) == 10
    stored = list(
        BackupCodeDevice.objects.get(user=editor).codes.values_list(
            "code_hash", flat=True
        )
    )
    assert len(stored) == 10
    assert all(
        any(backup_code_matches(code, code_hash) for code_hash in stored)
        for code in codes
    )
    assert not set(codes) & set(stored)  # only hashes are kept
    assert 'download="backup-codes.txt"' in codes_page.content.decode()
    assert 'href="/admin/pages/"' in codes_page.content.decode()

    again = client.get(reverse("two_factor:backup_codes"))
    assert again.status_code == 302
    assert codes[0] not in client.get(reverse("two_factor:devices")).content.decode()

    # In: the page explorer opens at the editor's school's home page.
    assert client.get("/admin/pages/", follow=True).status_code == 200
    device.refresh_from_db()
    assert device.confirmed
    assert actions_for(editor) == [audit.SIGN_IN, audit.ENROLLED, audit.VERIFIED]


@pytest.mark.django_db
def test_a_new_session_asks_for_a_code(enrolled_editor):
    user, device = enrolled_editor
    first, second = Client(), Client()
    for client in (first, second):
        sign_in_with_password(client, user)

    response = first.get("/admin/")
    assert response.status_code == 302
    assert response["Location"].startswith(VERIFY)
    assert first.post(VERIFY, {"otp_token": code_at(device)}).status_code == 302
    assert first.get("/admin/").status_code == 200

    # The other browser has only the password: still asked for its own code.
    assert second.get("/admin/")["Location"].startswith(VERIFY)
    assert audit.VERIFIED in actions_for(user)


@pytest.mark.django_db
def test_a_code_is_never_accepted_twice(enrolled_editor):
    user, device = enrolled_editor
    first, second = Client(), Client()
    sign_in_with_password(first, user)
    sign_in_with_password(second, user)
    code = code_at(device)
    assert first.post(VERIFY, {"otp_token": code}).status_code == 302

    replay = second.post(VERIFY, {"otp_token": code})

    assert replay.status_code == 200
    assert "already been used" in errors_of(replay)
    assert second.get("/admin/").status_code == 302
    entry = ModelLogEntry.objects.filter(action=audit.CODE_FAILED).get()
    assert entry.data["reason"] == "replayed"
    assert entry.data["ip"] == "127.0.0.1"


@pytest.mark.django_db
def test_the_previous_time_step_is_refused_after_a_newer_code(enrolled_editor):
    user, device = enrolled_editor
    client = Client()
    sign_in_with_password(client, user)
    # The clock stands still: a new time step starting mid-test would make the
    # older code two steps old, refused as wrong rather than as already used.
    with time_machine.travel(time.time(), tick=False):
        older = code_at(device, steps_from_now=-1)
        device.last_t = int(time.time()) // device.step  # the current code was used
        device.save()

        response = client.post(VERIFY, {"otp_token": older})

    assert response.status_code == 200
    assert "already been used" in errors_of(response)


@pytest.mark.django_db
@override_settings(OTP_TOTP_THROTTLE_FACTOR=600)
def test_wrong_code_then_throttled_even_for_the_right_code(client, enrolled_editor):
    user, device = enrolled_editor
    sign_in_with_password(client, user)

    wrong = client.post(
        VERIFY, {"otp_token": "000000" if code_at(device) != "000000" else "111111"}
    )
    assert "not right" in errors_of(wrong)

    right = client.post(VERIFY, {"otp_token": code_at(device)})

    assert right.status_code == 200
    assert "Too many wrong codes" in errors_of(right)
    assert client.get("/admin/").status_code == 302
    reasons = [
        entry.data["reason"]
        for entry in ModelLogEntry.objects.filter(action=audit.CODE_FAILED).order_by(
            "pk"
        )
    ]
    assert reasons == ["wrong", "throttled"]


@pytest.mark.django_db
def test_backup_code_works_once(enrolled_editor):
    user, _ = enrolled_editor
    static = backup_codes_for(user, "abcd2345", "wxyz7777")
    first, second = Client(), Client()
    sign_in_with_password(first, user)
    sign_in_with_password(second, user)

    assert first.post(VERIFY, {"otp_token": "ABCD 2345"}).status_code == 302
    assert first.get("/admin/").status_code == 200
    reused = second.post(VERIFY, {"otp_token": "abcd2345"})

    assert reused.status_code == 200
    assert "has been used already" in errors_of(reused)
    used = ModelLogEntry.objects.get(action=audit.BACKUP_CODE_USED)
    assert used.data["remaining"] == 1
    # The refused reuse throttles the device for a second: let that second pass.
    BackupCodeDevice.objects.filter(pk=static.pk).update(
        throttling_failure_timestamp=timezone.now() - timedelta(seconds=5)
    )
    assert second.post(VERIFY, {"otp_token": "wxyz7777"}).status_code == 302
    third = Client()
    sign_in_with_password(third, user)
    assert "no backup codes left" in errors_of(
        third.post(VERIFY, {"otp_token": "wxyz7777"})
    )


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("", "Enter the 6-digit code"),
        ("   ", "Enter the 6-digit code"),
        ("123", "That is not a code"),
        ("1234567890123", "That is not a code"),
        ("x" * 200, "That is not a code"),
        ("12345a", "That is not a code"),
        ("one two", "That is not a code"),
    ],
)
def test_malformed_codes_get_a_clear_message_and_no_throttle(
    client, enrolled_editor, typed, message
):
    user, device = enrolled_editor
    sign_in_with_password(client, user)

    response = client.post(VERIFY, {"otp_token": typed})

    assert response.status_code == 200
    assert message in errors_of(response)
    device.refresh_from_db()
    assert device.throttling_failure_count == 0
    assert ModelLogEntry.objects.get(action=audit.CODE_FAILED).data["reason"] in {
        "empty",
        "malformed",
    }


@pytest.mark.django_db
@pytest.mark.parametrize("spaced", ["{a} {b}", " {a}{b} ", "{a}  {b}\t"])
def test_spaces_in_a_code_are_ignored(client, enrolled_editor, spaced):
    user, device = enrolled_editor
    sign_in_with_password(client, user)
    code = code_at(device)

    response = client.post(VERIFY, {"otp_token": spaced.format(a=code[:3], b=code[3:])})

    assert response.status_code == 302
    assert client.get("/admin/").status_code == 200


@pytest.mark.django_db
@pytest.mark.parametrize(
    "forged",
    ["https://evil.example/admin/", "//evil.example/", "javascript:alert(1)"],
)
def test_next_pointing_off_site_goes_to_the_dashboard(client, enrolled_editor, forged):
    user, device = enrolled_editor
    sign_in_with_password(client, user)

    response = client.post(VERIFY, {"otp_token": code_at(device), "next": forged})

    assert response.status_code == 302
    assert response["Location"] == reverse("wagtailadmin_home")


@pytest.mark.django_db
def test_code_post_without_csrf_token_is_refused(enrolled_editor):
    user, device = enrolled_editor
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)

    response = client.post(VERIFY, {"otp_token": code_at(device)})

    assert response.status_code == 403
    assert client.get("/admin/").status_code == 302


@pytest.mark.django_db
def test_enrolment_page_survives_a_reload_with_the_same_secret(client, editor):
    sign_in_with_password(client, editor)
    first = client.get(ENROL).content.decode()
    second = client.get(ENROL).content.decode()

    secret = re.compile(r"data-two-factor-secret>([A-Z2-7 ]+)<")
    assert secret.search(first).group(1) == secret.search(second).group(1)
    assert TOTPDevice.objects.filter(user=editor).count() == 1


@pytest.mark.django_db
def test_enrolment_refuses_a_wrong_code(client, editor):
    sign_in_with_password(client, editor)
    client.get(ENROL)

    response = client.post(ENROL, {"otp_token": "abcd2345"})

    assert response.status_code == 200
    assert "Enter the 6 digits" in errors_of(response)
    assert not TOTPDevice.objects.filter(user=editor, confirmed=True).exists()


@pytest.mark.django_db
def test_verify_redirect_keeps_where_the_person_was_going(client, enrolled_editor):
    user, device = enrolled_editor
    sign_in_with_password(client, user, next_url="/admin/pages/")

    gate = client.get("/admin/pages/")
    assert parse_qs(urlparse(gate["Location"]).query)["next"] == ["/admin/pages/"]
    response = client.post(gate["Location"], {"otp_token": code_at(device)})

    assert response["Location"] == "/admin/pages/"


@pytest.mark.django_db
@override_settings(OTP_STATIC_THROTTLE_FACTOR=600)
def test_backup_codes_are_throttled_after_a_wrong_one(client, enrolled_editor):
    user, _ = enrolled_editor
    static = backup_codes_for(user, "abcd2345")
    sign_in_with_password(client, user)

    wrong = client.post(VERIFY, {"otp_token": "zzzz2345"})
    right = client.post(VERIFY, {"otp_token": "abcd2345"})

    assert "backup code is not right" in errors_of(wrong)
    assert "Too many wrong codes" in errors_of(right)
    assert static.codes.count() == 1
