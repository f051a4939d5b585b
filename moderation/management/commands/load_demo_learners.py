"""The demo school's consent register: learners in every consent state, tagged photos.

For `make run` only (refuses production settings). Loads into the school named by
``--school HOST`` (the demo school without it), once: a school whose register already
has learners is left alone. A newcomer can then tag a photo, see a consent
refusal and withdraw consent without first becoming the consent officer.
"""

from __future__ import annotations

import datetime
import io

from django.core.files.images import ImageFile
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from cms.demo_pictures import draw_demo_picture
from cms.demo_school import ensure_not_production_command
from cms.models import SchoolImage
from moderation.models import ConsentRecord, ConsentUse, Learner
from schools.commands import school_argument_add, school_from_option

ALL_USES = tuple(ConsentUse.values)
# (first name, last name, class, uses agreed, how): every state a register holds.
LEARNERS = (
    ("Nia", "Jones", "Year 4", ALL_USES, "full"),
    ("Tom", "Evans", "Year 4", (ConsentUse.WEBSITE,), "website only"),
    ("Ava", "Price", "Year 4", (), "none"),
    ("Leo", "Morgan", "Year 4", ALL_USES, "do not publish"),
    ("Ella", "Hughes", "Year 3", ALL_USES, "expired"),
    ("Osian", "Roberts", "Year 3", ALL_USES, "full"),
    ("Maya", "Patel", "Year 3", (ConsentUse.WEBSITE, ConsentUse.CLOSED_SOCIAL), "part"),
    ("Jac", "Williams", "Year 5", ALL_USES, "full"),
    ("Isla", "Davies", "Year 5", (ConsentUse.WEBSITE,), "website only"),
    ("Harri", "Thomas", "Year 6", ALL_USES, "full"),
)
PHOTOS = (
    # title, scene, seed, who is pictured, description (the alt text)
    ("Year 4 choir rehearsal", "music", 41, ("Nia", "Osian"),
     "Two pupils singing at the front of the choir"),
    ("Reading corner", "books", 42, ("Tom",),
     "A pupil reading in the library corner"),
    ("Football practice", "field", 43, ("Jac", "Leo"),
     "Two pupils running after the ball"),
)  # fmt: skip


class Command(BaseCommand):
    help = "Load the demo consent register (learners and tagged photos) once."

    def add_arguments(self, parser):
        school_argument_add(parser)

    def handle(self, *args, school: str | None = None, **options):
        ensure_not_production_command()
        site = school_from_option(school)
        if Learner.objects.filter(site=site).exists():
            self.stdout.write("The consent register has learners: nothing loaded.")
            return
        today = timezone.localdate()
        with transaction.atomic():
            learners = {
                first: self._learner(site, first, last, year, uses, how, today=today)
                for first, last, year, uses, how in LEARNERS
            }
            for title, scene, seed, pictured, description in PHOTOS:
                self._photo(
                    site,
                    title,
                    scene,
                    seed,
                    description,
                    [learners[n] for n in pictured],
                )
        self.stdout.write(
            f"Loaded {len(LEARNERS)} demo learners and {len(PHOTOS)} tagged photos."
        )

    def _learner(self, site, first, last, year, uses, how, *, today) -> Learner:
        learner = Learner.objects.create(
            site=site,
            external_id=f"DEMO-{first}-{last}".upper(),
            first_name=first,
            last_name=last,
            year_group=year,
            do_not_publish=how == "do not publish",
            do_not_publish_reason="Demo: a court order"
            if how == "do not publish"
            else "",
        )
        expires = today - datetime.timedelta(days=30) if how == "expired" else None
        for use in uses:
            ConsentRecord.objects.create(
                learner=learner,
                use=use,
                given=True,
                given_on=today - datetime.timedelta(days=60),
                expires_on=expires or datetime.date(today.year + 1, 7, 31),
                recorded_by="School office (demo)",
            )
        return learner

    def _photo(self, site, title, scene, seed, description, learners) -> SchoolImage:
        image = SchoolImage(
            title=title,
            description=description,
            copyright_holder=site.site_name or "Meadowbank Primary School",
            collection=site.school.collection,
            no_identifiable_learners=False,
            file=ImageFile(
                io.BytesIO(draw_demo_picture(scene=scene, seed=seed)),
                name=f"demo-photo-{seed}.jpg",
            ),
        )
        image.save()
        image.learners.set(learners)
        return image
