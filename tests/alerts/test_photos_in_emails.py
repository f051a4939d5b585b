"""No pupil's photo reaches an inbox unless the school turned it on and every pupil
in it has consent for newsletters and emails (issue 24 part 4)."""

from __future__ import annotations

import time

from alerts.models import AlertSettings, Category, Frequency
from cms.public_media import public_rendition
from moderation import roles
from tests import factories
from tests.alerts.conftest import confirmed_subscriber
from tests.factories import staff
from tests.twofactor import login_verified

NEWS_NOW = {Category.NEWS: Frequency.IMMEDIATE}


def _story(school, publish, title, *learners):
    photo = factories.tagged_image(*learners, title=f"{title} photo")
    page = factories.NewsPageFactory(
        parent=school.news_index, title=title, listing_image=photo, live=False
    )
    publish(page)
    photo.refresh_from_db()
    return photo


def test_with_the_setting_off_no_email_carries_a_photo(school, smtp, worker, publish):
    confirmed_subscriber(school.home.get_site(), "smith@family.example", NEWS_NOW)
    consented = factories.learner_with_consent("website", "newsletter_email")
    _story(school, publish, "Sports day", consented)
    worker.drain()
    [mail] = smtp.to("smith@family.example")
    assert "Sports day" in mail.subject
    assert "<img" not in mail.html


def test_with_the_setting_on_only_fully_consented_photos_are_shown(
    school, smtp, worker, publish
):
    site = school.home.get_site()
    AlertSettings.objects.create(site=site, photos_in_emails=True)
    confirmed_subscriber(site, "smith@family.example", NEWS_NOW)
    amy = factories.learner_with_consent("website", "newsletter_email")
    ben = factories.learner_with_consent("website")  # no consent for emails
    shown = _story(school, publish, "Sports day", amy)
    _story(school, publish, "Choir", amy, ben)
    worker.drain()

    choir, sports = sorted(smtp.to("smith@family.example"), key=lambda m: m.subject)
    assert "Choir" in choir.subject and "Sports day" in sports.subject
    copy = public_rendition(shown, "fill-600x400")
    assert copy is not None
    # The public copy on the school's own website, never a private rendition.
    assert f'<img src="http://localhost{copy.url}"' in sports.html
    assert "/media/public/images/" in copy.url
    assert shown.file.name.rsplit("/", 1)[-1] not in sports.html
    # One pupil without consent for emails: the email goes, without the photo.
    assert "Choir" in choir.text
    assert "<img" not in choir.html


def test_only_the_head_turns_photos_on_and_with_a_fresh_code(school, client):
    site = school.home.get_site()
    url = f"/admin/settings/alerts/alertsettings/{site.pk}/"
    login_verified(client, staff("editor", roles.EDITORS))
    client.post(url, {"photos_in_emails": "on"})
    assert not AlertSettings.for_site(site).photos_in_emails

    head = staff("head", roles.HEADTEACHER)
    login_verified(client, head, verified_at=time.time() - 3600)
    stale = client.post(url, {"photos_in_emails": "on"})
    assert stale["Location"].startswith("/admin/two-factor/step-up/")
    assert not AlertSettings.for_site(site).photos_in_emails

    login_verified(client, head)
    form = client.get(url).content.decode()
    assert "an email cannot be recalled" in form
    assert client.post(url, {"photos_in_emails": "on"}).status_code == 302
    assert AlertSettings.for_site(site).photos_in_emails
