"""Staff in their role groups and a news page in the site's default workflow."""

import pytest
from django.test import Client
from wagtail.test.utils.form_data import inline_formset, nested_form_data, streamfield

from moderation import roles
from tests.factories import NewsIndexPageFactory, NewsPageFactory, staff
from tests.twofactor import login_verified


@pytest.fixture
def second_approver(db):
    return staff("second_approver", roles.APPROVERS)


@pytest.fixture
def senior_leader(db):
    return staff("head", roles.SENIOR_LEADERSHIP)


@pytest.fixture
def superuser(db):
    return staff("admin", is_superuser=True, is_staff=True)


@pytest.fixture
def news_index(home_page):
    return NewsIndexPageFactory(parent=home_page)


@pytest.fixture
def draft(news_index, author):
    """A news page never published, with one revision by the author."""
    page = NewsPageFactory(parent=news_index, live=False, owner=author)
    page.save_revision(user=author)
    return page


def submit(page, user):
    """Submit ``page`` to its workflow, as 'Submit for moderation' does."""
    page.save_revision(user=user)
    return page.get_workflow().start(page, user)


def signed_in(user, **kwargs) -> Client:
    client = Client()
    login_verified(client, user, **kwargs)
    return client


def news_edit_form(page, **fields) -> dict:
    """The POST data of the news page editor for ``page``, with ``fields`` changed."""
    return nested_form_data(
        {
            "title": page.title,
            "slug": page.slug,
            "date": page.date.isoformat(),
            "summary": page.summary,
            "listing_image": page.listing_image_id or "",
            "body": streamfield([]),
            "comments": inline_formset([]),
            "social_posts": inline_formset([]),
            **fields,
        }
    )
