"""Admin views for the calendar-driven work and the tasks done by hand: the
scheduled-jobs report, posts to pin and posts to delete in a network's app."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from publishing.delivery_permissions import account_run_by
from publishing.errors import DeliveryStateError
from publishing.models import Delivery, Pin
from publishing.scheduled_jobs.selectors import scheduled_jobs_status
from publishing.services.deliveries import delivery_mark_deleted_by_hand
from publishing.services.pins import pin_mark_done_by_hand
from publishing.social_policy.views import policy_gate
from schools.scoping import get_school_object_or_404


def may_see_jobs(user) -> bool:
    return user.is_superuser or user.has_perm("publishing.change_delivery")


@require_GET
def scheduled_jobs_report(request: HttpRequest) -> HttpResponse:
    """Each scheduled job: last run, result, duration and next run."""
    if not may_see_jobs(request.user):
        raise PermissionDenied
    return TemplateResponse(
        request,
        "publishing/scheduled_jobs.html",
        {"statuses": scheduled_jobs_status(now=timezone.now())},
    )


@require_POST
def pin_done(request: HttpRequest, pk: int) -> HttpResponse:
    """A manager pinned the post by hand on the network."""
    pin = get_school_object_or_404(
        request,
        Pin.objects.select_related("delivery__account"),
        school_field="delivery__account__site",
        pk=pk,
    )
    account = pin.delivery.account
    if not (
        request.user.is_superuser or account_run_by(account=account, user=request.user)
    ):
        raise PermissionDenied
    if refused := policy_gate(request, site=account.site):
        return refused
    pin_mark_done_by_hand(pin=pin, user=request.user)
    messages.success(
        request, f"Thank you: “{pin.delivery.page_title}” is pinned on {account.name}."
    )
    return redirect("wagtailadmin_home")


@require_POST
def deleted_by_hand(request: HttpRequest, pk: int) -> HttpResponse:
    """A manager deleted the post in the network's app (Instagram)."""
    delivery = get_school_object_or_404(
        request,
        Delivery.objects.select_related("account"),
        school_field="account__site",
        pk=pk,
    )
    account = delivery.account
    if not (
        request.user.is_superuser or account_run_by(account=account, user=request.user)
    ):
        raise PermissionDenied
    if refused := policy_gate(request, site=account.site):
        return refused
    try:
        delivery_mark_deleted_by_hand(delivery=delivery, user=request.user)
    except DeliveryStateError as error:
        messages.error(request, str(error))
    else:
        messages.success(
            request,
            _("Thank you: “%(title)s” is recorded as deleted from %(account)s.")
            % {"title": delivery.page_title, "account": account.name},
        )
    return redirect("wagtailadmin_home")
