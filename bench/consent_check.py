"""Benchmark: the consent check on a page with 50 images, register of 2,000 learners.

Two pages: 3 learners per image (a typical page), and 40 per image, so that every one
of the 2,000 learners is pictured and the full-name rule (every name form, legal and
known-as, over every published text) runs for all of them. Target: well under 100 ms
per check, with the same number of queries in both cases (issue 22); CPU time is
printed beside wall time, the steadier figure on a shared machine. Runs standalone
on a throwaway SQLite database under var/ (never the real one):
`.venv/bin/python bench/consent_check.py`.
"""

import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
DATABASE = ROOT / "var" / "bench-consent-check.sqlite3"
os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings.test"
os.environ["DATABASE_URL"] = f"sqlite:///{DATABASE}"

LEARNERS = 2_000
IMAGES = 50
PER_IMAGE = (3, 40)
RUNS = 30


def word(n: int) -> str:
    """A made-up name for learner ``n``, letters only like a real one: 'Bacd'."""
    letters = ""
    while True:
        n, rest = divmod(n, 26)
        letters += "abcdefghijklmnopqrstuvwxyz"[rest]
        if not n:
            return letters.capitalize()


def build_register():
    import datetime

    from django.utils import timezone

    from moderation.models import ConsentRecord, ConsentUse, Learner

    Learner.objects.bulk_create(
        Learner(
            external_id=f"B{n:05d}",
            first_name=f"Fi{word(n).lower()}",
            last_name=f"La{word(n)}".capitalize(),
            known_as=f"Kn{word(n)}".capitalize() if n % 3 == 0 else "",
        )
        for n in range(LEARNERS)
    )
    learners = list(Learner.objects.order_by("pk"))
    ConsentRecord.objects.bulk_create(
        ConsentRecord(
            learner=learner,
            use=use,
            given=True,
            given_on=timezone.localdate(),
            expires_on=datetime.date(2099, 7, 31),
            recorded_by="bench",
        )
        for learner in learners
        for use in ConsentUse.values
    )
    return learners


def build_page(learners, *, per_image: int):
    from wagtail.models import Site

    from bench.support.content import (
        bench_image_add,
        bench_news_index_add,
        bench_news_page_add,
    )

    images = []
    for n in range(IMAGES):
        pictured = learners[n * per_image : (n + 1) * per_image]
        images.append(bench_image_add(*pictured, title=f"Photo {per_image}-{n}"))
    home = Site.objects.get(is_default_site=True).root_page
    index = bench_news_index_add(parent=home, slug=f"news-{per_image}")
    body = [
        (
            "image",
            {"image": image, "caption": f"Fi{word(n).lower()} at the finish line"},
        )
        for n, image in enumerate(images[1:])
    ]
    body += [
        (
            "paragraph",
            "<p>Our pupils had a wonderful week: Fib, Knd and #TeamLac "
            "(first names and a surname alone are fine).</p>",
        )
    ] * 10
    return bench_news_page_add(
        parent=index,
        listing_image=images[0],
        body=body,
        summary="Sports day for every class, with photos of the races.",
        search_description="Sports day news from the whole school.",
    )


def main() -> None:
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from moderation.consent.rules import Channel, page_violations

    call_command("migrate", verbosity=0)
    learners = build_register()
    for per_image in PER_IMAGE:
        page = build_page(learners, per_image=per_image)
        revision_page = page.save_revision().as_object()
        started = time.perf_counter()
        page_violations(revision_page, channel=Channel.website())
        cold = (time.perf_counter() - started) * 1000
        timings, cpu = [], []
        for _ in range(RUNS):
            started, cpu_started = time.perf_counter(), time.process_time()
            violations = page_violations(revision_page, channel=Channel.website())
            timings.append((time.perf_counter() - started) * 1000)
            cpu.append((time.process_time() - cpu_started) * 1000)
        with CaptureQueriesContext(connection) as queries:
            page_violations(revision_page, channel=Channel.website())
        assert violations == [], violations
        pictured = min(IMAGES * per_image, LEARNERS)
        print(
            f"consent check: {IMAGES} images x {per_image} learners ({pictured} "
            f"pictured, every name form checked), register of {LEARNERS}, {RUNS} runs"
        )
        print(
            f"  median {statistics.median(timings):.1f} ms (CPU "
            f"{statistics.median(cpu):.1f} ms), min {min(timings):.1f} ms, max "
            f"{max(timings):.1f} ms, {len(queries)} queries per check "
            "(target: < 100 ms, queries the same in both cases)"
        )
        print(f"  first (cold) check: {cold:.1f} ms")
    name_rule_alone(learners, revision_page)


def name_rule_alone(learners, page) -> None:
    """The full-name rule by itself: every name form of all 2,000 learners.

    The text is read once (invisible characters removed, NFKC, look-alike letters
    folded, sentences split) and each learner is looked up by surname, so the cost
    grows with the text plus the register, not with their product.
    """
    from moderation.consent.names import PublishedWords, _learner_name, learner_name
    from moderation.consent.page_media import page_media, readable_texts

    texts = readable_texts(page_media(page).texts)
    timings, cpu = [], []
    for run in range(RUNS):
        if run == 0:
            _learner_name.cache_clear()
        started, cpu_started = time.perf_counter(), time.process_time()
        words = PublishedWords(texts)
        named = [
            learner
            for learner in learners
            if words.names_in_full(
                learner_name(
                    first_names=[learner.first_name, learner.known_as],
                    last_name=learner.last_name,
                )
            )
        ]
        timings.append((time.perf_counter() - started) * 1000)
        cpu.append((time.process_time() - cpu_started) * 1000)
    assert named == [], named
    characters = sum(map(len, texts))
    print(
        f"full-name rule alone: {len(learners)} learners x every name form over "
        f"{characters:,} characters of text ({len(words):,} distinct words)"
    )
    print(
        f"  median {statistics.median(timings):.1f} ms (CPU "
        f"{statistics.median(cpu):.1f} ms), first (cold) {timings[0]:.1f} ms"
    )


if __name__ == "__main__":
    DATABASE.parent.mkdir(exist_ok=True)
    DATABASE.unlink(missing_ok=True)
    try:
        main()
    finally:
        DATABASE.unlink(missing_ok=True)
