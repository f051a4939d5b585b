"""Choices changed with a signed link; unsubscribing that link scanners cannot do."""

from __future__ import annotations

from urllib.parse import urlsplit

from django.utils import timezone

from alerts import messages
from alerts.models import AlertEmail, Category, Frequency
from tests import factories
from tests.alerts.conftest import URGENT_ONLY, closure, confirmed_subscriber, link_in


def _path(url: str) -> str:
    return urlsplit(url).path


def test_a_get_to_the_unsubscribe_link_only_asks(school, client):
    site = school.home.get_site()
    subscriber = confirmed_subscriber(site, "smith@family.example", URGENT_ONLY)
    url = _path(messages.unsubscribe_url(subscriber, site))
    page = client.get(url)
    assert page.status_code == 200
    assert "Stop all email updates to smith@family.example?" in page.content.decode()
    subscriber.refresh_from_db()
    assert subscriber.is_receiving
    # The page's own button works (no JavaScript, no sign-in).
    done = client.post(url, {"unsubscribe": "yes"})
    assert "will get no more updates" in done.content.decode()
    subscriber.refresh_from_db()
    assert not subscriber.is_receiving


def test_a_one_click_post_with_a_wrong_body_changes_nothing(school, client):
    site = school.home.get_site()
    subscriber = confirmed_subscriber(site, "smith@family.example", URGENT_ONLY)
    url = _path(messages.unsubscribe_url(subscriber, site))
    for body in ("", "List-Unsubscribe=Yes", "garbage\x00\xff"):
        answer = client.post(
            url, data=body, content_type="application/x-www-form-urlencoded"
        )
        assert answer.status_code == 400
        assert "nothing has changed" in answer.content.decode()
    subscriber.refresh_from_db()
    assert subscriber.is_receiving


def test_a_one_click_post_sent_as_multipart_form_data_unsubscribes(school, client):
    # RFC 8058 lets a mail program send the body as multipart/form-data too.
    site = school.home.get_site()
    subscriber = confirmed_subscriber(site, "smith@family.example", URGENT_ONLY)
    url = _path(messages.unsubscribe_url(subscriber, site))
    wrong = client.post(url, {"List-Unsubscribe": "Yes"})  # multipart by default
    assert wrong.status_code == 400
    subscriber.refresh_from_db()
    assert subscriber.is_receiving
    answer = client.post(url, {"List-Unsubscribe": "One-Click"})
    assert answer.status_code == 200
    subscriber.refresh_from_db()
    assert not subscriber.is_receiving


def test_a_forged_unsubscribe_link_is_refused(school, client):
    site = school.home.get_site()
    subscriber = confirmed_subscriber(site, "smith@family.example", URGENT_ONLY)
    url = _path(messages.unsubscribe_url(subscriber, site))
    forged = url.replace(":", "x", 1)
    answer = client.post(
        forged,
        data="List-Unsubscribe=One-Click",
        content_type="application/x-www-form-urlencoded",
    )
    assert answer.status_code == 400
    assert "This link does not work" in answer.content.decode()
    subscriber.refresh_from_db()
    assert subscriber.is_receiving


def test_unsubscribing_stops_emails_already_waiting(school, client, publish):
    site = school.home.get_site()
    subscriber = confirmed_subscriber(
        site, "smith@family.example", {Category.NEWS: Frequency.WEEKLY}
    )
    publish(factories.NewsPageFactory(parent=school.news_index, live=False))
    [row] = AlertEmail.objects.all()
    assert row.status == AlertEmail.Status.QUEUED
    client.post(
        _path(messages.unsubscribe_url(subscriber, site)),
        data="List-Unsubscribe=One-Click",
        content_type="application/x-www-form-urlencoded",
    )
    row.refresh_from_db()
    assert row.status == AlertEmail.Status.CANCELLED


def test_the_manage_link_changes_choices_without_a_password(school, client, publish):
    site = school.home.get_site()
    subscriber = confirmed_subscriber(
        site, "smith@family.example", {Category.URGENT: Frequency.IMMEDIATE}
    )
    url = _path(messages.manage_url(subscriber, site))
    page = client.get(url)
    assert page.status_code == 200
    answer = client.post(url, {"urgent": "on", "notices": "daily", "news": ""})
    assert "Saved" in answer.content.decode()
    assert dict(subscriber.subscriptions.values_list("category", "frequency")) == {
        Category.URGENT: Frequency.IMMEDIATE,
        Category.NOTICES: Frequency.DAILY,
    }
    # A forged choice is not saved: a frequency, or a news category this school's
    # news does not use.
    sport = factories.NewsCategoryFactory(name="Sport", slug="sport")
    unused = factories.NewsCategoryFactory(name="Unused", slug="unused")
    factories.NewsPageFactory(parent=school.news_index, categories=[sport])
    bad = client.post(url, {"urgent": "on", "notices": "hourly"})
    assert bad.status_code == 400
    for forged in (str(unused.pk), "999999", "sport"):
        answer = client.post(url, {"news": "daily", "news_categories": [forged]})
        assert answer.status_code == 400, forged
    assert subscriber.subscriptions.count() == 2


def test_urgent_closures_are_always_immediate(school, client):
    site = school.home.get_site()
    subscriber = confirmed_subscriber(site, "smith@family.example", URGENT_ONLY)
    url = _path(messages.manage_url(subscriber, site))
    client.post(url, {"urgent": "on", "notices": "weekly", "news": ""})
    assert subscriber.subscriptions.get(category=Category.URGENT).frequency == (
        Frequency.IMMEDIATE
    )


def test_an_expired_manage_link_offers_a_new_one_by_email(
    school, smtp, client, time_machine
):
    time_machine.move_to(timezone.now(), tick=True)
    site = school.home.get_site()
    subscriber = confirmed_subscriber(site, "smith@family.example", URGENT_ONLY)
    url = _path(messages.manage_url(subscriber, site))
    time_machine.shift(60 * 60 * 24 * 61)
    expired = client.get(url)
    assert expired.status_code == 400
    assert "This link has expired" in expired.content.decode()
    asked = client.post("/updates/manage/", {"email": "SMITH@family.example"})
    assert "we have sent it a link" in asked.content.decode()
    [mail] = smtp.to("smith@family.example")
    fresh = link_in(mail.text, "/updates/manage/")
    assert client.get(fresh).status_code == 200
    # Asking for an address that is not subscribed looks the same and sends nothing.
    client.post("/updates/manage/", {"email": "nobody@family.example"})
    assert len(smtp.received) == 1


def test_a_withdrawn_page_is_never_sent_and_a_summary_is_rebuilt_without_it(
    school, smtp, worker, publish, time_machine
):
    time_machine.move_to(timezone.now(), tick=True)
    site = school.home.get_site()
    confirmed_subscriber(site, "smith@family.example", {Category.NEWS: Frequency.DAILY})
    kept = publish(
        factories.NewsPageFactory(
            parent=school.news_index, title="Sports day", live=False
        )
    )
    withdrawn = publish(
        factories.NewsPageFactory(parent=school.news_index, title="Trip", live=False)
    )
    withdrawn.unpublish()
    assert AlertEmail.objects.get(alert__page=withdrawn).status == (
        AlertEmail.Status.CANCELLED
    )
    time_machine.shift(60 * 60 * 25)  # the next morning's summary is due
    from alerts.sending import alert_emails_sweep

    alert_emails_sweep(now=timezone.now())
    worker.drain()
    [digest] = smtp.to("smith@family.example")
    assert digest.subject == "Meadowbank Primary School: today's updates"
    assert "Sports day" in digest.text
    assert kept.full_url in digest.text
    assert "Trip" not in digest.text


def test_a_closure_unpublished_before_the_worker_runs_is_not_sent(
    school, smtp, worker, publish
):
    confirmed_subscriber(school.home.get_site(), "smith@family.example", URGENT_ONLY)
    notice = closure(school.notices)
    notice.save_revision().publish()  # on-commit wake-up not run yet
    notice.unpublish()
    worker.drain()
    assert smtp.received == []
