"""Instagram and Bluesky through the ledger: consent, exactly once, retraction.

Real worker, real Redis, the real SDK clients over HTTP to the emulators.
"""

from __future__ import annotations

from datetime import timedelta

from django.core import mail
from django.urls import reverse
from django.utils import timezone

from moderation.roles import EDITORS
from moderation.signals import consent_withdrawn
from publishing.credentials import credentials_decrypt
from publishing.models import Delivery, SocialAccount, SocialPost
from publishing.services.accounts import account_credentials_store
from tests import factories
from tests.twofactor import login_verified


def photo_news(news_index, accounts, learner, *, title="Eisteddfod"):
    image = factories.tagged_image(
        learner, title="Choir on stage", description="The choir singing"
    )
    page = factories.NewsPageFactory(
        parent=news_index, title=title, listing_image=image
    )
    for account in accounts:
        SocialPost.objects.create(
            page=page,
            account=account,
            text="Llongyfarchiadau i'r côr!",
            include_image=True,
        )
    return page, image


def withdraw(image, learner, capture):
    with capture(execute=True):
        consent_withdrawn.send(
            sender=None,
            image_ids=[image.pk],
            document_ids=[],
            learner_id=learner.pk,
            reason="Consent withdrawn by a parent",
        )


def test_an_approved_photo_post_appears_once_on_instagram_and_bluesky(
    news_index,
    instagram_account,
    bluesky_account,
    instagram_emulator,
    bluesky_emulator,
    publish,
    worker,
    settings,
):
    sharing = settings.PUBLIC_MEDIA_ROOT / "sharing"
    before = set(sharing.iterdir()) if sharing.exists() else set()
    learner = factories.learner_with_consent()
    page, _ = photo_news(news_index, [instagram_account, bluesky_account], learner)
    publish(page)
    worker.drain()
    publish(page)  # published again: never posted twice
    worker.drain()

    deliveries = Delivery.objects.filter(page=page)
    assert {d.status for d in deliveries} == {Delivery.Status.SENT}
    [media] = instagram_emulator.state()["media"]
    [post] = bluesky_emulator.state()["posts"]
    for text in (media["caption"], post["record"]["text"]):
        assert text.startswith("Llongyfarchiadau i'r côr!")
        assert "?ref=" in text  # the link back to the website (P2)
    assert media["images"][0]["alt_text"] == "The choir singing"
    assert post["record"]["embed"]["images"][0]["alt"] == "The choir singing"
    # The public copy Instagram fetched existed only for the send.
    assert (set(sharing.iterdir()) if sharing.exists() else set()) == before


def album_news(news_index, accounts, learner, *, photos):
    """A story whose listing photo is followed by more photos in its body."""
    images = [
        factories.tagged_image(
            learner, title=f"Sports day {n}", description=f"Race number {n}"
        )
        for n in range(1, photos + 1)
    ]
    page = factories.NewsPageFactory(
        parent=news_index,
        title="Sports day",
        listing_image=images[0],
        body=[("image", {"image": image, "caption": ""}) for image in images[1:]],
    )
    for account in accounts:
        SocialPost.objects.create(
            page=page, account=account, text="Diwrnod mabolgampau!", include_image=True
        )
    return page, images


def test_several_photos_make_one_carousel_and_one_bluesky_post_despite_a_lost_answer(
    news_index,
    instagram_account,
    bluesky_account,
    instagram_emulator,
    bluesky_emulator,
    publish,
    worker,
    settings,
):
    settings.SOCIAL_NETWORK_TIMEOUT_SECONDS = 0.5
    instagram_emulator.fail_next(
        "timeout_after_success", path_contains="media_publish", hold_seconds=2
    )
    learner = factories.learner_with_consent()
    page, _images = album_news(
        news_index, [instagram_account, bluesky_account], learner, photos=6
    )
    publish(page)
    worker.drain()

    assert {d.status for d in Delivery.objects.filter(page=page)} == {
        Delivery.Status.SENT
    }
    # Instagram: one carousel of all six, published once although its answer was lost.
    [media] = instagram_emulator.state()["media"]
    assert [i["alt_text"] for i in media["images"]] == [
        f"Race number {n}" for n in range(1, 7)
    ]
    assert instagram_emulator.publish_calls == 1
    # Bluesky: one post with the first four, each described.
    [post] = bluesky_emulator.state()["posts"]
    assert [i["alt"] for i in post["record"]["embed"]["images"]] == [
        f"Race number {n}" for n in range(1, 5)
    ]


def test_withdrawing_consent_for_a_photo_in_the_carousel_deletes_the_whole_post(
    news_index,
    instagram_account,
    bluesky_account,
    instagram_emulator,
    bluesky_emulator,
    publish,
    worker,
    django_capture_on_commit_callbacks,
):
    learner = factories.learner_with_consent()
    other = factories.learner_with_consent()
    page, images = album_news(
        news_index, [instagram_account, bluesky_account], learner, photos=2
    )
    images[1].learners.set([other])
    publish(page)
    worker.drain()
    assert len(instagram_emulator.state()["media"]) == 1
    # The second photo's pupil: the post goes from both networks, not just one photo.
    withdraw(images[1], other, django_capture_on_commit_callbacks)
    worker.drain()

    assert {d.status for d in Delivery.objects.filter(page=page)} == {
        Delivery.Status.RETRACTED
    }
    assert instagram_emulator.state()["media"] == []
    assert bluesky_emulator.state()["posts"] == []


def test_the_approver_sees_every_photo_each_network_takes(
    news_index, instagram_account, bluesky_account
):
    from moderation.workflow.social_posts import social_posts_for_review

    learner = factories.learner_with_consent()
    page, images = album_news(
        news_index, [instagram_account, bluesky_account], learner, photos=6
    )
    previews = {p.network: p for p in social_posts_for_review(page)}
    assert list(previews["instagram"].images) == images
    assert list(previews["bluesky"].images) == images[:4]
    assert previews["bluesky"].notes == (
        "Bluesky takes 4 photo(s) in a post: the first 4 of this page's 6 photos go.",
    )


def test_bluesky_signs_in_once_and_keeps_the_session_encrypted(
    news_index, bluesky_account, bluesky_emulator, publish, worker
):
    for title in ("One", "Two", "Three"):
        page = factories.NewsPageFactory(parent=news_index, title=title)
        SocialPost.objects.create(page=page, account=bluesky_account, text=title)
        publish(page)
        worker.drain()
    bluesky_emulator.expire_sessions()
    page = factories.NewsPageFactory(parent=news_index, title="Four")
    SocialPost.objects.create(page=page, account=bluesky_account, text="Four")
    publish(page)
    worker.drain()

    state = bluesky_emulator.state()
    assert len(state["posts"]) == 4
    assert (state["logins"], state["refreshes"]) == (1, 1)
    bluesky_account.refresh_from_db()
    stored = credentials_decrypt(token=bluesky_account.credentials_encrypted)
    assert stored["session"] and "session" not in bluesky_account.credentials_encrypted


def test_a_photo_goes_to_instagram_or_bluesky_only_with_public_social_consent(
    news_index, instagram_account, bluesky_account, publish, worker, bluesky_emulator
):
    # Even if the business case claims a closed account: these networks have none.
    SocialAccount.objects.filter(pk=instagram_account.pk).update(visibility="closed")
    learner = factories.learner_with_consent("website", "closed_social")
    page, _ = photo_news(news_index, [instagram_account, bluesky_account], learner)
    publish(page)
    worker.drain()

    for delivery in Delivery.objects.filter(page=page):
        assert delivery.status == Delivery.Status.BLOCKED
        assert "public social media" in delivery.reason
    assert bluesky_emulator.state()["posts"] == []


def test_a_lost_bluesky_answer_is_found_on_the_network_not_sent_again(
    news_index, bluesky_account, bluesky_emulator, publish, worker, settings
):
    settings.SOCIAL_NETWORK_TIMEOUT_SECONDS = 0.5
    settings.PUBLISHING_RECONCILE_DELAY_SECONDS = 0
    bluesky_emulator.fail_next(
        "timeout_after_success", path_contains="createRecord", hold_seconds=2
    )
    page = factories.NewsPageFactory(parent=news_index, title="Lost")
    SocialPost.objects.create(page=page, account=bluesky_account, text="Lost answer")
    publish(page)
    worker.drain()
    delivery = Delivery.objects.get(page=page)
    assert delivery.outcome_unknown_since is not None
    Delivery.objects.filter(pk=delivery.pk).update(next_attempt_at=timezone.now())
    from publishing.services.deliveries import delivery_process

    delivery_process(delivery_id=delivery.pk, attempt=delivery.attempts)
    delivery.refresh_from_db()
    [post] = bluesky_emulator.state()["posts"]
    assert delivery.status == Delivery.Status.SENT
    assert delivery.remote_id == post["uri"]


def test_a_revoked_app_password_holds_the_post_until_the_account_is_reconnected(
    news_index, bluesky_account, bluesky_emulator, publish, worker, senior_leader
):
    before = factories.NewsPageFactory(parent=news_index, title="Before")
    SocialPost.objects.create(page=before, account=bluesky_account, text="Before")
    publish(before)
    worker.drain()  # the worker now holds a signed-in session for the account
    bluesky_emulator.revoke_app_password()
    page = factories.NewsPageFactory(parent=news_index, title="Held")
    SocialPost.objects.create(page=page, account=bluesky_account, text="Held")
    publish(page)
    worker.drain()

    assert Delivery.objects.get(page=page).status == Delivery.Status.HELD
    bluesky_account.refresh_from_db()
    assert bluesky_account.connection == SocialAccount.Connection.RECONNECT_NEEDED

    # A manager makes a new app password and connects the account with it.
    bluesky_emulator.app_password = "new-app-password"
    with worker.capture(execute=True):
        account_credentials_store(
            account=bluesky_account,
            credentials=bluesky_emulator.credentials,
            by=senior_leader,
        )
    worker.drain()
    assert Delivery.objects.get(page=page).status == Delivery.Status.SENT
    assert len(bluesky_emulator.state()["posts"]) == 2


def test_withdrawal_deletes_from_bluesky_and_instagram(
    news_index,
    instagram_account,
    bluesky_account,
    instagram_emulator,
    bluesky_emulator,
    publish,
    worker,
    django_capture_on_commit_callbacks,
):
    learner = factories.learner_with_consent()
    page, image = photo_news(news_index, [instagram_account, bluesky_account], learner)
    publish(page)
    worker.drain()
    withdraw(image, learner, django_capture_on_commit_callbacks)
    worker.drain()

    assert {d.status for d in Delivery.objects.filter(page=page)} == {
        Delivery.Status.RETRACTED
    }
    assert bluesky_emulator.state()["posts"] == []
    assert instagram_emulator.state()["media"] == []


def test_where_instagram_cannot_delete_a_manager_is_asked_and_tracked(
    client,
    news_index,
    instagram_account,
    instagram_emulator,
    publish,
    worker,
    django_capture_on_commit_callbacks,
):
    learner = factories.learner_with_consent()
    page, image = photo_news(news_index, [instagram_account], learner)
    publish(page)
    worker.drain()
    instagram_emulator.deletion_supported = False
    mail.outbox.clear()
    withdraw(image, learner, django_capture_on_commit_callbacks)
    worker.drain()

    delivery = Delivery.objects.get(page=page)
    # Never claimed as deleted: it is still live, and shown as not deleted yet.
    assert delivery.status == Delivery.Status.DELETE_BY_HAND
    assert Delivery.objects.live().filter(pk=delivery.pk).exists()
    assert "Not deleted yet" in delivery.get_status_display()
    assert len(instagram_emulator.state()["media"]) == 1
    [email] = mail.outbox
    assert "Delete" in email.subject and delivery.remote_url in email.body
    assert set(email.to) >= {
        m.email for m in instagram_account.active_managers() if m.email
    }

    manager = factories.staff("manager", EDITORS)
    instagram_account.managers.add(manager)
    login_verified(client, manager)
    dashboard = client.get(reverse("wagtailadmin_home"))
    assert "Delete these posts now" in dashboard.content.decode()
    assert delivery.remote_url in dashboard.content.decode()

    response = client.post(reverse("publishing_deleted_by_hand", args=[delivery.pk]))
    assert response.status_code == 302, response
    assert response["Location"] == reverse("wagtailadmin_home"), response["Location"]
    delivery.refresh_from_db()
    assert delivery.status == Delivery.Status.RETRACTED
    assert delivery.retracted_at > timezone.now() - timedelta(minutes=1)
    again = client.post(reverse("publishing_deleted_by_hand", args=[delivery.pk]))
    assert again.status_code == 302  # told it is done already, no error page


def test_someone_who_does_not_run_the_account_cannot_tick_it_done(
    client, news_index, instagram_account, db
):
    delivery = Delivery.objects.create(
        page=None,
        page_title="x",
        account=instagram_account,
        text="x",
        link="https://school.example/x",
        status=Delivery.Status.DELETE_BY_HAND,
        remote_id="1",
    )
    login_verified(client, factories.staff("outsider", EDITORS))
    response = client.post(
        reverse("publishing_deleted_by_hand", args=[delivery.pk]), follow=True
    )
    # Wagtail's admin answers a refusal with its "no permission" message.
    assert "permission" in response.content.decode()
    delivery.refresh_from_db()
    assert delivery.status == Delivery.Status.DELETE_BY_HAND


def test_a_closure_goes_to_bluesky_and_to_instagram_with_its_card(
    home_page, instagram_account, bluesky_account
):
    from publishing.services.closures import closure_posts_planned

    notices = factories.NoticeIndexPageFactory(parent=home_page)
    closure = factories.NoticePageFactory(
        parent=notices, kind="closure", title="School closed today"
    )
    planned = {post.account: post for post in closure_posts_planned(notice=closure)}
    assert set(planned) == {instagram_account, bluesky_account}
    for post in planned.values():
        assert post.text.startswith("School closed today")
    # No photo: Instagram's post carries the notice's card, and the approver is told.
    [note] = planned[instagram_account].review_notes(page=closure)
    assert note.startswith("Instagram posts are pictures: this one carries a card")
    assert planned[bluesky_account].review_notes(page=closure) == []


def test_the_approver_is_told_when_a_photo_is_padded_for_instagram(
    news_index, instagram_account, bluesky_account
):
    from moderation.workflow.social_posts import social_posts_for_review

    learner = factories.learner_with_consent()
    page, image = photo_news(news_index, [instagram_account, bluesky_account], learner)
    type(image).objects.filter(pk=image.pk).update(width=900, height=1600)
    page.refresh_from_db()

    notes = {p.network: p.notes for p in social_posts_for_review(page)}
    [note] = notes["instagram"]
    assert "900×1600" in note and "white bars are added at the sides" in note
    assert notes["bluesky"] == ()
