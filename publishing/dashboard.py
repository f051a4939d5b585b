"""Dashboard: what was published this week and where it went; accounts to decide.

For each page that went live in the last seven days: the website link, then every
social account it was sent to, with the link to the post or the reason it failed,
so a failure is seen on the day, not when a parent asks.

For senior leadership, "Waiting for me" (``moderation.awaiting``) lists each account
proposal or suspension they may decide (A1, not their own proposal) and each
account whose termly access review is due (A3).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.urls import reverse
from django.utils import timezone
from wagtail.admin.ui.components import Component
from wagtail.models import Page

from moderation.awaiting import AwaitingDecision
from publishing import selectors
from publishing.models import Delivery, SocialAccount
from publishing.services.accounts import is_senior_leader_of
from schools.current import schools_for_user
from schools.scoping import school_pages


@dataclass
class PublishedPage:
    title: str
    url: str
    published_at: datetime.datetime
    deliveries: list[Delivery] = field(default_factory=list)


def published_since(*, site, since: datetime.datetime, limit: int = 20) -> list:
    """The school's pages published since ``since``, newest first, each with its
    deliveries (none at all when there is no school)."""
    pages = list(
        school_pages(Page.objects.live(), site)
        .filter(last_published_at__gte=since)
        .order_by("-last_published_at")[:limit]
    )
    deliveries: dict[int, list[Delivery]] = {}
    for delivery in (
        Delivery.objects.filter(page_id__in=[page.pk for page in pages])
        .select_related("account")
        .order_by("account__name")
    ):
        deliveries.setdefault(delivery.page_id, []).append(delivery)
    return [
        PublishedPage(
            title=page.title,
            url=page.full_url or "",
            published_at=page.last_published_at,
            deliveries=deliveries.get(page.pk, []),
        )
        for page in pages
    ]


class PublishedThisWeekPanel(Component):
    name = "published_this_week"
    order = 30
    template_name = "publishing/published_this_week_panel.html"

    def __init__(self, *, site):
        self.site = site

    def get_context_data(self, parent_context=None):
        since = timezone.now() - datetime.timedelta(days=7)
        return {
            "published": published_since(site=self.site, since=since),
            "failed": Delivery.Status.FAILED,
            "sent": Delivery.Status.SENT,
        }


def accounts_to_decide(user) -> list[AwaitingDecision]:
    """Account proposals and suspensions ``user`` may decide; reviews now due.

    Only their schools' accounts: a senior leader decides for the schools they lead.
    """
    schools = [
        site for site in schools_for_user(user) if is_senior_leader_of(user, site)
    ]
    if not schools:
        return []
    deciding = (
        SocialAccount.objects.filter(
            site__in=schools,
            status__in=[SocialAccount.Status.PROPOSED, SocialAccount.Status.SUSPENDED],
        )
        .exclude(proposed_by=user)
        .select_related("proposed_by")
        .order_by("proposed_at")
    )
    decisions = [_account_decision(account) for account in deciding]
    decisions += [
        AwaitingDecision(
            action=f"Review who manages “{account.name}”",
            url=reverse("publishing_account_detail", args=[account.pk]),
            detail="Termly access review due",
        )
        for site in schools
        for account in selectors.accounts_due_review(
            site=site, today=timezone.localdate()
        )
    ]
    return decisions


def _account_decision(account: SocialAccount) -> AwaitingDecision:
    url = reverse("publishing_account_detail", args=[account.pk])
    if account.status == SocialAccount.Status.PROPOSED:
        return AwaitingDecision(
            action=f"Approve or reject the social account “{account.name}”",
            url=url,
            detail=f"proposed by {_name(account.proposed_by)}",
            since=account.proposed_at,
        )
    return AwaitingDecision(
        action=f"Reinstate the suspended account “{account.name}”",
        url=url,
        detail=account.suspended_reason,
    )


def _name(user) -> str:
    return (user.get_full_name() or user.get_username()) if user else "(unknown)"
