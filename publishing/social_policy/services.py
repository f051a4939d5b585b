"""The school's current policy, and acknowledging it."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _
from wagtail.models import Page, Site

from .models import PolicyAcknowledgement, SocialMediaPolicy


class PolicyChanged(Exception):
    """The version acknowledged is not the current one (changed while reading)."""


@dataclass(frozen=True)
class CurrentPolicy:
    page: Page
    version: int
    published_at: datetime.datetime | None

    @property
    def url(self) -> str:
        return self.page.full_url or self.page.url or ""


def current_policy(site: Site) -> CurrentPolicy | None:
    """The school's policy as published now, or ``None`` when none is chosen.

    A page unpublished since it was chosen counts as none: staff cannot read it.
    """
    setting = SocialMediaPolicy.for_site(site)
    page = setting.page
    if page is None or not page.live:
        return None
    return CurrentPolicy(
        page=page,
        version=page.live_revision_id or 0,
        published_at=page.last_published_at,
    )


def has_acknowledged(*, user, site: Site) -> bool:
    """Whether ``user`` acknowledged the school's current policy (true if none)."""
    policy = current_policy(site)
    if policy is None:
        return True
    return PolicyAcknowledgement.objects.filter(
        site=site, user=user, page=policy.page, version=policy.version
    ).exists()


def policy_acknowledge(*, user, site: Site, version: int) -> PolicyAcknowledgement:
    """Record that ``user`` read and understood ``version`` of the school's policy.

    Raises:
        PolicyChanged: no policy, or a newer version was published meanwhile.
    """
    policy = current_policy(site)
    if policy is None or policy.version != version:
        raise PolicyChanged(
            _("The policy has changed since you opened it; please read it again.")
        )
    try:
        with transaction.atomic():
            return PolicyAcknowledgement.objects.create(
                site=site,
                user=user,
                page=policy.page,
                page_title=policy.page.title,
                version=policy.version,
                version_published_at=policy.published_at,
            )
    except IntegrityError:  # acknowledged twice (two tabs): once is kept
        return PolicyAcknowledgement.objects.get(
            site=site, user=user, page=policy.page, version=policy.version
        )


@dataclass(frozen=True)
class RunnerAcknowledgements:
    """One person who runs an account, and every version they acknowledged."""

    user: object
    acknowledgements: list[PolicyAcknowledgement]
    current: bool


def account_acknowledgements(account) -> list[RunnerAcknowledgements]:
    """The account's owner and managers with who acknowledged which version when."""
    policy = current_policy(account.site)
    people = list(account.managers.order_by("username"))
    if account.owner is not None and account.owner not in people:
        people.insert(0, account.owner)
    rows = []
    for person in people:
        acknowledgements = list(
            PolicyAcknowledgement.objects.filter(site=account.site, user=person)
        )
        rows.append(
            RunnerAcknowledgements(
                user=person,
                acknowledgements=acknowledgements,
                current=policy is not None
                and any(
                    a.page_id == policy.page.pk and a.version == policy.version
                    for a in acknowledgements
                ),
            )
        )
    return rows
