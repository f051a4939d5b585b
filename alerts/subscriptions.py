"""Signing up, confirming, changing choices, unsubscribing and suppressing an address.

Nothing is ever sent to an address before its owner has clicked the confirmation link,
except that one confirmation email, and that at most once per
``ALERTS_CONFIRMATION_INTERVAL_MINUTES``: the form cannot be used to flood a
stranger's inbox. Signing up an address that is already subscribed changes nothing;
its owner is sent (as rarely) a link to change their choices themselves.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from django.conf import settings
from django.core.mail import get_connection
from django.db import IntegrityError, transaction
from django.db.models import Q
from wagtail.models import Site

from . import messages
from .addresses import email_key
from .audience import school_news_categories
from .models import (
    NEWS_CATEGORIES,
    AlertEmail,
    Category,
    Frequency,
    Subscriber,
    Subscription,
)
from .schedule import due_at_for

logger = logging.getLogger(__name__)

#: Category -> frequency, and for news the ids of the picked news categories
#: under ``NEWS_CATEGORIES``.
Choices = dict[str, str | list[int]]


def _ids(values) -> list[int]:
    if not isinstance(values, list | tuple):
        return []
    return sorted({int(value) for value in values if str(value).isdigit()})


def clean_choices(choices: Choices) -> Choices:
    """Only known categories and frequencies; urgent closures always straight away."""
    cleaned: Choices = {
        category: frequency
        for category, frequency in choices.items()
        if category in Category.values and frequency in Frequency.values
    }
    if Category.URGENT in cleaned:
        cleaned[Category.URGENT] = Frequency.IMMEDIATE
    picked = _ids(choices.get(NEWS_CATEGORIES))
    if Category.NEWS in cleaned and picked:
        cleaned[NEWS_CATEGORIES] = picked
    return cleaned


def subscriber_choices(subscriber: Subscriber) -> Choices:
    choices: Choices = dict(
        subscriber.subscriptions.values_list("category", "frequency")
    )
    picked = sorted(
        Subscription.news_categories.through.objects.filter(
            subscription__subscriber=subscriber
        ).values_list("newscategory_id", flat=True)
    )
    if picked:
        choices[NEWS_CATEGORIES] = picked
    return choices


def _send_now(message) -> None:
    # Through the site's usual mail path (cms.mail): a server that is down keeps the
    # message and sends it again from the retry job; the sign-up itself stands.
    get_connection().send_messages([message])


def _may_email(subscriber: Subscriber, now: datetime) -> bool:
    """Claim the address's one email per interval (a conditional UPDATE, race-free)."""
    since = now - timedelta(minutes=settings.ALERTS_CONFIRMATION_INTERVAL_MINUTES)
    claimed = (
        Subscriber.objects.filter(pk=subscriber.pk)
        .filter(
            Q(confirmation_sent_at__isnull=True) | Q(confirmation_sent_at__lt=since)
        )
        .update(confirmation_sent_at=now)
    )
    return claimed == 1


def subscriber_sign_up(
    *, site: Site, email: str, choices: Choices, source_page: str, now: datetime
) -> Subscriber:
    """Record a sign-up and send the confirmation (or a manage link) if allowed.

    The answer to the person at the form is the same whatever happens here, so the
    form does not tell who is subscribed.
    """
    key = email_key(email)
    try:
        with transaction.atomic():
            subscriber, _created = Subscriber.objects.get_or_create(
                site=site, email_key=key, defaults={"email": email.strip()}
            )
    except IntegrityError:  # two sign-ups of one address at the same moment
        subscriber = Subscriber.objects.get(site=site, email_key=key)
    if subscriber.is_receiving:
        if _may_email(subscriber, now):
            _send_now(messages.manage_link_email(subscriber=subscriber))
        return subscriber
    Subscriber.objects.filter(pk=subscriber.pk).update(
        pending_choices=clean_choices(choices), source_page=source_page[:500]
    )
    subscriber.refresh_from_db()
    if _may_email(subscriber, now):
        _send_now(messages.confirmation_email(subscriber=subscriber))
    else:
        logger.info(
            "Sign-up for subscriber %s: confirmation sent recently, not again",
            subscriber.pk,
            extra={"event": "alerts.confirmation_held", "subscriber": subscriber.pk},
        )
    return subscriber


def manage_link_request(*, site: Site, email: str, now: datetime) -> None:
    """Email a fresh manage link if this address is subscribed here (rate-limited)."""
    subscriber = Subscriber.objects.filter(
        site=site, email_key=email_key(email)
    ).first()
    if (
        subscriber is not None
        and subscriber.is_receiving
        and _may_email(subscriber, now)
    ):
        _send_now(messages.manage_link_email(subscriber=subscriber))


@transaction.atomic
def subscriber_confirm(*, subscriber: Subscriber, now: datetime) -> Subscriber:
    """Double opt-in: the owner clicked the link; their choices take effect now.

    The consent kept says what they chose, when, and where they signed up.
    """
    choices = clean_choices(subscriber.pending_choices or {})
    if not subscriber.is_receiving or choices:
        _subscriptions_replace(subscriber=subscriber, choices=choices, now=now)
    subscriber.confirmed_at = subscriber.confirmed_at or now
    subscriber.unsubscribed_at = None
    subscriber.suppressed_at = None
    subscriber.suppressed_reason = ""
    subscriber.pending_choices = {}
    subscriber.consent = {
        "confirmed_at": now.isoformat(),
        "choices": subscriber_choices(subscriber),
        "source_page": subscriber.source_page,
        "how": "confirmation link in an email to the address",
    }
    subscriber.save()
    return subscriber


def _subscriptions_replace(
    *, subscriber: Subscriber, choices: Choices, now: datetime
) -> None:
    categories = {
        category: frequency
        for category, frequency in choices.items()
        if category in Category.values
    }
    subscriber.subscriptions.all().delete()
    Subscription.objects.bulk_create(
        Subscription(subscriber=subscriber, category=category, frequency=frequency)
        for category, frequency in categories.items()
    )
    picked = list(
        school_news_categories(subscriber.site)
        .filter(pk__in=_ids(choices.get(NEWS_CATEGORIES)))
        .values_list("pk", flat=True)
    )
    if picked:
        news = subscriber.subscriptions.get(category=Category.NEWS)
        news.news_categories.set(picked)
    # Emails already waiting follow the new choices: dropped categories are not
    # sent, a changed frequency moves them to the next summary (or to now).
    waiting = AlertEmail.objects.filter(
        subscriber=subscriber, status=AlertEmail.Status.QUEUED
    )
    waiting.exclude(alert__category__in=list(categories)).update(
        status=AlertEmail.Status.CANCELLED,
        reason="The family stopped this kind of update.",
    )
    if picked:
        waiting.filter(alert__category=Category.NEWS).exclude(
            alert__page__newspage__categories__in=picked
        ).update(
            status=AlertEmail.Status.CANCELLED,
            reason="The family chose other news categories.",
        )
    for category, frequency in categories.items():
        waiting.filter(alert__category=category).exclude(frequency=frequency).update(
            frequency=frequency, due_at=due_at_for(frequency, now=now)
        )


@transaction.atomic
def subscriber_choices_save(
    *, subscriber: Subscriber, choices: Choices, now: datetime
) -> Subscriber:
    """The family changed what they get, through their signed manage link."""
    choices = clean_choices(choices)
    _subscriptions_replace(subscriber=subscriber, choices=choices, now=now)
    subscriber.consent = {
        **(subscriber.consent or {}),
        "choices": choices,
        "changed_at": now.isoformat(),
    }
    subscriber.save(update_fields=["consent"])
    return subscriber


@transaction.atomic
def subscriber_unsubscribe(*, subscriber: Subscriber, now: datetime, how: str) -> None:
    """Stop everything at once, including emails waiting to be sent."""
    Subscriber.objects.filter(pk=subscriber.pk, unsubscribed_at__isnull=True).update(
        unsubscribed_at=now,
        consent={**(subscriber.consent or {}), "unsubscribed_at": now.isoformat()},
    )
    subscriber.subscriptions.all().delete()
    AlertEmail.objects.filter(
        subscriber=subscriber, status=AlertEmail.Status.QUEUED
    ).update(status=AlertEmail.Status.CANCELLED, reason=f"Unsubscribed ({how}).")


def address_suppress(*, email: str, reason: str, now: datetime) -> int:
    """A hard bounce or complaint: this address gets nothing more, at any school.

    Returns:
        How many subscribers had that address.
    """
    subscribers = Subscriber.objects.filter(email_key=email_key(email))
    count = subscribers.filter(suppressed_at__isnull=True).update(
        suppressed_at=now, suppressed_reason=reason[:200]
    )
    AlertEmail.objects.filter(
        subscriber__in=subscribers, status=AlertEmail.Status.QUEUED
    ).update(status=AlertEmail.Status.CANCELLED, reason=f"Address suppressed: {reason}")
    return count
