"""The admin as staff use it: register, decide, connect, deliveries, editor checks."""

from __future__ import annotations

import time
from datetime import timedelta
from urllib.parse import urlsplit

import pytest
import requests
from django.contrib.auth.models import Group
from django.urls import reverse
from django.utils import timezone
from wagtail.test.utils.form_data import inline_formset, nested_form_data, streamfield

from moderation.roles import EDITORS, SENIOR_LEADERSHIP
from publishing.models import Delivery, SocialAccount, SocialPost
from tests import factories
from tests.twofactor import login_verified


def staff(username, *groups):
    user = factories.UserFactory(username=username)
    for name in groups:
        user.groups.add(Group.objects.get(name=name))
    return user


def follow_network_redirect(client, response):
    """Let the network's authorise page answer, then come back to our callback."""
    assert response.status_code == 302
    answer = requests.get(response["Location"], allow_redirects=False, timeout=10)
    assert answer.status_code in (302, 303)
    callback = urlsplit(answer.headers["Location"])
    return client.get(f"{callback.path}?{callback.query}")


@pytest.fixture
def head(senior_leader, client):
    login_verified(client, senior_leader)
    return senior_leader


def test_a_proposal_through_the_admin_records_who_proposed_it(client, db):
    teacher = staff("teacher", SENIOR_LEADERSHIP)
    managers = factories.UserFactory.create_batch(2)
    login_verified(client, teacher)
    response = client.post(
        reverse("publishing_accounts:add"),
        {
            "name": "Year 6 X",
            "network": "x",
            "handle": "",
            "visibility": "open",
            "aim": "Share Year 6 news",
            "audience": "Year 6 parents",
            "promotion_plan": "Letters home",
            "access_locations": "Office",
            "monitoring_plan": "Daily",
            "escalation_procedure": "Tell the head",
            "owner": teacher.pk,
            "managers": [manager.pk for manager in managers],
        },
    )
    assert response.status_code == 302
    account = SocialAccount.objects.get(name="Year 6 X")
    assert account.proposed_by == teacher
    assert account.status == SocialAccount.Status.PROPOSED

    # The proposer sees no approve button and cannot approve by posting either.
    detail = client.get(reverse("publishing_account_detail", args=[account.pk]))
    assert b"Approve" not in detail.content
    response = client.post(
        reverse("publishing_account_decide", args=[account.pk, "approve"]),
        follow=True,
    )
    assert b"another senior leader must approve" in response.content
    account.refresh_from_db()
    assert account.status == SocialAccount.Status.PROPOSED


def test_an_editor_may_propose_but_not_edit_the_register(client, db):
    editor = staff("editor", EDITORS)
    login_verified(client, editor)
    form = client.get(reverse("publishing_accounts:add"))
    assert form.status_code == 200
    account = factories.SocialAccountFactory(status="proposed")
    response = client.get(reverse("publishing_accounts:edit", args=[account.pk]))
    assert response.status_code in (302, 403)


def test_one_manager_is_refused_with_a_form_error(client, head):
    response = client.post(
        reverse("publishing_accounts:add"),
        {"name": "X", "network": "x", "managers": [head.pk], "owner": head.pk},
    )
    assert response.status_code == 200
    assert b"at least two members of staff" in response.content
    assert not SocialAccount.objects.exists()


def test_senior_leadership_approves_from_the_account_page(client, head):
    proposer = factories.UserFactory()
    account = factories.SocialAccountFactory(status="proposed", proposed_by=proposer)
    page = client.get(reverse("publishing_account_detail", args=[account.pk]))
    assert b"Approve" in page.content
    response = client.post(
        reverse("publishing_account_decide", args=[account.pk, "approve"]),
        {"note": "Business case is sound"},
        follow=True,
    )
    assert b"is approved" in response.content
    account.refresh_from_db()
    assert account.status == SocialAccount.Status.APPROVED
    assert account.decided_by == head


def test_connect_x_runs_the_oauth_flow_and_never_shows_the_token(
    client, head, x_emulator, x_settings
):
    account = factories.SocialAccountFactory(network="x", managers=[head, staff("b")])
    response = client.post(reverse("publishing_connect_start", args=[account.pk]))
    response = follow_network_redirect(client, response)

    account.refresh_from_db()
    assert account.connection == SocialAccount.Connection.CONNECTED
    assert account.handle == "@OurSchool"
    detail = client.get(reverse("publishing_account_detail", args=[account.pk]))
    assert x_emulator.credentials["access_token"].encode() not in detail.content


def test_connect_facebook_picks_the_page_and_checks_state(
    client, head, facebook_emulator, facebook_settings
):
    account = factories.SocialAccountFactory(
        network="facebook", managers=[head, staff("b")]
    )
    response = client.post(reverse("publishing_connect_start", args=[account.pk]))
    follow_network_redirect(client, response)
    account.refresh_from_db()
    assert account.connection == SocialAccount.Connection.CONNECTED

    # A callback that was not started here is refused, and nothing changes.
    forged = client.get(
        reverse("publishing_connect_callback", args=["facebook"]) + "?code=x&state=y",
        follow=True,
    )
    assert b"does not match a connection started here" in forged.content


def test_connect_instagram_finds_the_pages_account_and_asks_again_when_revoked(
    client,
    head,
    instagram_emulator,
    instagram_settings,
    news_index,
    publish,
    worker,
    django_capture_on_commit_callbacks,
):
    from publishing.credentials import credentials_decrypt
    from tests.trust_schools import school_site

    account = factories.SocialAccountFactory(
        network="instagram", handle="", managers=[head, staff("b")]
    )
    response = client.post(reverse("publishing_connect_start", args=[account.pk]))
    assert "instagram_content_publish" in response["Location"]
    follow_network_redirect(client, response)

    account.refresh_from_db()
    assert account.connection == SocialAccount.Connection.CONNECTED
    assert account.handle == "@ourschool"  # the Page's linked professional account
    stored = credentials_decrypt(token=account.credentials_encrypted)
    assert stored == instagram_emulator.credentials
    token = instagram_emulator.page_access_token
    assert token not in account.credentials_encrypted
    detail = client.get(reverse("publishing_account_detail", args=[account.pk]))
    assert token.encode() not in detail.content
    # Another school's Instagram account is not this school's to connect.
    elsewhere = factories.SocialAccountFactory(
        network="instagram", site=school_site(2), managers=[head, staff("c")]
    )
    assert (
        client.post(
            reverse("publishing_connect_start", args=[elsewhere.pk])
        ).status_code
        == 404
    )

    # The Page's admin removes the school's app on Facebook: the post waits, the
    # account asks to be connected again, and connecting again sends it.
    instagram_emulator.revoke_app_access()
    learner = factories.learner_with_consent()
    image = factories.tagged_image(learner, title="Choir", description="The choir")
    page = factories.NewsPageFactory(parent=news_index, listing_image=image)
    SocialPost.objects.create(page=page, account=account, text="Da iawn!")
    publish(page)
    worker.drain()
    account.refresh_from_db()
    assert Delivery.objects.get(page=page).status == Delivery.Status.HELD
    assert account.connection == SocialAccount.Connection.RECONNECT_NEEDED
    detail = client.get(reverse("publishing_account_detail", args=[account.pk]))
    assert b"Reconnect needed" in detail.content

    response = client.post(reverse("publishing_connect_start", args=[account.pk]))
    with django_capture_on_commit_callbacks(execute=True):
        follow_network_redirect(client, response)
    worker.drain()
    account.refresh_from_db()
    assert account.connection == SocialAccount.Connection.CONNECTED
    assert Delivery.objects.get(page=page).status == Delivery.Status.SENT
    assert len(instagram_emulator.state()["media"]) == 1


def test_an_unapproved_account_has_no_connect_button_and_cannot_connect(client, head):
    account = factories.SocialAccountFactory(
        status="proposed", managers=[head, staff("b")]
    )
    detail = client.get(reverse("publishing_account_detail", args=[account.pk]))
    assert b">Connect<" not in detail.content
    response = client.post(
        reverse("publishing_connect_start", args=[account.pk]), follow=True
    )
    assert b"cannot be connected" in response.content


def test_an_administrator_pastes_tokens_which_are_never_shown_again(client, db):
    admin = factories.UserFactory(username="admin", is_superuser=True)
    login_verified(client, admin)
    account = factories.SocialAccountFactory(network="x")
    url = reverse("publishing_account_credentials", args=[account.pk])
    response = client.post(
        url, {"access_token": "tok-123-secret", "access_token_secret": "sec-456"}
    )
    assert response.status_code == 302
    account.refresh_from_db()
    assert account.connection == SocialAccount.Connection.CONNECTED
    for page in (client.get(url), client.get(response["Location"])):
        assert b"tok-123-secret" not in page.content
        assert b"sec-456" not in page.content


def test_the_delivery_list_filters_and_a_failed_delivery_can_be_retried(
    client, head, x_account, x_emulator, news_index, publish, worker
):
    x_emulator.fail_next("duplicate")
    page = factories.NewsPageFactory(parent=news_index, title="Book week")
    SocialPost.objects.create(page=page, account=x_account, text="Book week!")
    publish(page)
    worker.drain()
    delivery = Delivery.objects.get()
    assert delivery.status == Delivery.Status.FAILED

    row_link = reverse("publishing_delivery_detail", args=[delivery.pk]).encode()
    listing = client.get(reverse("publishing_deliveries:index"), {"status": "failed"})
    assert row_link in listing.content
    assert b"duplicate" in listing.content.lower()
    empty = client.get(reverse("publishing_deliveries:index"), {"status": "sent"})
    assert row_link not in empty.content

    dashboard = client.get(reverse("wagtailadmin_home"))
    assert b"Social media needing attention" in dashboard.content
    assert b"Book week" in dashboard.content

    assert b"Try again" in listing.content
    with worker.capture(execute=True):
        response = client.post(
            reverse("publishing_delivery_action", args=[delivery.pk, "retry"]),
            {"next": "list"},
        )
    assert response["Location"] == reverse("publishing_deliveries:index")
    worker.drain()
    delivery.refresh_from_db()
    assert delivery.status == Delivery.Status.SENT
    assert len(x_emulator.state()["posts"]) == 1
    history = client.get(reverse("publishing_delivery_detail", args=[delivery.pk]))
    assert b"Social post retried" in history.content
    assert b"Social post sent" in history.content


def test_needs_attention_is_resolved_by_a_person(client, head, x_account, news_index):
    page = factories.NewsPageFactory(parent=news_index)
    delivery = Delivery.objects.create(
        page=page,
        page_title=page.title,
        account=x_account,
        text="Hello",
        link="http://testserver/",
        status=Delivery.Status.NEEDS_ATTENTION,
        reason="The worker stopped while sending",
    )
    url = reverse("publishing_delivery_action", args=[delivery.pk, "mark-sent"])
    response = client.post(url, {"remote_id": ""}, follow=True)
    assert b"Give the post" in response.content
    client.post(url, {"remote_id": "1234", "remote_url": "https://x.com/s/1234"})
    delivery.refresh_from_db()
    assert delivery.status == Delivery.Status.SENT
    assert delivery.remote_id == "1234"
    # A sent delivery cannot be sent again by hand.
    response = client.post(
        reverse("publishing_delivery_action", args=[delivery.pk, "resend"]),
        follow=True,
    )
    assert b"Only a delivery that needs attention" in response.content


def test_editors_cannot_reach_the_account_decisions(client, x_account):
    editor = staff("editor", EDITORS)
    login_verified(client, editor)
    response = client.post(
        reverse("publishing_account_decide", args=[x_account.pk, "reject"]),
        {"note": "no"},
        follow=True,
    )
    assert b"Only senior leadership" in response.content
    x_account.refresh_from_db()
    assert x_account.status == SocialAccount.Status.APPROVED


def test_text_too_long_for_x_is_refused_in_the_page_editor(
    client, head, x_account, news_index
):
    head.is_superuser = True
    head.save()
    page = factories.NewsPageFactory(parent=news_index, title="Trip")
    data = nested_form_data(
        {
            "title": "Trip",
            "slug": "trip",
            "date": "2026-11-20",
            "summary": "A trip",
            "body": streamfield([]),
            "social_posts": inline_formset(
                [{"account": x_account.pk, "text": "word " * 60, "include_image": ""}]
            ),
        }
    )
    response = client.post(reverse("wagtailadmin_pages:edit", args=[page.pk]), data)
    assert response.status_code == 200
    assert b"Too long for X" in response.content
    assert not SocialPost.objects.exists()

    data["social_posts-0-text"] = "A lovely trip to the farm."
    response = client.post(reverse("wagtailadmin_pages:edit", args=[page.pk]), data)
    assert response.status_code == 302
    page.refresh_from_db()
    [post] = page.get_latest_revision_as_object().social_posts.all()
    assert post.text == "A lovely trip to the farm."


def test_a_post_of_unknown_outcome_is_found_and_deleted_when_its_page_is_withdrawn(
    client, head, x_account, x_emulator, news_index, publish, worker
):
    page = factories.NewsPageFactory(parent=news_index, title="Fete")
    SocialPost.objects.create(page=page, account=x_account, text="Fete on Saturday")
    publish(page)
    worker.drain()
    delivery = Delivery.objects.get()
    # The post is on X, but the ledger never learnt its id: it needs attention.
    Delivery.objects.filter(pk=delivery.pk).update(
        status=Delivery.Status.NEEDS_ATTENTION, remote_id="", remote_url=""
    )
    assert len(x_emulator.state()["posts"]) == 1

    with worker.capture(execute=True):
        page.unpublish()
    worker.drain()

    delivery.refresh_from_db()
    assert delivery.status == Delivery.Status.RETRACTED
    assert x_emulator.state()["posts"] == []


def test_staff_record_a_failed_post_they_found_live_only_with_a_fresh_code(
    client, senior_leader, x_account, x_emulator, news_index, publish, worker
):
    x_emulator.fail_next("duplicate")
    page = factories.NewsPageFactory(parent=news_index, title="Choir")
    SocialPost.objects.create(page=page, account=x_account, text="Choir tonight")
    publish(page)
    worker.drain()
    delivery = Delivery.objects.get()
    assert delivery.status == Delivery.Status.FAILED
    detail_url = reverse("publishing_delivery_detail", args=[delivery.pk])
    mark_url = reverse("publishing_delivery_action", args=[delivery.pk, "mark-sent"])

    # A code checked an hour ago is not fresh: the mark waits for a new one.
    login_verified(client, senior_leader, verified_at=time.time() - 3600)
    detail = client.get(detail_url)
    assert b"The post is there: mark it sent" in detail.content
    assert b"The post is not on the network" in detail.content
    response = client.post(mark_url, {"remote_id": "1860000000000000999"})
    assert response.status_code == 302
    assert reverse("two_factor:step_up") in response["Location"]
    delivery.refresh_from_db()
    assert delivery.status == Delivery.Status.FAILED

    login_verified(client, senior_leader)
    client.post(
        mark_url,
        {
            "remote_id": "1860000000000000999",
            "remote_url": "https://x.com/i/web/status/1860000000000000999",
        },
    )
    delivery.refresh_from_db()
    assert delivery.status == Delivery.Status.SENT
    assert delivery.remote_id == "1860000000000000999"
    history = client.get(detail_url)
    assert b"Social post marked sent (head)" in history.content

    # Later someone deleted it by hand on X: recorded, and it counts as deleted.
    client.post(
        reverse("publishing_delivery_action", args=[delivery.pk, "mark-not-on-network"])
    )
    delivery.refresh_from_db()
    assert delivery.status == Delivery.Status.RETRACTED
    assert delivery.remote_id == ""
    assert b"marked as not on the network (head)" in client.get(detail_url).content


def test_overdue_posts_show_on_the_dashboard_with_the_cause(
    client, head, x_account, news_index, publish, redis_connection, settings
):
    page = factories.NewsPageFactory(parent=news_index, title="Sports day")
    SocialPost.objects.create(page=page, account=x_account, text="Sports day!")
    publish(page)  # nobody runs a worker
    home = reverse("wagtailadmin_home")
    assert b"Posts are overdue" not in client.get(home).content  # due just now

    Delivery.objects.update(next_attempt_at=timezone.now() - timedelta(minutes=10))
    dashboard = client.get(home).content.decode()
    assert "Posts are overdue" in dashboard
    assert "No worker is running" in dashboard
    assert "Sports day" in dashboard

    unreachable = {"URL": "redis://127.0.0.1:1/0", "DEFAULT_TIMEOUT": 60}
    settings.RQ_QUEUES = {**settings.RQ_QUEUES, "publishing": unreachable}
    assert "(Redis) cannot be reached" in client.get(home).content.decode()
