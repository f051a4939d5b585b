"""Consent that ends at midnight takes the photo's public copies down at midnight
(C1; issue 20, class 4).

Before: an expiry date hid the photo from pages at midnight, but its public copies
(files at public addresses) stayed until the daily check at 00:05. Now the withdrawal
is an rq job scheduled for the moment itself, run here by rq's own scheduler and a
real worker with the clock moved by ``time_machine``; a per-minute check catches up
when that job was lost.
"""

from __future__ import annotations

import datetime

import django_rq
import pytest
from django.core.files.storage import storages
from rq import SimpleWorker
from rq.registry import ScheduledJobRegistry
from rq.scheduler import RQScheduler

from cms.models import SchoolImage
from moderation.consent.services import consent_record
from publishing.scheduled_jobs.services import scheduled_job_run
from tests.factories import NewsPageFactory, learner_with_consent, tagged_image
from tests.publishing.calendar_steps import Clock, london
from tests.school_site import build_school_site

pytestmark = pytest.mark.django_db

LAST_DAY = datetime.date(2026, 7, 20)  # consent "until 20 July": the last day it holds
MIDNIGHT = london(2026, 7, 21, 0, 0)


@pytest.fixture
def clock():
    clock = Clock(london(2026, 7, 20, 16, 0))
    yield clock
    clock.stop()


@pytest.fixture
def photo_with_consent_until_midnight(
    clock, home_page, redis_connection, django_capture_on_commit_callbacks
):
    """Amy's photo on a live post; her parents' consent runs until 20 July."""
    school = build_school_site(home_page)
    amy = learner_with_consent(first_name="Amy", last_name="Hughes")
    with django_capture_on_commit_callbacks(execute=True):
        consent_record(
            learner=amy,
            use="website",
            given=True,
            given_on=datetime.date(2025, 9, 1),
            expires_on=LAST_DAY,
            recorded_by="Office",
        )
        photo = tagged_image(amy, title="Sports day")
        post = NewsPageFactory(
            parent=school.news_index,
            title="Sports day",
            listing_image=photo,
            body=[("image", {"image": photo, "caption": "On the field"})],
            live=False,
        )
        post.save_revision().publish()
    return SchoolImage.objects.get(pk=photo.pk)


def copies_served(photo) -> list[str]:
    storage = storages["public_media"]
    return [
        copy["name"]
        for copy in photo.public_files["files"].values()
        if storage.exists(copy["name"])
    ]


def rq_scheduler_and_worker_run(capture) -> None:
    """What the worker (``--with-scheduler``) does each second: move due jobs to the
    queue, then run them."""
    queue = django_rq.get_queue("default")
    scheduler = RQScheduler([queue], connection=queue.connection)
    scheduler.acquire_locks()
    scheduler.enqueue_scheduled_jobs()
    scheduler.release_locks()
    with capture(execute=True):
        SimpleWorker([queue], connection=queue.connection).work(burst=True)


def test_the_photo_leaves_its_public_addresses_at_midnight_exactly(
    clock, photo_with_consent_until_midnight, django_capture_on_commit_callbacks
):
    photo = photo_with_consent_until_midnight
    copies = copies_served(photo)
    assert copies  # the control: public on the last day of consent
    registry = ScheduledJobRegistry(queue=django_rq.get_queue("default"))
    [job_id] = registry.get_job_ids()
    assert registry.get_scheduled_time(job_id) == MIDNIGHT  # 23:00 UTC in summer

    clock.to(MIDNIGHT - datetime.timedelta(seconds=1))
    rq_scheduler_and_worker_run(django_capture_on_commit_callbacks)
    assert copies_served(SchoolImage.objects.get(pk=photo.pk)) == copies

    clock.to(MIDNIGHT)
    rq_scheduler_and_worker_run(django_capture_on_commit_callbacks)
    photo = SchoolImage.objects.get(pk=photo.pk)
    assert photo.is_withdrawn
    assert not any(storages["public_media"].exists(name) for name in copies)


def test_a_lost_midnight_job_is_caught_up_within_the_minute(
    clock,
    photo_with_consent_until_midnight,
    redis_connection,
    django_capture_on_commit_callbacks,
):
    photo = photo_with_consent_until_midnight
    copies = copies_served(photo)
    redis_connection.flushdb()  # Redis restarted without its data before midnight
    clock.to(MIDNIGHT + datetime.timedelta(seconds=40))
    with django_capture_on_commit_callbacks(execute=True):
        run = scheduled_job_run(name="consent-lapse-catch-up", now=clock.now)
    assert "1 withdrawal(s) applied" in run.outcome
    assert SchoolImage.objects.get(pk=photo.pk).is_withdrawn
    assert not any(storages["public_media"].exists(name) for name in copies)


def test_a_leaving_date_is_scheduled_for_the_midnight_it_starts(
    clock, home_page, redis_connection, django_capture_on_commit_callbacks
):
    amy = learner_with_consent(first_name="Amy", last_name="Hughes")
    amy.left_on = datetime.date(2026, 7, 22)
    with django_capture_on_commit_callbacks(execute=True):
        amy.save()
    registry = ScheduledJobRegistry(queue=django_rq.get_queue("default"))
    [job_id] = registry.get_job_ids()
    assert registry.get_scheduled_time(job_id) == london(2026, 7, 22, 0, 0)
