"""A bilingual school's families get one email in both languages (issue 27 item 3)."""

from __future__ import annotations

from django.utils import timezone

from alerts.models import AlertEmail
from alerts.outbox import alerts_create_for_page
from tests.alerts.conftest import (
    URGENT_ONLY,
    closure,
    confirmed_subscriber,
    subscribe_device,
)
from tests.i18n.conftest import bilingual  # noqa: F401 (fixture)


def closure_in_both_languages(bilingual):  # noqa: F811
    english = closure(bilingual.english.notices, title="Snow: school closed today")
    english.save_revision()
    welsh = english.copy_for_translation(bilingual.welsh, copy_parents=True)
    welsh.title, welsh.slug = "Eira: mae'r ysgol ar gau heddiw", "eira"
    welsh.message = "<p>Mae'r ysgol ar gau heddiw oherwydd yr eira.</p>"
    welsh.save_revision()
    return english, welsh


def test_both_languages_go_in_one_email_and_one_notification_welsh_first(
    bilingual,  # noqa: F811
    smtp,
    push,
    client,
    worker,
    django_capture_on_commit_callbacks,
):
    confirmed_subscriber(
        bilingual.english.home.get_site(), "smith@family.example", URGENT_ONLY
    )
    phone = subscribe_device(client, push, ["urgent"])
    english, welsh = closure_in_both_languages(bilingual)

    with django_capture_on_commit_callbacks(execute=True):  # one approval, one moment
        english.get_latest_revision().publish()
        welsh.get_latest_revision().publish()
    worker.drain()

    [mail] = smtp.to("smith@family.example")
    assert mail.subject.endswith(
        "Eira: mae'r ysgol ar gau heddiw / Snow: school closed today"
    )
    text = mail.text
    assert text.index("oherwydd yr eira") < text.index("closed today because of snow")
    assert "Darllenwch" in text and "Read it on the school website" in text
    assert 'lang="cy"' in mail.html
    [shown] = push.shown(phone["endpoint"])
    assert shown.title.endswith(
        "Eira: mae'r ysgol ar gau heddiw / Snow: school closed today"
    )
    assert shown.payload["body"] == (
        "Mae'r ysgol ar gau heddiw oherwydd yr eira.\n\n"
        "The school is closed today because of snow."
    )
    welsh.refresh_from_db()
    assert shown.payload["url"] == welsh.full_url


def test_withdrawing_one_language_stops_the_email_in_both(
    bilingual,  # noqa: F811
    smtp,
):
    confirmed_subscriber(
        bilingual.english.home.get_site(), "smith@family.example", URGENT_ONLY
    )
    english, welsh = closure_in_both_languages(bilingual)
    english.get_latest_revision().publish()
    welsh.get_latest_revision().publish()

    welsh.refresh_from_db()
    welsh.unpublish()

    assert [row.status for row in AlertEmail.objects.all()] == [
        AlertEmail.Status.CANCELLED
    ]
    english.refresh_from_db()
    assert not english.live


def test_a_language_that_follows_after_an_email_went_gets_its_own(
    bilingual,  # noqa: F811
    smtp,
    worker,
    django_capture_on_commit_callbacks,
):
    confirmed_subscriber(
        bilingual.english.home.get_site(), "smith@family.example", URGENT_ONLY
    )
    english, welsh = closure_in_both_languages(bilingual)
    with django_capture_on_commit_callbacks(execute=True):
        english.get_latest_revision().publish()
    worker.drain()

    with django_capture_on_commit_callbacks(execute=True):
        welsh.get_latest_revision().publish()
    worker.drain()

    subjects = [mail.subject for mail in smtp.to("smith@family.example")]
    assert len(subjects) == 2 and "Eira" in subjects[1]
    assert alerts_create_for_page(page=welsh, now=timezone.now()) is None
