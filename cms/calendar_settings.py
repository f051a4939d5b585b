"""The school's own calendar settings: when the accounts are watched, holiday notices.

Site settings (Settings menu in the admin), one row per school site, so a trust with
several schools on one install keeps each school's hours and wording apart.
"""

from __future__ import annotations

import datetime
import string
import zoneinfo

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel
from wagtail.contrib.settings.models import BaseSiteSetting, register_setting

from schools.current import school_staff

WEEKDAY_FIELDS = (
    "monday",
    "tuesday",
    "wednesday",
    "thursday",
    "friday",
    "saturday",
    "sunday",
)


def validate_time_zone(value: str) -> None:
    if value not in zoneinfo.available_timezones():
        raise ValidationError(
            "%(value)s is not a time zone name, e.g. Europe/London.",
            params={"value": value},
        )


@register_setting(icon="time")
class MonitoringHours(BaseSiteSetting):
    """When staff read and answer the school's social accounts (M1, M2).

    Outside these hours, and on holidays, INSET days and closures in the term
    calendar, nobody reads replies: ``cms.school_calendar.next_read_time`` says when
    someone next will.
    """

    monday = models.BooleanField(default=True)
    tuesday = models.BooleanField(default=True)
    wednesday = models.BooleanField(default=True)
    thursday = models.BooleanField(default=True)
    friday = models.BooleanField(default=True)
    saturday = models.BooleanField(default=False)
    sunday = models.BooleanField(default=False)
    opens_at = models.TimeField(
        "watched from", default=datetime.time(8, 0), help_text="e.g. 08:00"
    )
    closes_at = models.TimeField(
        "watched until", default=datetime.time(17, 0), help_text="e.g. 17:00"
    )
    time_zone = models.CharField(
        max_length=64,
        default="Europe/London",
        validators=[validate_time_zone],
        help_text="The school's time zone, e.g. Europe/London",
    )

    panels = [
        MultiFieldPanel(
            [FieldRowPanel([FieldPanel(day) for day in WEEKDAY_FIELDS])],
            heading="Days the accounts are watched (not holidays or closures)",
        ),
        FieldRowPanel([FieldPanel("opens_at"), FieldPanel("closes_at")]),
        FieldPanel("time_zone"),
    ]

    class Meta:
        verbose_name = "monitoring hours"
        verbose_name_plural = "monitoring hours"

    @property
    def zone(self) -> zoneinfo.ZoneInfo:
        return zoneinfo.ZoneInfo(self.time_zone)

    @property
    def weekdays(self) -> frozenset[int]:
        """Watched days as ``date.weekday()`` numbers (Monday is 0)."""
        return frozenset(
            number for number, name in enumerate(WEEKDAY_FIELDS) if getattr(self, name)
        )

    def clean(self) -> None:
        super().clean()
        if not self.weekdays:
            raise ValidationError("Tick at least one day the accounts are watched.")
        if self.opens_at and self.closes_at and self.closes_at <= self.opens_at:
            raise ValidationError(
                {"closes_at": "The accounts must be watched until after they open."}
            )


HOLIDAY_NOTICE_PLACEHOLDERS = {
    "holiday": "the holiday's name, e.g. Christmas holiday",
    "first_day_back": "the first day back, e.g. Tuesday 5 January",
    "office_contact": "how to contact the office (below)",
    "emergency": "what to do in an emergency (below)",
}


def validate_notice_template(value: str) -> None:
    """Only the known {placeholders}, and well-formed braces."""
    try:
        names = {
            name
            for _, name, _, _ in string.Formatter().parse(value)
            if name is not None
        }
    except ValueError as error:
        raise ValidationError(
            "A { or } is not closed. Write placeholders like {holiday}."
        ) from error
    unknown = sorted(names - HOLIDAY_NOTICE_PLACEHOLDERS.keys())
    if unknown:
        raise ValidationError(
            "Unknown placeholder(s): %(unknown)s. Use %(known)s.",
            params={
                "unknown": ", ".join(f"{{{name}}}" for name in unknown),
                "known": ", ".join(
                    f"{{{name}}}" for name in HOLIDAY_NOTICE_PLACEHOLDERS
                ),
            },
        )


class HolidayNoticeSettingsForm(WagtailAdminModelForm):
    """The author is chosen among the school's own staff, not the installation's."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["author"].queryset = school_staff(self.instance.site)


@register_setting(icon="date")
class HolidayNoticeSettings(BaseSiteSetting):
    """The school's holiday notice, drafted from the term calendar (M1).

    A set number of days before each holiday the notice is drafted from these
    templates and sent for approval; once approved it goes live and is pinned when
    the holiday starts, and comes down on the first day back.
    """

    days_before = models.PositiveSmallIntegerField(
        "draft this many days before", default=7
    )
    title_template = models.CharField(
        "title",
        max_length=200,
        blank=True,
        default="{holiday}: when we will reply",
        validators=[validate_notice_template],
    )
    message_template = models.TextField(
        "notice",
        blank=True,
        default=(
            "The school is closed for the {holiday}. Our social media accounts and "
            "emails are not watched until {first_day_back}, when we will reply.\n\n"
            "To contact the school office: {office_contact}.\n\n"
            "In an emergency: {emergency}."
        ),
        validators=[validate_notice_template],
        help_text="Placeholders: "
        + "; ".join(f"{{{k}}} {v}" for k, v in HOLIDAY_NOTICE_PLACEHOLDERS.items()),
    )
    social_template = models.CharField(
        "social media post",
        max_length=500,
        blank=True,
        default=(
            "School is closed for the {holiday}. We will reply to messages from "
            "{first_day_back}."
        ),
        validators=[validate_notice_template],
        help_text="Shortened to fit where a network allows fewer characters.",
    )
    office_contact = models.CharField(
        max_length=255,
        blank=True,
        default="email the office; we reply on the first day back",
    )
    emergency = models.CharField(
        "what to do in an emergency",
        max_length=255,
        blank=True,
        default="call 999; for a safeguarding concern call the local authority",
    )
    # The same notice in Welsh, for a school that publishes in Welsh and English
    # (issue 27): both go for approval together and go live together.
    welsh_title_template = models.CharField(
        _("title in Welsh"),
        max_length=200,
        blank=True,
        default="{holiday}: pryd y byddwn yn ateb",
        validators=[validate_notice_template],
    )
    welsh_message_template = models.TextField(
        _("notice in Welsh"),
        blank=True,
        default=(
            "Mae'r ysgol ar gau ar gyfer {holiday}. Ni fydd neb yn gwylio ein cyfrifon "
            "cyfryngau cymdeithasol na'n negeseuon e-bost tan {first_day_back}, pan "
            "fyddwn yn ateb.\n\n"
            "I gysylltu â swyddfa'r ysgol: {office_contact}.\n\n"
            "Mewn argyfwng: {emergency}."
        ),
        validators=[validate_notice_template],
    )
    welsh_social_template = models.CharField(
        _("social media post in Welsh"),
        max_length=500,
        blank=True,
        default=(
            "Mae'r ysgol ar gau ar gyfer {holiday}. Byddwn yn ateb negeseuon o "
            "{first_day_back} ymlaen."
        ),
        validators=[validate_notice_template],
    )
    welsh_office_contact = models.CharField(
        _("how to contact the office, in Welsh"),
        max_length=255,
        blank=True,
        default=(
            "anfonwch e-bost at y swyddfa; byddwn yn ateb ar y diwrnod cyntaf yn ôl"
        ),
    )
    welsh_emergency = models.CharField(
        _("what to do in an emergency, in Welsh"),
        max_length=255,
        blank=True,
        default="ffoniwch 999; os oes pryder diogelu, ffoniwch yr awdurdod lleol",
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="The member of staff the notices are drafted for; they are told "
        "when one is waiting for approval.",
    )

    base_form_class = HolidayNoticeSettingsForm
    panels = [
        FieldPanel("days_before"),
        FieldPanel("author"),
        MultiFieldPanel(
            [
                FieldPanel("title_template"),
                FieldPanel("message_template"),
                FieldPanel("social_template"),
            ],
            heading="Template",
        ),
        FieldPanel("office_contact"),
        FieldPanel("emergency"),
        MultiFieldPanel(
            [
                FieldPanel("welsh_title_template"),
                FieldPanel("welsh_message_template"),
                FieldPanel("welsh_social_template"),
                FieldPanel("welsh_office_contact"),
                FieldPanel("welsh_emergency"),
            ],
            heading=_("In Welsh (for a school that publishes in Welsh and English)"),
        ),
    ]

    class Meta:
        verbose_name = "holiday notices"
        verbose_name_plural = "holiday notices"

    @property
    def has_template(self) -> bool:
        return bool(self.title_template.strip() and self.message_template.strip())

    @property
    def has_welsh_template(self) -> bool:
        return bool(
            self.welsh_title_template.strip() and self.welsh_message_template.strip()
        )

    def in_language(self, code: str) -> dict[str, str]:
        """The templates and values of one language (Welsh, or English otherwise)."""
        if code == "cy":
            return {
                "title": self.welsh_title_template,
                "message": self.welsh_message_template,
                "social": self.welsh_social_template,
                "office_contact": self.welsh_office_contact,
                "emergency": self.welsh_emergency,
            }
        return {
            "title": self.title_template,
            "message": self.message_template,
            "social": self.social_template,
            "office_contact": self.office_contact,
            "emergency": self.emergency,
        }
