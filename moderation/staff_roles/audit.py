"""Role changes in Wagtail's audit log, each naming the role and who changed it.

Logged against the member of staff whose role changed (their account's history and
the site history both show it); the acting user is the entry's ``user``.
"""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser
from wagtail.log_actions import LogFormatter, log

from moderation.two_factor.audit import _model_instance

GIVEN = "staff_roles.given"
REMOVED = "staff_roles.removed"
REQUESTED = "staff_roles.requested"
CONFIRMED = "staff_roles.confirmed"
REFUSED = "staff_roles.refused"
APPROVERS_CHANGED = "staff_roles.approvers_changed"

#: action: (label, message with {role} and {by})
ACTIONS: dict[str, tuple[str, str]] = {
    GIVEN: ("Role given", "Given the {role} role by {by}"),
    REMOVED: ("Role removed", "Removed from the {role} role by {by}"),
    REQUESTED: (
        "Role requested",
        "{by} asked to join the {role} role; waiting for the DSL or headteacher",
    ),
    CONFIRMED: ("Role request confirmed", "Request to join {role} confirmed by {by}"),
    REFUSED: ("Role request refused", "Request to join {role} refused by {by}"),
}


def staff_name(user: AbstractBaseUser) -> str:
    """A member of staff as the audit and emails name them: "Jo Bloggs (jbloggs)"."""
    full = user.get_full_name()
    return f"{full} ({user.get_username()})" if full else user.get_username()


def role_log(
    *, action: str, member: AbstractBaseUser, actor: AbstractBaseUser, role: str
) -> None:
    """Write one entry about ``member``'s ``role``, done by ``actor``."""
    member = _model_instance(member)
    actor = _model_instance(actor)
    log(
        instance=member,
        action=action,
        user=actor,
        data={
            "role": role,
            "member": member.get_username(),
            "by": staff_name(actor),
            "by_username": actor.get_username(),
        },
    )


def approvers_log(
    *,
    instance,
    actor: AbstractBaseUser,
    subject: str,
    added: tuple[str, ...],
    removed: tuple[str, ...],
) -> None:
    """Write one entry on an approval step or workflow naming the groups that now
    approve (``added``) or no longer do (``removed``), done by ``actor``."""
    actor = _model_instance(actor)
    log(
        instance=instance,
        action=APPROVERS_CHANGED,
        user=actor,
        data={
            "subject": subject,
            "added": list(added),
            "removed": list(removed),
            "by": staff_name(actor),
            "by_username": actor.get_username(),
        },
    )


def approvers_message(data: dict) -> str:
    """ "Approvers of … changed by …: now approve X; no longer approve Y"."""
    parts = []
    if data.get("added"):
        parts.append(f"now approve: {', '.join(data['added'])}")
    if data.get("removed"):
        parts.append(f"no longer approve: {', '.join(data['removed'])}")
    return (
        f"Approvers of {data.get('subject', '?')} changed by {data.get('by', '?')}: "
        + "; ".join(parts)
    )


class ApproversFormatter(LogFormatter):
    label = "Approvers changed"

    def format_message(self, log_entry) -> str:
        return approvers_message(log_entry.data or {})


def register_actions(actions) -> None:
    """Register a formatter per action whose message names the role and actor."""
    for action, (label, message) in ACTIONS.items():

        class RoleFormatter(LogFormatter):
            def format_message(self, log_entry, _message=message) -> str:
                data = log_entry.data or {}
                return _message.format(
                    role=data.get("role", "?"), by=data.get("by", "?")
                )

        RoleFormatter.label = label
        actions.register_action(action)(RoleFormatter)
    actions.register_action(APPROVERS_CHANGED)(ApproversFormatter)
