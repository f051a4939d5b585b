from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import MentionEmail, MentionFeed, MentionSearch


class FeedForm(forms.ModelForm):
    url = forms.URLField(
        label=_("feed address"),
        max_length=1000,
        assume_scheme="https",
        help_text=_(
            "The RSS or Atom address of an alert, e.g. a Google Alert delivered to "
            "an RSS feed."
        ),
    )

    class Meta:
        model = MentionFeed
        fields = ["title", "url"]

    def clean_url(self) -> str:
        url = self.cleaned_data["url"]
        if MentionFeed.objects.filter(site=self.instance.site, url=url).exists():
            raise forms.ValidationError(_("This feed is already read."))
        return url


class SearchTermsForm(forms.ModelForm):
    class Meta:
        model = MentionSearch
        fields = ["terms"]
        widgets = {"terms": forms.Textarea(attrs={"rows": 4})}

    def clean_terms(self) -> str:
        terms = self.cleaned_data["terms"]
        lines = [line.strip() for line in terms.splitlines() if line.strip()]
        if len(lines) > 20:
            raise forms.ValidationError(_("Give at most 20 search terms."))
        if any(len(line) > 100 for line in lines):
            raise forms.ValidationError(_("Keep each term under 100 characters."))
        return "\n".join(lines)


class EmailChoiceForm(forms.Form):
    frequency = forms.ChoiceField(
        label=_("Email me new mentions"),
        choices=[("", _("Never"))] + MentionEmail.Frequency.choices,
        required=False,
    )


class FilterForm(forms.Form):
    flagged = forms.BooleanField(
        label=_("Only posts that name someone"), required=False
    )
