"""Three confirmed families subscribed to the demo school's email updates.

For `make run` only (refuses production settings). Subscribes them to the school
named by ``--school HOST`` (the demo school without it). Idempotent: families already
there are left as they are. Approving the demo post waiting for approval then sends
their alerts to the local mail sink.
"""

from __future__ import annotations

from django.core.management.base import BaseCommand
from django.utils import timezone

from alerts.addresses import email_key
from alerts.models import Category, Frequency, Subscriber
from alerts.subscriptions import subscriber_confirm
from cms.demo_school import ensure_not_production_command
from schools.commands import school_argument_add, school_from_option

DEMO_FAMILIES = {
    "the.smiths@families.example": {
        Category.URGENT: Frequency.IMMEDIATE,
        Category.NEWS: Frequency.IMMEDIATE,
        Category.NOTICES: Frequency.IMMEDIATE,
    },
    "ceri.jones@families.example": {
        Category.URGENT: Frequency.IMMEDIATE,
        Category.NEWS: Frequency.WEEKLY,
    },
    "no.social.media@families.example": {Category.URGENT: Frequency.IMMEDIATE},
}


class Command(BaseCommand):
    help = "Add three confirmed demo families to a school's email updates."

    def add_arguments(self, parser):
        school_argument_add(parser)

    def handle(self, *args, school: str | None = None, **options):
        ensure_not_production_command()
        site = school_from_option(school)
        added = 0
        for email, choices in DEMO_FAMILIES.items():
            subscriber, created = Subscriber.objects.get_or_create(
                site=site,
                email_key=email_key(email),
                defaults={
                    "email": email,
                    "pending_choices": choices,
                    "source_page": "demo school",
                },
            )
            if created:
                subscriber_confirm(subscriber=subscriber, now=timezone.now())
                added += 1
        self.stdout.write(f"{added} demo famil(ies) subscribed to email updates.")
