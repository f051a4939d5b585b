"""Which school a request is for, and which schools someone works in.

The one place the rest of the project asks "which school?":

- On the public website, the API and the feeds, the school is the site whose host
  name the request names (Wagtail's ``Site.find_for_request``). A host name that
  names no school, once there is more than one, is no school at all: ``None``, and
  ``schools.middleware`` answers with a page saying so, never another school's pages.
- In the admin, the school is the one the signed-in member of staff is working in:
  chosen among their schools with ``school_choose`` (kept in the session), and by
  default the first of their schools (their only one, for most staff).
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AnonymousUser
from django.db.models import Q, QuerySet
from django.http import HttpRequest
from django.http.request import split_domain_port
from wagtail.models import Site

#: The session key holding the id of the school a member of staff is working in.
SESSION_KEY = "schools_working_in"
ADMIN_PREFIX = "/admin/"


def schools_for_user(user) -> QuerySet[Site]:
    """The schools ``user`` works in (superusers: every school), in name order.

    Trust roles do not add schools here: they see across the trust only where the
    policies say so (``schools.trust.trust_sites``).
    """
    if user is None or isinstance(user, AnonymousUser) or not user.is_authenticated:
        return Site.objects.none()
    sites = Site.objects.all()
    if not user.is_superuser:
        sites = sites.filter(memberships__user=user).distinct()
    return sites.order_by("site_name", "hostname", "port")


def school_staff(site: Site | None) -> QuerySet:
    """Who may be chosen for a school's record (its owner, an account's managers,
    the holiday notices' author): the school's active staff and the installation's
    administrators; never another school's staff."""
    users = get_user_model().objects.filter(is_active=True)
    if site is None:
        return users.filter(is_superuser=True)
    return (
        users.filter(Q(is_superuser=True) | Q(school_memberships__site=site))
        .distinct()
        .order_by("first_name", "last_name", "username")
    )


def public_site_for_request(request: HttpRequest) -> Site | None:
    """The school whose host name ``request`` names, or ``None`` when none does.

    With one school every host name is that school's (as Wagtail has it); with more,
    only the school's own host name is, so a mistyped or stale address never shows
    another school's pages.
    """
    site = Site.find_for_request(request)
    if site is None:
        return None
    hostname = split_domain_port(request._get_raw_host())[0].lower()
    if site.hostname.lower() == hostname:
        return site
    root_paths = getattr(request, "_wagtail_cached_site_root_paths", None)
    # One root path per site and language: a bilingual school is still one school.
    count = (
        len({root_path.site_id for root_path in root_paths})
        if root_paths is not None
        else Site.objects.count()
    )
    return site if count <= 1 else None


def is_admin_request(request: HttpRequest) -> bool:
    """Whether ``request`` is for the staff admin (where the school is chosen)."""
    return request.path.startswith(ADMIN_PREFIX)


def school_for_request(request: HttpRequest) -> Site | None:
    """The school ``request`` is for (see the module docstring), or ``None``.

    ``None`` on the public side means the host name names no school; in the admin,
    that the signed-in person works in no school (they see no school's records).
    """
    user = getattr(request, "user", None)
    if not is_admin_request(request) or user is None or not user.is_authenticated:
        return public_site_for_request(request)
    schools = schools_for_user(user)
    chosen = request.session.get(SESSION_KEY) if hasattr(request, "session") else None
    if chosen is not None:
        site = schools.filter(pk=chosen).first()
        if site is not None:
            return site
    return schools.first()


def school_choose(request: HttpRequest, site: Site) -> bool:
    """Work in ``site`` from now on in this session; ``False`` if not one's school."""
    if not schools_for_user(request.user).filter(pk=site.pk).exists():
        return False
    request.session[SESSION_KEY] = site.pk
    return True
