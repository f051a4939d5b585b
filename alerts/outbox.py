"""Writing the alerts: one per published page, one ledger row per family and per
device (part 4).

Only a page that went live and public on the school's website becomes an alert: it has
passed two-person approval and the consent check to get there, and every email is
checked again just before it is sent (``sending.py``). An urgent closure goes to every
family who chose urgent closures, straight away; other notices and news follow each
family's choice (straight away, daily or weekly summary); a device that asked for
push notifications of a category gets each one straight away.

A page unpublished, expired, taken down or deleted withdraws its alert: every email
not yet sent is cancelled, and a summary not yet sent no longer lists it. An email
already sent cannot be recalled; the page it links to is gone from the website.
"""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.db.models import QuerySet
from django.utils.html import strip_tags
from django.utils.text import Truncator
from wagtail.models import Page, PageViewRestriction

from cms.languages import language_plan_for_page
from cms.models import NewsPage, NoticePage

from .audience import news_category_ids, subscriptions_wanting
from .models import Alert, AlertEmail, AlertPush, Category, Frequency, Subscription
from .push_devices import push_devices_for
from .push_keys import push_enabled
from .queueing import send_job_enqueue_on_commit
from .schedule import due_at_for

SUMMARY_WORDS = 60


def alert_category(page: Page) -> str | None:
    """Which category a page is announced in, or None if it is not announced."""
    if isinstance(page, NoticePage):
        return Category.URGENT if page.shows_first else Category.NOTICES
    if isinstance(page, NewsPage):
        return Category.NEWS
    return None


def alert_summary(page: Page) -> str:
    """The words under the title: the news summary, or the notice's message."""
    if isinstance(page, NoticePage):
        text = " ".join(strip_tags(page.message).split())
    else:
        text = getattr(page, "summary", "") or ""
    return Truncator(text).words(SUMMARY_WORDS)


def page_is_announceable(page: Page) -> bool:
    """Live, public (no view restriction on it or above it) and not an alias."""
    if not page.live or page.alias_of_id:
        return False
    return not PageViewRestriction.objects.filter(
        page__in=page.get_ancestors(inclusive=True)
    ).exists()


@transaction.atomic
def alerts_create_for_page(*, page: Page, now: datetime) -> Alert | None:
    """Write the page's alert and a ledger row per subscribed family of its school.

    Publishing the same page again (an edit, a correction) does not alert again.
    """
    page = page.specific
    category = alert_category(page)
    if category is None or not page_is_announceable(page):
        return None
    site = page.get_site()
    if site is None:
        return None
    if Alert.objects.filter(page=page, withdrawn_at__isnull=True).exists():
        return None
    version = {
        "language": page.locale.language_code,
        "title": page.title,
        "summary": alert_summary(page),
        "url": page.get_full_url(),
    }
    plan = language_plan_for_page(page)
    together = plan.bilingual and plan.parity
    if together:
        joined = _join_other_language(page=page, version=version, codes=plan.codes)
        if joined is not None:
            return joined
    alert = Alert.objects.create(
        site=site,
        page=page,
        category=category,
        title=version["title"],
        summary=version["summary"],
        url=version["url"],
        versions=[version] if together else [],
    )
    wanted = subscriptions_wanting(
        site=site, category=category, news_category_ids=news_category_ids(page)
    )
    alert_emails_write(alert=alert, wanted=wanted, now=now)
    return alert


def alert_emails_write(
    *, alert: Alert, wanted: QuerySet[Subscription], now: datetime
) -> None:
    """One ledger row per family in ``wanted``, due when each family chose, and one
    per device that asked for push; the sender is woken once the transaction
    commits."""
    due = {frequency: due_at_for(frequency, now=now) for frequency in Frequency.values}
    AlertEmail.objects.bulk_create(
        (
            AlertEmail(
                alert=alert,
                subscriber_id=subscriber_id,
                frequency=frequency,
                due_at=due[frequency],
                next_attempt_at=now,
            )
            for subscriber_id, frequency in wanted.values_list(
                "subscriber_id", "frequency"
            ).iterator()
        ),
        batch_size=500,
    )
    if push_enabled():
        # Push is always straight away (a summary is an email's job): every device
        # that chose this category, urgent closures included.
        AlertPush.objects.bulk_create(
            (
                AlertPush(alert=alert, device_id=device_id, next_attempt_at=now)
                for device_id in push_devices_for(
                    site=alert.site, category=alert.category
                )
                .values_list("pk", flat=True)
                .iterator()
            ),
            batch_size=500,
        )
    send_job_enqueue_on_commit(site_id=alert.site_id)


def _join_other_language(*, page: Page, version: dict, codes) -> Alert | None:
    """A bilingual school's families get one email in both languages (issue 27).

    The translation published in the same moment (one approval publishes both) has
    written the alert already, and nothing of it is sent yet: this language joins it,
    in the school's order. An alert already sent (the other language went first under
    an exception) is not touched: this language gets its own.
    """
    alert = (
        Alert.objects.select_for_update()
        .filter(page__translation_key=page.translation_key, withdrawn_at__isnull=True)
        .exclude(emails__status=AlertEmail.Status.SENT)
        .first()
    )
    if alert is None:
        return None
    versions = [v for v in alert.versions if v["language"] != version["language"]]
    versions.append(version)
    versions.sort(key=lambda v: list(codes).index(v["language"]))
    alert.versions = versions
    alert.title = " / ".join(v["title"] for v in versions)[:255]
    alert.summary, alert.url = versions[0]["summary"], versions[0]["url"]
    alert.save(update_fields=["versions", "title", "summary", "url"])
    return alert


def alerts_withdraw_for_page(*, page_id: int, reason: str, now: datetime) -> int:
    """The page left the website: nothing more is sent about it.

    Returns:
        How many emails and pushes were stopped before they were sent.
    """
    return alerts_withdraw(
        alerts=Alert.objects.filter(page_id=page_id), reason=reason, now=now
    )


def alerts_withdraw(*, alerts: QuerySet[Alert], reason: str, now: datetime) -> int:
    """Stop every email and push not yet sent of ``alerts``; a summary no longer
    lists them.

    Returns:
        How many emails and pushes were stopped before they were sent.
    """
    alerts = alerts.filter(withdrawn_at__isnull=True)
    alert_ids = list(alerts.values_list("pk", flat=True))
    if not alert_ids:
        return 0
    stopped = AlertEmail.objects.filter(
        alert_id__in=alert_ids, status=AlertEmail.Status.QUEUED
    ).update(status=AlertEmail.Status.CANCELLED, reason=reason)
    stopped += AlertPush.objects.filter(
        alert_id__in=alert_ids, status=AlertPush.Status.QUEUED
    ).update(status=AlertPush.Status.CANCELLED, reason=reason)
    Alert.objects.filter(pk__in=alert_ids).update(withdrawn_at=now)
    return stopped
