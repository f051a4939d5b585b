"""Tell the DSL and the headteacher at once when a sensitive role changes.

The email says who, which role and who did it, and links to the account (behind the
two-factor sign-in); a waiting request links to the page where it is confirmed.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from moderation.incidents.notifications import staff_emails
from moderation.roles import ROLE_GUARDIANS

from .audit import approvers_message
from .audit import staff_name as _name


def role_change_send(
    *,
    member: AbstractBaseUser,
    actor: AbstractBaseUser,
    given: tuple[str, ...] = (),
    removed: tuple[str, ...] = (),
    requested: tuple[str, ...] = (),
    confirmed_by: AbstractBaseUser | None = None,
) -> list[str]:
    """Email the DSL and headteacher about one member's sensitive role change.

    Those who hold those roles are told, not the member who has just joined one;
    a member removed from one is told too, as they were one of them.
    """
    recipients = set(staff_emails(groups=ROLE_GUARDIANS))
    if member.email and set(given) & set(ROLE_GUARDIANS):
        recipients.discard(member.email)
    if member.email and set(removed) & set(ROLE_GUARDIANS):
        recipients.add(member.email)
    recipients = sorted(recipients)
    if not recipients:
        return []
    when = timezone.localtime().strftime("%A %d %B %Y at %H:%M")
    lines = []
    if given:
        lines.append(f"{_name(member)} was given: {', '.join(given)}.")
    if removed:
        lines.append(f"{_name(member)} was removed from: {', '.join(removed)}.")
    if requested:
        lines.append(
            f"{_name(member)} asked to join: {', '.join(requested)}. Nothing is "
            "given until the DSL or the headteacher confirms it with a code: "
            + settings.WAGTAILADMIN_BASE_URL
            + reverse("staff_roles:requests")
        )
    actor_line = f"Done by {_name(actor)} on {when}."
    if confirmed_by is not None:
        actor_line = (
            f"Asked by {_name(actor)}; confirmed by {_name(confirmed_by)} on {when}."
        )
    account = settings.WAGTAILADMIN_BASE_URL + reverse(
        "wagtailusers_users:edit", args=[member.pk]
    )
    message = "\n".join(
        [
            *lines,
            actor_line,
            "",
            "These roles open safeguarding information or approve what the school "
            "publishes. If you did not expect this change, check it now: "
            f"{account}",
        ]
    )
    subject = (
        f"Waiting for you: {member.get_username()} asked for a safeguarding or "
        "approval role"
        if requested
        else f"Role change: {member.get_username()} ({', '.join(given + removed)})"
    )
    transaction.on_commit(
        lambda: send_mail(
            subject=subject,
            message=message,
            from_email=None,
            recipient_list=recipients,
        )
    )
    return recipients


def approvers_change_send(
    *,
    actor: AbstractBaseUser,
    subject: str,
    added: tuple[str, ...],
    removed: tuple[str, ...],
) -> list[str]:
    """Email the DSL and headteacher that the groups approving publication changed."""
    recipients = sorted(set(staff_emails(groups=ROLE_GUARDIANS)))
    if not recipients:
        return []
    when = timezone.localtime().strftime("%A %d %B %Y at %H:%M")
    summary = approvers_message(
        {"subject": subject, "by": _name(actor), "added": added, "removed": removed}
    )
    workflows = settings.WAGTAILADMIN_BASE_URL + reverse("wagtailadmin_workflows:index")
    message = "\n".join(
        [
            f"{summary}.",
            f"Done on {when}.",
            "",
            "Everyone in these groups may approve what the school publishes. If you "
            f"did not expect this change, check it now: {workflows}",
        ]
    )
    transaction.on_commit(
        lambda: send_mail(
            subject=f"Who approves publication changed ({subject})",
            message=message,
            from_email=None,
            recipient_list=recipients,
        )
    )
    return recipients
