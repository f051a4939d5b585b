"""A news page on a phone weighs under 150 KB: the phone takes the small picture.

Bytes, not time (issue 16, part 4). The control: on a desktop the same page takes a
wider copy, and the 960 px copy alone would put the phone over the budget.
"""

from __future__ import annotations

import pytest
from django.core.files.storage import storages
from wagtail.models import Site

from bench.support.page_weight import page_weight
from tests.e2e.journey_kit import DESKTOP, PHONE, serve_public_copies, shot
from tests.e2e.photos import camera_photo
from tests.factories import NewsPageFactory, learner_with_consent, tagged_image
from tests.school_site import build_school_site

BUDGET = 150 * 1024


@pytest.fixture
def news_with_a_photo(transactional_db, live_server):
    school = build_school_site(
        Site.objects.get(is_default_site=True).root_page.specific
    )
    image = tagged_image(
        learner_with_consent(), title="Sports day", file__from_file=camera_photo()
    )
    page = NewsPageFactory(
        parent=school.news_index,
        title="Sports day",
        listing_image=image,
        body=[("paragraph", "<p>Every class ran, jumped and cheered.</p>")],
        live=False,
    )
    page.save_revision().publish()
    image.refresh_from_db()
    return page, image


def copy_size(image, filter_spec: str) -> int:
    return storages["public_media"].size(
        image.public_files["files"][filter_spec]["name"]
    )


def test_a_news_page_on_a_phone_stays_under_150_kb(
    live_server, news_with_a_photo, browser
):
    page, image = news_with_a_photo
    url = live_server.url + page.url

    phone = browser.new_context(**PHONE)
    serve_public_copies(phone)
    on_phone = phone.new_page()
    weight = page_weight(on_phone, url)
    shot(on_phone, "weight-phone-news-page")
    print(weight.line("news page"))  # noqa: T201 (shown with -s)
    phone.close()

    assert weight.total < BUDGET, weight.line("news page")
    [picture] = [u for u in weight.image_urls if "/media/public/" in u]
    assert picture.endswith(image.public_files["files"]["width-400"]["name"])
    # The control: the 960 px copy alone would have broken the budget.
    assert (
        weight.total - copy_size(image, "width-400") + copy_size(image, "width-960")
        > BUDGET
    )

    desktop = browser.new_context(**DESKTOP)
    serve_public_copies(desktop)
    wide = page_weight(desktop.new_page(), url)
    desktop.close()
    [wide_picture] = [u for u in wide.image_urls if "/media/public/" in u]
    assert not wide_picture.endswith(image.public_files["files"]["width-400"]["name"])
    assert wide.bytes_by_kind["images"] > weight.bytes_by_kind["images"]
