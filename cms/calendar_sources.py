"""Where a school's imported term dates came from, and files waiting to be applied.

An import from a source replaces that source's dates (``cms.term_dates_import``), so
each imported date remembers its ``CalendarSource``; dates typed into the admin have
none and no import ever removes them. Both models belong to one school (a Wagtail
``Site``).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from wagtail.models import Site


class CalendarSource(models.Model):
    """A calendar a school imports term dates from, e.g. the council's term dates.

    Recognised again by the name the file gives itself (``X-WR-CALNAME``, else the
    program that wrote it); staff may also choose the source when they import.
    """

    site = models.ForeignKey(
        Site, on_delete=models.CASCADE, related_name="calendar_sources"
    )
    name = models.CharField(max_length=255)
    calendar_name = models.CharField(
        max_length=255,
        blank=True,
        help_text="The name the calendar file gives itself",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    last_imported_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["site", "name"], name="calendar_source_unique_name_per_site"
            )
        ]

    def __str__(self) -> str:
        return self.name


class TermDatesUpload(models.Model):
    """A calendar file uploaded and previewed; applied only when staff confirm.

    The file is kept here between the preview and the confirmation (a browser
    cannot send a file twice without scripts) and deleted once applied.
    """

    site = models.ForeignKey(Site, on_delete=models.CASCADE, related_name="+")
    source = models.ForeignKey(
        CalendarSource,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        help_text="Chosen by staff; empty: recognised from the file, or a new one",
    )
    new_source = models.BooleanField(
        default=False, help_text="Staff asked for a new calendar source"
    )
    new_source_name = models.CharField(
        max_length=200, blank=True, help_text="What staff called a new source"
    )
    file_name = models.CharField(max_length=255)
    content = models.BinaryField()
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.file_name
