"""Staff screens: families' updates for the office, and where each alert went.

Addresses are seen only by staff given "Can see, export and delete parent subscribers"
(the School office and Headteacher roles by default; never editors). Where each alert
went shows counts only, to anyone in the admin. Everything is for the school whose
admin this is.
"""

from __future__ import annotations

import json
import re

from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from cms.pagination import paginate

from .models import Alert, AlertEmail, AlertPush, Subscriber
from .schools import current_school

PERMISSION = "alerts.manage_subscribers"
Status = AlertEmail.Status


def _office_only(request: HttpRequest) -> None:
    if not request.user.has_perm(PERMISSION):
        raise PermissionDenied(_("Only the school office sees families' addresses."))


def where_alerts_went(request: HttpRequest) -> HttpResponse:
    """Per alert: how many emails were sent, are waiting, failed, delivered, bounced,
    and how many devices were notified or could not be."""
    site = current_school(request)
    alerts = (
        Alert.objects.filter(site=site)
        .annotate(
            sent=Count("emails", filter=Q(emails__status=Status.SENT)),
            waiting=Count(
                "emails", filter=Q(emails__status__in=[Status.QUEUED, Status.SENDING])
            ),
            not_sent=Count(
                "emails", filter=Q(emails__status__in=[Status.FAILED, Status.UNKNOWN])
            ),
            stopped=Count("emails", filter=Q(emails__status=Status.CANCELLED)),
            delivered=Count("emails", filter=Q(emails__delivery_event="delivered")),
            bounced=Count(
                "emails",
                filter=Q(emails__delivery_event__in=["bounced", "complained"]),
            ),
        )
        .order_by("-created_at")
    )
    listed = paginate(alerts, page=request.GET.get("page"), per_page=50)
    _add_push_counts(listed.object_list)
    return render(
        request,
        "alerts/office/where_alerts_went.html",
        {
            "page_title": _("Email updates: where they went"),
            "alerts": listed,
            "can_see_families": request.user.has_perm(PERMISSION),
        },
    )


def _add_push_counts(alerts) -> None:
    """``push_sent``, ``push_waiting`` and ``push_not_sent`` on each alert (one query,
    apart from the email counts: joining both ledgers would multiply the rows)."""
    counts = {
        row["alert_id"]: row
        for row in AlertPush.objects.filter(alert__in=list(alerts))
        .values("alert_id")
        .annotate(
            sent=Count("pk", filter=Q(status=Status.SENT)),
            waiting=Count("pk", filter=Q(status__in=[Status.QUEUED, Status.SENDING])),
            not_sent=Count("pk", filter=Q(status__in=[Status.FAILED, Status.UNKNOWN])),
        )
    }
    for alert in alerts:
        row = counts.get(alert.pk, {})
        alert.push_sent = row.get("sent", 0)
        alert.push_waiting = row.get("waiting", 0)
        alert.push_not_sent = row.get("not_sent", 0)


def subscribers(request: HttpRequest) -> HttpResponse:
    """The families subscribed at this school, searchable by address; with
    ``?alert=<id>``, what became of that alert's email to each of them."""
    _office_only(request)
    site = current_school(request)
    query = request.GET.get("q", "").strip()[:254]
    alert = _alert_asked_about(request, site)
    found = Subscriber.objects.filter(site=site).order_by("email_key")
    if query:
        found = found.filter(email_key__icontains=query.lower())
    listed = paginate(found, page=request.GET.get("page"), per_page=50)
    if alert is not None:
        listed.object_list = list(listed.object_list)
        emails = {
            email.subscriber_id: email
            for email in AlertEmail.objects.filter(
                alert=alert, subscriber__in=listed.object_list
            )
        }
        for subscriber in listed.object_list:
            subscriber.this_email = emails.get(subscriber.pk)
    return render(
        request,
        "alerts/office/subscribers.html",
        {
            "page_title": _("Families getting email updates"),
            "subscribers": listed,
            "query": query,
            "alert": alert,
        },
    )


def _alert_asked_about(request: HttpRequest, site) -> Alert | None:
    """The school's alert named by ``?alert=``, or None; another's, or nonsense: 404."""
    asked = request.GET.get("alert", "").strip()
    if not asked:
        return None
    if not re.fullmatch(r"[0-9]{1,18}", asked):  # what an id can be
        raise Http404(_("No such update."))
    return get_object_or_404(Alert, pk=int(asked), site=site)


def subscriber_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """One family: their choices, their consent, and every email they were sent."""
    _office_only(request)
    subscriber = get_object_or_404(Subscriber, pk=pk, site=current_school(request))
    return render(
        request,
        "alerts/office/subscriber_detail.html",
        {
            "page_title": subscriber.email,
            "subscriber": subscriber,
            "subscriptions": subscriber.subscriptions.order_by("category"),
            "emails": subscriber.alert_emails.select_related("alert").order_by(
                "-alert__created_at"
            ),
        },
    )


def subscriber_export(request: HttpRequest, pk: int) -> HttpResponse:
    """Everything kept about one family, for a subject-access request."""
    _office_only(request)
    subscriber = get_object_or_404(Subscriber, pk=pk, site=current_school(request))
    data = {
        "email": subscriber.email,
        "school": subscriber.site.site_name,
        "signed_up_at": subscriber.created_at.isoformat(),
        "signed_up_from": subscriber.source_page,
        "confirmation_sent_at": _iso(subscriber.confirmation_sent_at),
        "confirmed_at": _iso(subscriber.confirmed_at),
        "consent": subscriber.consent,
        "unsubscribed_at": _iso(subscriber.unsubscribed_at),
        "suppressed_at": _iso(subscriber.suppressed_at),
        "suppressed_reason": subscriber.suppressed_reason,
        "choices": dict(subscriber.subscriptions.values_list("category", "frequency")),
        "emails": [
            {
                "about": row.alert.title,
                "link": row.alert.url,
                "status": row.status,
                "sent_at": _iso(row.sent_at),
                "provider_said": row.delivery_event,
            }
            for row in subscriber.alert_emails.select_related("alert").order_by("pk")
        ],
    }
    response = HttpResponse(
        json.dumps(data, indent=2, ensure_ascii=False),
        content_type="application/json; charset=utf-8",
    )
    response["Content-Disposition"] = (
        f'attachment; filename="email-updates-subscriber-{subscriber.pk}.json"'
    )
    return response


@require_POST
def subscriber_delete(request: HttpRequest, pk: int) -> HttpResponse:
    """Delete a family and everything kept about them (a request to be forgotten)."""
    _office_only(request)
    subscriber = get_object_or_404(Subscriber, pk=pk, site=current_school(request))
    subscriber.delete()
    return redirect("alerts_office:subscribers")


def _iso(moment) -> str | None:
    return timezone.localtime(moment).isoformat() if moment else None
