"""The social calendar screen (week or month, filtered by account and author)."""

from __future__ import annotations

import datetime

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.template.response import TemplateResponse
from django.utils import timezone

from publishing.calendar import calendar_days, calendar_period
from publishing.models import Delivery, SocialAccount
from schools.current import school_for_request


def _int_or_none(raw: str | None) -> int | None:
    return int(raw) if raw and raw.isdigit() else None


def social_calendar(request):
    """Anyone who may see deliveries sees the calendar of the school being worked
    in (its accounts, its posts' authors); odd filters are ignored."""
    user = request.user
    if not (user.is_superuser or user.has_perm("publishing.view_delivery")):
        raise PermissionDenied
    view = "month" if request.GET.get("view") == "month" else "week"
    try:
        anchor = datetime.date.fromisoformat(request.GET.get("date", ""))
    except ValueError:
        anchor = timezone.localdate()
    account_id = _int_or_none(request.GET.get("account"))
    author_id = _int_or_none(request.GET.get("author"))
    period = calendar_period(view=view, anchor=anchor)
    site = school_for_request(request)
    deliveries = Delivery.objects.filter(account__site=site)
    authors = (
        get_user_model()
        .objects.filter(pk__in=deliveries.values("page__owner"))
        .order_by("first_name", "last_name", "username")
    )
    return TemplateResponse(
        request,
        "publishing/calendar.html",
        {
            "page_title": "Social calendar",
            "period": period,
            "days": calendar_days(
                period=period, site=site, account_id=account_id, author_id=author_id
            ),
            "accounts": SocialAccount.objects.filter(site=site).order_by("name"),
            "authors": authors,
            "account_id": account_id,
            "author_id": author_id,
            "statuses": Delivery.Status,
        },
    )
