"""The step-up contract: has this session proved its second factor recently?

Approvers publish on the school's behalf, so approving, rejecting or publishing needs a
code checked within the last ``settings.OTP_STEP_UP_SECONDS`` (default 900) seconds
(P4: multi-factor authentication for anyone who can publish). Other apps call these two
functions; the session key and its meaning (epoch seconds of the last good code, set at
sign-in and at every step-up) are shared with ``tests/twofactor.py``.
"""

import time
from urllib.parse import urlencode

from django.conf import settings
from django.http import HttpRequest, HttpResponseRedirect
from django.urls import reverse

STEP_UP_SESSION_KEY = "otp_verified_at"
DEFAULT_STEP_UP_SECONDS = 900


def step_up_seconds() -> int:
    """How long a verified code counts as fresh, from ``OTP_STEP_UP_SECONDS``."""
    return int(getattr(settings, "OTP_STEP_UP_SECONDS", DEFAULT_STEP_UP_SECONDS))


def step_up_mark_verified(request: HttpRequest, *, at: float | None = None) -> None:
    """Record in the session that a code was just verified (sign-in or step-up)."""
    request.session[STEP_UP_SESSION_KEY] = time.time() if at is None else at


def is_step_up_fresh(request: HttpRequest) -> bool:
    """True when this session verified a second-factor code recently enough.

    The user must be signed in with a verified device (django-otp's
    ``user.is_verified()``) and the last code must be no older than
    ``OTP_STEP_UP_SECONDS``. A timestamp from the future (a tampered or restored
    session) does not count.
    """
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return False
    if not getattr(user, "is_verified", lambda: False)():
        return False
    verified_at = request.session.get(STEP_UP_SESSION_KEY)
    if not isinstance(verified_at, int | float):
        return False
    age = time.time() - verified_at
    return 0 <= age <= step_up_seconds()


def step_up_redirect(request: HttpRequest) -> HttpResponseRedirect:
    """Send the user to the step-up page, which returns them to this request's URL.

    For a POST, the middleware keeps the submitted form first (see
    ``moderation.two_factor.pending``) so that nothing typed is lost.
    """
    query = urlencode({"next": request.get_full_path()})
    return HttpResponseRedirect(f"{reverse('two_factor:step_up')}?{query}")
