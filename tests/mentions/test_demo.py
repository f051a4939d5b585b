"""The demo (make run): a few mentions of the demo school, one naming a pupil, and
the demo policy acknowledged by the staff who run and oversee the accounts."""

from __future__ import annotations

import io

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from mentions.models import Mention
from publishing.social_policy.services import has_acknowledged
from tests.factories import SocialAccountFactory

pytestmark = pytest.mark.django_db


def test_the_demo_has_mentions_and_an_acknowledged_policy(school):
    call_command("load_demo_school", stdout=io.StringIO())
    call_command("load_demo_learners", stdout=io.StringIO())
    users = get_user_model().objects
    SocialAccountFactory(
        name="Demo Facebook",
        network="facebook",
        owner=users.get(username="head"),
        managers=[users.get(username="editor"), users.get(username="approver")],
    )
    output = io.StringIO()
    call_command("load_demo_social_policy", stdout=output)
    call_command("load_demo_mentions", stdout=output)

    assert "Mentions: 3 posts" in output.getvalue()
    assert Mention.objects.flagged().get().names_learner
    for username in ("editor", "approver", "head", "dsl"):
        assert has_acknowledged(user=users.get(username=username), site=school)

    call_command("load_demo_social_policy", stdout=io.StringIO())
    call_command("load_demo_mentions", stdout=io.StringIO())
    assert Mention.objects.count() == 3
