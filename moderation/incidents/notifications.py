"""Emails about incidents. They never carry what was reported: only that there is
something to look at, how urgent it is, and the admin link (the record stays behind
the two-factor sign-in)."""

from __future__ import annotations

from collections.abc import Iterable

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse

from moderation.models import BlockedAccount, Incident


def staff_emails(*, groups: Iterable[str], site_id: int | None = None) -> list[str]:
    """Who holds one of the roles ``groups`` (at the school ``site_id``, if given)."""
    users = get_user_model().objects.filter(
        groups__name__in=list(groups), is_active=True
    )
    if site_id is not None:
        users = users.filter(
            school_memberships__site_id=site_id,
            school_memberships__role__in=list(groups),
        )
    return sorted({user.email for user in users if user.email})


def incident_link(incident: Incident) -> str:
    return settings.WAGTAILADMIN_BASE_URL + reverse(
        "incidents:detail", args=[incident.pk]
    )


def _send_on_commit(*, subject: str, message: str, recipients: list[str]) -> None:
    if recipients:
        transaction.on_commit(
            lambda: send_mail(
                subject=subject,
                message=message,
                from_email=None,
                recipient_list=recipients,
            )
        )


def incident_escalation_send(
    *, incident: Incident, groups: Iterable[str], why: str
) -> list[str]:
    """Tell the people in ``groups`` that ``incident`` needs them. Returns who."""
    recipients = staff_emails(groups=groups, site_id=incident.site_id)
    category = incident.get_category_display().lower()
    urgent = incident.category == "threat_or_hate"
    subject = (
        f"Urgent: {category} reported ({incident})"
        if urgent
        else f"{incident} needs you: {category}"
    )
    lines = [
        f"{incident} ({category}, {incident.get_severity_display().lower()} "
        f"severity) {why}.",
        "",
        f"Open it (you will be asked for your code): {incident_link(incident)}",
        f"A response is due by {incident.response_due_at:%A %d %B %Y, %H:%M}.",
    ]
    if urgent:
        lines += [
            "",
            "If anyone may be in immediate danger, call the police on 999 now, then "
            "record the referral on the incident.",
        ]
    if incident.is_safeguarding:
        lines += [
            "",
            "Follow the school's safeguarding procedures. If the report may involve "
            "an indecent image of a child, do not copy, save or forward it: contact "
            "the police.",
        ]
    _send_on_commit(subject=subject, message="\n".join(lines), recipients=recipients)
    return recipients


def incident_assigned_send(*, incident: Incident) -> None:
    owner = incident.owner
    if owner is None or not owner.email:
        return
    _send_on_commit(
        subject=f"{incident} is assigned to you",
        message=(
            f"{incident} ({incident.get_category_display().lower()}) is now yours to "
            f"handle. A response is due by "
            f"{incident.response_due_at:%A %d %B %Y, %H:%M}.\n\n"
            f"Open it: {incident_link(incident)}"
        ),
        recipients=[owner.email],
    )


def block_review_reminder_send(*, blocked: BlockedAccount, recipients: list[str]):
    link = settings.WAGTAILADMIN_BASE_URL + reverse(
        "blocked_accounts:edit", args=[blocked.pk]
    )
    send_mail(
        subject=f"Review the block on {blocked}",
        message=(
            f"The school blocked {blocked} on {blocked.decided_at:%d %B %Y} "
            f"({blocked.get_grounds_display().lower()}). The review date, "
            f"{blocked.review_on:%d %B %Y}, has come: decide whether the block "
            f"stays, and set the next review date or unblock them.\n\n{link}"
        ),
        from_email=None,
        recipient_list=recipients,
    )
