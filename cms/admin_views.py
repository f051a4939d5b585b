"""Admin views of the school calendar: import term dates, end a closure."""

from __future__ import annotations

from urllib.parse import urlsplit

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.utils import timezone
from django.views.generic import FormView, TemplateView
from wagtail.admin.views.generic import WagtailAdminTemplateMixin
from wagtail.models import Page

from .models import NoticePage
from .out_of_hours import out_of_hours
from .term_dates_import import TermDatesFileRefused, check_size, term_dates_import


class TermDatesFileForm(forms.Form):
    file = forms.FileField(
        label="Calendar file (.ics)",
        help_text="Exported from the council's or the school's calendar. Importing "
        "the same file again updates the dates rather than adding them twice.",
    )


class ImportTermDatesView(WagtailAdminTemplateMixin, FormView):
    template_name = "cms/admin/import_term_dates.html"
    form_class = TermDatesFileForm
    page_title = "Import term dates"
    header_icon = "date"

    def dispatch(self, request, *args, **kwargs):
        if not request.user.has_perms(["cms.add_termdate", "cms.change_termdate"]):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def form_valid(self, form):
        upload = form.cleaned_data["file"]
        try:
            check_size(upload.size)  # refused before a byte is read
            report = term_dates_import(
                content=upload.read(),
                uid_domain=urlsplit(settings.SITE_URL).hostname or "school.invalid",
            )
        except TermDatesFileRefused as refused:
            form.add_error("file", str(refused))
            return self.form_invalid(form)
        messages.success(self.request, f"Term dates imported: {report.summary()}")
        for line in [*report.skipped, *report.notes]:
            messages.warning(self.request, line)
        return redirect("wagtailsnippets_cms_termdate:list")


class NoticeReopenedView(WagtailAdminTemplateMixin, TemplateView):
    """ "School has reopened": one action ends a closure everywhere at once.

    The notice leaves the website and the API, and Wagtail's unpublish signal has its
    social posts deleted and unpinned, whatever end time it was given.
    """

    template_name = "cms/admin/notice_reopened.html"
    page_title = "The school has reopened"
    header_icon = "warning"

    def dispatch(self, request, *args, pk: int, **kwargs):
        self.notice = get_object_or_404(NoticePage, pk=pk)
        if not self.notice.permissions_for_user(request.user).can_unpublish():
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "notice": self.notice}

    def post(self, request, *args, **kwargs):
        notice = self.notice
        if notice.live:
            now = timezone.now()
            NoticePage.objects.filter(pk=notice.pk).update(valid_until=now)
            notice.unpublish(user=request.user)
        messages.success(
            request,
            f"“{notice.title}” has been taken down from the website and the school's "
            "social media.",
        )
        return redirect("wagtailadmin_explore", notice.get_parent().pk)


class RescheduleToMonitoredHoursView(WagtailAdminTemplateMixin, TemplateView):
    """Move a page's go-live time to the next time the accounts are watched."""

    template_name = "cms/admin/reschedule.html"
    page_title = "Go live when replies are read"
    header_icon = "time"

    def dispatch(self, request, *args, pk: int, **kwargs):
        self.page = get_object_or_404(Page, pk=pk).specific
        if not self.page.permissions_for_user(request.user).can_edit():
            raise PermissionDenied
        self.draft = self.page.get_latest_revision_as_object()
        self.warning = out_of_hours(self.draft.go_live_at, now=timezone.now())
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        return {
            **super().get_context_data(**kwargs),
            "page": self.page,
            "warning": self.warning,
        }

    def post(self, request, *args, **kwargs):
        if self.warning is None:
            messages.info(request, "Nothing to change: it goes live in watched hours.")
        else:
            self.draft.go_live_at = self.warning.next_read
            self.draft.save_revision(user=request.user, log_action=True)
            when = timezone.localtime(self.warning.next_read)
            messages.success(
                request,
                f"“{self.page.title}” now goes live on {when:%A %d %B at %H:%M}. "
                "Submit it for approval again if it was already approved.",
            )
        return redirect("wagtailadmin_pages:edit", self.page.pk)
