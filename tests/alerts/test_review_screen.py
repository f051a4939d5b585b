"""The approver sees the email families will get and how many, never an address."""

from __future__ import annotations

from django.urls import reverse

from alerts.models import Category, Frequency
from moderation import roles
from tests.alerts.conftest import confirmed_subscriber
from tests.factories import NewsPageFactory, StandardPageFactory, staff
from tests.moderation.workflow.conftest import signed_in, submit


def _review(page, approver) -> str:
    url = reverse(
        "moderation_workflow:review", args=(page.current_workflow_task_state.pk,)
    )
    return signed_in(approver).get(url).content.decode()


def test_the_review_screen_shows_the_email_and_how_many_families(school):
    site = school.home.get_site()
    for number, frequency in enumerate(
        [Frequency.IMMEDIATE, Frequency.IMMEDIATE, Frequency.WEEKLY]
    ):
        confirmed_subscriber(
            site, f"family{number}@family.example", {Category.NEWS: frequency}
        )
    confirmed_subscriber(
        site, "closures@family.example", {Category.URGENT: Frequency.IMMEDIATE}
    )
    author = staff("author", roles.EDITORS)
    page = NewsPageFactory(
        parent=school.news_index,
        live=False,
        owner=author,
        title="Sports day moved",
        summary="Now on Friday.",
    )
    submit(page, author)
    html = _review(page, staff("approver", roles.APPROVERS))
    assert "What goes to families by email" in html
    assert (
        "2 families get it straight away; 0 in the daily summary; "
        "1 in Friday's summary." in html
    )
    assert "Now on Friday." in html
    assert "@family.example" not in html


def test_a_page_that_is_not_announced_has_no_email_section(school):
    author = staff("author", roles.EDITORS)
    page = StandardPageFactory(parent=school.home, live=False, owner=author)
    submit(page, author)
    assert "What goes to families by email" not in _review(
        page, staff("approver", roles.APPROVERS)
    )
