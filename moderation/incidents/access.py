"""Who sees which incident (I1, I2; issue part 4).

- Senior leadership, the designated safeguarding lead (Safeguarding group) and the
  headteacher see every incident except safeguarding ones.
- Safeguarding incidents are seen only by the DSL and the headteacher.
- Anyone else sees only an incident they reported or were made owner of (a
  safeguarding incident only ever has the DSL or the head as owner).

Superusers get no special access: being the site administrator is not a reason to
read about harassment of a colleague or a concern about a child. Roles are read from
group membership, not from model permissions, for that reason.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db.models import Q, QuerySet

from moderation.models import Incident, IncidentCategory
from moderation.roles import APPROVERS, HEADTEACHER, SAFEGUARDING, SENIOR_LEADERSHIP

INCIDENT_READERS = frozenset({SENIOR_LEADERSHIP, SAFEGUARDING, HEADTEACHER})
SAFEGUARDING_READERS = frozenset({SAFEGUARDING, HEADTEACHER})


def role_names(user) -> frozenset[str]:
    """The role groups ``user`` is in (cached on the user for the request)."""
    if not _is_active(user):
        return frozenset()
    cached = getattr(user, "_incident_roles", None)
    if cached is None:
        cached = frozenset(user.groups.values_list("name", flat=True))
        user._incident_roles = cached
    return cached


def is_incident_reader(user) -> bool:
    """Senior leadership, the DSL or the head: sees the incident register."""
    return bool(role_names(user) & INCIDENT_READERS)


def is_safeguarding_reader(user) -> bool:
    return bool(role_names(user) & SAFEGUARDING_READERS)


def _is_active(user) -> bool:
    return bool(user is not None and user.is_authenticated and user.is_active)


def can_view_incident(user, incident: Incident) -> bool:
    if not _is_active(user):
        return False
    roles = role_names(user)
    if incident.is_safeguarding:
        return bool(roles & SAFEGUARDING_READERS)
    if roles & INCIDENT_READERS:
        return True
    return user.pk in (incident.reported_by_id, incident.owner_id)


def can_manage_incident(user, incident: Incident) -> bool:
    """Assign, escalate, close, put on legal hold: the readers who may see it."""
    if incident.is_safeguarding:
        return is_safeguarding_reader(user)
    return is_incident_reader(user)


def can_work_on_incident(user, incident: Incident) -> bool:
    """Notes, status, referrals: managers and the incident's owner."""
    return can_manage_incident(user, incident) or (
        can_view_incident(user, incident) and user.pk == incident.owner_id
    )


def can_add_evidence(user, incident: Incident) -> bool:
    """Anyone who may see it, the reporter included, until it is closed."""
    return not incident.is_closed and can_view_incident(user, incident)


def incidents_visible_to(user) -> QuerySet[Incident]:
    incidents = Incident.objects.all()
    if not _is_active(user):
        return incidents.none()
    roles = role_names(user)
    safeguarding = Q(category=IncidentCategory.SAFEGUARDING)
    if roles & SAFEGUARDING_READERS:
        return incidents
    if roles & INCIDENT_READERS:
        return incidents.exclude(safeguarding)
    return incidents.filter(
        Q(reported_by=user) | Q(owner=user), ~safeguarding
    ).distinct()


def possible_owners(incident: Incident | None = None) -> QuerySet:
    """Staff an incident may be assigned to (the DSL or head for safeguarding)."""
    users = get_user_model().objects.filter(is_active=True)
    if incident is not None and incident.is_safeguarding:
        users = users.filter(groups__name__in=SAFEGUARDING_READERS)
    else:
        users = users.filter(groups__isnull=False)
    return users.distinct().order_by("first_name", "last_name", "username")


def can_act_on_takedowns(user) -> bool:
    """An approver (who may publish, so may take down) acts on takedown requests."""
    return APPROVERS in role_names(user)


def can_view_takedowns(user) -> bool:
    return can_act_on_takedowns(user) or is_incident_reader(user)
