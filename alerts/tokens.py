"""Signed links in emails: confirm, manage (expiring) and unsubscribe (never expiring).

Each link carries the subscriber's id signed with the site's SECRET_KEY and a salt per
purpose, so a confirmation link cannot be used to unsubscribe someone and a forged or
altered link is refused. No password, no account.
"""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.core import signing

from .models import Subscriber

CONFIRM = "alerts.confirm"
MANAGE = "alerts.manage"
UNSUBSCRIBE = "alerts.unsubscribe"


class LinkExpired(Exception):
    """The link was genuine but is too old."""


class LinkInvalid(Exception):
    """The link was altered, forged, or is for someone no longer subscribed."""


def make_link_token(subscriber: Subscriber, *, purpose: str) -> str:
    return signing.dumps({"s": subscriber.pk, "k": subscriber.email_key}, salt=purpose)


def _max_age(purpose: str) -> timedelta | None:
    if purpose == CONFIRM:
        return timedelta(days=settings.ALERTS_CONFIRM_LINK_DAYS)
    if purpose == MANAGE:
        return timedelta(days=settings.ALERTS_MANAGE_LINK_DAYS)
    return None


def subscriber_from_token(token: str, *, purpose: str, site) -> Subscriber:
    """The subscriber a link was made for, on this school's website.

    Raises:
        LinkExpired: genuine but older than the purpose allows.
        LinkInvalid: forged, altered, for another school, or the subscriber was deleted.
    """
    try:
        data = signing.loads(token, salt=purpose, max_age=_max_age(purpose))
    except signing.SignatureExpired as error:
        raise LinkExpired from error
    except signing.BadSignature as error:
        raise LinkInvalid from error
    if not isinstance(data, dict):
        raise LinkInvalid
    subscriber = Subscriber.objects.filter(
        pk=data.get("s"), email_key=data.get("k"), site=site
    ).first()
    if subscriber is None:
        raise LinkInvalid
    return subscriber
