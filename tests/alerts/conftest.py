"""Set-up for the parent alerts tests: two schools, a real SMTP sink, a worker."""

from __future__ import annotations

import io
import json
import re

import pytest
from django.conf import settings
from django.core.management import call_command
from django.utils import timezone
from rq import SimpleWorker
from wagtail.models import Page, Site

from alerts.addresses import email_key
from alerts.models import Category, Frequency, Subscriber, Subscription
from alerts.queueing import alerts_queue
from home.models import HomePage
from tests import factories
from tests.school_site import build_school_site

SMTP = "django.core.mail.backends.smtp.EmailBackend"


@pytest.fixture
def school(home_page):
    """Meadowbank, the default site (answers at localhost / testserver)."""
    return build_school_site(home_page)


@pytest.fixture
def other_school(db):
    """A second school on the same install, at its own address."""
    root = Page.get_first_root_node()
    home = root.add_child(
        instance=HomePage(title="Hillside Primary School", slug="hillside")
    )
    site = Site.objects.create(
        hostname="hillside.example", port=80, root_page=home, site_name="Hillside"
    )
    notices = factories.NoticeIndexPageFactory(parent=home, slug="notices")
    news = factories.NewsIndexPageFactory(parent=home, slug="news")
    return type(
        "OtherSchool",
        (),
        {"site": site, "home": home, "notices": notices, "news_index": news},
    )


@pytest.fixture
def smtp(settings, mail_sink):
    """Every email, alerts and confirmations, goes over real SMTP to the sink."""
    settings.EMAIL_BACKEND = "cms.mail.RecordingEmailBackend"
    settings.EMAIL_DELIVERY_BACKEND = SMTP
    settings.ALERTS_EMAIL_BACKEND = SMTP
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = mail_sink.smtp_port
    settings.EMAIL_TIMEOUT = 5
    return mail_sink


@pytest.fixture
def postmark(settings, postmark_emulator):
    """Alerts go through anymail's Postmark backend to the emulated API."""
    settings.ALERTS_EMAIL_BACKEND = "anymail.backends.postmark.EmailBackend"
    settings.ANYMAIL = {
        "POSTMARK_SERVER_TOKEN": postmark_emulator.server_token,
        "POSTMARK_API_URL": postmark_emulator.base_url + "/",
        "REQUESTS_TIMEOUT": 2,
    }
    return postmark_emulator


def confirmed_subscriber(site, email: str, choices: dict[str, str]) -> Subscriber:
    """A family who signed up and clicked the confirmation link."""
    subscriber = Subscriber.objects.create(
        site=site,
        email=email,
        email_key=email_key(email),
        confirmed_at=timezone.now(),
        consent={"choices": choices},
    )
    Subscription.objects.bulk_create(
        Subscription(subscriber=subscriber, category=category, frequency=frequency)
        for category, frequency in choices.items()
    )
    return subscriber


URGENT_ONLY = {Category.URGENT: Frequency.IMMEDIATE}


class Worker:
    """Runs the alerts queue in-process until nothing is left to do."""

    def __init__(self, capture):
        self.capture = capture

    def drain(self, *, rounds: int = 20) -> None:
        queue = alerts_queue()
        for _ in range(rounds):
            with self.capture(execute=True):
                if not queue.count:
                    return
                SimpleWorker([queue], connection=queue.connection).work(burst=True)
        assert queue.count == 0


@pytest.fixture
def worker(redis_connection, django_capture_on_commit_callbacks):
    return Worker(django_capture_on_commit_callbacks)


@pytest.fixture
def publish(django_capture_on_commit_callbacks):
    """Publish a page's latest revision as approval does, running on-commit hooks."""

    def _publish(page):
        with django_capture_on_commit_callbacks(execute=True):
            page.save_revision().publish()
        page.refresh_from_db()
        return page

    return _publish


def closure(parent, title="Snow: school closed today", **fields):
    """An urgent closure, drafted (not live) until it is published."""
    return factories.NoticePageFactory(
        parent=parent,
        title=title,
        kind="closure",
        message="<p>The school is closed today because of snow.</p>",
        live=False,
        **fields,
    )


def link_in(text: str, path_part: str) -> str:
    """The first address in ``text`` containing ``path_part``, as a path."""
    match = re.search(
        rf"https?://[^/\s]+([^\s>\"]*{re.escape(path_part)}[^\s>\"]*)", text
    )
    assert match, f"no {path_part} link in: {text}"
    return match.group(1)


@pytest.fixture
def push(settings, push_service):
    """Web push on, sending to the local push service."""
    return push_turned_on(settings, push_service)


def push_turned_on(settings, push_service):
    """A key pair from `manage.py generate_vapid_keys`, and the local push service
    allowed; a push service that has not answered in 0.5 s is asked again later."""
    output = io.StringIO()
    call_command("generate_vapid_keys", stdout=output)
    keys = dict(line.split("=", 1) for line in output.getvalue().split())
    settings.ALERTS_PUSH_VAPID_PUBLIC_KEY = keys["ALERTS_PUSH_VAPID_PUBLIC_KEY"]
    settings.ALERTS_PUSH_VAPID_PRIVATE_KEY = keys["ALERTS_PUSH_VAPID_PRIVATE_KEY"]
    settings.ALERTS_PUSH_CONTACT = "mailto:office@meadowbank.example"
    settings.ALERTS_PUSH_EXTRA_SERVICES = [push_service.base_url]
    settings.ALERTS_PUSH_TIMEOUT_SECONDS = 0.5
    return push_service


def subscribe_device(client, push_service, categories, *, host="localhost") -> dict:
    """A browser subscribes on the school's "notify me" page; its subscription."""
    subscription = push_service.new_device(
        application_server_key=settings.ALERTS_PUSH_VAPID_PUBLIC_KEY
    )
    answer = client.post(
        "/updates/device/subscribe/",
        data=json.dumps({"subscription": subscription, "categories": categories}),
        content_type="application/json",
        HTTP_HOST=host,
    )
    assert answer.status_code == 200, answer.content
    return subscription
