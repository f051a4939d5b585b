"""Animated pictures keep their animation in public copies (issue 22, item 3).

Before: every public copy of an animated GIF was its first frame only. Now each
public size keeps every frame and its timing, re-encoded, with nothing else of the
original (its comment and application blocks stay behind), and the copy sent to a
social network is animated too.
"""

from __future__ import annotations

import io

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import storages
from PIL import Image, ImageSequence

from cms.public_media import PUBLIC_IMAGE_FILTERS, image_for_sharing
from tests.factories import (
    NewsPageFactory,
    distinct_picture,
    learner_with_consent,
    tagged_image,
)

pytestmark = pytest.mark.django_db
FRAMES = 4
SECRET = b"Amelia Jones, Year 3"


def animated_gif(*, size=(720, 480)) -> bytes:
    """Four different frames, 150 ms each, looping, with a comment naming a pupil."""
    frames = [
        Image.open(io.BytesIO(distinct_picture(9_000 + number, size=size)))
        for number in range(FRAMES)
    ]
    output = io.BytesIO()
    frames[0].save(
        output,
        "GIF",
        save_all=True,
        append_images=frames[1:],
        duration=150,
        loop=0,
        comment=SECRET,
    )
    content = output.getvalue()
    assert SECRET in content  # the control: the original carries it
    return content


def frames_of(content: bytes) -> list[tuple[int, bytes]]:
    with Image.open(io.BytesIO(content)) as picture:
        return [
            (frame.info.get("duration"), frame.convert("RGB").tobytes())
            for frame in ImageSequence.Iterator(picture)
        ]


def test_every_public_size_of_an_animated_gif_keeps_its_frames(school):
    image = tagged_image(
        learner_with_consent(),
        title="Sports day",
        file=ContentFile(animated_gif(), name="race.gif"),
    )
    page = NewsPageFactory(parent=school.news_index, listing_image=image, live=False)
    page.save_revision().publish()

    copies = type(image).objects.get(pk=image.pk).public_files["files"]
    assert set(copies) == set(PUBLIC_IMAGE_FILTERS)
    storage = storages["public_media"]
    for filter_spec, copy in copies.items():
        with storage.open(copy["name"], "rb") as handle:
            content = handle.read()
        frames = frames_of(content)
        assert len(frames) == FRAMES, filter_spec
        assert {duration for duration, _ in frames} == {150}
        assert len({pixels for _, pixels in frames}) == FRAMES  # each frame differs
        with Image.open(io.BytesIO(content)) as picture:
            assert picture.format == "GIF"
            assert picture.size == (copy["width"], copy["height"])
            assert "comment" not in picture.info
        assert SECRET not in content
    # The sizes are those the templates ask for: a 600x400 fill is cropped, the
    # widths scale down and never up.
    assert (copies["fill-360x240"]["width"], copies["fill-360x240"]["height"]) == (
        360,
        240,
    )
    assert copies["width-400"]["width"] == 400
    assert copies["width-1200"]["width"] == 720


def test_the_picture_sent_to_social_media_is_animated_and_clean():
    image = tagged_image(
        learner_with_consent(), file=ContentFile(animated_gif(), name="race.gif")
    )
    shared = image_for_sharing(image)
    assert shared.mime_type == "image/gif"
    assert len(frames_of(shared.content)) == FRAMES
    assert SECRET not in shared.content


def test_a_still_gif_stays_a_still_gif():
    still = io.BytesIO()
    Image.open(io.BytesIO(distinct_picture(9_100, size=(120, 80)))).save(still, "GIF")
    image = tagged_image(
        learner_with_consent(), file=ContentFile(still.getvalue(), name="logo.gif")
    )
    shared = image_for_sharing(image)
    assert len(frames_of(shared.content)) == 1
    assert (shared.width, shared.height) == (120, 80)
