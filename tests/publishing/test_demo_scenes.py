"""The demo shows the whole product: every consent state, tagged photos, a post
awaiting approval, a failed delivery and a proposed account."""

import io

import pytest
from django.core.management import call_command
from django.utils import timezone

from cms.models import NewsPage, SchoolImage
from moderation.consent.selectors import consent_summary, current_consent
from moderation.models import Learner
from publishing.models import Delivery, SocialAccount
from tests.factories import SocialAccountFactory


@pytest.fixture
def demo(db):
    call_command("load_demo_school", stdout=io.StringIO())
    SocialAccountFactory(name="Demo X account", network="x")
    SocialAccountFactory(
        name="Demo Facebook Page", network="facebook", visibility="closed"
    )
    output = io.StringIO()
    call_command("load_demo_learners", stdout=output)
    call_command("load_demo_publishing", stdout=output)
    return output.getvalue()


def summary(first_name: str) -> str:
    learner = Learner.objects.get(first_name=first_name)
    records = current_consent(learner_ids=[learner.pk]).get(learner.pk, {})
    return consent_summary(learner=learner, records=records, on=timezone.localdate())


def test_the_register_holds_every_consent_state(demo):
    assert summary("Nia") == (
        "consent: website ✓, closed social ✓, public social ✓, press ✓, email ✓"
    )
    assert summary("Tom").startswith("consent: website ✓, closed social ✗")
    assert summary("Ava") == (
        "consent: website ✗, closed social ✗, public social ✗, press ✗, email ✗"
    )
    assert summary("Leo") == "do not publish"
    assert summary("Ella").startswith("consent: website ✗")  # expired last month


def test_photos_are_tagged_with_alt_text(demo):
    choir = SchoolImage.objects.get(title="Year 4 choir rehearsal")

    assert {learner.first_name for learner in choir.learners.all()} == {"Nia", "Osian"}
    assert choir.description


def test_one_post_waits_one_delivery_failed_one_account_proposed(demo):
    waiting = NewsPage.objects.get(title="Year 4 sing at the town hall")

    assert waiting.current_workflow_task_state.status == "in_progress"
    assert waiting.current_workflow_task.name != "Consent check"
    assert Delivery.objects.filter(status=Delivery.Status.FAILED).count() == 1
    assert SocialAccount.objects.filter(status="proposed").count() == 1


def test_loading_again_adds_nothing(demo):
    output = io.StringIO()
    call_command("load_demo_learners", stdout=output)
    call_command("load_demo_publishing", stdout=output)

    assert "nothing loaded" in output.getvalue()
    assert Learner.objects.count() == 10
    assert Delivery.objects.filter(status=Delivery.Status.FAILED).count() == 1
    assert NewsPage.objects.filter(title="Year 4 sing at the town hall").count() == 1
