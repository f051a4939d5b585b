"""The pages, photos and learners the benchmarks measure, built with the models.

bench/ is run as production code is (its own database under var/), so it builds its
data here rather than with the test factories: nothing outside tests/ imports tests/.
"""

from __future__ import annotations

import datetime
import io
import itertools
import random

from django.core.files.images import ImageFile
from django.utils import timezone
from PIL import Image
from wagtail.models import Collection, Page

from cms.models import NewsIndexPage, NewsPage, SchoolImage
from moderation.models import ConsentRecord, ConsentUse, Learner

_seeds = itertools.count(1)


def bench_news_index_add(*, parent: Page, slug: str) -> NewsIndexPage:
    """A live news index under ``parent``."""
    return parent.add_child(instance=NewsIndexPage(title="News", slug=slug))


def bench_news_page_add(
    *, parent: NewsIndexPage, title: str = "", **fields
) -> NewsPage:
    """A draft story under ``parent``; ``save_revision().publish()`` publishes it."""
    number = next(_seeds)
    fields.setdefault("summary", "What our pupils did this week.")
    fields.setdefault("date", timezone.localdate())
    page = NewsPage(
        title=title or f"Class news {number}",
        slug=f"class-news-{number}",
        live=False,
        **fields,
    )
    return parent.add_child(instance=page)


def bench_image_add(
    *learners: Learner, title: str, width: int = 1200, height: int = 800
) -> SchoolImage:
    """A drawn picture (each one different) tagged with ``learners``.

    With no learners the image is declared free of identifiable learners, as staff
    declare a picture of a playing field.
    """
    seed = next(_seeds)
    buffer = io.BytesIO()
    _distinct_picture(seed, size=(width, height)).save(buffer, format="JPEG")
    image = SchoolImage.objects.create(
        title=title,
        file=ImageFile(buffer, name=f"bench-{seed}.jpg"),
        collection=Collection.get_first_root_node(),
        no_identifiable_learners=not learners,
    )
    image.learners.set(learners)
    return image


def _distinct_picture(seed: int, *, size: tuple[int, int]) -> Image.Image:
    """Random 8x8 blocks seeded by ``seed``, so no two pictures look alike.

    Alike pictures are recognised as copies of each other (a withdrawn photo cannot
    come back), which would change what the benchmarks measure.
    """
    chooser = random.Random(seed)  # noqa: S311 (bench pictures, not security)
    blocks = Image.new("L", (8, 8))
    blocks.putdata([chooser.randrange(256) for _ in range(64)])
    return blocks.resize(size, Image.Resampling.NEAREST).convert("RGB")


def bench_learner_with_consent() -> Learner:
    """A learner on roll whose parent agreed to every use."""
    number = next(_seeds)
    learner = Learner.objects.create(
        external_id=f"BENCH{number:05d}",
        first_name=f"Amy{number}",
        last_name=f"Smith{number}",
        year_group="Year 3",
    )
    ConsentRecord.objects.bulk_create(
        ConsentRecord(
            learner=learner,
            use=use,
            given=True,
            given_on=timezone.localdate(),
            expires_on=datetime.date(2099, 7, 31),
            recorded_by="bench",
        )
        for use in ConsentUse.values
    )
    return learner
