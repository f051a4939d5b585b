"""`{% school_name %}`: the school's own name for the admin's titles and headings.

Staff should see their school, not the software. Signed in, it is the school they
are working in (the one whose records the admin shows them); on the sign-in page, the
school whose host name the request names (each school in a trust has its own). Where
no one school can be told (several schools and a host name that names none of
them), it is ``WAGTAIL_SITE_NAME``, the installation's own name: never the default
school's, which would tell the staff of another school they are at the wrong one.
"""

from django import template
from django.conf import settings
from wagtail.models import Site

from schools.current import school_for_request

register = template.Library()


@register.simple_tag(takes_context=True)
def school_name(context: template.Context) -> str:
    request = context.get("request")
    if request is not None:
        site = school_for_request(request)
    else:
        only = list(Site.objects.all()[:2])
        site = only[0] if len(only) == 1 else None
    if site is not None and site.site_name:
        return site.site_name
    return settings.WAGTAIL_SITE_NAME


@register.filter
def staff_initials(user) -> str:
    """ "JD" for Jo Davies: the avatar drawn when staff have not uploaded a picture."""
    if user is None:
        return ""
    parts = [user.first_name, user.last_name] if user.first_name else []
    initials = "".join(part.strip()[:1] for part in parts if part.strip())
    return (initials or user.get_username()[:1]).upper()


@register.filter
def has_uploaded_avatar(user) -> bool:
    profile = getattr(user, "wagtail_userprofile", None)
    return bool(profile and profile.avatar)
