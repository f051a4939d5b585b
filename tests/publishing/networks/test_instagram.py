"""The Instagram adapter over real HTTP: facebook-sdk's GraphAPI to the Graph emulator,
which fetches each picture itself from a public address, as Instagram does."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from django.core.files.storage import storages
from PIL import Image

from cms.public_media import sharing_copy_save
from publishing.networks.base import (
    AuthExpired,
    DeletionNotOffered,
    ImageFile,
    OutcomeUnknown,
    PermanentRefusal,
    TransientNetworkError,
)
from publishing.networks.instagram import InstagramNetwork

LINK = "https://school.example/news/tree-planting/?ref=3"


def network(emulator, **overrides) -> InstagramNetwork:
    return InstagramNetwork(
        credentials=emulator.credentials,
        base_url=emulator.base_url,
        sleep=lambda seconds: None,
        container_wait_seconds=overrides.pop("container_wait_seconds", 5),
        **overrides,
    )


def photo(size=(1000, 1000), alt="Pupils planting an oak tree") -> ImageFile:
    out = io.BytesIO()
    Image.new("RGB", size, "green").save(out, "PNG")
    prepared, _ = InstagramNetwork.prepare_image(
        ImageFile(out.getvalue(), "upload.png", "image/png", alt)
    )
    url = sharing_copy_save(content=prepared.content, extension="jpg")
    return ImageFile(
        prepared.content, prepared.filename, prepared.mime_type, alt, public_url=url
    )


def test_a_photo_post_goes_through_a_container_and_media_publish(
    db, instagram_emulator, public_web
):
    result = network(instagram_emulator).publish(
        text="Tree planting today", images=[photo()], link=LINK
    )

    [media] = instagram_emulator.state()["media"]
    assert media["id"] == result.remote_id
    assert media["caption"] == f"Tree planting today\n\n{LINK}"
    assert media["images"][0]["alt_text"] == "Pupils planting an oak tree"
    assert result.url == media["permalink"]
    assert instagram_emulator.state()["quota_usage"] == 1


def test_a_tall_photo_is_padded_not_cropped_and_the_editor_is_told(
    db, instagram_emulator, public_web
):
    out = io.BytesIO()
    Image.new("RGB", (900, 1600), "red").save(out, "PNG")
    prepared, note = InstagramNetwork.prepare_image(
        ImageFile(out.getvalue(), "tall.png", "image/png", "A tall photo")
    )
    assert "white bars are added at the sides" in note
    with Image.open(io.BytesIO(prepared.content)) as padded:
        assert padded.size == (1280, 1600)  # 4:5, the whole photo inside
        assert padded.getpixel((640, 800)) == pytest.approx((254, 0, 0), abs=2)
        assert padded.getpixel((5, 800)) == pytest.approx((255, 255, 255), abs=2)
    # Without padding Instagram refuses the ratio.
    unpadded = io.BytesIO()
    Image.new("RGB", (900, 1600), "red").save(unpadded, "JPEG")
    url = sharing_copy_save(content=unpadded.getvalue(), extension="jpg")
    raw = ImageFile(unpadded.getvalue(), "t.jpg", "image/jpeg", "A tall photo", url)
    with pytest.raises(PermanentRefusal, match="aspect ratio"):
        network(instagram_emulator).publish(text="x", images=[raw], link=LINK)
    assert instagram_emulator.state()["media"] == []


def test_a_carousel_of_two_to_ten_photos(db, instagram_emulator, public_web):
    network(instagram_emulator).publish(
        text="Sports day", images=[photo(), photo((1910, 1000))], link=LINK
    )
    [media] = instagram_emulator.state()["media"]
    assert len(media["images"]) == 2

    with pytest.raises(PermanentRefusal, match="at most 10"):
        network(instagram_emulator).publish(text="x", images=[photo()] * 11, link=LINK)


def test_caption_limits_are_checked_before_any_request(db, instagram_emulator):
    image = ImageFile(b"", "a.jpg", "image/jpeg", "a", public_url="http://x/a.jpg")
    with pytest.raises(PermanentRefusal, match="2200"):
        network(instagram_emulator).publish(text="a" * 2200, images=[image], link=LINK)
    tags = " ".join(f"#tag{n}" for n in range(31))
    with pytest.raises(PermanentRefusal, match="30 hashtags"):
        network(instagram_emulator).publish(text=tags, images=[image], link=LINK)
    with pytest.raises(PermanentRefusal, match="needs a photo"):
        network(instagram_emulator).publish(text="No photo", images=[], link=LINK)
    assert instagram_emulator.calls == 0


def test_containers_that_fail_expire_or_never_finish(
    db, instagram_emulator, public_web
):
    instagram_emulator.container_outcome = "ERROR"
    with pytest.raises(PermanentRefusal, match="could not use the photo"):
        network(instagram_emulator).publish(text="x", images=[photo()], link=LINK)

    instagram_emulator.container_outcome = "EXPIRED"
    with pytest.raises(TransientNetworkError, match="expire"):
        network(instagram_emulator).publish(text="x", images=[photo()], link=LINK)

    instagram_emulator.container_outcome = "IN_PROGRESS"
    with pytest.raises(TransientNetworkError, match="still preparing") as stuck:
        network(instagram_emulator, container_wait_seconds=2).publish(
            text="x", images=[photo()], link=LINK
        )
    assert not isinstance(stuck.value, OutcomeUnknown)  # nothing was published
    assert instagram_emulator.publish_calls == 0


def test_a_photo_instagram_cannot_fetch_says_what_to_do(db, instagram_emulator):
    unreachable = ImageFile(
        b"", "a.jpg", "image/jpeg", "a", public_url="http://127.0.0.1:9/a.jpg"
    )
    with pytest.raises(PermanentRefusal, match="reachable from the internet"):
        network(instagram_emulator).publish(text="x", images=[unreachable], link=LINK)


def test_the_daily_publishing_limit_is_read_and_respected(
    db, instagram_emulator, public_web
):
    instagram_emulator.published_today(50)
    with pytest.raises(TransientNetworkError, match="50 posts in 24 hours") as full:
        network(instagram_emulator).publish(text="x", images=[photo()], link=LINK)
    assert full.value.retry_after == 3600
    assert instagram_emulator.publish_calls == 0


def test_a_lost_publish_answer_adopts_the_published_container(
    db, instagram_emulator, public_web
):
    instagram_emulator.fail_next(
        "timeout_after_success", path_contains="media_publish", hold_seconds=2
    )
    result = network(instagram_emulator, timeout=0.5).publish(
        text="Lost answer", images=[photo()], link=LINK
    )
    [media] = instagram_emulator.state()["media"]
    assert result.remote_id == media["id"]
    assert instagram_emulator.publish_calls == 1  # never published twice


def test_rate_limits_server_errors_and_expired_tokens(
    db, instagram_emulator, public_web
):
    instagram_emulator.fail_next(status=429, retry_after=300, path_contains="/media")
    with pytest.raises(TransientNetworkError, match="rate limit") as limited:
        network(instagram_emulator).publish(text="x", images=[photo()], link=LINK)
    assert limited.value.retry_after == 300  # estimated_time_to_regain_access
    # A container's answer lost: a container posts nothing, so simply try again.
    instagram_emulator.fail_next("timeout", path_contains="/media", hold_seconds=2)
    with pytest.raises(TransientNetworkError) as lost:
        network(instagram_emulator, timeout=0.5).publish(
            text="x", images=[photo()], link=LINK
        )
    assert not isinstance(lost.value, OutcomeUnknown)
    instagram_emulator.fail_next(status=500, path_contains="media_publish")
    with pytest.raises(OutcomeUnknown):
        network(instagram_emulator).publish(text="x", images=[photo()], link=LINK)
    instagram_emulator.fail_next("expired_token")
    with pytest.raises(AuthExpired, match="connect the Instagram account again"):
        network(instagram_emulator).publish(text="x", images=[photo()], link=LINK)


def test_retract_deletes_or_says_a_person_must(db, instagram_emulator, public_web):
    adapter = network(instagram_emulator)
    first = adapter.publish(text="One", images=[photo()], link=LINK)
    second = adapter.publish(text="Two", images=[photo()], link=LINK + "2")
    assert adapter.retract(remote_id=first.remote_id).already_gone is False
    assert adapter.retract(remote_id=first.remote_id).already_gone is True

    instagram_emulator.deletion_supported = False
    with pytest.raises(DeletionNotOffered, match="Instagram app"):
        adapter.retract(remote_id=second.remote_id)
    assert [m["id"] for m in instagram_emulator.state()["media"]] == [second.remote_id]


def test_sharing_copies_are_public_only_until_deleted(db, public_web):
    from cms.public_media import sharing_copy_delete

    url = sharing_copy_save(content=b"jpeg bytes", extension="jpg")
    name = "sharing/" + url.rsplit("sharing/", 1)[1]
    assert Path(storages["public_media"].path(name)).read_bytes() == b"jpeg bytes"
    sharing_copy_delete(url=url)
    assert not storages["public_media"].exists(name)


def test_the_emulator_checks_carousels_as_instagram_does(
    db, instagram_emulator, public_web
):
    import requests

    graph = f"{instagram_emulator.base_url}/v19.0"
    api = f"{graph}/{instagram_emulator.ig_user_id}"
    token = {"access_token": instagram_emulator.page_access_token}

    def post(edge, **fields):
        return requests.post(f"{api}/{edge}", data={**token, **fields}, timeout=5)

    def status(container):
        params = {**token, "fields": "status_code"}
        answer = requests.get(f"{graph}/{container}", params=params, timeout=5)
        return answer.json()["status_code"]

    def child():
        answer = post("media", image_url=photo().public_url, is_carousel_item="true")
        status(answer.json()["id"])  # polled until Instagram has it, as we do
        return answer.json()["id"]

    def carousel(children):
        return post("media", media_type="CAROUSEL", children=",".join(children))

    one = child()
    refused = carousel([one]).json()["error"]
    assert "between 2 and 10" in refused["message"]
    eleven = carousel([child() for _ in range(11)]).json()["error"]
    assert "between 2 and 10" in eleven["message"]
    assert carousel([one, one]).json()["error"]["error_subcode"] == 2207028

    # A child Instagram has not finished with makes the carousel unusable.
    instagram_emulator.container_outcome = "IN_PROGRESS"
    slow = post("media", image_url=photo().public_url, is_carousel_item="true")
    instagram_emulator.container_outcome = "FINISHED"
    stuck = carousel([one, slow.json()["id"]]).json()["id"]
    assert status(stuck) == "ERROR"
    assert post("media_publish", creation_id=stuck).json()["error"]
    assert instagram_emulator.state()["media"] == []

    # Each child is used in one carousel only.
    two, three = child(), child()
    made = carousel([two, three]).json()["id"]
    assert status(made) == "FINISHED"
    assert post("media_publish", creation_id=made).json()["id"]
    assert carousel([two, child()]).json()["error"]["error_subcode"] == 2207028


def test_a_carousels_photos_are_all_padded_to_the_first_ones_shape():
    """Instagram crops every photo of a carousel to the first one's shape: so each is
    padded to it instead, and nobody at the edge of a wide photo is cut off."""

    def raw(size):
        out = io.BytesIO()
        Image.new("RGB", size, "green").save(out, "PNG")
        return ImageFile(out.getvalue(), "upload.png", "image/png", "A photo")

    tall, wide, square = InstagramNetwork.prepare_images(
        [raw((900, 1600)), raw((1910, 1000)), raw((1000, 1000))]
    )
    sizes = [
        Image.open(io.BytesIO(image.content)).size for image in (tall, wide, square)
    ]
    assert sizes[0] == (1280, 1600)  # portrait 4:5, white bars at the sides
    for width, height in sizes:
        assert abs(width / height - 0.8) < 0.005
    assert sizes[1][0] >= 1910 and sizes[2][0] >= 1000  # nothing cut off
