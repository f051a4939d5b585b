"""Forms of the inbox screens."""

from __future__ import annotations

import datetime

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from moderation.models import BlockedAccount, IncidentCategory, Severity

from .block_notices import MAX_NOTICE
from .models import InboxAlert, InboxItem, InboxReading, InboxWordList

MAX_REPLY = 8000


class FilterForm(forms.Form):
    state = forms.ChoiceField(
        choices=[("", _("Every state"))] + InboxItem.State.choices, required=False
    )
    account = forms.IntegerField(required=False, min_value=1)


class ReplyForm(forms.Form):
    text = forms.CharField(
        label=_("Your reply"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=MAX_REPLY,
    )


class StateForm(forms.Form):
    state = forms.ChoiceField(
        choices=[
            (InboxItem.State.NEEDS_REPLY, _("Needs reply")),
            (InboxItem.State.ANSWERED, _("Answered")),
            (InboxItem.State.CLOSED, _("Closed")),
        ]
    )


class IncidentForm(forms.Form):
    category = forms.ChoiceField(choices=IncidentCategory.choices)
    severity = forms.ChoiceField(choices=Severity.choices, initial=Severity.MEDIUM)


class BlockForm(forms.Form):
    grounds = forms.ChoiceField(choices=BlockedAccount.Grounds.choices)
    message = forms.CharField(
        label=_("The message telling them why"),
        help_text=_(
            "Sent to them privately where the network allows it; otherwise you "
            "send it by hand."
        ),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=MAX_NOTICE,
    )
    review_on = forms.DateField(
        label=_("Review the block on"),
        initial=lambda: timezone.localdate() + datetime.timedelta(days=90),
        widget=forms.DateInput(attrs={"type": "date"}),
    )


class ReadingForm(forms.ModelForm):
    accept_cost = forms.BooleanField(
        required=False, label=_("I accept the estimated monthly cost")
    )

    class Meta:
        model = InboxReading
        fields = ["enabled", "mode", "expected_items_per_month"]
        labels = {
            "enabled": _("Read comments from this account"),
            "mode": _("How comments arrive"),
            "expected_items_per_month": _("Replies and mentions expected a month"),
        }


class WordListForm(forms.ModelForm):
    class Meta:
        model = InboxWordList
        fields = ["words"]
        widgets = {"words": forms.Textarea(attrs={"rows": 8})}


class AlertForm(forms.Form):
    frequency = forms.ChoiceField(
        label=_("Email me about comments the rules catch"),
        choices=[("", _("Never"))] + InboxAlert.Frequency.choices,
        required=False,
    )
