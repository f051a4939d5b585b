"""What each school decides about its emails to families (a Wagtail site setting)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.contrib.settings.models import BaseSiteSetting, register_setting


@register_setting(icon="mail")
class AlertSettings(BaseSiteSetting):
    """Off unless the school turns it on: no photo of a pupil goes by email (C1, C5).

    When on, an email carries a news post's listing photo only if every learner in it
    has consent for newsletters and emails; an email cannot be recalled.
    """

    photos_in_emails = models.BooleanField(
        _("photos in emails"),
        default=False,
        help_text=_(
            "Show a news post's photo in the email updates families get. Only photos "
            "whose pupils all have consent for newsletters and emails are sent: an "
            "email cannot be recalled once it is in a family's inbox."
        ),
    )

    class Meta:
        verbose_name = _("email updates to families")
