"""The "Get updates" form and the "manage my updates" form (no JavaScript needed)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Category, Frequency

NOT_WANTED = ""
FREQUENCY_CHOICES = [(NOT_WANTED, _("No, thank you")), *Frequency.choices]
CHOICE_CATEGORIES = [Category.NOTICES, Category.NEWS]


class ChoicesForm(forms.Form):
    """Which updates, and how often. Urgent closures are always sent straight away."""

    urgent = forms.BooleanField(
        label=_("Urgent closures (for example snow days), sent straight away"),
        required=False,
        initial=True,
    )
    notices = forms.ChoiceField(
        label=_("Holiday and general notices"),
        choices=FREQUENCY_CHOICES,
        widget=forms.RadioSelect,
        required=False,
        initial=Frequency.WEEKLY,
    )
    news = forms.ChoiceField(
        label=_("News"),
        choices=FREQUENCY_CHOICES,
        widget=forms.RadioSelect,
        required=False,
        initial=Frequency.WEEKLY,
    )

    @classmethod
    def initial_from(cls, choices: dict[str, str]) -> dict:
        initial = {"urgent": Category.URGENT in choices}
        for category in CHOICE_CATEGORIES:
            initial[category] = choices.get(category, NOT_WANTED)
        return initial

    def choices(self) -> dict[str, str]:
        chosen = {}
        if self.cleaned_data.get("urgent"):
            chosen[Category.URGENT] = Frequency.IMMEDIATE
        for category in CHOICE_CATEGORIES:
            if self.cleaned_data.get(category):
                chosen[category] = self.cleaned_data[category]
        return chosen


class SignUpForm(ChoicesForm):
    field_order = ["email"]

    email = forms.EmailField(
        label=_("Your email address"),
        max_length=254,
        error_messages={
            "invalid": _(
                "Enter an email address like name@example.com. Letters with "
                "accents work after the @ but not before it."
            ),
        },
    )

    def clean(self):
        cleaned = super().clean()
        if not self.errors and not self.choices():
            raise forms.ValidationError(_("Choose at least one kind of update."))
        return cleaned


class ManageLinkForm(forms.Form):
    email = forms.EmailField(label=_("Your email address"), max_length=254)


class DeviceChoicesForm(forms.Form):
    """What a device is notified of; always straight away (summaries are emails')."""

    urgent = forms.BooleanField(
        label=_("Urgent closures (for example snow days)"),
        required=False,
        initial=True,
    )
    notices = forms.BooleanField(label=_("Holiday and general notices"), required=False)
    news = forms.BooleanField(label=_("News"), required=False)
