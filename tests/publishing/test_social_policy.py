"""Only trained staff touch the accounts: the school's policy page, acknowledged in
its live version before the inbox, Connect or a post's buttons open; a new version
asks again; the governance page shows who acknowledged which version when; with no
policy page chosen nobody is locked out and the head is warned."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from wagtail.test.utils.form_data import inline_formset, nested_form_data, streamfield

from moderation.roles import EDITORS, HEADTEACHER
from publishing.social_policy.models import PolicyAcknowledgement, SocialMediaPolicy
from tests.factories import (
    NewsIndexPageFactory,
    NewsPageFactory,
    SocialAccountFactory,
    StandardPageFactory,
    staff,
)
from tests.trust_schools import school_site
from tests.twofactor import login_verified

pytestmark = pytest.mark.django_db


@pytest.fixture
def manager(db):
    return staff("manager", EDITORS, first_name="Rhian", last_name="Owen")


@pytest.fixture
def account(manager):
    return SocialAccountFactory(name="School X", managers=[manager])


@pytest.fixture
def policy_page(home_page):
    page = StandardPageFactory(
        parent=home_page, title="Social media policy", slug="social-media-policy"
    )
    page.save_revision().publish()
    page.refresh_from_db()
    setting = SocialMediaPolicy.for_site(home_page.get_site())
    setting.page = page
    setting.save()
    return page


def _acknowledge(client, page, **extra):
    return client.post(
        "/admin/publishing/social-media-policy/acknowledge/",
        {
            "school": page.get_site().pk,
            "version": page.live_revision_id,
            "understood": "yes",
            "next": "/admin/inbox/",
        }
        | extra,
    )


def test_a_manager_reads_and_acknowledges_the_policy_before_the_inbox_opens(
    client, account, manager, policy_page
):
    login_verified(client, manager)
    response = client.get("/admin/inbox/")
    page = response.content.decode()
    assert response.status_code == 403
    assert "Read the social media policy first" in page
    assert 'href="http://localhost/social-media-policy/"' in page
    assert "I have read and understood" in page

    page = _acknowledge(client, policy_page, understood="").content.decode()
    assert not PolicyAcknowledgement.objects.exists()

    response = _acknowledge(client, policy_page)
    assert response.url == "/admin/inbox/"
    assert client.get("/admin/inbox/").status_code == 200


def test_a_new_version_asks_again_and_the_governance_page_lists_both(
    client, account, manager, policy_page
):
    login_verified(client, manager)
    _acknowledge(client, policy_page)
    first = policy_page.live_revision_id
    policy_page.intro = "Updated after the staff meeting."
    policy_page.save_revision().publish()
    policy_page.refresh_from_db()

    assert client.get("/admin/inbox/").status_code == 403
    stale = _acknowledge(client, policy_page, version=first)
    assert client.get(stale.url).status_code == 403  # nothing recorded
    _acknowledge(client, policy_page)
    assert client.get("/admin/inbox/").status_code == 200

    versions = PolicyAcknowledgement.objects.filter(user=manager).values_list(
        "version", flat=True
    )
    assert sorted(versions) == sorted([first, policy_page.live_revision_id])
    page = client.get(f"/admin/publishing/account/{account.pk}/").content.decode()
    assert f"“Social media policy” version {first} on" in page
    assert f"version {policy_page.live_revision_id} on" in page


def test_the_governance_page_shows_who_has_not_acknowledged(
    client, account, manager, policy_page
):
    login_verified(client, manager)
    page = client.get(f"/admin/publishing/account/{account.pk}/").content.decode()
    assert "Rhian Owen — <strong>has not acknowledged the current version" in page


def test_connect_and_a_posts_buttons_stay_closed_until_acknowledged(
    client, account, manager, policy_page
):
    login_verified(client, manager)
    response = client.post(f"/admin/publishing/account/{account.pk}/connect/")
    assert response.status_code == 403
    assert "I have read and understood" in response.content.decode()
    assert client.session.get("publishing_connect") is None


def test_the_page_editor_offers_the_schools_accounts_once_the_policy_is_read(
    client, manager, policy_page, home_page
):
    account = SocialAccountFactory(name="Our X")
    theirs = SocialAccountFactory(site=school_site(2), name="Their X")
    page = NewsPageFactory(parent=NewsIndexPageFactory(parent=home_page))
    edit = reverse("wagtailadmin_pages:edit", args=[page.pk])
    login_verified(client, manager)

    def choose(chosen) -> str:
        """The page as the editor sees it again, or "" once it is saved."""
        post = {"account": chosen.pk, "text": "Our trip", "include_image": ""}
        fields = {"title": "Trip", "slug": "trip", "date": "2026-11-20"}
        data = {**fields, "summary": "A trip", "body": streamfield([])}
        data["social_posts"] = inline_formset([post])
        response = client.post(edit, nested_form_data(data))
        return response.content.decode() if response.status_code == 200 else ""

    assert "Their X" not in client.get(edit).content.decode()
    assert "acknowledge it before choosing an account" in choose(account)
    _acknowledge(client, policy_page)
    assert "Select a valid choice" in choose(theirs)
    assert choose(account) == ""  # saved
    page.refresh_from_db()
    [post] = page.get_latest_revision_as_object().social_posts.all()
    assert post.account == account


def test_a_forged_next_address_goes_to_the_dashboard(client, manager, policy_page):
    login_verified(client, manager)
    response = _acknowledge(client, policy_page, next="https://evil.example/")
    assert response.url == "/admin/"
    assert PolicyAcknowledgement.objects.filter(user=manager).exists()


def test_another_schools_policy_cannot_be_acknowledged_here(
    client, manager, policy_page
):
    other = school_site(2)
    login_verified(client, manager)
    response = _acknowledge(client, policy_page, school=other.pk)
    assert response.url == "/admin/"
    assert not PolicyAcknowledgement.objects.exists()


def test_without_a_policy_page_nobody_is_locked_out_and_the_head_is_warned(
    client, account, manager
):
    login_verified(client, manager)
    assert client.get("/admin/inbox/").status_code == 200
    assert (
        "No social media policy is chosen" not in client.get("/admin/").content.decode()
    )

    page = client.get(f"/admin/publishing/account/{account.pk}/").content.decode()
    assert "No published policy page is chosen for this school" in page

    login_verified(client, staff("head", HEADTEACHER))
    assert "No social media policy is chosen" in client.get("/admin/").content.decode()


def test_the_policy_must_be_a_published_page_of_the_school(home_page):
    site = home_page.get_site()
    setting = SocialMediaPolicy.for_site(site)
    other_home = school_site(2).root_page
    setting.page = StandardPageFactory(parent=other_home, title="Their policy")
    with pytest.raises(ValidationError, match="this school's own website"):
        setting.full_clean()
    draft = StandardPageFactory(parent=home_page, title="Draft", live=False)
    setting.page = draft
    with pytest.raises(ValidationError, match="published page"):
        setting.full_clean()
