"""The school switcher: staff of several schools choose which one they work in."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from wagtail.models import Site

from .current import school_choose, school_for_request, schools_for_user
from .services import school_name


def work_in(request: HttpRequest) -> HttpResponse:
    """GET: the schools one may work in; POST ``site``: work in that one."""
    schools = schools_for_user(request.user)
    if request.method == "POST":
        raw = request.POST.get("site", "")
        site = Site.objects.filter(pk=int(raw)).first() if raw.isdigit() else None
        if site is None or not school_choose(request, site):
            messages.error(request, _("That is not one of your schools."))
            return TemplateResponse(
                request,
                "schools/work_in.html",
                {"schools": schools, "current": school_for_request(request)},
                status=400,
            )
        messages.success(
            request,
            _("You are now working in %(school)s.") % {"school": school_name(site)},
        )
        return redirect("wagtailadmin_home")
    return TemplateResponse(
        request,
        "schools/work_in.html",
        {"schools": schools, "current": school_for_request(request)},
    )
