"""The school's own calendar settings: when the accounts are watched, holiday notices.

Site settings (Settings menu in the admin), one row per school site, so a trust with
several schools on one install keeps each school's hours and wording apart.
"""

from __future__ import annotations

import datetime
import zoneinfo

from django.core.exceptions import ValidationError
from django.db import models
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel
from wagtail.contrib.settings.models import BaseSiteSetting, register_setting

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
