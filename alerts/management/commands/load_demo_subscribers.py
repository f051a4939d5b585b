"""Three confirmed families subscribed to the demo school's email updates, and a
demo phone subscribed to its notifications on the local push service.

For `make run` only (refuses production settings). Subscribes them to the school
named by ``--school HOST`` (the demo school without it). Idempotent: families already
there are left as they are. Approving the demo post waiting for approval then sends
their alerts to the local mail sink, and a notification to the phone.

The phone is subscribed only when web push is on (VAPID keys) and a push service on
this machine is listed in ``ALERTS_PUSH_EXTRA_SERVICES`` (`make run`'s emulator); it
forgets its devices when it stops, so each run replaces the previous run's phone.
"""

from __future__ import annotations

from urllib.parse import urlsplit

import requests
from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils import timezone

from alerts.addresses import email_key
from alerts.models import Category, Frequency, PushDevice, Subscriber
from alerts.push_devices import device_subscribe
from alerts.push_keys import push_enabled
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
DEMO_SOURCE = "demo school"
DEMO_PHONE_CATEGORIES = [Category.URGENT, Category.NOTICES, Category.NEWS]
LOOPBACK = {"127.0.0.1", "localhost", "::1"}


def local_push_service() -> str | None:
    """The first push service on this machine that the worker may send to."""
    for origin in settings.ALERTS_PUSH_EXTRA_SERVICES:
        if urlsplit(origin).hostname in LOOPBACK:
            return origin.rstrip("/")
    return None


class Command(BaseCommand):
    help = (
        "Add three confirmed demo families to a school's email updates, and a demo "
        "phone to its notifications on the local push service."
    )

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
                    "source_page": DEMO_SOURCE,
                },
            )
            if created:
                subscriber_confirm(subscriber=subscriber, now=timezone.now())
                added += 1
        self.stdout.write(f"{added} demo famil(ies) subscribed to email updates.")
        self._demo_phone(site)

    def _demo_phone(self, site) -> None:
        service = local_push_service()
        if service is None or not push_enabled():
            return
        try:
            answer = requests.post(
                f"{service}/__emulator__/device",
                json={"application_server_key": settings.ALERTS_PUSH_VAPID_PUBLIC_KEY},
                timeout=10,
            )
            answer.raise_for_status()
        except requests.RequestException as error:
            self.stderr.write(f"No demo phone: the local push service said {error}")
            return
        subscription = answer.json()
        PushDevice.objects.filter(site=site, consent__source_page=DEMO_SOURCE).delete()
        device_subscribe(
            site=site,
            endpoint=subscription["endpoint"],
            p256dh=subscription["keys"]["p256dh"],
            auth=subscription["keys"]["auth"],
            categories=DEMO_PHONE_CATEGORIES,
            source_page=DEMO_SOURCE,
            now=timezone.now(),
        )
        self.stdout.write(f"A demo phone gets notifications from {service}.")
