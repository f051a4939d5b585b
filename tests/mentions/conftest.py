"""The mentions' set-up: the school's DSL, head and an account manager, a learner
and a member of staff to be named, and the local feed server."""

from __future__ import annotations

import pytest
from wagtail.models import Site

from moderation.roles import EDITORS, HEADTEACHER, SAFEGUARDING
from tests import factories


@pytest.fixture
def school(db):
    return Site.objects.get(is_default_site=True)


@pytest.fixture
def dsl(db):
    return factories.staff("dsl", SAFEGUARDING, email="dsl@school.example")


@pytest.fixture
def head(db):
    return factories.staff(
        "head", HEADTEACHER, email="head@school.example", first_name="Gwen"
    )


@pytest.fixture
def manager(db):
    user = factories.staff("manager", EDITORS, email="manager@school.example")
    factories.SocialAccountFactory(name="School X", managers=[user])
    return user


@pytest.fixture
def amelia(db):
    return factories.LearnerFactory(first_name="Amelia", last_name="Jones")


@pytest.fixture
def teacher(db):
    return factories.staff(
        "teacher", EDITORS, first_name="Dafydd", last_name="Price", email="t@x.example"
    )


def entry(number: int, title: str, *, link: str = "", content: str = "") -> dict:
    return {
        "id": f"tag:google.com,2013:googlealerts/feed:{number}",
        "title": title,
        "link": link or f"https://news.example/story-{number}",
        "content": content,
        "published": f"2026-12-0{number % 9 + 1}T08:00:00Z",
    }
