"""Reads for the two-factor pages."""

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django_otp.plugins.otp_totp.models import TOTPDevice
from wagtail.models import ModelLogEntry

from . import audit
from .models import BackupCode


def staff_with_two_factor_status() -> QuerySet:
    """Active users with ``has_app`` (enrolled) and ``sessions`` (signed in now)."""
    return (
        get_user_model()
        .objects.filter(is_active=True)
        .annotate(
            has_app=Exists(
                TOTPDevice.objects.filter(user=OuterRef("pk"), confirmed=True)
            ),
            sessions=Count("staff_sessions", distinct=True),
        )
        .order_by("last_name", "first_name", "username")
    )


def backup_codes_left(*, user: AbstractBaseUser) -> int:
    """How many unused backup codes the user has."""
    return BackupCode.objects.filter(device__user=user, device__confirmed=True).count()


def two_factor_log_entries(*, action: str = "") -> QuerySet:
    """Sign-in and second-factor audit entries, newest first (optionally one kind)."""
    entries = ModelLogEntry.objects.filter(action__startswith=audit.PREFIX)
    if action:
        entries = entries.filter(Q(action=action))
    return entries.select_related("user").order_by("-timestamp", "-pk")
