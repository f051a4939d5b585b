"""Reads: may this account be posted to, which reviews are due, what needs attention."""

from __future__ import annotations

from datetime import date, timedelta

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


def current_term_start(*, today: date) -> date:
    """The first day of the term ``today`` falls in (or the latest term begun)."""
    term = (
        TermDate.objects.filter(kind=TermDate.Kind.TERM, starts_on__lte=today)
        .order_by("-starts_on")
        .first()
    )
    if term is not None:
        return term.starts_on
    return today - timedelta(days=REVIEW_FALLBACK_DAYS)


def accounts_due_review(*, today: date):
    """Approved or suspended accounts not reviewed since the current term began."""
    since = current_term_start(today=today)
    return (
        SocialAccount.objects.filter(
            status__in=[SocialAccount.Status.APPROVED, SocialAccount.Status.SUSPENDED],
            decided_at__date__lt=since,
        )
        .exclude(last_reviewed_at__date__gte=since)
        .select_related("owner")
    )


def deliveries_needing_attention():
    return Delivery.objects.needing_attention().select_related("account")


def accounts_needing_attention():
    return SocialAccount.objects.needing_attention()
