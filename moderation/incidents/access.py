"""Who sees which incident (I1, I2; issue part 4).

- Senior leadership, the designated safeguarding lead (Safeguarding group) and the
  headteacher see every incident except safeguarding ones.
- Safeguarding incidents are seen only by the DSL and the headteacher.
- Anyone else sees only an incident they reported or were made owner of (a
  safeguarding incident only ever has the DSL or the head as owner).

Roles are held per school (``schools.SchoolMembership``): someone sees the incidents
of a school only by their role *at that school*. The one exception is the trust's head
of safeguarding (a trust role), who sees the safeguarding incidents of every school of
their trust; nobody else sees another school's incidents.

Superusers get no special access: being the site administrator is not a reason to
read about harassment of a colleague or a concern about a child. Roles are read from
memberships, not from model permissions, for that reason.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db.models import Q, QuerySet

from moderation.models import Incident, IncidentCategory
from moderation.roles import APPROVERS, HEADTEACHER, SAFEGUARDING, SENIOR_LEADERSHIP
from schools.models import SchoolMembership, TrustRole
from schools.trust import trust_sites

INCIDENT_READERS = frozenset({SENIOR_LEADERSHIP, SAFEGUARDING, HEADTEACHER})
SAFEGUARDING_READERS = frozenset({SAFEGUARDING, HEADTEACHER})


def _roles_by_school(user) -> dict[int, frozenset[str]]:
    """``{site id: roles held there}`` (cached on the user for the request)."""
    cached = getattr(user, "_incident_roles_by_school", None)
    if cached is None:
        found: dict[int, set[str]] = {}
        for site_id, role in SchoolMembership.objects.filter(user=user).values_list(
            "site_id", "role"
        ):
            found.setdefault(site_id, set()).add(role)
        cached = {site_id: frozenset(roles) for site_id, roles in found.items()}
        user._incident_roles_by_school = cached
    return cached


def school_ids(user) -> list[int]:
    """The schools ``user`` holds a role at."""
    return list(_roles_by_school(user)) if _is_active(user) else []


def role_names(user, site_id: int | None = None) -> frozenset[str]:
    """The roles ``user`` holds at the school ``site_id`` (``None``: at any school)."""
    if not _is_active(user):
        return frozenset()
    by_school = _roles_by_school(user)
    if site_id is not None:
        return by_school.get(site_id, frozenset())
    return frozenset().union(*by_school.values())


def _trust_safeguarding_site_ids(user) -> frozenset[int]:
    """The schools whose safeguarding incidents ``user`` sees as the trust's head."""
    cached = getattr(user, "_trust_safeguarding_sites", None)
    if cached is None:
        cached = frozenset(
            trust_sites(user, TrustRole.Kind.HEAD_OF_SAFEGUARDING).values_list(
                "pk", flat=True
            )
        )
        user._trust_safeguarding_sites = cached
    return cached


def is_incident_reader(user) -> bool:
    """Senior leadership, the DSL or the head at some school, or the trust's head of
    safeguarding: sees the incident register (of the schools they may)."""
    if not _is_active(user):
        return False
    return bool(role_names(user) & INCIDENT_READERS) or bool(
        _trust_safeguarding_site_ids(user)
    )


def _is_active(user) -> bool:
    return bool(user is not None and user.is_authenticated and user.is_active)


def can_view_incident(user, incident: Incident) -> bool:
    if not _is_active(user):
        return False
    roles = role_names(user, incident.site_id)
    if incident.is_safeguarding:
        return bool(roles & SAFEGUARDING_READERS) or (
            incident.site_id in _trust_safeguarding_site_ids(user)
        )
    if roles & INCIDENT_READERS:
        return True
    return user.pk in (incident.reported_by_id, incident.owner_id)


def can_manage_incident(user, incident: Incident) -> bool:
    """Assign, escalate, close, put on legal hold: the readers who may see it."""
    roles = role_names(user, incident.site_id)
    if incident.is_safeguarding:
        return bool(roles & SAFEGUARDING_READERS)
    return bool(roles & INCIDENT_READERS)


def can_work_on_incident(user, incident: Incident) -> bool:
    """Notes, status, referrals: managers and the incident's owner."""
    return can_manage_incident(user, incident) or (
        can_view_incident(user, incident) and user.pk == incident.owner_id
    )


def can_add_evidence(user, incident: Incident) -> bool:
    """Anyone who may see it, the reporter included, until it is closed."""
    return not incident.is_closed and can_view_incident(user, incident)


def incidents_visible_to(user) -> QuerySet[Incident]:
    """Every incident ``user`` may see, at every school (see the module docstring)."""
    incidents = Incident.objects.all()
    if not _is_active(user):
        return incidents.none()
    by_school = _roles_by_school(user)
    safeguarding = Q(category=IncidentCategory.SAFEGUARDING)
    all_of = [s for s, roles in by_school.items() if roles & SAFEGUARDING_READERS]
    most_of = [s for s, roles in by_school.items() if roles & INCIDENT_READERS]
    seen = (
        Q(site_id__in=all_of)
        | (Q(site_id__in=most_of) & ~safeguarding)
        | ((Q(reported_by=user) | Q(owner=user)) & ~safeguarding)
        | (safeguarding & Q(site_id__in=_trust_safeguarding_site_ids(user)))
    )
    return incidents.filter(seen).distinct()


def possible_owners(incident: Incident | None = None) -> QuerySet:
    """Staff of the incident's school it may be assigned to (the DSL or head for
    safeguarding)."""
    users = get_user_model().objects.filter(is_active=True)
    if incident is not None:
        users = users.filter(school_memberships__site_id=incident.site_id)
    if incident is not None and incident.is_safeguarding:
        users = users.filter(
            school_memberships__site_id=incident.site_id,
            school_memberships__role__in=SAFEGUARDING_READERS,
        )
    else:
        users = users.filter(groups__isnull=False)
    return users.distinct().order_by("first_name", "last_name", "username")


def can_act_on_takedowns(user, site_id: int | None = None) -> bool:
    """An approver (who may publish, so may take down) acts on takedown requests of
    their school (``site_id``; ``None``: of any school)."""
    return APPROVERS in role_names(user, site_id)


def can_view_takedowns(user, site_id: int | None = None) -> bool:
    return can_act_on_takedowns(user, site_id) or bool(
        role_names(user, site_id) & INCIDENT_READERS
    )
