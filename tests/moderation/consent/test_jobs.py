"""The daily consent check, run by a real rq worker as cron enqueues it."""

import datetime

import django_rq
import pytest
from rq import SimpleWorker

from moderation import jobs
from tests.factories import ConsentRecordFactory, LearnerFactory, tagged_image

pytestmark = pytest.mark.django_db


def test_daily_check_job_withdraws_expired_consent(
    redis_connection, django_capture_on_commit_callbacks
):
    learner = LearnerFactory()
    ConsentRecordFactory(
        learner=learner, use="website", expires_on=datetime.date(2000, 7, 31)
    )
    image = tagged_image(learner)
    queue = django_rq.get_queue("default")
    with django_capture_on_commit_callbacks(execute=True):
        queue.enqueue(jobs.consent_expiry_check)
    assert queue.count == 1
    SimpleWorker([queue], connection=queue.connection).work(burst=True)
    assert type(image).objects.get(pk=image.pk).is_withdrawn
