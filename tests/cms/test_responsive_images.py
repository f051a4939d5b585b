"""Public pictures come in two or three widths with srcset/sizes (issue 16, part 4).

A phone's 358 px slot picks the smallest public copy instead of the 960 px one. Every
width is a public copy like the rest: stripped of metadata, an unguessable name, and
gone when consent is withdrawn.
"""

from __future__ import annotations

import re
from io import BytesIO

import pytest
from django.conf import settings
from django.core.files.base import ContentFile
from django.utils import timezone
from PIL import Image

from moderation.consent.services import consent_record
from tests.cms.test_private_media import news, photo  # noqa: F401
from tests.factories import learner_with_consent
from tests.media_files import GPS_IFD, fetch_anonymously

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("public_storage")]


def large_camera_photo() -> ContentFile:
    """A 1600x1000 JPEG with a GPS position, as a phone camera would send it."""
    picture = Image.new("RGB", (1600, 1000), "green")
    exif = Image.Exif()
    exif.get_ifd(GPS_IFD)[1] = "N"
    output = BytesIO()
    picture.save(output, "JPEG", exif=exif)
    return ContentFile(output.getvalue(), name="IMG_0042.jpg")


def img_tags(html: str) -> list[dict[str, str]]:
    """The pictures of the page (not the crest): the public copies."""
    tags = [
        dict(re.findall(r'(\w+)="([^"]*)"', tag))
        for tag in re.findall(r"<img\b[^>]*>", html)
    ]
    return [tag for tag in tags if tag["src"].startswith(settings.PUBLIC_MEDIA_URL)]


def srcset_widths(tag: dict[str, str]) -> dict[int, str]:
    candidates = [c.strip().split(" ") for c in tag["srcset"].split(",")]
    return {int(width.removesuffix("w")): url for url, width in candidates}


def test_each_public_picture_offers_small_widths_for_phones(client, school):
    learner = learner_with_consent(first_name="Amelia", last_name="Jones")
    image = photo(learner, file__from_file=large_camera_photo())
    page = news(school.news_index, image=image, title="Sports day")

    [article_picture, *body] = img_tags(client.get(page.url).content.decode())
    assert set(srcset_widths(article_picture)) == {400, 720, 960}
    assert article_picture["src"] == srcset_widths(article_picture)[960]
    assert article_picture["sizes"].startswith("(max-width: 46rem)")
    [card] = img_tags(client.get("/news/").content.decode())
    assert set(srcset_widths(card)) == {360, 600}
    assert card["loading"] == "lazy"

    urls = [*srcset_widths(article_picture).values(), *srcset_widths(card).values()]
    for width, url in {**srcset_widths(article_picture), **srcset_widths(card)}.items():
        status, content = fetch_anonymously(url)
        assert status == 200
        served = Image.open(BytesIO(content))
        assert served.width == width
        assert dict(served.getexif()) == {}  # no GPS in any width
        assert "amelia" not in url.lower() and "width-" not in url
        assert "IMG_0042" not in url

    consent_record(
        learner=learner,
        use="website",
        given=False,
        given_on=timezone.localdate(),
        recorded_by="Office",
    )
    assert all(fetch_anonymously(url)[0] == 404 for url in urls)
    assert img_tags(client.get(page.url).content.decode()) == []


def test_a_tiny_original_is_offered_once_not_at_three_equal_widths(client, school):
    image = photo(learner_with_consent())  # 100 px wide once upright
    page = news(school.news_index, image=image)
    [picture, *_] = img_tags(client.get(page.url).content.decode())
    assert "srcset" not in picture and "sizes" not in picture
    assert fetch_anonymously(picture["src"])[0] == 200
