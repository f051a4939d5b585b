"""Where a CDN is configured, a withdrawal purges it at once (issue 20, class 4).

The CDN is a real loopback HTTP endpoint (``emulators/cdn.py``) that Wagtail's
generic HTTP backend sends its ``PURGE`` requests to; a real rq worker runs the job.
"""

from __future__ import annotations

import django_rq
import pytest
from django.conf import settings
from django.utils import timezone
from rq import SimpleWorker

from cms.models import SchoolImage
from moderation.consent.services import consent_record
from tests.factories import NewsPageFactory, learner_with_consent, tagged_image
from tests.school_site import build_school_site

pytestmark = pytest.mark.django_db


@pytest.fixture
def published_photo(home_page, django_capture_on_commit_callbacks):
    """Amy's photo on a live news post, with its public copies."""
    school = build_school_site(home_page)
    amy = learner_with_consent(first_name="Amy", last_name="Hughes")
    photo = tagged_image(amy, title="Sports day")
    post = NewsPageFactory(
        parent=school.news_index,
        title="Sports day",
        slug="sports-day",
        listing_image=photo,
        body=[("image", {"image": photo, "caption": "On the field"})],
        live=False,
    )
    with django_capture_on_commit_callbacks(execute=True):
        post.save_revision().publish()
    photo = SchoolImage.objects.get(pk=photo.pk)
    assert photo.public_files  # the control: it is public
    copies = [
        "http://localhost" + settings.PUBLIC_MEDIA_URL + copy["name"]
        for copy in photo.public_files["files"].values()
    ]
    return {"amy": amy, "copies": copies}


def withdraw(amy, capture) -> None:
    with capture(execute=True):
        consent_record(
            learner=amy,
            use="website",
            given=False,
            given_on=timezone.localdate(),
            recorded_by="Office",
        )


def run_default_queue() -> None:
    queue = django_rq.get_queue("default")
    SimpleWorker([queue], connection=queue.connection).work(burst=True)


def test_a_withdrawal_purges_the_photos_copies_and_pages_from_the_cdn(
    settings,
    cdn_emulator,
    redis_connection,
    published_photo,
    django_capture_on_commit_callbacks,
):
    settings.WAGTAILFRONTENDCACHE = {
        "cdn": {
            "BACKEND": "cms.cdn_backends.HTTPPurgeBackend",
            "LOCATION": cdn_emulator.base_url,
        }
    }
    cdn_emulator.reset()
    withdraw(published_photo["amy"], django_capture_on_commit_callbacks)
    run_default_queue()
    purged = set(cdn_emulator.purged)
    assert set(published_photo["copies"]) <= purged
    # The post that showed it and the listings above it.
    assert {
        "http://localhost/news/sports-day/",
        "http://localhost/news/",
        "http://localhost/",
    } <= purged


def test_without_a_cdn_configured_nothing_is_purged(
    cdn_emulator, redis_connection, published_photo, django_capture_on_commit_callbacks
):
    assert settings.WAGTAILFRONTENDCACHE == {}  # off by default
    withdraw(published_photo["amy"], django_capture_on_commit_callbacks)
    assert django_rq.get_queue("default").count == 0
    run_default_queue()
    assert cdn_emulator.purged == []
