"""Steps shared by the school-calendar tests: the clock, approval, the scheduled jobs.

Our services take ``now``; Wagtail's own approval and scheduled publishing read the
clock themselves, so the tests move the process clock with ``time_machine`` (never
sleeping) and pass the same instant to our code.
"""

from __future__ import annotations

import datetime
import zoneinfo

import time_machine
from bs4 import BeautifulSoup
from django.test import Client
from django.urls import reverse

from publishing.scheduled_jobs.services import scheduled_job_run
from tests.twofactor import login_verified

LONDON = zoneinfo.ZoneInfo("Europe/London")


def london(*args) -> datetime.datetime:
    return datetime.datetime(*args, tzinfo=LONDON)


class Clock:
    """The one clock of a test: moved forward by hand, read by Wagtail and by us."""

    def __init__(self, start: datetime.datetime):
        self.now = start
        self._traveller = time_machine.travel(start, tick=False)
        self._coordinates = self._traveller.start()

    def to(self, when: datetime.datetime) -> datetime.datetime:
        self.now = when
        self._coordinates.move_to(when)
        return when

    def stop(self) -> None:
        self._traveller.stop()


def approve(user, page) -> None:
    """Approve the page's current task from the review screen, as an approver does."""
    page.refresh_from_db()
    task_state = page.current_workflow_task_state
    client = Client()
    login_verified(client, user)
    response = client.post(
        reverse("moderation_workflow:review", args=(task_state.pk,)),
        {"action": "approve", "revision_id": task_state.revision_id},
    )
    assert response.status_code in (200, 302), response.content[:500]


def run_job(name: str, clock: Clock, capture):
    """One wake-up of a scheduled job at the clock's time, on-commit hooks run."""
    with capture(execute=True):
        return scheduled_job_run(name=name, now=clock.now)


def posts_on_review_screen(user, notice) -> dict[str, str]:
    """Each social post on the review screen, by account: the text as drawn."""
    notice.refresh_from_db()
    client = Client()
    login_verified(client, user)
    screen = client.get(
        reverse(
            "moderation_workflow:review",
            args=(notice.current_workflow_task_state.pk,),
        )
    )
    cards = BeautifulSoup(screen.content, "html.parser").select("[data-social-post]")
    return {
        card.select_one(".social-card__account strong").get_text(): card.select_one(
            "[data-post-text]"
        ).get_text()
        for card in cards
    }
