"""Keep a publishing form that arrived with a stale step-up, so nothing typed is lost.

When an approver presses Publish or Approve more than ``OTP_STEP_UP_SECONDS`` after
their last code, the middleware keeps the submitted fields in their session and asks
for a code. After a good code the step-up page shows a "Continue" button that submits
exactly those fields again (with a fresh CSRF token) to the same address.

Only forms that passed Django's CSRF check are kept (the middleware runs in
``process_view``, after ``CsrfViewMiddleware``), so another site cannot plant a form
for the approver to confirm. Uploaded files cannot be kept in a session, and
passwords and network credentials must not be (sessions are stored in clear): such a
form is refused with a message instead, to be typed again after the code.
"""

from urllib.parse import urlsplit

from django.http import HttpRequest
from django.urls import Resolver404, resolve

PENDING_SESSION_KEY = "two_factor_pending_post"
NOT_KEPT_FIELDS = frozenset({"csrfmiddlewaretoken"})
#: Parts of field names that carry a secret (new passwords, pasted tokens).
SECRET_FIELD_PARTS = ("password", "token", "secret")


def _carries_secret(request: HttpRequest) -> bool:
    return any(
        part in name.lower() and value
        for name, value in request.POST.items()
        for part in SECRET_FIELD_PARTS
        if name not in NOT_KEPT_FIELDS
    )


def pending_post_keep(request: HttpRequest) -> bool:
    """Store this POST's fields in the session; False when it carries files or a
    secret (a password, a token), which are never written to the session."""
    if request.FILES or _carries_secret(request):
        return False
    request.session[PENDING_SESSION_KEY] = {
        "path": request.get_full_path(),
        "fields": [
            [name, value]
            for name, values in request.POST.lists()
            if name not in NOT_KEPT_FIELDS
            for value in values
        ],
    }
    return True


def pending_post_take(request: HttpRequest, *, path: str) -> list[list[str]] | None:
    """Remove and return the kept fields if they were submitted to ``path``."""
    pending = request.session.pop(PENDING_SESSION_KEY, None)
    if not pending or pending.get("path") != path:
        return None
    return pending["fields"]


def pending_action_label(fields: list[list[str]], *, path: str) -> str:
    """Say in words what the kept form was going to do ("Approve", "Publish")."""
    names = dict(fields)
    try:
        view = resolve(urlsplit(path).path)
    except Resolver404:
        view = None
    action = names.get("workflow-action-name") or (
        view.kwargs.get("action_name") or view.kwargs.get("action") if view else None
    )
    if action:
        return action.replace("-", " ").replace("_", " ").capitalize()
    if "action-publish" in names:
        return "Publish"
    if view is not None and view.url_name == "unpublish":
        return "Unpublish"
    return "Continue"
