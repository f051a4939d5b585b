"""The weekly content review lists stale pages to their owners (M3)."""

import datetime

import pytest
from django.core import mail
from django.utils import timezone

from cms.content_review import content_review_remind
from moderation.roles import EDITORS
from tests.factories import StandardPageFactory, UserFactory, staff


@pytest.mark.django_db
def test_pages_past_review_or_stale_are_listed_to_their_owners(home_page, settings):
    settings.CONTENT_REVIEW_STALE_DAYS = 365
    today = datetime.date(2026, 11, 30)
    owner = staff("teacher", EDITORS, email="teacher@school.example")
    UserFactory(is_superuser=True, email="admin@school.example")
    due = StandardPageFactory(
        parent=home_page, title="Uniform", owner=owner, review_by=today
    )
    StandardPageFactory(
        parent=home_page,
        title="Clubs",
        owner=owner,
        review_by=today + datetime.timedelta(days=1),  # not yet
    )
    stale = StandardPageFactory(parent=home_page, title="Old lunch menu")
    stale.last_published_at = timezone.now() - datetime.timedelta(days=400)
    stale.owner = None
    stale.save()

    outcome = content_review_remind(today=today)

    assert outcome == "2 page(s) due a review, listed to 2 owner(s)."
    by_recipient = {tuple(m.to): m.body for m in mail.outbox}
    assert "Uniform" in by_recipient[("teacher@school.example",)]
    assert "Clubs" not in by_recipient[("teacher@school.example",)]
    assert f"/admin/pages/{due.pk}/edit/" in by_recipient[("teacher@school.example",)]
    assert "Old lunch menu" in by_recipient[("admin@school.example",)]
