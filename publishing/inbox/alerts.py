"""Emails about the inbox. Like incident emails they never carry the comment: only
that there is something to look at and the link (the inbox is behind the two-factor
sign-in).

- A harmful comment: the safeguarding lead at once when it is flagged to them, and
  everyone who chose "at once".
- Daily and weekly digests of hidden and flagged comments for those who chose them.
- A comment past its reply time: its account's managers, once.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from moderation.roles import SAFEGUARDING

from .models import InboxAlert, InboxItem

DIGEST_PERIODS = {
    InboxAlert.Frequency.DAILY: datetime.timedelta(days=1),
    InboxAlert.Frequency.WEEKLY: datetime.timedelta(days=7),
}


def inbox_link() -> str:
    return settings.WAGTAILADMIN_BASE_URL + reverse("inbox:list")


def _send(*, subject: str, message: str, recipients: list[str]) -> None:
    recipients = sorted(set(recipients) - {""})
    if recipients:
        transaction.on_commit(
            lambda: send_mail(
                subject=subject,
                message=message,
                from_email=None,
                recipient_list=recipients,
            )
        )


def harmful_comment_alert(*, item: InboxItem) -> None:
    """A comment a rule caught: the DSL when flagged, and the "at once" subscribers."""
    recipients = [
        alert.user.email
        for alert in InboxAlert.objects.filter(
            site=item.site,
            frequency=InboxAlert.Frequency.IMMEDIATE,
            user__is_active=True,
        ).select_related("user")
    ]
    if item.flagged_for_dsl:
        recipients += [
            user.email
            # The safeguarding leads of this comment's school, not of every school.
            for user in get_user_model().objects.filter(
                school_memberships__site=item.site,
                school_memberships__role=SAFEGUARDING,
                is_active=True,
            )
        ]
    if item.top_priority:
        what = _("A comment that breaks a safeguarding rule could not be hidden.")
    elif item.hidden_on_network:
        what = _("A comment was hidden by a rule.")
    else:
        what = _("A comment was flagged by a rule.")
    _send(
        subject=_("Social inbox: a comment needs a look"),
        message=f"{what}\n\n{_('Rule')}: {item.rule}\n\n{inbox_link()}",
        recipients=recipients,
    )
    InboxItem.objects.filter(pk=item.pk).update(alerted_at=timezone.now())


def digests_send(*, now: datetime.datetime) -> int:
    """Daily and weekly digests of the comments rules caught; returns how many sent."""
    sent = 0
    for alert in InboxAlert.objects.filter(
        frequency__in=list(DIGEST_PERIODS), user__is_active=True
    ).select_related("user", "site"):
        period = DIGEST_PERIODS[alert.frequency]
        if alert.last_sent_at and now - alert.last_sent_at < period:
            continue
        since = alert.last_sent_at or now - period
        caught = (
            InboxItem.objects.for_school(alert.site)
            .filter(received_at__gte=since, received_at__lt=now)
            .exclude(rule="")
        )
        count = caught.count()
        if count:
            _send(
                subject=_("Social inbox: comments caught by the rules"),
                message=ngettext(
                    "%(count)d comment was caught by the rules since %(since)s.",
                    "%(count)d comments were caught by the rules since %(since)s.",
                    count,
                )
                % {"count": count, "since": timezone.localtime(since).strftime("%c")}
                + f"\n\n{inbox_link()}",
                recipients=[alert.user.email],
            )
            sent += 1
        alert.last_sent_at = now
        alert.save(update_fields=["last_sent_at"])
    return sent


def overdue_remind(*, now: datetime.datetime) -> int:
    """Email each overdue comment's account managers once (M2)."""
    reminded = 0
    overdue = InboxItem.objects.overdue(at=now).filter(overdue_emailed_at__isnull=True)
    for item in overdue.select_related("account"):
        _send(
            subject=_("Social inbox: a comment is past its reply time"),
            message=_(
                "A comment on %(account)s was due a reply by %(due)s and has none yet."
            )
            % {
                "account": item.account.name,
                "due": timezone.localtime(item.due_at).strftime("%c"),
            }
            + f"\n\n{inbox_link()}",
            recipients=[m.email for m in item.account.active_managers()],
        )
        InboxItem.objects.filter(pk=item.pk).update(overdue_emailed_at=now)
        reminded += 1
    return reminded
