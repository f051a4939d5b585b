"""Approving a gallery returns at once; the page goes live when its copies exist.

Issue 22, item 1. Each test approves as an approver does (the review screen, or the
service it calls), then runs a real rq worker in burst mode on the real Redis, and
checks what a parent, the approver or the author would see: the page, the public
API, the public files, the social deliveries, the progress on the review screen and
on the dashboard.
"""

from __future__ import annotations

import datetime

import pytest
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone
from rq import SimpleWorker
from wagtail.models import Page, Site

from cms.models import NewsPage
from cms.preparation.models import PagePreparation
from cms.preparation.queueing import media_queue
from cms.preparation.services import preparations_sweep
from cms.public_media import PUBLIC_IMAGE_FILTERS, public_rendition
from home.models import HomePage
from moderation import roles
from moderation.consent.services import consent_withdraw_all
from moderation.workflow import services
from publishing.models import Delivery, SocialPost
from schools.services import school_add
from tests.factories import (
    NewsIndexPageFactory,
    NewsPageFactory,
    SocialAccountFactory,
    learner_with_consent,
    staff,
    tagged_image,
)
from tests.moderation.workflow.conftest import signed_in, submit

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("public_storage")]

PHOTOS = 3
#: Redis that is not there: nothing listens on port 1.
REDIS_DOWN = {"URL": "redis://127.0.0.1:1/0", "DEFAULT_TIMEOUT": 60}


@pytest.fixture
def news_index(home_page):
    return NewsIndexPageFactory(parent=home_page)


@pytest.fixture
def learner(db):
    return learner_with_consent()


def photos(learner, count=PHOTOS):
    return [tagged_image(learner, title=f"Sports day {n}") for n in range(1, count + 1)]


def gallery(parent, author, images, **fields) -> NewsPage:
    """A draft news page showing ``images`` in its body, written by ``author``."""
    page = NewsPageFactory(
        parent=parent,
        title="Sports day",
        listing_image=images[0],
        body=[
            ("image", {"image": image, "caption": "On the field"}) for image in images
        ],
        live=False,
        owner=author,
        **fields,
    )
    page.save_revision(user=author)
    return page


def evidence() -> services.StepUpEvidence:
    return services.StepUpEvidence(
        device_persistent_id="otp_totp.totpdevice/1",
        device_name="Authenticator app",
        verified_at=timezone.now(),
    )


def approve(page, author, approver, capture):
    """Submit ``page`` and approve it through the service the review screen calls."""
    submit(page, author)
    task_state = page.current_workflow_task_state
    with capture(execute=True):
        services.approval_approve(
            task_state_id=task_state.pk,
            user=approver,
            step_up=evidence(),
            revision_id=None,
        )
    return task_state


def run_worker(capture) -> None:
    """A real rq worker, in burst mode, until the media queue is empty."""
    queue = media_queue()
    for _ in range(5):
        with capture(execute=True):
            if not queue.count:
                return
            SimpleWorker([queue], connection=queue.connection).work(burst=True)
    assert queue.count == 0


def public_files(storage) -> list[str]:
    found = []
    for folder in ("images", "documents"):
        if storage.exists(folder):
            found += [f"{folder}/{name}" for name in storage.listdir(folder)[1]]
    return found


def reload(page) -> NewsPage:
    return NewsPage.objects.get(pk=page.pk)


def api_image_ids(client) -> set[int]:
    return {item["id"] for item in client.get("/api/v2/images/").json()["items"]}


def test_approving_returns_before_the_copies_and_the_page_goes_live_with_all_of_them(
    news_index,
    author,
    approver,
    learner,
    public_storage,
    redis_connection,
    django_capture_on_commit_callbacks,
    client,
):
    images = photos(learner)
    page = gallery(news_index, author, images)
    submit(page, author)
    task_state = page.current_workflow_task_state
    review_url = reverse("moderation_workflow:review", args=(task_state.pk,))
    approver_client = signed_in(approver)

    with django_capture_on_commit_callbacks(execute=True):
        response = approver_client.post(
            review_url,
            {"action": "approve", "revision_id": task_state.revision_id},
            follow=True,
        )

    # The approver is told it is being prepared; nothing of it is public yet.
    assert response.status_code == 200
    assert "is approved. Preparing 3 photos… 0 ready" in response.content.decode()
    assert not reload(page).live
    assert public_files(public_storage) == []
    assert api_image_ids(client) == set()
    review = approver_client.get(review_url).content.decode()
    assert "Preparing 3 photos… 0 ready" in review
    author_dashboard = signed_in(author).get(reverse("wagtailadmin_home"))
    assert "Sports day</a>: <span data-preparation-text>Preparing 3 photos… 0" in (
        author_dashboard.content.decode()
    )

    run_worker(django_capture_on_commit_callbacks)

    page = reload(page)
    assert page.live
    html = client.get(page.url).content.decode()
    for image in images:
        image.refresh_from_db()
        for spec in PUBLIC_IMAGE_FILTERS:
            rendition = public_rendition(image, spec)
            assert rendition is not None, (image.title, spec)
            assert public_storage.exists(image.public_files["files"][spec]["name"])
        assert public_rendition(image, "width-960").url in html
    assert api_image_ids(client) == {image.pk for image in images}
    review = approver_client.get(review_url).content.decode()
    assert 'data-preparation-status="live"' in review
    assert "Sports day</strong>: <span data-preparation-text>Live" in review
    assert "Sports day</a>: <span data-preparation-text>Live" in (
        signed_in(author).get(reverse("wagtailadmin_home")).content.decode()
    )


def test_social_posts_wait_until_every_picture_is_ready(
    news_index,
    author,
    approver,
    learner,
    redis_connection,
    django_capture_on_commit_callbacks,
):
    account = SocialAccountFactory(name="School X", visibility="closed")
    page = gallery(news_index, author, photos(learner))
    SocialPost.objects.create(page=page, account=account, text="Sports day!")

    approve(page, author, approver, django_capture_on_commit_callbacks)

    assert not Delivery.objects.filter(page_id=page.pk).exists()
    run_worker(django_capture_on_commit_callbacks)
    assert reload(page).live
    assert Delivery.objects.filter(page_id=page.pk, account=account).count() == 1


def test_a_page_whose_photos_are_already_public_goes_live_in_the_request(
    news_index,
    author,
    approver,
    learner,
    redis_connection,
    django_capture_on_commit_callbacks,
):
    images = photos(learner, count=1)
    first = gallery(news_index, author, images, slug="first")
    approve(first, author, approver, django_capture_on_commit_callbacks)
    run_worker(django_capture_on_commit_callbacks)
    assert reload(first).live

    second = gallery(news_index, author, images, slug="second")
    approve(second, author, approver, django_capture_on_commit_callbacks)

    assert reload(second).live  # no worker needed: every copy already existed
    assert not PagePreparation.objects.filter(page_id=second.pk).exists()


def test_redis_down_at_approval_loses_nothing_and_the_sweep_catches_up(
    news_index,
    author,
    approver,
    learner,
    settings,
    redis_connection,
    django_capture_on_commit_callbacks,
):
    page = gallery(news_index, author, photos(learner))
    with override_settings(RQ_QUEUES={**settings.RQ_QUEUES, "media": REDIS_DOWN}):
        approve(page, author, approver, django_capture_on_commit_callbacks)
        assert (
            preparations_sweep(now=timezone.now() + datetime.timedelta(minutes=1)) == 0
        )

    assert not reload(page).live
    assert media_queue().count == 0
    with django_capture_on_commit_callbacks(execute=True):
        woken = preparations_sweep(now=timezone.now() + datetime.timedelta(minutes=1))
    assert woken == PHOTOS
    run_worker(django_capture_on_commit_callbacks)
    assert reload(page).live


def test_a_worker_killed_mid_copy_is_resumed_by_the_sweep(
    news_index,
    author,
    approver,
    learner,
    redis_connection,
    django_capture_on_commit_callbacks,
):
    page = gallery(news_index, author, photos(learner, count=1))
    approve(page, author, approver, django_capture_on_commit_callbacks)
    queue = media_queue()
    # A worker takes the job, starts it, and is killed: rq's registry keeps the
    # job as started until its heartbeat runs out; nothing else happens.
    dying = SimpleWorker([queue], connection=queue.connection)
    job, _queue = dying.dequeue_job_and_maintain_ttl(timeout=1)
    dying.prepare_execution(job)
    dying.prepare_job_execution(job)
    assert queue.count == 0

    with django_capture_on_commit_callbacks(execute=True):
        soon = preparations_sweep(now=timezone.now() + datetime.timedelta(seconds=31))
    later = timezone.now() + datetime.timedelta(minutes=15)
    with django_capture_on_commit_callbacks(execute=True):
        woken = preparations_sweep(now=later)

    assert soon == 0  # still within the dead worker's heartbeat: maybe only slow
    assert woken == 1
    run_worker(django_capture_on_commit_callbacks)
    assert reload(page).live
    # The dead worker's job, if it ever ran, is a stale attempt: it does nothing.
    job.perform()
    assert PagePreparation.objects.get(page_id=page.pk).status == "live"


def test_a_damaged_photo_stops_the_page_and_tells_the_approver_which(
    news_index,
    author,
    approver,
    learner,
    public_storage,
    redis_connection,
    django_capture_on_commit_callbacks,
):
    images = photos(learner)
    with open(images[1].file.path, "wb") as damaged:
        damaged.write(b"this is not a picture")
    page = gallery(news_index, author, images)
    task_state = approve(page, author, approver, django_capture_on_commit_callbacks)

    run_worker(django_capture_on_commit_callbacks)

    assert not reload(page).live
    assert public_files(public_storage) == []  # not even the good photos
    review = signed_in(approver).get(
        reverse("moderation_workflow:review", args=(task_state.pk,))
    )
    assert "Not published: “Sports day 2” could not be prepared" in (
        review.content.decode()
    )
    assert "This file cannot be shown: it is damaged" in review.content.decode()
    dashboard = signed_in(approver).get(reverse("wagtailadmin_home")).content.decode()
    assert "Sports day</a>: <span data-preparation-text>Not published: “Sports" in (
        dashboard
    )


def test_consent_withdrawn_during_preparation_stops_it_and_removes_the_copies(
    news_index,
    author,
    approver,
    learner,
    public_storage,
    redis_connection,
    django_capture_on_commit_callbacks,
):
    other = learner_with_consent()
    images = [*photos(learner, count=2), tagged_image(other, title="Relay")]
    page = gallery(news_index, author, images)
    approve(page, author, approver, django_capture_on_commit_callbacks)
    queue = media_queue()
    # Two of three photos are copied, then a parent withdraws consent.
    for _ in range(2):
        job = queue.dequeue_any([queue], None, connection=queue.connection)[0]
        job.perform()
    assert len(public_files(public_storage)) == 2 * len(PUBLIC_IMAGE_FILTERS)

    with django_capture_on_commit_callbacks(execute=True):
        consent_withdraw_all(learner=other, recorded_by="Office")
    run_worker(django_capture_on_commit_callbacks)

    assert not reload(page).live
    assert public_files(public_storage) == []
    preparation = PagePreparation.objects.get(page_id=page.pk)
    assert preparation.status == "stopped"
    assert "Relay" in preparation.problem


def test_unpublishing_during_preparation_keeps_the_new_version_off(
    news_index,
    author,
    approver,
    learner,
    public_storage,
    redis_connection,
    django_capture_on_commit_callbacks,
):
    page = NewsPageFactory(parent=news_index, title="Sports day", owner=author)
    page.save_revision(user=author).publish()
    page = reload(page)
    images = photos(learner)
    page.body = [
        ("image", {"image": image, "caption": "On the field"}) for image in images
    ]
    page.save_revision(user=author)
    approve(page, author, approver, django_capture_on_commit_callbacks)
    assert reload(page).live  # the earlier version, while the new one is prepared

    with django_capture_on_commit_callbacks(execute=True):
        reload(page).unpublish()
    run_worker(django_capture_on_commit_callbacks)

    assert not reload(page).live
    assert public_files(public_storage) == []
    assert PagePreparation.objects.get(page_id=page.pk).status == "stopped"


def test_the_progress_script_asks_an_endpoint_only_the_schools_verified_staff_get(
    news_index,
    author,
    approver,
    learner,
    redis_connection,
    django_capture_on_commit_callbacks,
):
    page = gallery(news_index, author, photos(learner, count=1))
    task_state = approve(page, author, approver, django_capture_on_commit_callbacks)
    preparation = PagePreparation.objects.get(page_id=page.pk)
    progress_url = reverse("cms_preparation_progress", args=(preparation.pk,))
    review = signed_in(approver).get(
        reverse("moderation_workflow:review", args=(task_state.pk,))
    )
    # What the script finds on the page: where to ask, and the script itself.
    assert f'data-preparation-url="{progress_url}"' in review.content.decode()
    assert 'src="/static/cms/js/preparation_progress.js"' in review.content.decode()

    before = signed_in(author).get(progress_url)
    run_worker(django_capture_on_commit_callbacks)
    after = signed_in(author).get(progress_url)

    assert before.json() == {
        "status": "preparing",
        "text": "Preparing 1 photo… 0 ready",
    }
    assert after.json() == {"status": "live", "text": "Live"}
    # Another school's member of staff: not there. No such preparation: not there.
    hillside = Site.objects.create(
        hostname="hillside.example",
        root_page=Page.get_first_root_node().add_child(
            instance=HomePage(title="Hillside Primary School", slug="hillside")
        ),
    )
    school_add(site=hillside)
    outsider = staff("hillside-approver", roles.APPROVERS, site=hillside)
    assert signed_in(outsider).get(progress_url).status_code == 404
    missing = reverse("cms_preparation_progress", args=(preparation.pk + 1,))
    assert signed_in(approver).get(missing).status_code == 404
    # Signed in without the second factor: sent to it, no progress given.
    unverified = Client()
    unverified.force_login(approver)
    refused = unverified.get(progress_url)
    assert refused.status_code == 302
    assert "Live" not in refused.content.decode()
