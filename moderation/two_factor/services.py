"""Writes for two-factor sign-in: enrolment, backup codes, sessions and resets (P4)."""

import logging
import smtplib
import time
from dataclasses import dataclass
from importlib import import_module

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.core.mail import send_mail
from django.db import transaction
from django.http import HttpRequest
from django_otp import login as otp_login
from django_otp.models import Device
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from . import audit
from .backup_codes import backup_code_hash, backup_code_new
from .models import BackupCode, BackupCodeDevice, StaffSession
from .step_up import step_up_mark_verified

logger = logging.getLogger(__name__)

APP_DEVICE_NAME = "Authenticator app"
BACKUP_DEVICE_NAME = "Backup codes"
BACKUP_CODE_COUNT = 10
SIGNED_IN_AT_SESSION_KEY = "two_factor_signed_in_at"
LAST_SEEN_SESSION_KEY = "two_factor_last_seen_at"
TRACKED_KEY_SESSION_KEY = "two_factor_session_key"


def enrolment_device_get_or_create(*, user: AbstractBaseUser) -> TOTPDevice:
    """The unconfirmed authenticator-app device this user is enrolling.

    Reused across page loads so that a QR code already scanned stays valid.
    """
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(
            user=user, name=APP_DEVICE_NAME, confirmed=False
        )
    return device


def backup_codes_regenerate(*, user: AbstractBaseUser) -> list[str]:
    """Replace the user's backup codes with ten new single-use ones.

    Only their hashes are stored (ASVS V6.5.2).

    Returns:
        The new codes, in plain text, to be shown to the user once.
    """
    codes = [backup_code_new() for _ in range(BACKUP_CODE_COUNT)]
    hashes = [backup_code_hash(code) for code in codes]
    with transaction.atomic():
        device, _ = BackupCodeDevice.objects.get_or_create(
            user=user, name=BACKUP_DEVICE_NAME, defaults={"confirmed": True}
        )
        device.codes.all().delete()
        BackupCode.objects.bulk_create(
            BackupCode(device=device, code_hash=code_hash) for code_hash in hashes
        )
    return codes


def second_factor_accept(
    *, request: HttpRequest, device: Device, action: str = audit.VERIFIED
) -> None:
    """Mark this session as verified by ``device`` and record it.

    Sets django-otp's device in the session and the step-up time (the shared
    ``otp_verified_at`` key), so a sign-in code also counts as a fresh step-up.
    The session gets a new id, as at the password step (ASVS V7.2.4): an id seen
    before the second factor (on a shared computer, in a log) is worth nothing after.
    """
    old_key = request.session.session_key
    request.session.cycle_key()
    staff_session_forget(session_key=old_key)
    staff_session_track(request=request, user=request.user)
    otp_login(request, device)
    step_up_mark_verified(request)
    audit.two_factor_log(action=action, subject=request.user, request=request)
    if isinstance(device, BackupCodeDevice):
        audit.two_factor_log(
            action=audit.BACKUP_CODE_USED,
            subject=request.user,
            request=request,
            remaining=device.codes.count(),
        )


def enrolment_confirm(*, request: HttpRequest, device: TOTPDevice) -> list[str]:
    """Finish enrolment after the first good code from the new app.

    Confirms the device, removes any other authenticator devices (one app per
    person keeps recovery simple), makes backup codes and verifies the session.

    Returns:
        The new backup codes, to be shown once.
    """
    with transaction.atomic():
        TOTPDevice.objects.filter(user=device.user).exclude(pk=device.pk).delete()
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        codes = backup_codes_regenerate(user=device.user)
    audit.two_factor_log(action=audit.ENROLLED, subject=device.user, request=request)
    second_factor_accept(request=request, device=device)
    return codes


def staff_session_record(*, request: HttpRequest, user: AbstractBaseUser) -> None:
    """Remember this new session as the user's, and when it began (absolute limit)."""
    now = time.time()
    request.session[SIGNED_IN_AT_SESSION_KEY] = now
    request.session[LAST_SEEN_SESSION_KEY] = now
    if request.session.session_key is None:
        request.session.save()
    staff_session_track(request=request, user=user)


def staff_session_track(*, request: HttpRequest, user: AbstractBaseUser) -> None:
    """Record the session's current key (again, after Django cycles it on a
    password change) so that ``user_sessions_end`` can find it."""
    key = request.session.session_key
    request.session[TRACKED_KEY_SESSION_KEY] = key
    StaffSession.objects.update_or_create(
        session_key=key,
        defaults={"user": user, "ip_address": audit.client_ip(request)},
    )


def staff_session_forget(*, session_key: str | None) -> None:
    """Drop the record of a session that has ended (sign-out)."""
    if session_key:
        StaffSession.objects.filter(session_key=session_key).delete()


def user_sessions_end(*, user: AbstractBaseUser) -> int:
    """End every recorded session of ``user`` on the server.

    Deletes each session from the session store (any backend), so the cookie in
    every browser the user signed in from stops working at once.

    Returns:
        How many sessions were ended.
    """
    store_class = import_module(settings.SESSION_ENGINE).SessionStore
    keys = list(
        StaffSession.objects.filter(user=user).values_list("session_key", flat=True)
    )
    for key in keys:
        store_class(session_key=key).delete()
    StaffSession.objects.filter(session_key__in=keys).delete()
    if keys:
        logger.info(
            "Ended %d sessions of user %s",
            len(keys),
            user.pk,
            extra={"event": "two_factor.sessions_ended", "user_id": user.pk},
        )
    return len(keys)


@dataclass(frozen=True)
class ResetOutcome:
    sessions_ended: int
    emailed: bool


def second_factor_reset(
    *, user: AbstractBaseUser, actor: AbstractBaseUser, request: HttpRequest
) -> ResetOutcome:
    """Remove a member of staff's second factor so they enrol again (lost phone).

    Every session of theirs ends, the event is logged, and they are told by email so
    that a reset they did not ask for is noticed. The reset stands even when the
    email cannot be sent; the outcome says so, for the senior leader to tell them.
    """
    with transaction.atomic():
        TOTPDevice.objects.filter(user=user).delete()
        BackupCodeDevice.objects.filter(user=user).delete()
        StaticDevice.objects.filter(user=user).delete()  # any left from before 0003
        ended = user_sessions_end(user=user)
    audit.two_factor_log(
        action=audit.RESET,
        subject=user,
        request=request,
        actor=actor,
        sessions_ended=ended,
    )
    return ResetOutcome(sessions_ended=ended, emailed=_reset_email_send(user, actor))


def _reset_email_send(user: AbstractBaseUser, actor: AbstractBaseUser) -> bool:
    if not user.email:
        return False
    try:
        sent = send_mail(
            subject="Your two-factor sign-in was reset",
            message=(
                f"Hello {user.get_short_name() or user.get_username()},\n\n"
                f"{actor.get_full_name() or actor.get_username()} reset the two-factor "
                "sign-in on your school website account and signed you out everywhere."
                "\n\nNext time you sign in you will be asked to set up your "
                "authenticator app again. If you did not ask for this, tell the "
                "school office or a senior leader at once.\n"
            ),
            from_email=None,
            recipient_list=[user.email],
        )
    except (OSError, smtplib.SMTPException):
        logger.exception(
            "Could not email user %s about their two-factor reset",
            user.pk,
            extra={"event": "two_factor.reset_email_failed", "user_id": user.pk},
        )
        return False
    # The site's mail backend keeps a refused email to send again and returns 0.
    return sent > 0
