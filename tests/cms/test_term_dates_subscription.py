"""Parents subscribe to term dates in one tap: a webcal:// link opens the calendar."""

from django.urls import reverse


def test_the_term_dates_page_offers_a_webcal_subscription(client, db):
    html = client.get(reverse("term_dates")).content.decode()

    calendar = reverse("term_dates_ical")
    assert f'href="webcal://testserver{calendar}"' in html
    assert f'href="{calendar}"' in html  # the plain link still works everywhere
    assert client.get(calendar).status_code == 200
