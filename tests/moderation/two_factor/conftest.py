"""Fixtures for the two-factor tests: staff in role groups and real TOTP codes."""

import time

import pytest
from django.contrib.auth.models import Group, Permission
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from moderation.roles import APPROVERS, EDITORS, SENIOR_LEADERSHIP
from tests.factories import UserFactory

PASSWORD = "correct-horse-battery"


def code_at(device: TOTPDevice, *, steps_from_now: int = 0) -> str:
    """The 6-digit code the person's app shows now (or some time steps away)."""
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time() + steps_from_now * device.step
    return f"{totp.token():0{device.digits}d}"


def _with_admin_access(group_name: str) -> Group:
    group = Group.objects.get(name=group_name)
    group.permissions.add(
        Permission.objects.get(
            content_type__app_label="wagtailadmin", codename="access_admin"
        )
    )
    return group


@pytest.fixture
def editor(db):
    user = UserFactory(username="editor")
    user.groups.add(_with_admin_access(EDITORS))
    return user


@pytest.fixture
def approver(db):
    user = UserFactory(username="approver")
    user.groups.add(_with_admin_access(APPROVERS), _with_admin_access(EDITORS))
    return user


@pytest.fixture
def senior_leader(db):
    user = UserFactory(username="head")
    user.groups.add(_with_admin_access(SENIOR_LEADERSHIP))
    return user


@pytest.fixture
def enrolled_editor(editor) -> tuple:
    """An editor with a confirmed authenticator app; returns (user, device)."""
    device = TOTPDevice.objects.create(
        user=editor, name="Authenticator app", confirmed=True
    )
    return editor, device
