"""One screen per learner: every use as a row, withdraw everything, the history;
and the register list filtered by class, consent and expiry."""

import datetime

import pytest
from django.contrib.auth.models import Group, Permission
from django.urls import reverse
from django.utils import timezone

from moderation.models import ConsentRecord
from moderation.roles import SAFEGUARDING, SENIOR_LEADERSHIP
from publishing.models import Delivery
from tests.factories import (
    ConsentRecordFactory,
    LearnerFactory,
    NewsPageFactory,
    SocialAccountFactory,
    UserFactory,
    learner_with_consent,
    tagged_image,
)
from tests.twofactor import login_verified

pytestmark = pytest.mark.django_db


def signed_in(client, role, **fields):
    user = UserFactory(**fields)
    user.groups.add(Group.objects.get(name=role))
    user.user_permissions.add(Permission.objects.get(codename="access_admin"))
    login_verified(client, user)
    return client


def screen_url(learner) -> str:
    return reverse("learners:record_consent", args=[learner.pk])


def test_the_screen_is_headed_with_the_learners_name_and_a_row_per_use(client):
    nia = learner_with_consent(
        "website", first_name="Nia", last_name="Jones", year_group="Year 4"
    )
    signed_in(client, SAFEGUARDING)

    html = client.get(screen_url(nia)).content.decode()

    assert "<title>Nia Jones" in html
    assert html.count("data-use=") == 5
    assert "Website" in html and "Given" in html
    assert "Closed social accounts" in html
    # Parents are told, when asked, that a photo in an email cannot be recalled.
    assert "Newsletters and emails" in html
    assert "a photo in an email cannot be recalled" in html
    assert "Not asked yet: no consent" in html
    assert "Withdraw everything" in html


def withdraw_url(learner) -> str:
    return reverse("learners:withdraw_everything", args=[learner.pk])


def test_withdraw_everything_first_lists_the_photos_pages_and_posts_it_removes(
    client, news_index
):
    nia = learner_with_consent(first_name="Nia", last_name="Jones")
    photo = tagged_image(nia, title="Choir on stage")
    page = NewsPageFactory(parent=news_index, title="Choir news", listing_image=photo)
    Delivery.objects.create(
        page=page,
        page_title=page.title,
        account=SocialAccountFactory(name="Parents group", visibility="closed"),
        text="Choir!",
        link=page.full_url,
        status=Delivery.Status.SENT,
        remote_id="1",
        remote_url="https://x.example/status/1",
        include_image=True,
        image=photo,
        pictured_learner_ids=[nia.pk],
    )
    signed_in(client, SAFEGUARDING)

    screen = client.get(screen_url(nia)).content.decode()
    confirmation = client.get(withdraw_url(nia))

    assert f'href="{withdraw_url(nia)}"' in screen
    html = confirmation.content.decode()
    assert confirmation.status_code == 200
    assert "Withdraw all consent for Nia Jones?" in html
    assert "Choir on stage" in html  # the photo
    assert "Choir news" in html  # the page it leaves
    assert "Parents group" in html and "https://x.example/status/1" in html
    assert "Yes, withdraw everything" in html
    # Looking is not withdrawing.
    assert not ConsentRecord.objects.filter(learner=nia, given=False).exists()
    assert not type(photo).objects.get(pk=photo.pk).is_withdrawn


def test_the_learner_screen_no_longer_withdraws_everything_unconfirmed(client):
    nia = learner_with_consent(first_name="Nia", last_name="Jones")
    photo = tagged_image(nia)
    signed_in(client, SAFEGUARDING)

    client.post(screen_url(nia), {"action": "withdraw_all"})

    assert not ConsentRecord.objects.filter(learner=nia, given=False).exists()
    assert not type(photo).objects.get(pk=photo.pk).is_withdrawn


def test_confirming_ends_every_use_and_takes_the_photos_down(client):
    nia = learner_with_consent(first_name="Nia", last_name="Jones")
    photo = tagged_image(nia)
    signed_in(client, SAFEGUARDING, first_name="Sam", last_name="Officer")

    response = client.post(withdraw_url(nia), follow=True)

    html = response.content.decode()
    assert "All consent for Nia Jones is withdrawn" in html
    assert html.count("Refused or withdrawn on") == 5
    assert type(photo).objects.get(pk=photo.pk).is_withdrawn
    newest = ConsentRecord.objects.filter(learner=nia).latest_first()[:4]
    assert {record.given for record in newest} == {False}
    assert {record.recorded_by for record in newest} == {"Sam Officer"}


def test_one_row_gives_consent_until_a_date(client):
    nia = LearnerFactory(first_name="Nia", last_name="Jones")
    signed_in(client, SAFEGUARDING)
    until = timezone.localdate() + datetime.timedelta(days=200)

    client.post(
        screen_url(nia),
        {"action": "give", "use": "website", "expires_on": until.isoformat()},
    )

    record = ConsentRecord.objects.get(learner=nia)
    assert record.given and record.use == "website" and record.expires_on == until
    html = client.get(screen_url(nia)).content.decode()
    assert f"Given until {until:%d %b %Y}" in html


def test_a_nonsense_row_changes_nothing_and_says_why(client):
    nia = LearnerFactory()
    signed_in(client, SAFEGUARDING)

    bad_use = client.post(screen_url(nia), {"action": "give", "use": "tv"}, follow=True)
    bad_date = client.post(
        screen_url(nia),
        {"action": "give", "use": "website", "expires_on": "soon"},
        follow=True,
    )

    assert "Choose which use" in bad_use.content.decode()
    assert "not a date" in bad_date.content.decode()
    assert not ConsentRecord.objects.filter(learner=nia).exists()


def test_senior_leaders_read_but_cannot_withdraw(client):
    nia = learner_with_consent()
    signed_in(client, SENIOR_LEADERSHIP)

    page = client.get(screen_url(nia)).content.decode()
    refused = client.post(screen_url(nia), {"action": "withdraw_all"})
    confirmation = client.get(withdraw_url(nia))
    confirmed = client.post(withdraw_url(nia))

    assert page.count("data-use=") == 5  # they can read every use
    assert "Withdraw everything" not in page
    assert refused.status_code in (302, 403)
    assert confirmation.status_code in (302, 403)
    assert "Withdraw all consent" not in confirmation.content.decode()
    assert confirmed.status_code in (302, 403)
    assert not ConsentRecord.objects.filter(learner=nia, given=False).exists()


def test_the_register_filters_by_class_status_and_expiry(client):
    today = timezone.localdate()
    full = learner_with_consent(first_name="Full", last_name="Consent", year_group="3")
    web = learner_with_consent(
        "website", first_name="Web", last_name="Only", year_group="4"
    )
    LearnerFactory(first_name="No", last_name="Consent", year_group="4")
    soon = LearnerFactory(first_name="Soon", last_name="Expiring", year_group="4")
    ConsentRecordFactory(
        learner=soon, use="website", expires_on=today + datetime.timedelta(days=10)
    )
    signed_in(client, SAFEGUARDING)
    index = reverse("learners:index")

    def names(**query) -> str:
        return client.get(index, query).content.decode()

    by_class = names(year_group="4")
    website_only = names(status="website_only")
    nothing = names(status="none")
    everything = names(status="full")
    expiring = names(expiring="soon")

    assert "Web Only" in by_class and "Full Consent" not in by_class
    assert "Web Only" in website_only and "Full Consent" not in website_only
    assert "No Consent" in nothing and "Web Only" not in nothing
    assert "Full Consent" in everything and "Web Only" not in everything
    assert "Soon Expiring" in expiring and "Full Consent" not in expiring
    # Each name links to that learner's consent screen.
    assert screen_url(full) in names()
    assert screen_url(web) in names()
