"""Admin views of the term calendar: import the term dates from a calendar file."""

from __future__ import annotations

from urllib.parse import urlsplit

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.views.generic import FormView
from wagtail.admin.views.generic import WagtailAdminTemplateMixin

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
