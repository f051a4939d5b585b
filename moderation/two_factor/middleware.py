"""The two-factor gate: one middleware in front of every admin URL (P4).

Runs after django-otp's ``OTPMiddleware`` (which sets ``request.user.otp_device``)
and after ``CsrfViewMiddleware``. In order it:

1. ends sessions that are too old (``SESSION_ABSOLUTE_SECONDS``, default 10 hours
   since sign-in) or idle too long (``SESSION_IDLE_SECONDS``, default 30 minutes),
   and keeps every session ending at browser close (Wagtail's "remember me" would
   otherwise make it persistent);
2. sends anyone not signed in who asks for an admin URL to the sign-in page, and
   anyone signed in with a password only to enrolment or the code page;
3. (in ``process_view``, after the CSRF check) asks for a fresh code before any
   publishing action, staff or role change, or social-account decision or
   credential, keeping the submitted form so nothing is lost.
"""

import logging
import time
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from . import audit, guarded
from .pending import pending_post_keep
from .services import (
    LAST_SEEN_SESSION_KEY,
    SIGNED_IN_AT_SESSION_KEY,
    TRACKED_KEY_SESSION_KEY,
    staff_session_track,
)
from .step_up import is_step_up_fresh, step_up_redirect

logger = logging.getLogger(__name__)

DEFAULT_ABSOLUTE_SECONDS = 10 * 60 * 60
DEFAULT_IDLE_SECONDS = 30 * 60


def _absolute_seconds() -> int:
    return int(getattr(settings, "SESSION_ABSOLUTE_SECONDS", DEFAULT_ABSOLUTE_SECONDS))


def _idle_seconds() -> int:
    return int(getattr(settings, "SESSION_IDLE_SECONDS", DEFAULT_IDLE_SECONDS))


def _with_next(url_name: str, request: HttpRequest) -> HttpResponseRedirect:
    query = urlencode({"next": request.get_full_path()})
    return HttpResponseRedirect(f"{reverse(url_name)}?{query}")


class TwoFactorGateMiddleware:
    """Keep unverified sessions out of the admin and stale ones away from Publish."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.user.is_authenticated:
            ended = self._end_if_expired(request)
            if ended is not None:
                return ended
        if guarded.is_gated(request):
            refused = self._refuse_unverified(request)
            if refused is not None:
                return refused
        return self.get_response(request)

    def process_view(self, request: HttpRequest, view_func, view_args, view_kwargs):
        """Step-up before publishing; runs only for requests that passed CSRF."""
        if not request.user.is_authenticated or not guarded.needs_fresh_code(request):
            return None
        if is_step_up_fresh(request):
            return None
        return self._ask_for_step_up(request)

    def _end_if_expired(self, request: HttpRequest) -> HttpResponse | None:
        session = request.session
        now = time.time()
        signed_in_at = session.get(SIGNED_IN_AT_SESSION_KEY)
        last_seen_at = session.get(LAST_SEEN_SESSION_KEY, now)
        if signed_in_at is None or now - signed_in_at > _absolute_seconds():
            reason = "absolute_lifetime"
        elif now - last_seen_at > _idle_seconds():
            reason = "idle"
        else:
            session[LAST_SEEN_SESSION_KEY] = now
            if session.get(TRACKED_KEY_SESSION_KEY) != session.session_key:
                staff_session_track(request=request, user=request.user)
            if not session.get_expire_at_browser_close():
                session.set_expiry(0)
            return None
        user = request.user
        audit.two_factor_log(
            action=audit.SESSION_ENDED, subject=user, request=request, reason=reason
        )
        logout(request)
        if not guarded.needs_sign_in(request):
            return None
        messages.info(
            request,
            "You were signed out because your session ended. Please sign in again.",
        )
        return redirect_to_login(
            request.get_full_path(), login_url=reverse("wagtailadmin_login")
        )

    def _refuse_unverified(self, request: HttpRequest) -> HttpResponse | None:
        user = request.user
        if not user.is_authenticated:
            if guarded.needs_sign_in(request):
                return redirect_to_login(
                    request.get_full_path(), login_url=reverse("wagtailadmin_login")
                )
            return None
        if user.is_verified():
            if guarded.is_staff_only(request) and not user.is_staff:
                raise PermissionDenied
            return None
        if TOTPDevice.objects.filter(user=user, confirmed=True).exists():
            return _with_next("two_factor:verify", request)
        return _with_next("two_factor:enrol", request)

    def _ask_for_step_up(self, request: HttpRequest) -> HttpResponse:
        kept = pending_post_keep(request)
        logger.info(
            "Step-up needed for %s",
            request.path,
            extra={"event": "two_factor.step_up_needed", "form_kept": kept},
        )
        if not kept:
            messages.error(
                request,
                "Nothing was published or saved: confirm a code from your app first, "
                "then submit the form again (forms with uploaded files, passwords or "
                "tokens are not kept).",
            )
            # Back to the form they came from (the code page checks it is ours).
            back = request.META.get("HTTP_REFERER") or request.get_full_path()
            return HttpResponseRedirect(
                f"{reverse('two_factor:step_up')}?{urlencode({'next': back})}"
            )
        response = step_up_redirect(request)
        if request.headers.get("x-requested-with") == "XMLHttpRequest":
            # Wagtail's modal workflow reads JSON; "success" with a redirect sends
            # the browser to the code page, which then offers the kept form.
            return JsonResponse({"step": "success", "redirect": response["Location"]})
        return response
