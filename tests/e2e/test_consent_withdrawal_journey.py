"""The consent officer withdraws a learner's consent: the photo is gone everywhere.

Before: the photo IS on the public page, in /api/v2/pages/ and /api/v2/images/, at
its public copies' URLs, and on the Facebook and X posts the real worker sent. The
consent officer signs in (password, then code) and withdraws everything through the
consent register's screens. Within a minute: the page shows no photo, the API lists
none, every public copy and rendition URL answers 404 to a visitor, and the
worker has deleted both posts that carried it from the emulators.
"""

from __future__ import annotations

import pytest
from django.core.files.storage import storages
from django.db import transaction
from wagtail.models import Site

from moderation.roles import SAFEGUARDING
from publishing.models import Delivery, SocialPost
from tests.e2e.journey_kit import (
    DESKTOP,
    serve_public_copies,
    shot,
    sign_in,
    staff_member,
    wait_for,
)
from tests.e2e.photos import camera_photo
from tests.factories import NewsPageFactory, learner_with_consent, tagged_image
from tests.school_site import build_school_site

NEWS_LISTING = "/api/v2/pages/?type=cms.NewsPage&fields=*"


@pytest.fixture
def photo_out_everywhere(
    back_office, live_server, x_account, facebook_account, x_emulator,
    facebook_emulator,
):  # fmt: skip
    school = build_school_site(
        Site.objects.get(is_default_site=True).root_page.specific
    )
    amelia = learner_with_consent(first_name="Amelia", last_name="Jones")
    image = tagged_image(amelia, title="Sack race", file__from_file=camera_photo())
    page = NewsPageFactory(
        parent=school.news_index,
        title="Sports day",
        slug="sports-day",
        listing_image=image,
        body=[("image", {"image": image, "caption": "The sack race"})],
        live=False,
    )
    for account in (x_account, facebook_account):
        SocialPost.objects.create(
            page=page, account=account, text="What a day!", include_image=True
        )
    with transaction.atomic():
        page.save_revision().publish()
    sent = wait_for(
        lambda: (
            Delivery.objects.filter(page=page, status=Delivery.Status.SENT).count() == 2
        )
    )
    assert sent, back_office.log("worker")
    image.refresh_from_db()
    return amelia, image, page


def public_copy_urls(live_server, image) -> list[str]:
    storage = storages["public_media"]
    return [
        live_server.url + storage.url(copy["name"])
        for copy in image.public_files["files"].values()
    ]


def status_of(page, url: str) -> int:
    return page.goto(url).status


def api_json(request, url: str) -> dict:
    response = request.get(url)
    assert response.ok, response.text()
    return response.json()


def test_withdrawn_consent_takes_the_photo_off_the_site_api_and_both_networks(
    live_server, photo_out_everywhere, browser, x_emulator, facebook_emulator,
    back_office,
):  # fmt: skip
    amelia, image, news = photo_out_everywhere
    officer = staff_member("dsl", SAFEGUARDING, first_name="Dee", last_name="Lane")
    copies = public_copy_urls(live_server, image)
    rendition_urls = [
        live_server.url + image.get_rendition(spec).url
        for spec in ("max-165x165", "original")
    ]

    visitor_context = browser.new_context(**DESKTOP)
    serve_public_copies(visitor_context)
    visitor = visitor_context.new_page()
    request = visitor_context.request

    # The control: before the withdrawal the photo is out everywhere.
    visitor.goto(live_server.url + news.url)
    pictures = visitor.locator("main img[srcset]")
    assert pictures.count() == 2
    assert pictures.first.evaluate("img => img.complete && img.naturalWidth > 0")
    shot(visitor, "withdrawal-0-page-before")
    page_api = api_json(request, f"{live_server.url}/api/v2/pages/{news.pk}/")
    assert page_api["listing_image"] is not None
    images_api = api_json(request, f"{live_server.url}/api/v2/images/")
    assert [item["id"] for item in images_api["items"]] == [image.pk]
    listing = request.get(f"{live_server.url}{NEWS_LISTING}").text()
    assert any(url.rsplit("/", 1)[1] in listing for url in copies)
    assert all(status_of(visitor, url) == 200 for url in copies)
    [tweet] = x_emulator.state()["posts"]
    [facebook_post] = facebook_emulator.state()["posts"]
    assert tweet["media"] and facebook_post["media"]

    # The parent phones: the consent officer withdraws everything, in the browser.
    office = browser.new_context(**DESKTOP).new_page()
    sign_in(office, live_server, officer)
    office.get_by_role("link", name="Consent register").first.click()
    office.get_by_role("link", name="Amelia Jones").click()
    shot(office, "withdrawal-1-learner")
    office.get_by_role("link", name="Withdraw everything").click()
    # The confirmation lists what goes: the photo, the page, both posts.
    listed = office.locator("[data-withdraw-everything]").inner_text()
    assert "Sack race" in listed and "Sports day" in listed
    assert listed.count("“Sports day” on") == 2, listed
    shot(office, "withdrawal-1b-confirm")
    office.get_by_role("button", name="Yes, withdraw everything").click()
    office.get_by_text("All consent for Amelia Jones is withdrawn").wait_for()
    shot(office, "withdrawal-2-recorded")

    # Within a minute: gone from the page, the API, every URL and both networks.
    def gone_everywhere() -> bool:
        return (
            not x_emulator.state()["posts"] and not facebook_emulator.state()["posts"]
        )

    assert wait_for(gone_everywhere, seconds=60), back_office.log("worker")
    visitor.goto(live_server.url + news.url)
    assert visitor.get_by_role("heading", level=1).inner_text() == "Sports day"
    assert visitor.locator("main img").count() == 0
    shot(visitor, "withdrawal-3-page-after")
    page_api = api_json(request, f"{live_server.url}/api/v2/pages/{news.pk}/")
    assert page_api["listing_image"] is None
    assert "/media/" not in str(page_api["body"])
    assert api_json(request, f"{live_server.url}/api/v2/images/")["items"] == []
    listing = request.get(f"{live_server.url}{NEWS_LISTING}").text()
    assert "Sports day" in listing
    assert not any(url.rsplit("/", 1)[1] in listing for url in copies)
    for url in copies:
        assert status_of(visitor, url) == 404, url
    for url in rendition_urls:
        # The private renditions: a visitor is sent to sign in, never given a
        # picture; and they are deleted, so even the officer finds nothing there.
        answer = request.get(url, max_redirects=0)
        assert answer.status == 302 and "/admin/login/" in answer.headers["location"]
        assert status_of(office, url) == 404, url
    visitor_context.close()
