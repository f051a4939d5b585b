"""The picture each network receives is upright and carries no metadata (issue 9).

A phone photo with a GPS position, camera serial number, XMP and an EXIF rotation is
posted to X and Facebook through the real clients and the emulators; the bytes the
emulators stored are checked, with the original as the control.
"""

from __future__ import annotations

import urllib.request

from django.core.files.base import ContentFile

from publishing.models import Delivery, SocialPost
from tests import factories
from tests.media_files import assert_clean_and_upright, photo_with_camera_metadata

UPLOAD_NAME = "IMG_2024_amelia_sports_day.jpg"


def received(emulator, media_id: str) -> bytes:
    with urllib.request.urlopen(f"{emulator.base_url}/media/{media_id}") as answer:  # noqa: S310 (loopback emulator)
        return answer.read()


def test_networks_receive_the_picture_upright_with_no_metadata(
    news_index,
    x_account,
    x_emulator,
    facebook_account,
    facebook_emulator,
    publish,
    worker,
):
    learner = factories.learner_with_consent()
    image = factories.tagged_image(
        learner,
        title="Sports day",
        file__from_file=ContentFile(photo_with_camera_metadata(), name=UPLOAD_NAME),
        file__filename=UPLOAD_NAME,
    )
    with image.open_file() as original:
        assert b"SN-123456" in original.read()  # the control: the upload has it
    page = factories.NewsPageFactory(
        parent=news_index, title="Sports day", listing_image=image
    )
    for account in (x_account, facebook_account):
        SocialPost.objects.create(
            page=page, account=account, text="What a race!", include_image=True
        )

    publish(page)
    worker.drain()

    assert set(Delivery.objects.values_list("status", flat=True)) == {
        Delivery.Status.SENT
    }
    for emulator in (x_emulator, facebook_emulator):
        [post] = emulator.state()["posts"]
        [media] = post["media"]
        assert "amelia" not in media["filename"].lower()
        assert "IMG_2024" not in media["filename"]
        assert_clean_and_upright(received(emulator, media["id"]))
