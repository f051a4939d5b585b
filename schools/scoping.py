"""Keeping each school's records to its own staff, for querysets and single records.

``school_field`` is the lookup from a record to its school: ``"site"`` for most,
``"account__site"`` for a delivery (through its social account).
"""

from __future__ import annotations

from functools import reduce
from operator import or_

from django.db.models import Model, QuerySet
from django.http import Http404, HttpRequest
from wagtail.models import Site

from .current import school_for_request, schools_for_user


def school_of(instance: Model, school_field: str = "site") -> int | None:
    """The id of the school ``instance`` belongs to, following ``school_field``."""
    *path, last = school_field.split("__")
    for step in path:
        instance = getattr(instance, step, None)
        if instance is None:
            return None
    return getattr(instance, f"{last}_id", None)


def for_school(
    queryset: QuerySet, request: HttpRequest, *, school_field: str = "site"
) -> QuerySet:
    """``queryset`` narrowed to the school ``request`` is for (none if no school)."""
    site = school_for_request(request)
    if site is None:
        return queryset.none()
    return queryset.filter(**{school_field: site})


def school_pages(pages: QuerySet, site: Site | None) -> QuerySet:
    """``pages`` narrowed to the school's tree, in every language it publishes in
    (a Welsh home page is the English one's translation, beside it at the root)."""
    if site is None:
        return pages.none()
    roots = site.root_page.get_translations(inclusive=True)
    return pages.filter(
        reduce(or_, (pages.descendant_of_q(root, inclusive=True) for root in roots))
    )


def works_at(user, instance: Model, *, school_field: str = "site") -> bool:
    """Whether ``user`` works at the school ``instance`` belongs to."""
    site_id = school_of(instance, school_field)
    return site_id is not None and schools_for_user(user).filter(pk=site_id).exists()


def get_school_object_or_404(
    request: HttpRequest, queryset, *, school_field: str = "site", **lookup
):
    """The record, if it belongs to one of the signed-in person's schools; else 404.

    A 404 rather than a 403: another school's record is not there for this person,
    and saying "forbidden" would tell them it exists.
    """
    manager = getattr(queryset, "_default_manager", queryset)
    instance = manager.filter(**lookup).first()
    if instance is None or not works_at(
        request.user, instance, school_field=school_field
    ):
        raise Http404
    return instance
