"""Reads: may this account be posted to, which reviews are due, what needs attention."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from django.conf import settings
from django.utils import timezone
from wagtail.images import get_image_model
from wagtail.models import Site

from cms.models import TermDate
from publishing.models import Delivery, SocialAccount

# Without term dates in the calendar, a review is due this often (about a term).
REVIEW_FALLBACK_DAYS = 120


def account_governance_problem(*, account: SocialAccount) -> str | None:
    """Why the account may not be connected or posted to (A1, A2), or None."""
    if account.status == SocialAccount.Status.PROPOSED:
        return "The account has not been approved by senior leadership yet."
    if account.status == SocialAccount.Status.REJECTED:
        return "Senior leadership rejected this account."
    if account.status == SocialAccount.Status.SUSPENDED:
        return f"The account is suspended: {account.suspended_reason}"
    if account.active_managers().count() < 2:
        return "The account has fewer than two active managers."
    return None


def account_posting_problem(*, account: SocialAccount) -> str | None:
    """Why nothing can be posted to the account right now, or None."""
    problem = account_governance_problem(account=account)
    if problem:
        return problem
    if account.connection == SocialAccount.Connection.NOT_CONNECTED:
        return "The account is not connected yet: press Connect on the account."
    if account.connection == SocialAccount.Connection.RECONNECT_NEEDED:
        return f"The account must be connected again: {account.connection_problem}"
    return None


def current_term_start(*, site: Site, today: date) -> date:
    """The first day of the school's term ``today`` falls in (or its latest term
    begun): each school keeps its own term calendar."""
    term = (
        TermDate.objects.filter(
            site=site, kind=TermDate.Kind.TERM, starts_on__lte=today
        )
        .order_by("-starts_on")
        .first()
    )
    if term is not None:
        return term.starts_on
    return today - timedelta(days=REVIEW_FALLBACK_DAYS)


def accounts_due_review(*, site: Site, today: date):
    """The school's approved or suspended accounts not reviewed since its current
    term began."""
    since = current_term_start(site=site, today=today)
    return (
        SocialAccount.objects.filter(
            site=site,
            status__in=[SocialAccount.Status.APPROVED, SocialAccount.Status.SUSPENDED],
            decided_at__date__lt=since,
        )
        .exclude(last_reviewed_at__date__gte=since)
        .select_related("owner")
    )


def deliveries_carrying(
    *, image_ids: list[int], learner_id: int | None = None
) -> list[Delivery]:
    """Live deliveries that carried these images or pictured the learner (C1).

    Read from the ledger's own record of each post, so a post whose image was since
    retagged, replaced or deleted is still found, as is one that carried another
    upload of the same file. What consent withdrawal deletes, and what the consent
    officer is shown before confirming it.
    """
    fingerprints = (
        get_image_model()
        .objects.filter(pk__in=image_ids)
        .values_list("sha256", flat=True)
    )
    return (
        Delivery.objects.live()
        .select_related("account")
        .carrying_pictures(
            image_ids=image_ids, learner_id=learner_id, fingerprints=fingerprints
        )
    )


def deliveries_needing_attention(*, now: datetime | None = None):
    """Stopped deliveries, and those overdue by more than PUBLISHING_OVERDUE_SECONDS.

    "Due to send" for minutes means nothing is moving it, whatever the cause (Redis,
    the worker, or the worker's database); a person must know.
    """
    now = now or timezone.now()
    overdue_before = now - timedelta(seconds=settings.PUBLISHING_OVERDUE_SECONDS)
    return Delivery.objects.needing_attention(
        overdue_before=overdue_before
    ).select_related("account")


def deliveries_overdue(*, now: datetime | None = None):
    """Due or in flight for longer than PUBLISHING_OVERDUE_SECONDS."""
    now = now or timezone.now()
    before = now - timedelta(seconds=settings.PUBLISHING_OVERDUE_SECONDS)
    return Delivery.objects.overdue(before=before)


def delivery_backlog_cause() -> str:
    """Why due deliveries are not moving, in words for staff (checked now).

    Redis unreachable and no worker listening are told apart; otherwise the worker
    runs but does not get through them (most often: it cannot reach the database).
    """
    from redis.exceptions import RedisError
    from rq import Worker

    from publishing.queueing import delivery_queue

    try:
        queue = delivery_queue()
        queue.connection.ping()
        workers = Worker.count(queue=queue)
    except RedisError:
        return (
            "The job queue (Redis) cannot be reached. Nothing is lost: the posts wait "
            "here and go out once it is back."
        )
    if not workers:
        return (
            "No worker is running to send them. Start the worker process; the posts "
            "go out once it runs."
        )
    return (
        "A worker is running but has not sent them; it may be unable to reach the "
        "database or the network. Its log says which."
    )


def accounts_needing_attention():
    return SocialAccount.objects.needing_attention()


def accounts_for_notices(*, sites) -> list[SocialAccount]:
    """The approved accounts of ``sites`` a notice (closure, holiday) goes to.

    Every one: where every post is a picture (Instagram), the post carries the
    notice's card (``publishing.notice_cards``).
    """
    return list(SocialAccount.objects.of_schools(sites=sites).approved())
