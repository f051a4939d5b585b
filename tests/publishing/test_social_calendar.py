"""The social calendar: what went and what is due, by day, per account and author."""

import datetime

from django.urls import reverse
from django.utils import timezone

from publishing.models import Delivery
from tests.factories import NewsPageFactory, SocialAccountFactory, UserFactory
from tests.twofactor import login_verified


def delivery(page, account, **fields):
    return Delivery.objects.create(
        page=page,
        page_title=page.title,
        account=account,
        text=page.title,
        link="https://school.example/news/",
        **fields,
    )


def test_the_week_shows_sent_and_due_posts_on_their_days(client, home_page):
    monday = datetime.date(2026, 11, 23)
    zone = timezone.get_current_timezone()
    at = lambda day, hour: datetime.datetime(  # noqa: E731
        2026, 11, day, hour, tzinfo=zone
    )
    jo = UserFactory(first_name="Jo", last_name="Davies")
    sam = UserFactory(first_name="Sam", last_name="Hill")
    x = SocialAccountFactory(name="School X")
    facebook = SocialAccountFactory(name="School Facebook", network="facebook")
    choir = NewsPageFactory(parent=home_page, title="Choir", owner=jo)
    sports = NewsPageFactory(parent=home_page, title="Sports day", owner=sam)
    delivery(choir, x, status="sent", sent_at=at(24, 10), remote_id="1")
    delivery(sports, facebook, status="queued", next_attempt_at=at(27, 9))
    delivery(sports, x, status="failed", next_attempt_at=at(30, 9))  # next week
    login_verified(client, UserFactory(is_superuser=True))
    url = reverse("publishing_calendar")

    week = client.get(url, {"date": monday.isoformat()}).content.decode()
    only_x = client.get(url, {"date": "2026-11-25", "account": x.pk}).content.decode()
    by_sam = client.get(url, {"date": "2026-11-25", "author": sam.pk}).content.decode()
    month = client.get(url, {"view": "month", "date": "2026-11-01"}).content.decode()

    tuesday = week[
        week.index('data-day="2026-11-24"') : week.index('data-day="2026-11-25"')
    ]
    friday = week[
        week.index('data-day="2026-11-27"') : week.index('data-day="2026-11-28"')
    ]
    assert "Choir" in tuesday and "Sent at 10:00" in tuesday
    assert "Sports day" in friday and "Due to send" in friday
    assert "Failed" not in week  # Monday the 30th is next week
    assert only_x.count("data-entry") == 1 and "Choir" in only_x
    assert by_sam.count("data-entry") == 1 and "Sports day" in by_sam
    assert "November 2026" in month and "Failed" in month


def test_nonsense_filters_show_this_week_not_an_error(client, db):
    login_verified(client, UserFactory(is_superuser=True))

    response = client.get(
        reverse("publishing_calendar"),
        {"date": "yesterday", "account": "x", "author": "-1", "view": "year"},
    )

    assert response.status_code == 200
    assert timezone.localdate().strftime("%a %-d %b") in response.content.decode()


def test_staff_without_delivery_access_are_turned_away(client, db):
    login_verified(client, UserFactory())

    response = client.get(reverse("publishing_calendar"))

    assert response.status_code in (302, 403)
