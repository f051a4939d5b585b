"""The screen where a senior leader lets one language go live first (issue 27)."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from wagtail.models import Page

from cms.languages import LANGUAGE_NAMES, language_plan_for_page
from moderation.two_factor.permissions import is_senior_leader
from moderation.workflow import parity


class LanguageExceptionForm(forms.Form):
    missing_language = forms.ChoiceField(label=gettext_lazy("Which language follows"))
    reason = forms.CharField(
        label=gettext_lazy("Why it cannot go live at the same time"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
    )

    def __init__(self, *args, languages: tuple[str, ...], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["missing_language"].choices = [
            (code, LANGUAGE_NAMES.get(code, code)) for code in languages
        ]


def record_language_exception(request, page_id: int):
    """GET: the form; POST: record it (senior leadership only) and go back."""
    if not is_senior_leader(request.user):
        raise PermissionDenied
    page = get_object_or_404(Page, pk=page_id).specific
    plan = language_plan_for_page(page)
    others = plan.other_languages(page.locale.language_code)
    form = LanguageExceptionForm(request.POST or None, languages=others)
    if request.method == "POST" and form.is_valid():
        try:
            parity.language_exception_record(
                page=page,
                missing_language=form.cleaned_data["missing_language"],
                reason=form.cleaned_data["reason"],
                allowed_by=request.user,
            )
        except (parity.NotSeniorLeader, ValueError) as error:
            form.add_error(None, str(error))
        else:
            messages.success(
                request,
                _("Recorded: “%(title)s” may go live before its translation.")
                % {"title": page.title},
            )
            return redirect("wagtailadmin_home")
    return TemplateResponse(
        request,
        "moderation/workflow/language_exception.html",
        {"page": page, "form": form},
        status=400 if form.errors else 200,
    )
