"""`{% school_name %}`: the school's own name for the admin's titles and headings.

Staff should see their school, not the software: the name comes from the Wagtail
Site serving the request (each school in a trust has its own), else the default site,
else ``WAGTAIL_SITE_NAME``.
"""

from django import template
from django.conf import settings
from wagtail.models import Site

register = template.Library()


@register.simple_tag(takes_context=True)
def school_name(context: template.Context) -> str:
    request = context.get("request")
    site = Site.find_for_request(request) if request is not None else None
    if site is None:
        site = Site.objects.filter(is_default_site=True).first()
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
