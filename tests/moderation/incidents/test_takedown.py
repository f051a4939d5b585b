"""Takedown requests (I4): one action by an approver, with a fresh code, takes the
content off the website and both networks (real rq worker, X and Facebook
emulators), and the requester's outcome and the time taken are recorded."""

from __future__ import annotations

import datetime
import re
import time

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from wagtail.models import ModelLogEntry

from moderation import roles
from moderation.incidents import audit
from moderation.models import ConsentRecord, Incident, TakedownRequest
from publishing.models import Delivery, SocialPost
from tests import factories
from tests.moderation.two_factor.conftest import code_at
from tests.twofactor import login_verified

from .conftest import signed_in, staff

TOLD = "We have removed the photo from the website and our social media."


def posts(emulator) -> list[dict]:
    return emulator.state()["posts"]


def record_request(client, **fields) -> TakedownRequest:
    data = {
        "requester": "parent",
        "requester_name": "Mrs Davies",
        "received_at": (timezone.localtime() - datetime.timedelta(hours=3)).strftime(
            "%Y-%m-%d %H:%M"
        ),
        "what_they_asked": "Please take down the sports day post: my son is in it.",
        "url": "https://www.facebook.com/ourschool/posts/1",
        **fields,
    }
    response = client.post(reverse("takedowns:add"), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    return TakedownRequest.objects.latest("pk")


def take_down(client, takedown, **fields):
    return client.post(
        reverse("takedowns:detail", args=[takedown.pk]),
        {"action": "take_down", "told": TOLD, **fields},
    )


@pytest.fixture
def published_news(
    news_index, x_account, facebook_account, x_emulator, facebook_emulator, publish
):
    """A live news page posted to X and to Facebook, and a second page to X."""

    def _make(worker, image=None):
        page = factories.NewsPageFactory(
            parent=news_index, title="Sports day", listing_image=image
        )
        for account in (x_account, facebook_account):
            SocialPost.objects.create(
                page=page,
                account=account,
                text="What a race!",
                include_image=image is not None,
            )
        other = factories.NewsPageFactory(parent=news_index, title="New menu")
        SocialPost.objects.create(page=other, account=x_account, text="New menu")
        publish(page)
        publish(other)
        worker.drain()
        assert len(posts(x_emulator)) == 2
        assert len(posts(facebook_emulator)) == 1
        return page, other

    return _make


def test_taking_down_a_page_removes_it_from_the_website_and_both_networks(
    editor,
    approver,
    published_news,
    worker,
    x_emulator,
    facebook_emulator,
    django_capture_on_commit_callbacks,
):
    page, other = published_news(worker)
    assert Client().get(page.url).status_code == 200
    takedown = record_request(signed_in(editor), page=page.pk)

    with django_capture_on_commit_callbacks(execute=True):
        response = take_down(signed_in(approver), takedown)
    assert response.status_code == 302
    worker.drain()

    # Website: gone. Networks: both posts deleted; the other page's post stays.
    assert Client().get(page.url).status_code == 404
    assert Client().get(other.url).status_code == 200
    assert posts(facebook_emulator) == []
    [left] = posts(x_emulator)
    assert "New menu" in left["text"]
    assert set(Delivery.objects.filter(page=page).values_list("status", flat=True)) == {
        "retracted"
    }
    # The outcome, who acted (with their code) and the time taken are recorded.
    takedown.refresh_from_db()
    assert takedown.outcome == TakedownRequest.Outcome.REMOVED
    assert takedown.outcome_told == TOLD
    assert takedown.acted_by == approver
    assert takedown.step_up_verified_at is not None
    assert takedown.posts_retracted == 2
    assert (
        datetime.timedelta(hours=3)
        <= takedown.time_taken
        < datetime.timedelta(hours=3, minutes=5)
    )
    assert takedown.incident.status == Incident.Status.CLOSED
    timeline = " ".join(takedown.incident.events.values_list("summary", flat=True))
    assert "unpublished “Sports day”" in timeline
    assert "2 social post(s)" in timeline
    assert ModelLogEntry.objects.filter(
        action=audit.TAKEN_DOWN, object_id=str(takedown.incident.pk)
    ).exists()
    page_view = signed_in(approver).get(reverse("takedowns:detail", args=[takedown.pk]))
    assert "3\xa0hours" in page_view.content.decode()


def test_taking_down_an_image_removes_it_and_the_posts_that_carried_it(
    editor,
    approver,
    published_news,
    worker,
    x_emulator,
    facebook_emulator,
    django_capture_on_commit_callbacks,
):
    learner = factories.learner_with_consent()
    image = factories.tagged_image(learner, title="Finish line")
    page, _ = published_news(worker, image=image)
    takedown = record_request(signed_in(editor), image=image.pk, shows_learner="on")

    with django_capture_on_commit_callbacks(execute=True):
        take_down(signed_in(approver), takedown)
    worker.drain()

    image = type(image).objects.get(pk=image.pk)  # the file moved: no refresh
    assert image.is_withdrawn
    assert not image.file.storage.exists(image.file.name)  # out of public media
    assert posts(facebook_emulator) == []
    [left] = posts(x_emulator)
    assert "New menu" in left["text"]
    # The page stays up, without the picture.
    html = Client().get(page.url).content.decode()
    assert "Sports day" in html
    assert "Finish line" not in html


def test_a_social_post_named_by_its_address_is_deleted(
    editor,
    approver,
    published_news,
    worker,
    x_emulator,
    facebook_emulator,
    django_capture_on_commit_callbacks,
):
    page, _ = published_news(worker)
    facebook_post = Delivery.objects.get(page=page, account__network="facebook")
    takedown = record_request(
        signed_in(editor), social_post_url=facebook_post.remote_url
    )

    with django_capture_on_commit_callbacks(execute=True):
        take_down(signed_in(approver), takedown)
    worker.drain()

    assert posts(facebook_emulator) == []
    assert len(posts(x_emulator)) == 2  # only the post named
    assert Client().get(page.url).status_code == 200


def test_an_address_that_is_not_a_school_post_is_reported_back(
    editor, approver, db, django_capture_on_commit_callbacks
):
    url = "https://www.facebook.com/someone.else/posts/99"
    takedown = record_request(signed_in(editor), social_post_url=url)

    client = signed_in(approver)
    response = take_down(client, takedown)

    page = client.get(response["Location"]).content.decode()
    assert "No post made by the school was found" in page
    assert url in takedown.incident.events.filter(kind="takedown").get().summary


def test_taking_down_needs_a_fresh_code_then_one_press_finishes_it(
    editor,
    approver,
    published_news,
    worker,
    x_emulator,
    facebook_emulator,
    django_capture_on_commit_callbacks,
):
    page, _ = published_news(worker)
    takedown = record_request(signed_in(editor), page=page.pk)
    client = Client()
    device = login_verified(client, approver, verified_at=time.time() - 3600)

    response = take_down(client, takedown)

    assert response.status_code == 302
    assert reverse("two_factor:step_up") in response["Location"]
    page.refresh_from_db()
    assert page.live
    takedown.refresh_from_db()
    assert not takedown.is_done

    # A good code, then the kept form is sent again with one press.
    confirmed = client.post(
        response["Location"], {"otp_token": code_at(device, steps_from_now=1)}
    )
    html = confirmed.content.decode()
    fields = dict(
        re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', html)
    )
    assert fields["told"] == TOLD
    with django_capture_on_commit_callbacks(execute=True):
        finished = client.post(reverse("takedowns:detail", args=[takedown.pk]), fields)
    assert finished.status_code == 302
    worker.drain()
    page.refresh_from_db()
    assert not page.live
    assert posts(facebook_emulator) == []


def test_an_editor_cannot_act_on_a_takedown(editor, other_editor, db):
    takedown = record_request(
        signed_in(editor), social_post_url="https://x.com/ourschool/status/1"
    )
    response = take_down(signed_in(other_editor), takedown)
    assert response.status_code == 403
    takedown.refresh_from_db()
    assert not takedown.is_done


def test_a_request_about_a_learners_photo_records_the_consent_decision(
    editor,
    published_news,
    worker,
    facebook_emulator,
    django_capture_on_commit_callbacks,
):
    consent_officer = staff("dsl_approver", roles.APPROVERS, roles.SAFEGUARDING)
    learner = factories.learner_with_consent()
    image = factories.tagged_image(learner, title="Finish line")
    page, _ = published_news(worker, image=image)
    client = signed_in(consent_officer)
    takedown = record_request(
        client, page=page.pk, shows_learner="on", learner=learner.pk
    )
    screen = client.get(reverse("takedowns:detail", args=[takedown.pk]))
    assert "Also record that consent is withdrawn for" in screen.content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        take_down(client, takedown, withdraw_consent=["website", "public_social"])
    worker.drain()

    withdrawn = ConsentRecord.objects.filter(learner=learner, given=False)
    assert set(withdrawn.values_list("use", flat=True)) == {"website", "public_social"}
    assert type(image).objects.get(pk=image.pk).is_withdrawn
    assert posts(facebook_emulator) == []


def test_declining_records_what_the_requester_was_told(editor, approver, db):
    takedown = record_request(
        signed_in(editor), social_post_url="https://x.com/ourschool/status/1"
    )
    response = signed_in(approver).post(
        reverse("takedowns:detail", args=[takedown.pk]),
        {"action": "decline", "told": "The post shows no pupils; it stays."},
    )
    assert response.status_code == 302
    takedown.refresh_from_db()
    assert takedown.outcome == TakedownRequest.Outcome.DECLINED
    assert takedown.time_taken is not None


def test_a_request_naming_nothing_or_a_bad_address_is_refused(editor, db):
    client = signed_in(editor)
    base = {
        "requester": "parent",
        "requester_name": "Mrs Davies",
        "received_at": "2026-11-20 09:00",
        "what_they_asked": "Take it down",
        "url": "https://www.facebook.com/ourschool",
    }
    response = client.post(reverse("takedowns:add"), base)
    assert response.status_code == 400
    assert "Name what should be taken down" in response.content.decode()

    response = client.post(
        reverse("takedowns:add"), {**base, "social_post_url": "facebook, yesterday"}
    )
    assert response.status_code == 400
    assert "That is not the address of a post" in response.content.decode()

    response = client.post(reverse("takedowns:add"), {**base, "url": ""})
    assert "Give the web address where they saw it" in response.content.decode()
    assert not TakedownRequest.objects.exists()
