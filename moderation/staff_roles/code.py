"""A fresh code, used once, for each change to a sensitive role.

The two-factor gate already asks for a code from the last ``OTP_STEP_UP_SECONDS``
before any staff or role form is saved. A change to who may read safeguarding
information or approve publication also spends that code: the next such change in
the same session needs a new one, so one code typed once cannot hand out several
roles over the next quarter of an hour.
"""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.http import HttpRequest, HttpResponseRedirect
from django.urls import reverse

from moderation.two_factor.pending import pending_post_keep
from moderation.two_factor.step_up import STEP_UP_SESSION_KEY, is_step_up_fresh

SPENT_SESSION_KEY = "staff_roles_code_spent"


def role_code_is_ready(request: HttpRequest) -> bool:
    """True when this session has a fresh code not yet spent on a role change."""
    if not is_step_up_fresh(request):
        return False
    verified_at = request.session.get(STEP_UP_SESSION_KEY)
    return request.session.get(SPENT_SESSION_KEY) != verified_at


def role_code_spend(request: HttpRequest) -> None:
    """Mark this session's code as used by a role change."""
    request.session[SPENT_SESSION_KEY] = request.session.get(STEP_UP_SESSION_KEY)


def role_code_ask(request: HttpRequest) -> HttpResponseRedirect:
    """Send the user for a new code; the form comes back after it unless it carried
    a password (never kept), in which case it is to be submitted again."""
    if request.method == "POST" and pending_post_keep(request):
        messages.info(
            request,
            "Changing who holds a safeguarding or approval role needs a new code "
            "from your authenticator app, one for each change.",
        )
    else:
        messages.error(
            request,
            "Nothing was saved: changing who holds a safeguarding or approval role "
            "needs a new code from your authenticator app. Enter it, then submit the "
            "form again (passwords are never kept while you do).",
        )
    query = urlencode({"next": request.get_full_path()})
    return HttpResponseRedirect(f"{reverse('two_factor:step_up')}?{query}")
