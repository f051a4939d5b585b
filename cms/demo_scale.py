"""A demo school the size of a big one, for measuring: `load_demo_school --scale N`.

``N`` news posts, ``N / 10`` pictures and ``2N / 5`` learners with website consent
(``--scale 5000``: 5,000 posts, 500 pictures, 2,000 learners) are written with bulk
inserts, so the whole set takes a minute or so rather than the hours that 5,000
page publishes take. Pages go straight into the tree (treebeard paths computed here)
as live pages without revisions, which is what seed data needs; the search index and
the reference index are not filled for them (``manage.py update_index`` and
``rebuild_references_index`` do that, slowly, if wanted).

Learners live in moderation, which cms never imports: their models are looked up by
name here, as the image model's ``learners`` field names them.
"""

from __future__ import annotations

import datetime
import hashlib
import io
import uuid
from dataclasses import dataclass

from django.apps import apps
from django.core.files.storage import default_storage
from django.db import connection, transaction
from django.utils import timezone
from PIL import Image as PILImage
from wagtail.models import Locale, Page

from schools.models import School

from .caching.generation import content_changed
from .demo_pictures import SCENES, draw_demo_picture
from .models import (
    NewsCategory,
    NewsIndexPage,
    NewsPage,
    SchoolImage,
    SchoolImageLearner,
)

BATCH = 500
LEARNERS_PER_TAGGED_PICTURE = 3
SCALE_PREFIX = "scale"


@dataclass
class ScaleSummary:
    news: int = 0
    images: int = 0
    learners: int = 0


def _pictures_for(count: int, *, start: int) -> list[SchoolImage]:
    """``count`` drawn pictures; one drawing per scene, saved under its own name."""
    drawings = {scene: draw_demo_picture(scene=scene, seed=7) for scene in SCENES}
    collection = School.objects.get(site__is_default_site=True).collection
    images = []
    for number in range(start, start + count):
        scene = SCENES[number % len(SCENES)]
        content = drawings[scene]
        name = default_storage.save(
            f"original_images/{SCALE_PREFIX}-{number:05d}.jpg", io.BytesIO(content)
        )
        width, height = PILImage.open(io.BytesIO(content)).size
        images.append(
            SchoolImage(
                title=f"Class photo {number}",
                description=f"A drawing of a {scene} scene.",
                file=name,
                width=width,
                height=height,
                file_size=len(content),
                file_hash=hashlib.sha1(content).hexdigest(),  # noqa: S324 (Wagtail's)
                collection=collection,
                credit="Illustration: Meadowbank Primary School",
                copyright_holder="Meadowbank Primary School",
                # One picture in five shows learners (tagged below); the rest none.
                no_identifiable_learners=number % 5 != 0,
            )
        )
    return SchoolImage.objects.bulk_create(images, batch_size=BATCH)


def _learners(count: int, *, start: int, today: datetime.date) -> list:
    learner_model = apps.get_model("moderation", "Learner")
    consent_model = apps.get_model("moderation", "ConsentRecord")
    learners = learner_model.objects.bulk_create(
        [
            learner_model(
                external_id=f"SCALE{number:06d}",
                first_name=f"Pupil{number}",
                last_name="Scale",
                year_group=f"Year {number % 7 + 1}",
            )
            for number in range(start, start + count)
        ],
        batch_size=BATCH,
    )
    consent_model.objects.bulk_create(
        [
            consent_model(
                learner=learner,
                use="website",
                given=True,
                given_on=today,
                recorded_by="Demo data",
            )
            for learner in learners
        ],
        batch_size=BATCH,
    )
    return learners


def _insert_specific_rows(pages: list[NewsPage]) -> None:
    """The ``cms_newspage`` rows for base rows already inserted.

    Django's ``bulk_create`` refuses multi-table models; this is the same INSERT it
    would write, one statement per batch.
    """
    fields = NewsPage._meta.local_concrete_fields
    columns = ", ".join(connection.ops.quote_name(field.column) for field in fields)
    marks = ", ".join(["%s"] * len(fields))
    table = connection.ops.quote_name(NewsPage._meta.db_table)
    rows = [
        [
            field.get_db_prep_save(getattr(page, field.attname), connection=connection)
            for field in fields
        ]
        for page in pages
    ]
    with connection.cursor() as cursor:
        cursor.executemany(
            f"INSERT INTO {table} ({columns}) VALUES ({marks})",  # noqa: S608 (names from the model)
            rows,
        )


def _news(
    *,
    index: NewsIndexPage,
    count: int,
    images: list[SchoolImage],
    today: datetime.date,
    now: datetime.datetime,
) -> int:
    categories = list(NewsCategory.objects.all()) or [
        NewsCategory.objects.create(name="Whole school", slug="whole-school")
    ]
    last = index.get_last_child()
    first_step = Page._str2int(last.path[-Page.steplen :]) + 1 if last else 1
    existing = NewsPage.objects.child_of(index).count()
    locale = Locale.get_default()
    depth = index.depth + 1
    created = 0
    for batch_start in range(0, count, BATCH):
        batch = range(batch_start, min(batch_start + BATCH, count))
        pages = []
        for offset in batch:
            number = existing + offset
            slug = f"{SCALE_PREFIX}-news-{number:05d}"
            title = f"Class news {number}: what we learned this week"
            picture = images[offset % len(images)] if images else None
            body = [("paragraph", f"<p>News story number {number} from class.</p>")]
            if picture is not None and offset % 3 == 0:
                body.append(("image", {"image": picture, "caption": title}))
            body.append(("paragraph", "<p>Thank you to every family who helped.</p>"))
            published = now - datetime.timedelta(hours=offset)
            pages.append(
                NewsPage(
                    title=title,
                    draft_title=title,
                    slug=slug,
                    path=Page._get_path(index.path, depth, first_step + offset),
                    depth=depth,
                    numchild=0,
                    url_path=f"{index.url_path}{slug}/",
                    live=True,
                    has_unpublished_changes=False,
                    first_published_at=published,
                    last_published_at=published,
                    locale=locale,
                    translation_key=uuid.uuid4(),
                    date=today - datetime.timedelta(days=offset // 4),
                    summary="What our pupils did this week, in words and pictures.",
                    listing_image=picture,
                    body=body,
                )
            )
        Page.objects.bulk_create(pages, batch_size=BATCH)  # base rows, ids set
        for page in pages:
            page.page_ptr_id = page.id
        _insert_specific_rows(pages)
        NewsPage.categories.through.objects.bulk_create(
            [
                NewsPage.categories.through(
                    newspage_id=page.id,
                    newscategory_id=categories[i % len(categories)].pk,
                )
                for i, page in enumerate(pages)
            ]
        )
        created += len(pages)
    Page.objects.filter(pk=index.pk).update(numchild=existing + created)
    return created


def demo_school_scale(
    *,
    index: NewsIndexPage,
    news: int,
    today: datetime.date | None = None,
    now: datetime.datetime | None = None,
) -> ScaleSummary:
    """Add ``news`` posts, ``news // 10`` pictures and ``2 * news // 5`` learners."""
    today = today or timezone.localdate()
    now = now or timezone.now()
    summary = ScaleSummary()
    with transaction.atomic():
        start = SchoolImage.objects.filter(title__startswith="Class photo ").count()
        images = _pictures_for(max(news // 10, 1), start=start)
        learner_model = apps.get_model("moderation", "Learner")
        learners = _learners(
            2 * news // 5,
            start=learner_model.objects.filter(last_name="Scale").count(),
            today=today,
        )
        pictured = [image for image in images if not image.no_identifiable_learners]
        SchoolImageLearner.objects.bulk_create(
            [
                SchoolImageLearner(
                    image=image,
                    learner=learners[
                        (i * LEARNERS_PER_TAGGED_PICTURE + k) % len(learners)
                    ],
                )
                for i, image in enumerate(pictured)
                for k in range(LEARNERS_PER_TAGGED_PICTURE)
            ]
            if learners
            else [],
            ignore_conflicts=True,
        )
        summary.images = len(images)
        summary.learners = len(learners)
        summary.news = _news(
            index=index, count=news, images=images, today=today, now=now
        )
    # Bulk inserts send no signals: start a new content generation by hand.
    content_changed(reason="demo school scaled")
    return summary
