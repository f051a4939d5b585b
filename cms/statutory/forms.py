"""The form staff use to record how the school meets one requirement.

Plain selects (no chooser script needed): the school's own pages, and the documents
its published pages link to (the only ones parents can open). What is chosen is
checked the way the nightly job checks it, so a draft, a sign-in-only or expired
page, or a document no published page uses is refused with the reason.
"""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from wagtail.admin.widgets import AdminDateInput
from wagtail.documents import get_document_model
from wagtail.models import Page, ReferenceIndex

from schools.current import school_staff

from .link_check import link_problem
from .models import StatutoryRecord


class PageChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, page) -> str:
        indent = "\u2003" * max(page.depth - 2, 0)
        state = "" if page.live else _(" (not published)")
        return f"{indent}{page.title}{state}"


def school_pages(site):
    return Page.objects.descendant_of(site.root_page, inclusive=True).order_by("path")


def school_documents(site):
    """Documents linked from this school's pages (the others cannot be public)."""
    document_type = ReferenceIndex._get_base_content_type(get_document_model())
    page_type = ReferenceIndex._get_base_content_type(Page)
    page_ids = school_pages(site).values_list("pk", flat=True)
    used = ReferenceIndex.objects.filter(
        to_content_type=document_type,
        base_content_type=page_type,
        object_id__in=[str(pk) for pk in page_ids],
    ).values_list("to_object_id", flat=True)
    return (
        get_document_model()
        .objects.filter(pk__in=[int(pk) for pk in used if str(pk).isdigit()])
        .order_by("title")
    )


class StatutoryRecordForm(forms.ModelForm):
    page = PageChoiceField(
        queryset=Page.objects.none(),
        required=False,
        label=gettext_lazy("Page"),
        help_text=gettext_lazy("The page on the school website that meets it"),
        error_messages={
            "invalid_choice": gettext_lazy(
                "That page is not on this school's website (it may have been "
                "deleted): choose one of the school's pages."
            )
        },
    )
    document = forms.ModelChoiceField(
        queryset=get_document_model().objects.none(),
        required=False,
        label=gettext_lazy("Or a document"),
        help_text=gettext_lazy(
            "Only documents linked from a published page can be chosen: "
            "parents cannot open the others"
        ),
        error_messages={
            "invalid_choice": gettext_lazy(
                "Parents cannot open that document: only documents linked from one "
                "of the school's published pages can be chosen. Add it to a page "
                "first."
            )
        },
    )

    class Meta:
        model = StatutoryRecord
        fields = ["page", "section", "document", "owner", "last_reviewed"]
        widgets = {"last_reviewed": AdminDateInput()}
        labels = {"owner": gettext_lazy("Owner")}
        help_texts = {
            "owner": gettext_lazy("Reminded before it is due and if its link breaks"),
            "last_reviewed": gettext_lazy(
                "When someone last checked it is complete and up to date"
            ),
        }

    def __init__(self, *args, site, requirement, **kwargs):
        super().__init__(*args, **kwargs)
        self.site = site
        self.requirement = requirement
        self.fields["page"].queryset = school_pages(site)
        self.fields["document"].queryset = school_documents(site)
        self.fields["owner"].queryset = school_staff(site)
        if requirement.web_page_required:
            self.fields["document"].disabled = True
            self.fields["document"].help_text = _(
                "This must be on a web page parents can read, not only in a document"
            )

    def clean(self):
        cleaned = super().clean()
        page, document = cleaned.get("page"), cleaned.get("document")
        if page and document:
            raise forms.ValidationError(_("Choose a page or a document, not both."))
        if cleaned.get("section") and not page:
            self.add_error(
                "section", _("A section belongs to a page: choose the page.")
            )
        if not (page or document):
            if cleaned.get("last_reviewed"):
                self.add_error(
                    "last_reviewed",
                    _(
                        "Link the page or document that meets this requirement "
                        "before recording a review."
                    ),
                )
            return cleaned
        probe = StatutoryRecord(
            site=self.site,
            requirement=self.requirement,
            page=page,
            document=document,
            linked=StatutoryRecord.LINK_PAGE if page else StatutoryRecord.LINK_DOCUMENT,
        )
        problem = link_problem(probe)
        if problem:
            self.add_error("page" if page else "document", problem)
        return cleaned

    def save(self, commit=True):
        record = super().save(commit=False)
        record.site = self.site
        record.requirement = self.requirement
        if record.page_id:
            record.linked = StatutoryRecord.LINK_PAGE
        elif record.document_id:
            record.linked = StatutoryRecord.LINK_DOCUMENT
        else:
            record.linked = ""
        record.link_problem = ""
        if commit:
            record.save()
        return record
