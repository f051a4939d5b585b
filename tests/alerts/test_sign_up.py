"""Signing up without an account: double opt-in, no mail-bombing, odd addresses."""

from __future__ import annotations

from django.utils import timezone

from alerts.models import Category, Frequency, Subscriber
from tests.alerts.conftest import closure, confirmed_subscriber, link_in

FORM = {
    "email": "smith@family.example",
    "urgent": "on",
    "notices": "",
    "news": "weekly",
}


def test_the_get_updates_page_is_linked_from_every_page_footer(school, client):
    for path in ("/", school.news_index.url):
        assert 'href="/updates/"' in client.get(path).content.decode()
    page = client.get("/updates/")
    html = page.content.decode()
    assert page.status_code == 200
    assert 'name="urgent" checked' in html  # urgent closures pre-ticked


def test_nothing_is_sent_before_the_confirmation_link_is_pressed(
    school, smtp, client, worker, publish
):
    answer = client.post("/updates/", FORM, HTTP_REFERER="http://localhost/notices/")
    assert answer.status_code == 200
    assert "Check your inbox" in answer.content.decode()
    [confirmation] = smtp.received
    assert confirmation.recipients == ["smith@family.example"]
    subscriber = Subscriber.objects.get()
    assert subscriber.confirmed_at is None

    publish(closure(school.notices))
    worker.drain()
    assert len(smtp.received) == 1  # the closure did not go to an unconfirmed address

    confirm = link_in(confirmation.text, "/updates/confirm/")
    page = client.get(confirm)  # a link scanner's GET confirms nothing
    assert page.status_code == 200
    assert "Confirm" in page.content.decode()
    subscriber.refresh_from_db()
    assert subscriber.confirmed_at is None

    done = client.post(confirm)
    assert done.status_code == 200
    subscriber.refresh_from_db()
    assert subscriber.confirmed_at is not None
    assert subscriber.consent["choices"] == {
        Category.URGENT: Frequency.IMMEDIATE,
        Category.NEWS: Frequency.WEEKLY,
    }
    assert subscriber.consent["source_page"] == "http://localhost/notices/"
    publish(closure(school.notices, title="Closed again"))
    worker.drain()
    assert smtp.received[-1].subject.endswith("Closed again")


def test_signing_up_a_strangers_address_again_and_again_sends_one_email(
    school, smtp, client
):
    for _ in range(5):
        assert client.post("/updates/", FORM).status_code == 200
    assert len(smtp.received) == 1
    assert Subscriber.objects.count() == 1


def test_a_flood_of_sign_ups_from_one_network_is_stopped(
    school, smtp, client, settings
):
    settings.ALERTS_SIGNUPS_PER_HOUR_PER_ADDRESS = 3
    for number in range(3):
        form = {**FORM, "email": f"person{number}@family.example"}
        assert client.post("/updates/", form).status_code == 200
    refused = client.post("/updates/", {**FORM, "email": "victim@family.example"})
    assert refused.status_code == 429
    html = refused.content.decode()
    assert "Too many sign-ups" in html
    assert 'value="victim@family.example"' in html  # what was typed is kept
    assert not smtp.to("victim@family.example")


def test_the_same_address_typed_differently_is_one_subscriber(school, smtp, client):
    client.post("/updates/", {**FORM, "email": "Smith@Family.EXAMPLE"})
    client.post("/updates/", {**FORM, "email": "smith@family.example"})
    assert Subscriber.objects.count() == 1


def test_an_address_already_subscribed_changes_nothing_and_gets_a_manage_link(
    school, smtp, client
):
    site = school.home.get_site()
    subscriber = confirmed_subscriber(
        site, "smith@family.example", {Category.URGENT: Frequency.IMMEDIATE}
    )
    client.post("/updates/", {**FORM, "news": "immediate"})  # a second parent
    assert dict(subscriber.subscriptions.values_list("category", "frequency")) == {
        Category.URGENT: Frequency.IMMEDIATE
    }
    [mail] = smtp.received
    assert "/updates/manage/" in mail.text


def test_internationalised_and_malformed_addresses(school, smtp, client):
    good = client.post("/updates/", {**FORM, "email": "tad@bücher.example"})
    assert good.status_code == 200
    assert smtp.received[0].recipients == ["tad@xn--bcher-kva.example"]
    assert Subscriber.objects.get().email_key == "tad@xn--bcher-kva.example"
    for bad in (
        "not-an-address",
        "a@b",
        "two@@family.example",
        "ñame@family.example",
        "smith@family.example\r\nBcc: victim@family.example",  # header injection
    ):
        answer = client.post("/updates/", {**FORM, "email": bad})
        assert answer.status_code == 400, bad
        assert "Enter an email address" in answer.content.decode()
    too_long = client.post("/updates/", {**FORM, "email": "x" * 250 + "@family.ex"})
    assert too_long.status_code == 400
    assert "longer than an email address can be" in too_long.content.decode()
    nothing = client.post("/updates/", {"email": "x@family.example"})
    assert nothing.status_code == 400
    assert "Choose at least one kind of update" in nothing.content.decode()
    assert Subscriber.objects.count() == 1


def test_a_forged_or_expired_confirmation_link_changes_nothing(
    school, smtp, client, time_machine
):
    time_machine.move_to(timezone.now(), tick=True)
    client.post("/updates/", FORM)
    confirm = link_in(smtp.received[0].text, "/updates/confirm/")
    forged = confirm[:-3] + "xx/"
    answer = client.post(forged)
    assert answer.status_code == 400
    assert "This link does not work" in answer.content.decode()
    time_machine.shift(60 * 60 * 24 * 8)
    expired = client.post(confirm)
    assert expired.status_code == 400
    assert "This link has expired" in expired.content.decode()
    assert Subscriber.objects.get().confirmed_at is None


def test_a_link_for_one_school_does_not_work_on_another(
    school, other_school, smtp, client
):
    # With two schools, each answers only at its own address.
    client.post("/updates/", FORM, HTTP_HOST="localhost")
    confirm = link_in(smtp.received[0].text, "/updates/confirm/")
    answer = client.post(confirm, HTTP_HOST="hillside.example")
    assert answer.status_code == 400
    assert Subscriber.objects.get().confirmed_at is None
