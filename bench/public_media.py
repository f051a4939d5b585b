"""Benchmark: public copies of a page with 50 photos, and the news listing after it.

Publishing now makes three cleaned renditions of each photo (issue 9); this prints
how long that takes and how many queries the news listing costs with 1 and with 20
pictured stories (it must not grow with the pictures). Runs standalone on a
throwaway SQLite database and media folders under var/ (never the real ones):
`.venv/bin/python bench/public_media.py` (``BENCH_IMAGES=10`` for fewer photos).
Most of the time is Wagtail making the renditions; cleaning them is a tenth of it.
"""

import os
import shutil
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
SCRATCH = ROOT / "var" / "bench-public-media"
os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings.test"
os.environ["DATABASE_URL"] = f"sqlite:///{SCRATCH / 'db.sqlite3'}"
os.environ["MEDIA_ROOT"] = str(SCRATCH / "media")
os.environ["PUBLIC_MEDIA_ROOT"] = str(SCRATCH / "public-media")

IMAGES = int(os.environ.get("BENCH_IMAGES", "50"))


def main() -> None:
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from wagtail.models import Site

    from bench.support.content import (
        bench_image_add,
        bench_learner_with_consent,
        bench_news_index_add,
        bench_news_page_add,
    )

    settings.STORAGES["default"]["OPTIONS"]["location"] = os.environ["MEDIA_ROOT"]
    settings.STORAGES["public_media"]["OPTIONS"]["location"] = os.environ[
        "PUBLIC_MEDIA_ROOT"
    ]
    call_command("migrate", verbosity=0)
    home = Site.objects.get(is_default_site=True).root_page
    index = bench_news_index_add(parent=home, slug="news")
    learner = bench_learner_with_consent()
    images = [
        bench_image_add(learner, title=f"Photo {n}", width=1600, height=1200)
        for n in range(IMAGES)
    ]
    page = bench_news_page_add(
        parent=index,
        listing_image=images[0],
        body=[("image", {"image": image, "caption": ""}) for image in images],
    )
    started = time.perf_counter()
    page.save_revision().publish()
    publish_seconds = time.perf_counter() - started

    client = Client()

    def listing_queries() -> int:
        with CaptureQueriesContext(connection) as queries:
            client.get("/news/")
        return len(queries)

    one = listing_queries()
    for n in range(1, min(20, IMAGES)):
        story = bench_news_page_add(parent=index, listing_image=images[n])
        story.save_revision().publish()
    twenty = listing_queries()
    print(f"public copies: one page with {IMAGES} photos (1600x1200), 3 sizes each")
    print(f"  publishing took {publish_seconds:.1f} s ({IMAGES * 3} cleaned copies)")
    print(
        f"  news listing: {one} queries with 1 picture, {twenty} with {min(20, IMAGES)}"
    )


if __name__ == "__main__":
    shutil.rmtree(SCRATCH, ignore_errors=True)
    SCRATCH.mkdir(parents=True)
    try:
        main()
    finally:
        shutil.rmtree(SCRATCH, ignore_errors=True)
