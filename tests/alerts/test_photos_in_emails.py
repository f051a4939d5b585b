"""No pupil's photo reaches an inbox unless the school turned it on and every pupil
in it has consent for newsletters and emails (issue 24 part 4)."""

from __future__ import annotations

from alerts.models import AlertSettings, Category, Frequency
from cms.public_media import public_rendition
from tests import factories
from tests.alerts.conftest import confirmed_subscriber

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
