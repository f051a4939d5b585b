"""An approved urgent closure reaches every family who asked, by real SMTP, once."""

from __future__ import annotations

from alerts.models import AlertEmail, Category, Frequency
from tests import factories
from tests.alerts.conftest import (
    URGENT_ONLY,
    closure,
    confirmed_subscriber,
    link_in,
)


def test_an_approved_closure_is_emailed_at_once_with_one_click_unsubscribe(
    school, smtp, worker, publish, client
):
    confirmed_subscriber(school.home.get_site(), "smith@family.example", URGENT_ONLY)
    confirmed_subscriber(
        school.home.get_site(),
        "jones@family.example",
        {Category.URGENT: Frequency.IMMEDIATE, Category.NEWS: Frequency.WEEKLY},
    )
    notice = publish(closure(school.notices))
    worker.drain()

    assert sorted(r for m in smtp.received for r in m.recipients) == [
        "jones@family.example",
        "smith@family.example",
    ]
    mail = smtp.to("smith@family.example")[0]
    assert mail.subject == "Meadowbank Primary School: Snow: school closed today"
    assert "closed today because of snow" in mail.text
    assert notice.full_url in mail.text
    assert f'href="{notice.full_url}"' in mail.html
    assert "<img" not in mail.html  # no pictures, no tracking pixels
    assert mail.header("List-Unsubscribe-Post") == "List-Unsubscribe=One-Click"
    unsubscribe = link_in(mail.header("List-Unsubscribe"), "/updates/unsubscribe/")
    assert unsubscribe in mail.text  # the same link is in the body

    # The ledger says who got it: the office can answer "did the Smiths get it?"
    rows = AlertEmail.objects.filter(alert__page=notice)
    assert {row.subscriber.email: row.status for row in rows} == {
        "smith@family.example": AlertEmail.Status.SENT,
        "jones@family.example": AlertEmail.Status.SENT,
    }

    # A mail program's one-click POST unsubscribes without signing in.
    answer = client.post(
        unsubscribe,
        data="List-Unsubscribe=One-Click",
        content_type="application/x-www-form-urlencoded",
    )
    assert answer.status_code == 200
    later = publish(closure(school.notices, title="Still closed tomorrow"))
    worker.drain()
    assert [m.subject for m in smtp.to("smith@family.example")] == [mail.subject]
    assert len(smtp.to("jones@family.example")) == 2
    assert later.title in smtp.to("jones@family.example")[1].subject


def test_publishing_again_does_not_email_again(school, smtp, worker, publish):
    confirmed_subscriber(school.home.get_site(), "smith@family.example", URGENT_ONLY)
    notice = publish(closure(school.notices))
    worker.drain()
    notice.title = "Snow: school closed today (updated)"
    publish(notice)
    worker.drain()
    assert len(smtp.received) == 1


def test_a_family_of_one_school_hears_nothing_from_another(
    school, other_school, smtp, worker, publish
):
    confirmed_subscriber(school.home.get_site(), "smith@family.example", URGENT_ONLY)
    confirmed_subscriber(other_school.site, "patel@family.example", URGENT_ONLY)
    publish(closure(other_school.notices, title="Hillside closed"))
    worker.drain()
    assert [m.recipients for m in smtp.received] == [["patel@family.example"]]
    assert smtp.received[0].subject == "Hillside: Hillside closed"
    assert "hillside.example" in smtp.received[0].header("List-Unsubscribe")


def test_unconfirmed_and_suppressed_addresses_get_nothing(
    school, smtp, worker, publish
):
    site = school.home.get_site()
    waiting = confirmed_subscriber(site, "waiting@family.example", URGENT_ONLY)
    waiting.confirmed_at = None
    waiting.save()
    bounced = confirmed_subscriber(site, "bounced@family.example", URGENT_ONLY)
    bounced.suppressed_at = bounced.confirmed_at
    bounced.save()
    publish(closure(school.notices))
    worker.drain()
    assert smtp.received == []


def test_news_is_not_sent_to_families_who_chose_only_closures(
    school, smtp, worker, publish
):
    confirmed_subscriber(school.home.get_site(), "smith@family.example", URGENT_ONLY)
    news = factories.NewsPageFactory(parent=school.news_index, live=False)
    publish(news)
    worker.drain()
    assert smtp.received == []
    assert not AlertEmail.objects.exists()
