"""The statutory-information screens: checklist, one item, exports.

The head and senior leadership (who hold ``cms.view_statutoryrecord``) see and
export the whole checklist; those holding ``cms.change_statutoryrecord`` record how
any item is met; an item's owner may update their own. Everything is the school of
the request's.
"""

from __future__ import annotations

import csv

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import FormView, TemplateView
from wagtail.admin.views.generic import WagtailAdminTemplateMixin
from wagtail.models import Site

from cms.caching.generation import content_changed
from cms.spreadsheet_exports import csv_cell

from .checklist import school_checklist
from .forms import StatutoryRecordForm
from .link_check import public_url
from .models import StatutoryRecord, StatutoryRequirement, StatutorySettings

VIEW_PERMISSION = "cms.view_statutoryrecord"
CHANGE_PERMISSION = "cms.change_statutoryrecord"


def current_school(request) -> Site:
    """The school whose checklist this admin request is about."""
    return Site.find_for_request(request) or Site.objects.get(is_default_site=True)


class ChecklistAccessMixin:
    def dispatch(self, request, *args, **kwargs):
        if not request.user.has_perm(VIEW_PERMISSION):
            raise PermissionDenied
        self.site = current_school(request)
        self.today = timezone.localdate()
        return super().dispatch(request, *args, **kwargs)


class ChecklistView(ChecklistAccessMixin, WagtailAdminTemplateMixin, TemplateView):
    template_name = "cms/statutory/checklist.html"
    page_title = _("Statutory information")
    header_icon = "list-ul"

    def get_context_data(self, **kwargs):
        return {
            **super().get_context_data(**kwargs),
            "checklist": school_checklist(self.site, today=self.today),
            "can_change": self.request.user.has_perm(CHANGE_PERMISSION),
            "site": self.site,
        }


class PrintableChecklistView(ChecklistAccessMixin, TemplateView):
    """The whole checklist on one page, for governors and inspectors to print."""

    template_name = "cms/statutory/printable.html"

    def get_context_data(self, **kwargs):
        checklist = school_checklist(self.site, today=self.today)
        return {
            **super().get_context_data(**kwargs),
            "checklist": checklist,
            "rows": _rows_with_urls(checklist, request=self.request),
            "site": self.site,
            "today": self.today,
        }


def _rows_with_urls(checklist, *, request):
    return [
        (row, public_url(row.record, request=request) if row.record else None)
        for row in checklist.rows
    ]


class ChecklistCsvView(ChecklistAccessMixin, View):
    def get(self, request):
        checklist = school_checklist(self.site, today=self.today)
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = (
            f'attachment; filename="statutory-information-{self.today}.csv"'
        )
        writer = csv.writer(response)
        writer.writerow(
            [
                _("Requirement"),
                _("Must or should"),
                _("Status"),
                _("What is due"),
                _("Owner"),
                _("Last reviewed"),
                _("Public address"),
            ]
        )
        for row, url in _rows_with_urls(checklist, request=request):
            owner = row.owner.get_full_name() or row.owner.username if row.owner else ""
            reviewed = row.record.last_reviewed if row.record else None
            address = request.build_absolute_uri(url) if url else ""
            writer.writerow(
                csv_cell(value)
                for value in (
                    row.requirement.title,
                    row.requirement.get_basis_display(),
                    {"green": _("Met"), "amber": _("Due soon"), "red": _("Not met")}[
                        row.status.colour
                    ],
                    row.status.summary,
                    owner,
                    reviewed.isoformat() if reviewed else "",
                    address,
                )
            )
        return response


def _requirement_for(site, key) -> StatutoryRequirement:
    requirement = get_object_or_404(StatutoryRequirement, key=key)
    if requirement.retired_in:
        raise Http404
    return requirement


def _may_change(user, record) -> bool:
    return user.has_perm(CHANGE_PERMISSION) or (
        record is not None and record.owner_id == user.pk
    )


class ItemView(WagtailAdminTemplateMixin, FormView):
    """Record how the school meets one requirement."""

    template_name = "cms/statutory/item.html"
    form_class = StatutoryRecordForm
    header_icon = "list-ul"

    def dispatch(self, request, key):
        self.site = current_school(request)
        self.requirement = _requirement_for(self.site, key)
        self.record = StatutoryRecord.objects.filter(
            site=self.site, requirement=self.requirement
        ).first()
        if not _may_change(request.user, self.record):
            raise PermissionDenied
        return super().dispatch(request, key)

    def get_page_title(self):
        return self.requirement.title

    def get_form_kwargs(self):
        record = self.record or StatutoryRecord(
            site=self.site, requirement=self.requirement
        )
        return {
            **super().get_form_kwargs(),
            "instance": record,
            "site": self.site,
            "requirement": self.requirement,
        }

    def get_context_data(self, **kwargs):
        return {
            **super().get_context_data(**kwargs),
            "requirement": self.requirement,
            "settings_known": bool(StatutorySettings.for_site(self.site).school_type),
        }

    def form_valid(self, form):
        with transaction.atomic():
            form.save()
            content_changed(reason="statutory information")
        messages.success(self.request, _("Saved: %s") % self.requirement.title)
        return redirect(_back(self.request))


def _back(request) -> str:
    if request.user.has_perm(VIEW_PERMISSION):
        return "cms_statutory_checklist"
    return "wagtailadmin_home"


class ReviewedTodayView(View):
    """One button: "checked today, still complete and up to date"."""

    def post(self, request, key):
        site = current_school(request)
        requirement = _requirement_for(site, key)
        record = StatutoryRecord.objects.filter(
            site=site, requirement=requirement
        ).first()
        if not _may_change(request.user, record):
            raise PermissionDenied
        if record is None or not (record.page_id or record.document_id):
            messages.error(
                request,
                _(
                    "“%s” is not linked to a page or document yet: link it before "
                    "recording a review."
                )
                % requirement.title,
            )
            return redirect("cms_statutory_item", key=key)
        record.last_reviewed = timezone.localdate()
        record.save(update_fields=["last_reviewed"])
        messages.success(
            request, _("Recorded as reviewed today: %s") % requirement.title
        )
        return redirect(_back(request))
