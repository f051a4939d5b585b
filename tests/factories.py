"""factory_boy / wagtail-factories factories for the whole suite."""

import factory
import wagtail_factories
from django.contrib.auth import get_user_model
from django.utils import timezone

from cms import models as cms_models


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


class ImageFactory(wagtail_factories.ImageFactory):
    class Meta:
        model = cms_models.SchoolImage


class DocumentFactory(wagtail_factories.DocumentFactory):
    class Meta:
        model = cms_models.SchoolDocument


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
