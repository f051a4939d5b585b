"""Sign-in events: record sessions, audit them, and end sessions when access changes.

Deactivating a member of staff or changing their password ends every session they
have at once (P4, A3: access is controlled when staff leave or change roles). Django
would also refuse such sessions lazily (inactive users and the session auth hash), but
only on their next request; deleting them means a copied cookie is dead immediately.
"""

from axes.signals import user_locked_out
from django.contrib.auth import get_user_model
from django.contrib.auth.signals import (
    user_logged_in,
    user_logged_out,
    user_login_failed,
)
from django.db.models.signals import post_save, pre_save

from . import audit, services

WATCHED_FIELDS = ("password", "is_active")


def record_sign_in(sender, request, user, **kwargs) -> None:
    if request is None or not hasattr(request, "session"):
        return
    services.staff_session_record(request=request, user=user)
    audit.two_factor_log(action=audit.SIGN_IN, subject=user, request=request)


def record_sign_out(sender, request, user, **kwargs) -> None:
    if request is None or not hasattr(request, "session"):
        return
    services.staff_session_forget(session_key=request.session.session_key)
    if user is not None:
        audit.two_factor_log(action=audit.SIGN_OUT, subject=user, request=request)


def _user_named(username: str | None):
    if not username:
        return None
    user_model = get_user_model()
    return user_model._default_manager.filter(
        **{user_model.USERNAME_FIELD: username}
    ).first()


def record_failed_sign_in(sender, credentials, request=None, **kwargs) -> None:
    """Audit a wrong password against the account it was tried on, if it exists."""
    user = _user_named(credentials.get("username"))
    if user is not None:
        audit.two_factor_log(action=audit.SIGN_IN_FAILED, subject=user, request=request)


def record_lockout(sender, request, username, ip_address, **kwargs) -> None:
    user = _user_named(username)
    if user is not None:
        audit.two_factor_log(action=audit.LOCKED_OUT, subject=user, request=request)


def remember_access_fields(sender, instance, update_fields=None, **kwargs) -> None:
    """Note the stored password and active flag before a save, to spot changes."""
    instance._two_factor_before = None
    if instance.pk is None:
        return
    if update_fields is not None and not set(update_fields) & set(WATCHED_FIELDS):
        return
    instance._two_factor_before = (
        sender._default_manager.filter(pk=instance.pk)
        .values_list(*WATCHED_FIELDS)
        .first()
    )


def end_sessions_when_access_changes(sender, instance, created, **kwargs) -> None:
    before = getattr(instance, "_two_factor_before", None)
    if created or before is None:
        return
    old_password, was_active = before
    if old_password != instance.password or (was_active and not instance.is_active):
        services.user_sessions_end(user=instance)


def register() -> None:
    """Connect the receivers (from ``TwoFactorConfig.ready()``)."""
    user_model = get_user_model()
    user_logged_in.connect(record_sign_in, dispatch_uid="two_factor_sign_in")
    user_logged_out.connect(record_sign_out, dispatch_uid="two_factor_sign_out")
    user_login_failed.connect(
        record_failed_sign_in, dispatch_uid="two_factor_sign_in_failed"
    )
    user_locked_out.connect(record_lockout, dispatch_uid="two_factor_locked_out")
    pre_save.connect(
        remember_access_fields, sender=user_model, dispatch_uid="two_factor_pre_save"
    )
    post_save.connect(
        end_sessions_when_access_changes,
        sender=user_model,
        dispatch_uid="two_factor_post_save",
    )
