"""Admin forms for incidents, evidence, referrals and takedown requests."""

from __future__ import annotations

from django import forms
from django.utils import timezone
from wagtail.admin.widgets import AdminDateInput, AdminDateTimeInput, AdminPageChooser
from wagtail.images.widgets import AdminImageChooser

from moderation.models import (
    ConsentUse,
    EvidenceItem,
    Incident,
    IncidentCategory,
    Learner,
    Referral,
    TakedownRequest,
)

from .access import possible_owners
from .evidence import ACCEPTED_EXTENSIONS, max_bytes

INDECENT_IMAGES_WARNING = (
    "If you think something may be an indecent image of a child, do not copy, "
    "screenshot, save, forward or upload it: that is itself a crime, even to report "
    "it. Contact the police straight away (999 if a child is in danger) and tell the "
    "designated safeguarding lead. Record here only where you saw it and when."
)


URL_ERRORS = {
    "required": "Give the web address of the post, comment or page.",
    "invalid": "That is not a web address: copy it from the browser's address bar, "
    "starting https://",
}


class IncidentReportForm(forms.ModelForm):
    url = forms.URLField(
        label="Web address",
        max_length=1000,
        assume_scheme="https",
        error_messages=URL_ERRORS,
        help_text="The address of the post, comment or page (copy it from the browser)",
    )

    class Meta:
        model = Incident
        fields = [
            "category",
            "severity",
            "occurred_at",
            "platform",
            "account",
            "url",
            "content_as_reported",
            "people_involved",
        ]
        widgets = {
            "occurred_at": AdminDateTimeInput,
            "content_as_reported": forms.Textarea(attrs={"rows": 5}),
            "people_involved": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # A takedown request has its own form, which names the content to remove.
        self.fields["category"].choices = [
            choice
            for choice in self.fields["category"].choices
            if choice[0] != IncidentCategory.TAKEDOWN
        ]
        self.fields[
            "category"
        ].help_text = (
            "For a request to take something down, use Takedown requests instead."
        )

    def clean_occurred_at(self):
        occurred_at = self.cleaned_data["occurred_at"]
        if occurred_at > timezone.now() + timezone.timedelta(minutes=5):
            raise forms.ValidationError("That time is in the future.")
        return occurred_at


class EvidenceForm(forms.Form):
    file = forms.FileField(
        help_text=f"A screenshot or saved file: {', '.join(ACCEPTED_EXTENSIONS)}; at "
        f"most {max_bytes() // (1024 * 1024)} MB."
    )
    description = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="What it shows, where and when it was captured, and by whom.",
    )
    corrects = forms.ModelChoiceField(
        queryset=EvidenceItem.objects.none(),
        required=False,
        label="This corrects",
        help_text="Evidence is never changed or removed: if an earlier item is "
        "wrong, add the right one here and say which it corrects.",
    )
    no_indecent_images = forms.BooleanField(
        label="I confirm this file contains no indecent image of a child",
        error_messages={
            "required": "Confirm that the file contains no indecent image of a "
            "child. If it might, do not upload it: contact the police."
        },
    )

    def __init__(self, *args, incident: Incident, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["corrects"].queryset = incident.evidence.all()
        self.fields["corrects"].label_from_instance = lambda item: (
            f"{item.pk}: {item.original_name} ({item.uploaded_at:%d %b %Y %H:%M})"
        )


class AssignForm(forms.Form):
    owner = forms.ModelChoiceField(queryset=None, label="Assign to")

    def __init__(self, *args, incident: Incident, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = possible_owners(incident)
        self.fields["owner"].label_from_instance = lambda user: (
            user.get_full_name() or user.get_username()
        )


class NoteForm(forms.Form):
    text = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), label="Note")


class CloseForm(forms.Form):
    note = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 2}), label="How it was resolved"
    )


class LegalHoldForm(forms.Form):
    reason = forms.CharField(
        max_length=255,
        label="Why it must be kept",
        help_text="e.g. 'Police investigation, reference 12/3456'",
    )


class ReferralForm(forms.ModelForm):
    class Meta:
        model = Referral
        fields = ["agency", "referred_on", "reference", "note"]
        widgets = {
            "referred_on": AdminDateInput,
            "note": forms.Textarea(attrs={"rows": 2}),
        }


class TakedownRequestForm(forms.ModelForm):
    what_they_asked = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        label="What they asked, and why",
    )
    url = forms.URLField(
        label="Where they saw it (web address)",
        max_length=1000,
        assume_scheme="https",
        error_messages={
            **URL_ERRORS,
            "required": "Give the web address where they saw it.",
        },
    )
    social_post_url = forms.URLField(
        label="Social media post",
        max_length=500,
        required=False,
        assume_scheme="https",
        help_text="The address of the school's post on X or Facebook",
        error_messages={
            "invalid": "That is not the address of a post: open the post and copy "
            "its address, starting https://"
        },
    )

    class Meta:
        model = TakedownRequest
        fields = [
            "requester",
            "requester_name",
            "received_at",
            "page",
            "image",
            "social_post_url",
            "shows_learner",
            "learner",
        ]
        widgets = {
            "received_at": AdminDateTimeInput,
            "page": AdminPageChooser,
            "image": AdminImageChooser,
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["learner"].queryset = Learner.objects.on_roll()
        self.fields["learner"].label_from_instance = lambda learner: str(learner)
        self.fields[
            "social_post_url"
        ].help_text = "The address of the school's post on X or Facebook"
        self.order_fields(
            ["requester", "requester_name", "received_at", "what_they_asked", "url"]
        )

    def clean(self):
        cleaned = super().clean()
        if not (
            cleaned.get("page")
            or cleaned.get("image")
            or cleaned.get("social_post_url")
        ) and not self.has_error("social_post_url"):
            raise forms.ValidationError(
                "Name what should be taken down: a page, an image or a social media "
                "post."
            )
        return cleaned


class TakedownActionForm(forms.Form):
    told = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        label="What the requester is told",
    )
    withdraw_consent = forms.MultipleChoiceField(
        choices=ConsentUse.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="Also record that consent is withdrawn for",
        help_text="This learner's photos are then withdrawn from those uses "
        "everywhere, not only this one.",
    )
