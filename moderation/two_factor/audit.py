"""Sign-in and second-factor events in Wagtail's audit log (P4: "All activity should be
monitored and recorded").

Each entry is logged against the member of staff it is about; the acting user is the
entry's ``user`` and the time its ``timestamp``. The client's IP address and the details
of the event go in the entry's ``data``. No code, password or secret is ever recorded.
"""

import logging

from axes.helpers import get_client_ip_address
from django.contrib.auth.models import AbstractBaseUser
from django.http import HttpRequest
from wagtail.log_actions import log

logger = logging.getLogger(__name__)

PREFIX = "two_factor."
SIGN_IN = "two_factor.sign_in"
SIGN_IN_FAILED = "two_factor.sign_in_failed"
LOCKED_OUT = "two_factor.locked_out"
VERIFIED = "two_factor.verified"
ENROLLED = "two_factor.enrolled"
CODE_FAILED = "two_factor.code_failed"
BACKUP_CODE_USED = "two_factor.backup_code_used"
STEP_UP = "two_factor.step_up"
BACKUP_CODES_REGENERATED = "two_factor.backup_codes_regenerated"
RESET = "two_factor.reset"
RESET_REFUSED = "two_factor.reset_refused"
SIGN_OUT = "two_factor.sign_out"
SESSION_ENDED = "two_factor.session_ended"

ACTIONS: dict[str, tuple[str, str]] = {
    SIGN_IN: ("Sign in: password accepted", "Signed in with password"),
    SIGN_IN_FAILED: ("Sign in failed", "Sign-in failed: wrong username or password"),
    LOCKED_OUT: ("Sign in locked", "Sign-in locked after repeated failures"),
    VERIFIED: ("Second factor verified", "Verified a code at sign-in"),
    ENROLLED: ("Two-factor enrolment", "Enrolled an authenticator app"),
    CODE_FAILED: ("Code refused", "A one-time code was refused"),
    BACKUP_CODE_USED: ("Backup code used", "Signed in with a backup code"),
    STEP_UP: ("Step-up verified", "Verified a code before publishing"),
    BACKUP_CODES_REGENERATED: ("Backup codes renewed", "Made new backup codes"),
    RESET: ("Two-factor reset", "Second factor reset; all sessions ended"),
    RESET_REFUSED: (
        "Two-factor reset refused",
        "A reset of someone with more rights was refused",
    ),
    SIGN_OUT: ("Sign out", "Signed out"),
    SESSION_ENDED: ("Session ended", "Session ended by the server"),
}


def client_ip(request: HttpRequest | None) -> str | None:
    """The client's address, read the same way django-axes reads it."""
    if request is None:
        return None
    return getattr(request, "axes_ip_address", None) or get_client_ip_address(request)


def _model_instance(user: AbstractBaseUser) -> AbstractBaseUser:
    """Unwrap ``request.user``: Wagtail's log registry looks up the object's type,
    which for the lazy proxy is not the user model (the entry would be skipped)."""
    user.pk  # noqa: B018 - evaluates the lazy object
    return getattr(user, "_wrapped", user)


def two_factor_log(
    *,
    action: str,
    subject: AbstractBaseUser,
    request: HttpRequest | None,
    actor: AbstractBaseUser | None = None,
    **details: str | int | None,
) -> None:
    """Write one audit-log entry about ``subject`` and mirror it to the app log.

    Args:
        action: one of the ``two_factor.*`` actions above.
        subject: the member of staff the event is about.
        request: the request it happened in (for the IP address), if any.
        actor: who did it, when not the subject (a reset by senior leadership).
        details: small plain values (reasons, counts); never a code or password.
    """
    subject = _model_instance(subject)
    data = {"ip": client_ip(request), "username": subject.get_username(), **details}
    log(
        instance=subject,
        action=action,
        user=_model_instance(actor) if actor is not None else subject,
        data=data,
    )
    logger.info(
        "%s user=%s ip=%s",
        action,
        subject.pk,
        data["ip"],
        extra={"event": action, "user_id": subject.pk, **details},
    )
