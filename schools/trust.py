"""Trust roles: the deliberate exception to "everything belongs to one school"."""

from __future__ import annotations

from django.db.models import QuerySet
from wagtail.models import Site

from .models import TrustRole


def trust_sites(user, kind: str) -> QuerySet[Site]:
    """The schools of every trust in which ``user`` holds the trust role ``kind``."""
    if not getattr(user, "is_authenticated", False):
        return Site.objects.none()
    trusts = TrustRole.objects.filter(user=user, kind=kind).values("trust")
    return Site.objects.filter(school__trust__in=trusts)
