"""The "Get updates" form and the "manage my updates" form (no JavaScript needed)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from cms.models import NewsCategory

from .audience import school_news_categories
from .models import NEWS_CATEGORIES, Category, Frequency

NOT_WANTED = ""
FREQUENCY_CHOICES = [(NOT_WANTED, _("No, thank you")), *Frequency.choices]
CHOICE_CATEGORIES = [Category.NOTICES, Category.NEWS, Category.TERM_DATES]


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
    news_categories = forms.ModelMultipleChoiceField(
        label=_("Only news about"),
        help_text=_("Tick none to get all the school's news."),
        queryset=NewsCategory.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    term_dates = forms.ChoiceField(
        label=_("Term dates and events"),
        help_text=_("When a date is added to the school calendar or changed."),
        choices=FREQUENCY_CHOICES,
        widget=forms.RadioSelect,
        required=False,
        initial=Frequency.WEEKLY,
    )

    def __init__(self, *args, site, **kwargs):
        super().__init__(*args, **kwargs)
        used = school_news_categories(site)
        if used.exists():
            self.fields[NEWS_CATEGORIES].queryset = used
        else:  # the school sorts no news into categories: nothing to pick
            del self.fields[NEWS_CATEGORIES]

    @classmethod
    def initial_from(cls, choices: dict) -> dict:
        initial = {"urgent": Category.URGENT in choices}
        for category in CHOICE_CATEGORIES:
            initial[category] = choices.get(category, NOT_WANTED)
        initial[NEWS_CATEGORIES] = list(choices.get(NEWS_CATEGORIES, []))
        return initial

    def choices(self) -> dict:
        chosen = {}
        if self.cleaned_data.get("urgent"):
            chosen[Category.URGENT] = Frequency.IMMEDIATE
        for category in CHOICE_CATEGORIES:
            if self.cleaned_data.get(category):
                chosen[category] = self.cleaned_data[category]
        picked = self.cleaned_data.get(NEWS_CATEGORIES)
        if Category.NEWS in chosen and picked:
            chosen[NEWS_CATEGORIES] = sorted(category.pk for category in picked)
        return chosen

    def news_category_names(self) -> list[str]:
        """The categories picked, by name (the confirmation page lists them)."""
        field = self.fields.get(NEWS_CATEGORIES)
        picked = self.initial.get(NEWS_CATEGORIES) or []
        if field is None or not picked:
            return []
        return [str(category) for category in field.queryset.filter(pk__in=picked)]


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
            "max_length": _(
                "That is longer than an email address can be. Check the address "
                "you typed."
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
