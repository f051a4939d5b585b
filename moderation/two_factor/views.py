"""Pages of the second step: enrol, enter a code, step up, manage devices (P4)."""

import logging
from base64 import b32encode
from urllib.parse import quote

import qrcode
import qrcode.image.svg
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_http_methods
from django_otp.plugins.otp_totp.models import TOTPDevice

from . import audit, selectors, services
from .forms import OneTimeCodeForm
from .models import BackupCodeDevice
from .pending import pending_action_label, pending_post_take
from .permissions import is_senior_leader, may_reset_second_factor
from .step_up import is_step_up_fresh, step_up_redirect, step_up_seconds

logger = logging.getLogger(__name__)

TEMPLATES = "moderation/two_factor"
NEW_CODES_SESSION_KEY = "two_factor_new_backup_codes"


def safe_next(request: HttpRequest) -> str:
    """The ``next`` address if it stays on this site; else the admin dashboard."""
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    if candidate:
        logger.warning(
            "Refused an off-site next address",
            extra={"event": "two_factor.next_refused"},
        )
    return reverse("wagtailadmin_home")


def _code_refused(request: HttpRequest, form: OneTimeCodeForm, **details) -> None:
    audit.two_factor_log(
        action=audit.CODE_FAILED,
        subject=request.user,
        request=request,
        reason=form.failure_reason or "invalid",
        **details,
    )


def _posted(request: HttpRequest):
    """The submitted data on POST (even when empty, so it is validated), else None."""
    return request.POST if request.method == "POST" else None


def _has_app(user) -> bool:
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def _grouped(secret: str) -> str:
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


@require_http_methods(["GET", "POST"])
def verify(request: HttpRequest) -> HttpResponse:
    """The code page after the password, on every new session."""
    next_url = safe_next(request)
    if request.user.is_verified():
        return HttpResponseRedirect(next_url)
    if not _has_app(request.user):
        return redirect(f"{reverse('two_factor:enrol')}?next={quote(next_url)}")
    form = OneTimeCodeForm(request.user, request, data=_posted(request))
    if request.method == "POST":
        if form.is_valid():
            services.second_factor_accept(
                request=request, device=form.get_user().otp_device
            )
            return HttpResponseRedirect(next_url)
        _code_refused(request, form, stage="sign_in")
    return render(request, f"{TEMPLATES}/verify.html", {"form": form, "next": next_url})


@require_http_methods(["GET", "POST"])
def enrol(request: HttpRequest) -> HttpResponse:
    """First sign-in: scan the QR code (or type the secret) and confirm a code."""
    next_url = safe_next(request)
    if _has_app(request.user):
        return redirect(f"{reverse('two_factor:verify')}?next={quote(next_url)}")
    device = services.enrolment_device_get_or_create(user=request.user)
    form = OneTimeCodeForm(
        request.user,
        request,
        data=_posted(request),
        device=device,
    )
    if request.method == "POST":
        if form.is_valid():
            codes = services.enrolment_confirm(request=request, device=device)
            request.session[NEW_CODES_SESSION_KEY] = codes
            return redirect(
                f"{reverse('two_factor:backup_codes')}?next={quote(next_url)}"
            )
        _code_refused(request, form, stage="enrolment")
    qr_svg = qrcode.make(
        device.config_url, image_factory=qrcode.image.svg.SvgPathImage
    ).to_string(encoding="unicode")
    return render(
        request,
        f"{TEMPLATES}/enrol.html",
        {
            "form": form,
            "next": next_url,
            # Generated here from our own data: safe to inline.
            "qr_svg": mark_safe(qr_svg),  # noqa: S308
            "secret": _grouped(b32encode(device.bin_key).decode()),
        },
    )


def backup_codes(request: HttpRequest) -> HttpResponse:
    """Show freshly made backup codes exactly once, to print or download."""
    codes = request.session.pop(NEW_CODES_SESSION_KEY, None)
    next_url = safe_next(request)
    if not codes:
        messages.info(
            request,
            "Backup codes are shown only once. If you lost them, make new ones here.",
        )
        return redirect("two_factor:devices")
    return render(
        request,
        f"{TEMPLATES}/backup_codes.html",
        {
            "codes": codes,
            "download": quote("\n".join(codes) + "\n"),
            "next": next_url,
        },
    )


@require_http_methods(["GET", "POST"])
def step_up(request: HttpRequest) -> HttpResponse:
    """Confirm a fresh code before publishing, then carry on where they were."""
    next_url = safe_next(request)
    form = OneTimeCodeForm(request.user, request, data=_posted(request))
    if request.method == "POST":
        if form.is_valid():
            services.second_factor_accept(
                request=request,
                device=form.get_user().otp_device,
                action=audit.STEP_UP,
            )
            fields = pending_post_take(request, path=next_url)
            if fields is not None:
                return render(
                    request,
                    f"{TEMPLATES}/continue.html",
                    {
                        "fields": fields,
                        "action_url": next_url,
                        "action_label": pending_action_label(fields, path=next_url),
                    },
                )
            return HttpResponseRedirect(next_url)
        _code_refused(request, form, stage="step_up")
    return render(
        request,
        f"{TEMPLATES}/step_up.html",
        {"form": form, "next": next_url, "minutes": step_up_seconds() // 60},
    )


@require_http_methods(["GET", "POST"])
def devices(request: HttpRequest) -> HttpResponse:
    """Your sign-in devices; new backup codes need a current code from the app."""
    app = TOTPDevice.objects.filter(user=request.user, confirmed=True).first()
    form = OneTimeCodeForm(
        request.user,
        request,
        data=_posted(request),
        device=app,
    )
    if request.method == "POST":
        if app is not None and form.is_valid():
            request.session[NEW_CODES_SESSION_KEY] = services.backup_codes_regenerate(
                user=request.user
            )
            audit.two_factor_log(
                action=audit.BACKUP_CODES_REGENERATED,
                subject=request.user,
                request=request,
            )
            return redirect("two_factor:backup_codes")
        _code_refused(request, form, stage="regenerate")
    return render(
        request,
        f"{TEMPLATES}/devices.html",
        {
            "form": form,
            "app": app,
            "backup_codes_left": selectors.backup_codes_left(user=request.user),
            "has_backup_device": BackupCodeDevice.objects.filter(
                user=request.user
            ).exists(),
        },
    )


def _require_senior_leader(request: HttpRequest) -> None:
    if not is_senior_leader(request.user):
        raise PermissionDenied


def staff(request: HttpRequest) -> HttpResponse:
    """Senior leadership: who has enrolled, with a reset button for each."""
    _require_senior_leader(request)
    staff = list(selectors.staff_with_two_factor_status())
    for person in staff:
        person.may_reset = may_reset_second_factor(actor=request.user, target=person)
    return render(request, f"{TEMPLATES}/staff.html", {"staff": staff})


@require_http_methods(["GET", "POST"])
def reset(request: HttpRequest, user_id: int) -> HttpResponse:
    """Senior leadership resets someone's second factor (lost or replaced phone).

    Needs a fresh code of their own, like publishing: a reset lets the next person
    with that password enrol a new app. Nobody resets the factor of someone with
    more rights than themselves; a refused attempt is logged.
    """
    _require_senior_leader(request)
    target = get_object_or_404(get_user_model(), pk=user_id)
    if not may_reset_second_factor(actor=request.user, target=target):
        audit.two_factor_log(
            action=audit.RESET_REFUSED,
            subject=target,
            request=request,
            actor=request.user,
        )
        messages.error(
            request,
            "You cannot reset the two-factor sign-in of someone with more rights "
            "than you. Ask the site administrator.",
        )
        return redirect("two_factor:staff")
    if not is_step_up_fresh(request):
        if request.method == "POST":
            messages.info(request, "Confirm your code, then press Reset again.")
        return step_up_redirect(request)
    if request.method == "POST":
        outcome = services.second_factor_reset(
            user=target, actor=request.user, request=request
        )
        told = (
            "they have been told by email."
            if outcome.emailed
            else "the email to them could not be sent: please tell them yourself."
        )
        messages.success(
            request,
            f"Two-factor sign-in reset for {target.get_full_name() or target}. "
            f"{outcome.sessions_ended} session(s) ended; {told}",
        )
        return redirect("two_factor:staff")
    return render(request, f"{TEMPLATES}/reset.html", {"target": target})


def report(request: HttpRequest) -> HttpResponse:
    """Senior leadership: the sign-in and second-factor log (P4 monitoring)."""
    _require_senior_leader(request)
    action = request.GET.get("action", "")
    if action not in audit.ACTIONS:
        action = ""
    page = Paginator(selectors.two_factor_log_entries(action=action), 50).get_page(
        request.GET.get("p")
    )
    return render(
        request,
        f"{TEMPLATES}/report.html",
        {
            "page": page,
            "action": action,
            "actions": [(key, label) for key, (label, _) in audit.ACTIONS.items()],
        },
    )
