"""The "read the policy first" page and its "I have read and understood" form.

``policy_gate`` answers instead of a screen that opens an account to someone who
has not acknowledged the school's current policy: the policy's link and the form
(a POST, no script needed), which brings them back to where they were going.
"""

from __future__ import annotations

import functools

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from wagtail.models import Site

from schools.current import school_for_request, schools_for_user

from .services import (
    PolicyChanged,
    current_policy,
    has_acknowledged,
    policy_acknowledge,
)


def policy_gate(request, *, site: Site | None) -> HttpResponse | None:
    """The acknowledgement page if ``request.user`` must first read ``site``'s policy.

    Answers 403 so that no client takes the page for the screen it asked for.
    """
    if site is None or has_acknowledged(user=request.user, site=site):
        return None
    response = TemplateResponse(
        request,
        "publishing/social_policy/acknowledge.html",
        {
            "policy": current_policy(site),
            "site": site,
            "next": request.get_full_path() if request.method == "GET" else "",
        },
        status=403,
    )
    return response


def policy_acknowledged(view):
    """The view opens once the school being worked in has its policy acknowledged."""

    @functools.wraps(view)
    def gated(request, *args, **kwargs):
        refused = policy_gate(request, site=school_for_request(request))
        return refused if refused is not None else view(request, *args, **kwargs)

    return gated


@require_POST
def acknowledge(request):
    site = schools_for_user(request.user).filter(pk=request.POST.get("school")).first()
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        target = ""
    try:
        version = int(request.POST.get("version", ""))
    except ValueError:
        version = -1
    if site is None:
        messages.error(request, _("That school's policy could not be found."))
        return redirect("wagtailadmin_home")
    if request.POST.get("understood") != "yes":
        messages.error(
            request, _("Tick “I have read and understood” to acknowledge the policy.")
        )
    else:
        try:
            policy_acknowledge(user=request.user, site=site, version=version)
        except PolicyChanged as error:
            messages.error(request, str(error))
        else:
            messages.success(request, _("Thank you: your acknowledgement is recorded."))
    return redirect(target or "wagtailadmin_home")
