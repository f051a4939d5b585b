"""Filters for the consent register list: by class, by consent status, expiring soon.

A learner's consent for a use is their newest record for it, so the status filters
annotate each learner with that newest record per use (one subquery each) and filter
on those, in the database: the register has hundreds of learners.
"""

from __future__ import annotations

import datetime

import django_filters
from django.db.models import OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from wagtail.admin.filters import WagtailFilterSet

from moderation.models import ConsentRecord, ConsentUse, Learner

EXPIRING_WITHIN_DAYS = 30


def _newest(use: str, field: str) -> Subquery:
    return Subquery(
        ConsentRecord.objects.filter(learner=OuterRef("pk"), use=use)
        .order_by("-recorded_at", "-pk")
        .values(field)[:1]
    )


def with_current_consent(queryset: QuerySet) -> QuerySet:
    """Annotate ``given_<use>`` and ``expires_<use>`` from each newest record."""
    annotations = {}
    for use in ConsentUse.values:
        # Never asked is "not given" (not NULL), so exclusions treat it as no consent.
        annotations[f"given_{use}"] = Coalesce(_newest(use, "given"), Value(False))
        annotations[f"expires_{use}"] = _newest(use, "expires_on")
    return queryset.annotate(**annotations)


def _in_force(use: str, today: datetime.date) -> Q:
    return Q(**{f"given_{use}": True}) & (
        Q(**{f"expires_{use}__isnull": True}) | Q(**{f"expires_{use}__gte": today})
    )


def _class_choices():
    return [
        (year, year)
        for year in Learner.objects.exclude(year_group="")
        .order_by("year_group")
        .values_list("year_group", flat=True)
        .distinct()
    ]


class LearnerFilterSet(WagtailFilterSet):
    year_group = django_filters.ChoiceFilter(label="Class", choices=_class_choices)
    status = django_filters.ChoiceFilter(
        label="Consent",
        method="filter_status",
        choices=[
            ("full", "Every use"),
            ("website_only", "Website only"),
            ("none", "No consent for anything"),
            ("do_not_publish", "On the do-not-publish list"),
        ],
    )
    expiring = django_filters.ChoiceFilter(
        label="Expiring",
        method="filter_expiring",
        choices=[("soon", f"In the next {EXPIRING_WITHIN_DAYS} days")],
    )

    class Meta:
        model = Learner
        fields = ["year_group"]

    def filter_status(self, queryset, name, value):
        today = timezone.localdate()
        queryset = with_current_consent(queryset)
        uses = ConsentUse.values
        if value == "do_not_publish":
            return queryset.filter(do_not_publish=True)
        queryset = queryset.filter(do_not_publish=False)
        if value == "full":
            for use in uses:
                queryset = queryset.filter(_in_force(use, today))
            return queryset
        if value == "website_only":
            queryset = queryset.filter(_in_force(ConsentUse.WEBSITE, today))
            for use in uses:
                if use != ConsentUse.WEBSITE:
                    queryset = queryset.exclude(_in_force(use, today))
            return queryset
        if value == "none":
            for use in uses:
                queryset = queryset.exclude(_in_force(use, today))
            return queryset
        return queryset

    def filter_expiring(self, queryset, name, value):
        if value != "soon":
            return queryset
        today = timezone.localdate()
        until = today + datetime.timedelta(days=EXPIRING_WITHIN_DAYS)
        queryset = with_current_consent(queryset)
        expiring = Q()
        for use in ConsentUse.values:
            expiring |= Q(
                **{
                    f"given_{use}": True,
                    f"expires_{use}__gte": today,
                    f"expires_{use}__lte": until,
                }
            )
        return queryset.filter(expiring)
