"""The fresh-code check for evidence and takedowns (P4, I1, I4).

Opening or exporting evidence and taking content down need a code checked within
``OTP_STEP_UP_SECONDS``, as approving does. A POST is kept (the same way the
publishing gate keeps one) so that after the code one press of "Continue" does it.
"""

from __future__ import annotations

from datetime import UTC, datetime

from django.contrib import messages
from django.http import HttpRequest, HttpResponseRedirect

from moderation.two_factor.pending import pending_post_keep
from moderation.two_factor.step_up import (
    STEP_UP_SESSION_KEY,
    is_step_up_fresh,
    step_up_redirect,
)


def fresh_code_verified_at(request: HttpRequest) -> datetime | None:
    """When this session's fresh code was verified, or None when it is not fresh."""
    if not is_step_up_fresh(request):
        return None
    return datetime.fromtimestamp(request.session[STEP_UP_SESSION_KEY], tz=UTC)


def ask_for_code(request: HttpRequest, *, why: str) -> HttpResponseRedirect:
    """Send the user to enter a code, keeping a submitted form for afterwards."""
    if request.method == "POST":
        pending_post_keep(request)
    messages.info(request, f"Enter a code from your authenticator app {why}.")
    return step_up_redirect(request)
