"""A bilingual gallery: one approval, both languages prepared in jobs, live together.

Issue 22, item 1, for a Welsh/English pair (parity on): approving returns before any
copy is made, the copies of both languages are made by the rq worker, and both go
live at the same instant only when every copy of both exists; a problem in either
language stops both and removes what was made; the sweep resumes a pair.
"""

from __future__ import annotations

import datetime

import pytest
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from cms.models import NewsPage, SchoolImage
from cms.preparation.models import PagePreparation
from cms.preparation.queueing import media_queue
from cms.preparation.services import preparations_sweep
from cms.public_media import PUBLIC_IMAGE_FILTERS, public_rendition
from tests.cms.test_page_preparation import (
    REDIS_DOWN,
    photos,
    public_files,
    run_worker,
)
from tests.factories import (
    NewsPageFactory,
    learner_with_consent,
    tagged_image,
)
from tests.moderation.workflow.conftest import signed_in, submit

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("public_storage")]


@pytest.fixture
def learner(db):
    return learner_with_consent()


def with_gallery(page, images, author) -> NewsPage:
    """``page``'s next version shows ``images``, written by ``author``."""
    page = NewsPage.objects.get(pk=page.pk).get_latest_revision_as_object()
    page.body = [("image", {"image": image, "caption": "Ar y cae"}) for image in images]
    page.save_revision(user=author)
    return page


def described_in_both(images):
    """A bilingual school's photos are described in both languages."""
    SchoolImage.objects.filter(pk__in=[image.pk for image in images]).update(
        description="Children on the playing field",
        welsh_description="Plant ar y cae chwarae",
    )
    return images


def gallery_pair(bilingual, author, learner):
    """A new English gallery and its Welsh version, which has one photo more."""
    shared = photos(learner, count=1)
    english = NewsPageFactory(
        parent=bilingual.english.news_index,
        title="Sports day",
        slug="sports-day-gallery",
        live=False,
        owner=author,
    )
    english = with_gallery(english, shared, author)
    welsh = english.copy_for_translation(bilingual.welsh)
    welsh.title, welsh.slug = "Diwrnod mabolgampau", "oriel-mabolgampau"
    welsh.save_revision(user=author)
    welsh_only = tagged_image(learner, title="Bwrdd y sgôr")
    images = described_in_both([*shared, welsh_only])
    welsh = with_gallery(welsh, images, author)
    return english, welsh, images


def approve(approver, english, capture):
    """The approver approves the English version on the review screen."""
    task_state = english.current_workflow_task_state
    with capture(execute=True):
        response = signed_in(approver).post(
            reverse("moderation_workflow:review", args=(task_state.pk,)),
            {"action": "approve", "revision_id": task_state.revision_id},
            follow=True,
        )
    assert response.status_code == 200
    return task_state, response.content.decode()


def reload(page) -> NewsPage:
    return NewsPage.objects.get(pk=page.pk)


def test_a_pair_is_approved_at_once_and_both_languages_go_live_together_after_the_jobs(
    bilingual,
    author,
    approver,
    learner,
    public_storage,
    redis_connection,
    django_capture_on_commit_callbacks,
    client,
):
    english, welsh, images = gallery_pair(bilingual, author, learner)
    submit(english, author)

    task_state, answer = approve(approver, english, django_capture_on_commit_callbacks)

    # Answered before any copy: the distinct photos of both languages wait.
    assert "is approved. Preparing 2 photos… 0 ready" in answer
    assert not reload(english).live and not reload(welsh).live
    assert public_files(public_storage) == []
    assert media_queue().count == 2
    review = signed_in(approver).get(
        reverse("moderation_workflow:review", args=(task_state.pk,))
    )
    assert "Sports day / Diwrnod mabolgampau" in review.content.decode()
    assert "Preparing 2 photos… 0 ready" in review.content.decode()

    run_worker(django_capture_on_commit_callbacks)

    english, welsh = reload(english), reload(welsh)
    assert english.live and welsh.live
    assert english.last_published_at == welsh.last_published_at
    welsh_html = client.get("/cy/newyddion/oriel-mabolgampau/").content.decode()
    english_html = client.get(english.url).content.decode()
    for image in images:
        image.refresh_from_db()
        assert public_rendition(image, "width-960").url in welsh_html
        for spec in PUBLIC_IMAGE_FILTERS:
            assert public_rendition(image, spec) is not None, (image.title, spec)
    assert public_rendition(images[-1], "width-960").url not in english_html
    dashboard = signed_in(author).get(reverse("wagtailadmin_home")).content.decode()
    assert "Sports day / Diwrnod mabolgampau</a>: <span data-preparation-text>Live" in (
        dashboard
    )


def test_a_damaged_photo_in_the_welsh_version_keeps_both_languages_off(
    bilingual,
    author,
    approver,
    learner,
    public_storage,
    redis_connection,
    django_capture_on_commit_callbacks,
):
    english, welsh, images = gallery_pair(bilingual, author, learner)
    with open(images[-1].file.path, "wb") as damaged:
        damaged.write(b"this is not a picture")
    submit(english, author)

    task_state, _answer = approve(approver, english, django_capture_on_commit_callbacks)
    run_worker(django_capture_on_commit_callbacks)

    assert not reload(english).live and not reload(welsh).live
    assert public_files(public_storage) == []  # not even the English photos
    review = signed_in(approver).get(
        reverse("moderation_workflow:review", args=(task_state.pk,))
    )
    assert "Not published: “Bwrdd y sgôr” could not be prepared" in (
        review.content.decode()
    )


def test_unpublishing_the_welsh_page_during_preparation_stops_both_languages(
    bilingual,
    author,
    approver,
    learner,
    public_storage,
    redis_connection,
    django_capture_on_commit_callbacks,
    client,
):
    images = described_in_both(photos(learner, count=1))
    english = with_gallery(bilingual.english_story, images, author)
    welsh = with_gallery(bilingual.welsh_story, images, author)
    submit(english, author)
    approve(approver, english, django_capture_on_commit_callbacks)
    # The versions there now stay while the new ones are prepared.
    assert reload(english).live and reload(welsh).live

    with django_capture_on_commit_callbacks(execute=True):
        reload(welsh).unpublish()
    run_worker(django_capture_on_commit_callbacks)

    assert not reload(welsh).live
    english_html = client.get(reload(english).url).content.decode()
    assert "Ar y cae" not in english_html  # the English gallery did not go live alone
    assert public_files(public_storage) == []
    preparation = PagePreparation.objects.get(page_id=english.pk)
    assert preparation.status == "stopped"
    assert "unpublished" in preparation.problem


def test_the_sweep_resumes_a_pair_whose_jobs_were_lost(
    bilingual,
    author,
    approver,
    learner,
    settings,
    redis_connection,
    django_capture_on_commit_callbacks,
):
    english, welsh, images = gallery_pair(bilingual, author, learner)
    submit(english, author)
    with override_settings(RQ_QUEUES={**settings.RQ_QUEUES, "media": REDIS_DOWN}):
        approve(approver, english, django_capture_on_commit_callbacks)
    assert media_queue().count == 0

    with django_capture_on_commit_callbacks(execute=True):
        woken = preparations_sweep(now=timezone.now() + datetime.timedelta(minutes=1))
    run_worker(django_capture_on_commit_callbacks)

    assert woken == len(images)
    english, welsh = reload(english), reload(welsh)
    assert english.live and welsh.live
    assert english.last_published_at == welsh.last_published_at
