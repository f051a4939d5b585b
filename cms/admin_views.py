"""Admin views of the school calendar: import term dates, end a closure."""

from __future__ import annotations

import datetime
from urllib.parse import urlsplit

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.generic import FormView, TemplateView
from wagtail.admin.views.generic import WagtailAdminTemplateMixin
from wagtail.models import Page, Site

from schools.current import school_for_request

from .calendar_file import TermDatesFileRefused, check_size
from .calendar_sources import CalendarSource, TermDatesUpload
from .models import NoticePage
from .out_of_hours import out_of_hours
from .term_dates_import import ImportPlan, term_dates_plan, term_dates_plan_apply

TERM_DATE_PERMISSIONS = (
    "cms.add_termdate",
    "cms.change_termdate",
    "cms.delete_termdate",
)
RECOGNISE = ""
NEW_SOURCE = "new"
# An upload not confirmed within this long is dropped at the next upload.
UPLOAD_KEPT_FOR = datetime.timedelta(days=1)


def current_school(request) -> Site | None:
    """The school the member of staff is working in: the one place cms asks.

    ``None`` when they work in no school: they see no school's records (never the
    default site's).
    """
    return school_for_request(request)


def _uid_domain() -> str:
    return urlsplit(settings.SITE_URL).hostname or "school.invalid"


class TermDatesFileForm(forms.Form):
    file = forms.FileField(
        label="Calendar file (.ics)",
        help_text="Exported from the council's or the school's calendar. You see "
        "what it adds, changes and removes before anything changes.",
    )
    calendar = forms.ChoiceField(
        label="Which calendar is it?",
        required=False,
        help_text="Importing a calendar again replaces the dates it gave before: "
        "dates no longer in it are removed. Dates typed in by hand are never removed.",
    )

    new_name = forms.CharField(
        label="Name for a new calendar",
        required=False,
        max_length=200,
        help_text="Optional. Without one, a new calendar is called by the name the "
        "file gives itself.",
    )

    def __init__(self, *args, site: Site, **kwargs):
        super().__init__(*args, **kwargs)
        self.sources = {
            str(source.pk): source
            for source in CalendarSource.objects.filter(site=site)
        }
        self.fields["calendar"].choices = [
            (RECOGNISE, "Recognise it from the name in the file"),
            *(
                (pk, f"Again from: {source.name}")
                for pk, source in self.sources.items()
            ),
            (NEW_SOURCE, "A calendar not imported before"),
        ]

    def clean_new_name(self) -> str:
        name = self.cleaned_data["new_name"].strip()
        if name and self.cleaned_data.get("calendar") not in (RECOGNISE, NEW_SOURCE):
            raise forms.ValidationError(
                "A name is for a new calendar: choose “A calendar not imported "
                "before”, or leave the name empty."
            )
        return name


def _upload_gone(request):
    messages.info(
        request,
        "That calendar file has already been imported, or its preview has expired "
        "(previews are kept for a day). Nothing was changed; choose the file again "
        "to see what it would do now.",
    )
    return redirect("cms_import_term_dates")


class TermDatesPermissionMixin:
    def dispatch(self, request, *args, **kwargs):
        if not request.user.has_perms(TERM_DATE_PERMISSIONS):
            raise PermissionDenied
        self.site = current_school(request)
        if self.site is None:
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


class ImportTermDatesView(
    TermDatesPermissionMixin, WagtailAdminTemplateMixin, FormView
):
    """Step 1: choose the file. Nothing changes until the plan is confirmed."""

    template_name = "cms/admin/import_term_dates.html"
    form_class = TermDatesFileForm
    page_title = "Import term dates"
    header_icon = "date"

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "site": self.site}

    def form_valid(self, form):
        upload = form.cleaned_data["file"]
        choice = form.cleaned_data["calendar"]
        source = form.sources.get(choice)
        try:
            check_size(upload.size)  # refused before a byte is read
            content = upload.read()
            term_dates_plan(  # refused files are explained here, not after
                content=content,
                site=self.site,
                uid_domain=_uid_domain(),
                source=source,
                new_source=choice == NEW_SOURCE,
                new_source_name=form.cleaned_data["new_name"],
                file_name=upload.name,
            )
        except TermDatesFileRefused as refused:
            form.add_error("file", str(refused))
            return self.form_invalid(form)
        TermDatesUpload.objects.filter(
            uploaded_at__lt=timezone.now() - UPLOAD_KEPT_FOR
        ).delete()
        staged = TermDatesUpload.objects.create(
            site=self.site,
            source=source,
            new_source=choice == NEW_SOURCE,
            new_source_name=form.cleaned_data["new_name"],
            file_name=upload.name[:255],
            content=content,
            uploaded_by=self.request.user,
        )
        return redirect("cms_import_term_dates_preview", staged.pk)


class ImportTermDatesPreviewView(
    TermDatesPermissionMixin, WagtailAdminTemplateMixin, TemplateView
):
    """Step 2: what the file adds, changes and removes, and what happens to holiday
    notices; "Apply" applies exactly the plan shown (a fresh code is asked first)."""

    template_name = "cms/admin/import_term_dates_preview.html"
    page_title = "Check the term dates before importing"
    header_icon = "date"

    def dispatch(self, request, *args, pk: int, **kwargs):
        if not request.user.is_authenticated:
            raise PermissionDenied
        self.upload = TermDatesUpload.objects.filter(
            pk=pk, uploaded_by=request.user
        ).first()
        if self.upload is None:
            return _upload_gone(request)
        return super().dispatch(request, *args, **kwargs)

    def _plan(self) -> ImportPlan:
        if self.upload.site_id != self.site.pk:
            raise Http404("This import belongs to another school.")
        return term_dates_plan(
            content=bytes(self.upload.content),
            site=self.site,
            uid_domain=_uid_domain(),
            source=self.upload.source,
            new_source=self.upload.new_source,
            new_source_name=self.upload.new_source_name,
            file_name=self.upload.file_name,
        )

    def get_context_data(self, **kwargs):
        return {
            **super().get_context_data(**kwargs),
            "upload": self.upload,
            "plan": kwargs.get("plan") or self._plan(),
        }

    def post(self, request, *args, **kwargs):
        with transaction.atomic():
            # One Apply at a time: a second press waits, then finds it done.
            if not TermDatesUpload.objects.select_for_update().filter(
                pk=self.upload.pk
            ):
                return _upload_gone(request)
            plan = self._plan()
            if request.POST.get("plan") != plan.fingerprint():
                messages.warning(
                    request,
                    "The term dates changed since you looked (someone else imported "
                    "or edited them, or a day has passed). Nothing was changed: "
                    "check what the file does now.",
                )
                return self.render_to_response(self.get_context_data(plan=plan))
            term_dates_plan_apply(plan=plan, user=request.user)
            self.upload.delete()
        messages.success(request, f"Term dates imported: {plan.summary()}")
        for line in [
            *(e.done for e in plan.notice_effects),
            *plan.skipped,
            *plan.notes,
        ]:
            messages.warning(request, line)
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
        self.notice = get_object_or_404(NoticePage, pk=pk).specific
        if not self.notice.may_reopen(request.user):
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
        if hasattr(notice, "schools"):
            done = _(
                "“%(title)s” has been taken down from every school's website and "
                "social media."
            )
        else:
            done = _(
                "“%(title)s” has been taken down from the website and the school's "
                "social media."
            )
        messages.success(request, done % {"title": notice.title})
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
