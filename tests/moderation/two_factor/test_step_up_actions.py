"""Approving, rejecting and publishing need a code from the last 15 minutes."""

import re
import time
from urllib.parse import parse_qs, urlparse

import pytest
from django.test import Client
from django.urls import reverse
from wagtail.models import ModelLogEntry, TaskState

from moderation.two_factor import audit
from moderation.two_factor.pending import PENDING_SESSION_KEY
from tests.factories import StandardPageFactory
from tests.moderation.two_factor.conftest import code_at
from tests.twofactor import login_verified

STEP_UP = reverse("two_factor:step_up")
STALE = time.time() - 16 * 60


@pytest.fixture
def moderator(approver):
    """An approver (Wagtail's own "Moderators" group is removed, see 0007)."""
    return approver


@pytest.fixture
def page_in_moderation(home_page, editor):
    page = StandardPageFactory(parent=home_page, live=False)
    page.save_revision(user=editor)
    workflow_state = page.get_workflow().start(page, editor)
    return page, workflow_state.current_task_state


def approve_url(page, task_state) -> str:
    return reverse(
        "wagtailadmin_pages:workflow_action",
        args=(page.pk, "approve", task_state.pk),
    )


def hidden_fields(html: str) -> dict[str, str]:
    return dict(
        re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', html)
    )


def step_up_next(response) -> str:
    location = urlparse(response["Location"])
    assert location.path == STEP_UP
    return parse_qs(location.query)["next"][0]


def review_url(task_state) -> str:
    """Approval happens on moderation's review screen (moderation.workflow)."""
    return reverse("moderation_workflow:review", args=(task_state.pk,))


@pytest.mark.django_db
def test_stale_approval_asks_for_a_code_then_finishes_the_approval(
    moderator, page_in_moderation
):
    page, task_state = page_in_moderation
    client = Client()
    device = login_verified(client, moderator, verified_at=STALE)
    url = review_url(task_state)
    approve = {"action": "approve", "revision_id": task_state.revision_id}

    response = client.post(url, approve)

    # The review screen asks for the code in place, keeping what was chosen.
    assert response.status_code == 400
    assert "Code from your authenticator app" in response.content.decode()
    task_state.refresh_from_db()
    assert task_state.status == TaskState.STATUS_IN_PROGRESS

    approve["otp_token"] = code_at(device, steps_from_now=1)
    done = client.post(url, approve)

    assert done.status_code == 302
    task_state.refresh_from_db()
    page.refresh_from_db()
    assert task_state.status == TaskState.STATUS_APPROVED
    assert page.live
    assert ModelLogEntry.objects.filter(action=audit.STEP_UP).count() == 1


@pytest.mark.django_db
def test_fresh_approval_goes_straight_through(moderator, page_in_moderation):
    page, task_state = page_in_moderation
    client = Client()
    login_verified(client, moderator)

    response = client.post(
        review_url(task_state),
        {"action": "approve", "revision_id": task_state.revision_id},
    )

    assert urlparse(response["Location"]).path != STEP_UP
    task_state.refresh_from_db()
    assert task_state.status == TaskState.STATUS_APPROVED


@pytest.mark.django_db
def test_rejection_from_the_dashboard_modal_gets_json_to_the_code_page(
    moderator, page_in_moderation
):
    page, task_state = page_in_moderation
    client = Client()
    login_verified(client, moderator, verified_at=STALE)
    url = reverse(
        "wagtailadmin_pages:workflow_action", args=(page.pk, "reject", task_state.pk)
    )

    response = client.post(
        url, {"comment": "Needs a photo credit"}, HTTP_X_REQUESTED_WITH="XMLHttpRequest"
    )

    assert response.json()["step"] == "success"
    assert urlparse(response.json()["redirect"]).path == STEP_UP
    kept = client.session[PENDING_SESSION_KEY]
    assert kept["path"] == url
    assert ["comment", "Needs a photo credit"] in kept["fields"]
    task_state.refresh_from_db()
    assert task_state.status == TaskState.STATUS_IN_PROGRESS


@pytest.mark.django_db
@pytest.mark.parametrize(
    "button",
    [
        {"action-publish": "action-publish"},
        {"action-workflow-action": "true", "workflow-action-name": "approve"},
    ],
)
def test_editor_publish_and_approve_buttons_need_step_up(moderator, home_page, button):
    page = StandardPageFactory(parent=home_page, live=False)
    client = Client()
    login_verified(client, moderator, verified_at=STALE)
    url = reverse("wagtailadmin_pages:edit", args=(page.pk,))

    response = client.post(url, {"title": "Sports day moved", **button})

    assert step_up_next(response) == url
    page.refresh_from_db()
    assert not page.live
    assert ["title", "Sports day moved"] in client.session[PENDING_SESSION_KEY][
        "fields"
    ]


@pytest.mark.django_db
def test_other_changes_do_not_need_step_up(moderator, home_page):
    page = StandardPageFactory(parent=home_page)
    client = Client()
    login_verified(client, moderator, verified_at=STALE)
    moderator.is_superuser = True
    moderator.save()

    response = client.post(reverse("wagtailadmin_pages:lock", args=(page.pk,)))

    assert urlparse(response["Location"]).path != STEP_UP
    page.refresh_from_db()
    assert page.locked


@pytest.mark.django_db
def test_unpublish_needs_step_up_and_then_unpublishes(moderator, home_page):
    page = StandardPageFactory(parent=home_page)
    client = Client()
    device = login_verified(client, moderator, verified_at=STALE)
    moderator.is_superuser = True  # unpublish permission without page grants
    moderator.save()
    url = reverse("wagtailadmin_pages:unpublish", args=(page.pk,))

    response = client.post(url)
    assert step_up_next(response) == url
    page.refresh_from_db()
    assert page.live

    confirmed = client.post(response["Location"], {"otp_token": code_at(device)})
    assert ">Unpublish</button>" in confirmed.content.decode()
    client.post(url, hidden_fields(confirmed.content.decode()))

    page.refresh_from_db()
    assert not page.live


@pytest.mark.django_db
@pytest.mark.parametrize("action", ["publish", "unpublish"])
def test_bulk_publish_and_unpublish_need_step_up(moderator, home_page, action):
    page = StandardPageFactory(parent=home_page)
    client = Client()
    login_verified(client, moderator, verified_at=STALE)
    url = f"/admin/bulk/wagtailcore/page/{action}/?id={page.pk}"

    response = client.post(url, {})

    assert step_up_next(response) == url


@pytest.mark.django_db
def test_forged_approval_without_csrf_is_refused_and_not_kept(
    moderator, page_in_moderation
):
    page, task_state = page_in_moderation
    client = Client(enforce_csrf_checks=True)
    login_verified(client, moderator, verified_at=STALE)

    response = client.post(approve_url(page, task_state))

    assert response.status_code == 403
    assert PENDING_SESSION_KEY not in client.session
    task_state.refresh_from_db()
    assert task_state.status == TaskState.STATUS_IN_PROGRESS


@pytest.mark.django_db
def test_wrong_step_up_code_keeps_asking(moderator, page_in_moderation):
    page, task_state = page_in_moderation
    client = Client()
    login_verified(client, moderator, verified_at=STALE)
    url = approve_url(page, task_state)
    step_up = client.post(url)["Location"]

    response = client.post(step_up, {"otp_token": "12 34 56"})

    assert response.status_code == 200
    assert "not right" in response.content.decode()
    assert urlparse(client.post(url)["Location"]).path == STEP_UP


@pytest.mark.django_db
def test_step_up_page_refuses_an_off_site_next(moderator):
    client = Client()
    device = login_verified(client, moderator, verified_at=STALE)

    response = client.post(
        f"{STEP_UP}?next=https://evil.example/", {"otp_token": code_at(device)}
    )

    assert response["Location"] == reverse("wagtailadmin_home")


@pytest.mark.django_db
def test_revert_and_publish_needs_step_up(moderator, home_page):
    page = StandardPageFactory(parent=home_page)
    revision = page.save_revision(user=moderator)
    client = Client()
    login_verified(client, moderator, verified_at=STALE)
    url = reverse("wagtailadmin_pages:revisions_revert", args=(page.pk, revision.pk))

    response = client.post(url, {"title": "Old title", "action-publish": "1"})

    assert step_up_next(response) == url


@pytest.mark.django_db
def test_a_form_with_files_is_refused_with_a_message_not_dropped(moderator, home_page):
    from django.core.files.uploadedfile import SimpleUploadedFile

    page = StandardPageFactory(parent=home_page, live=False)
    client = Client()
    login_verified(client, moderator, verified_at=STALE)
    url = reverse("wagtailadmin_pages:edit", args=(page.pk,))

    response = client.post(
        url,
        {"action-publish": "1", "file": SimpleUploadedFile("a.txt", b"x")},
        HTTP_REFERER=f"http://testserver{url}",
    )

    assert step_up_next(response) == f"http://testserver{url}"
    assert PENDING_SESSION_KEY not in client.session
    shown = client.get(response["Location"]).content.decode()
    assert "Nothing was published" in shown
    page.refresh_from_db()
    assert not page.live


@pytest.mark.django_db
def test_an_empty_post_to_the_code_page_gets_a_message(moderator):
    client = Client()
    login_verified(client, moderator, verified_at=STALE)

    response = client.post(STEP_UP, {})

    assert "Enter the 6-digit code" in response.content.decode()


@pytest.mark.django_db
def test_copy_with_publish_needs_step_up(moderator, home_page):
    page = StandardPageFactory(parent=home_page)
    client = Client()
    login_verified(client, moderator, verified_at=STALE)
    url = reverse("wagtailadmin_pages:copy", args=(page.pk,))

    response = client.post(
        url, {"new_title": "Copy", "new_slug": "copy", "publish_copies": "on"}
    )

    assert step_up_next(response) == url
    assert not type(page).objects.filter(slug="copy").exists()
