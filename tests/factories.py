"""factory_boy / wagtail-factories factories for the whole suite."""

import io
import itertools
import random

import factory
import wagtail_factories
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.utils import timezone
from PIL import Image
from wagtail.models import Site

from cms import models as cms_models
from schools.models import SchoolRole
from schools.services import membership_add


def school_collection(site: Site | None = None):
    """The collection of ``site``'s images and documents (default: the default site)."""
    site = site or Site.objects.get(is_default_site=True)
    return site.school.collection


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"staff{n}")
    email = factory.LazyAttribute(lambda user: f"{user.username}@school.example")
    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    password = factory.django.Password("correct-horse-battery")
    is_active = True


def distinct_picture(seed: int, *, size=(64, 48), image_format="PNG") -> bytes:
    """A picture of its own: random blocks seeded by ``seed``.

    Every test picture differs from every other, as photos do: identical pictures
    are recognised as copies of each other (C1: a withdrawn photo cannot come back).
    """
    chooser = random.Random(seed)  # noqa: S311 (test pictures, not security)
    blocks = Image.new("L", (8, 8))
    blocks.putdata([chooser.randrange(256) for _ in range(64)])
    picture = blocks.resize(size, Image.Resampling.NEAREST).convert("RGB")
    buffer = io.BytesIO()
    picture.save(buffer, format=image_format)
    return buffer.getvalue()


class DistinctImageField(factory.django.ImageField):
    """factory_boy's image field (``file__width=...`` still works), each one unlike
    every other: see ``distinct_picture``."""

    seeds = itertools.count(1)

    def _make_data(self, params):
        width = params.get("width", 100)
        return distinct_picture(
            next(self.seeds),
            size=(width, params.get("height", width)),
            image_format=params.get("format", "JPEG"),
        )


class DistinctFileField(factory.django.FileField):
    """factory_boy's file field (``file__data=...`` still works); by default each
    file's bytes differ from every other's."""

    numbers = itertools.count(1)

    def _make_data(self, params):
        if "data" in params:
            return params["data"]
        return f"Newsletter {next(self.numbers)}\n".encode()


def staff(username: str, *groups: str, site: Site | None = None, **fields):
    """A member of staff of the default school in the named roles.

    ``fields`` as for UserFactory; ``site`` for another school.
    """
    user = UserFactory(username=username, **fields)
    user.groups.add(*Group.objects.filter(name__in=groups))
    site = site or Site.objects.get(is_default_site=True)
    for role in groups:
        if SchoolRole.objects.filter(role=role).exists():
            membership_add(user=user, site=site, role=role)
    return user


class ImageFactory(wagtail_factories.ImageFactory):
    """An untagged image (usable in drafts only); see ``tagged_image``."""

    class Meta:
        model = cms_models.SchoolImage

    file = DistinctImageField()
    # The school's collection, where its staff's image permissions are granted.
    collection = factory.LazyFunction(school_collection)


class DocumentFactory(wagtail_factories.DocumentFactory):
    """An untagged document (usable in drafts only)."""

    class Meta:
        model = cms_models.SchoolDocument

    file = DistinctFileField(filename="letter.txt")
    collection = factory.LazyFunction(school_collection)


class NewsIndexPageFactory(wagtail_factories.PageFactory):
    class Meta:
        model = cms_models.NewsIndexPage

    title = "News"


class NewsPageFactory(wagtail_factories.PageFactory):
    class Meta:
        model = cms_models.NewsPage

    title = factory.Sequence(lambda n: f"Class news {n}")
    summary = "What our pupils did this week."
    date = factory.LazyFunction(timezone.localdate)


class NoticeIndexPageFactory(wagtail_factories.PageFactory):
    class Meta:
        model = cms_models.NoticeIndexPage

    title = "Notices"


class NoticePageFactory(wagtail_factories.PageFactory):
    class Meta:
        model = cms_models.NoticePage

    title = factory.Sequence(lambda n: f"Notice {n}")
    message = "<p>School is open as usual.</p>"


class StandardPageFactory(wagtail_factories.PageFactory):
    class Meta:
        model = cms_models.StandardPage

    title = factory.Sequence(lambda n: f"About us {n}")
    intro = "Information for parents."


class TermDateFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = cms_models.TermDate

    title = factory.Sequence(lambda n: f"Event {n}")
    starts_on = factory.LazyFunction(timezone.localdate)


class NewsCategoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = cms_models.NewsCategory
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"Category {n}")
    slug = factory.Sequence(lambda n: f"category-{n}")


class SocialMediaPageFactory(wagtail_factories.PageFactory):
    class Meta:
        model = cms_models.SocialMediaPage

    title = "Our social media"
    what_we_post = "<p>News of trips, sports and celebrations.</p>"
    when_monitored = "<p>School days, 8am to 5pm.</p>"
    raising_concerns = "<p>Please contact the school office, not social media.</p>"


class LearnerFactory(factory.django.DjangoModelFactory):
    """A learner on roll with no consent recorded yet (use ``with_consent``)."""

    class Meta:
        model = "moderation.Learner"

    external_id = factory.Sequence(lambda n: f"MIS{n:05d}")
    first_name = factory.Sequence(lambda n: f"Amy{n}")
    last_name = factory.Sequence(lambda n: f"Smith{n}")
    year_group = "Year 3"


class ConsentRecordFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "moderation.ConsentRecord"

    learner = factory.SubFactory(LearnerFactory)
    use = "website"
    given = True
    given_on = factory.LazyFunction(timezone.localdate)
    recorded_by = "School office"


def learner_with_consent(*uses: str, **learner_fields):
    """A learner whose parent agreed to ``uses`` (default: every use)."""
    learner = LearnerFactory(**learner_fields)
    every_use = (
        *("website", "closed_social", "public_social", "press"),
        "newsletter_email",
    )
    for use in uses or every_use:
        ConsentRecordFactory(learner=learner, use=use)
    return learner


def tagged_image(*learners, **fields):
    """An image tagged with ``learners``, or declared free of learners if none."""
    image = ImageFactory(no_identifiable_learners=not learners, **fields)
    image.learners.set(learners)
    return image


class SocialAccountFactory(factory.django.DjangoModelFactory):
    """An approved, connected-looking account: tests connect it to an emulator."""

    class Meta:
        model = "publishing.SocialAccount"
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"School account {n}")
    network = "x"
    handle = "@ourschool"
    aim = "Celebrate pupils' work and share news with parents."
    audience = "Parents and carers of pupils at the school."
    promotion_plan = "Newsletter and the website's social media page."
    visibility = "open"
    access_locations = "School laptops in the office only."
    monitoring_plan = "The office checks it twice a day in term time."
    escalation_procedure = "Tell the head; the DSL for safeguarding concerns."
    owner = factory.SubFactory(UserFactory)
    proposed_by = factory.SubFactory(UserFactory)
    status = "approved"
    decided_at = factory.LazyFunction(timezone.now)

    @factory.post_generation
    def managers(self, create, extracted, **kwargs):
        if not create:
            return
        self.managers.set(
            extracted if extracted is not None else UserFactory.create_batch(2)
        )


def untagged_image(**fields):
    """An image nobody has said who is in: usable in drafts, never published (C1)."""
    return ImageFactory(no_identifiable_learners=False, **fields)


def untagged_document(**fields):
    return DocumentFactory(no_identifiable_learners=False, **fields)
