"""Two approvers acting on the same task at once: exactly one wins, one publication."""

import importlib
import threading

import pytest
from django.apps import apps
from django.conf import settings
from django.contrib.auth.models import Group
from django.db import connection, connections
from django.urls import reverse
from django.utils import timezone
from wagtail.coreutils import get_supported_content_language_variant
from wagtail.models import Locale, Page, PageLogEntry, Workflow

from moderation import roles
from moderation.workflow import services
from tests.factories import NewsIndexPageFactory, NewsPageFactory
from tests.moderation.workflow.conftest import signed_in, staff, submit

default_workflow = importlib.import_module(
    "moderation.migrations.0003_workflow_default"
)
page_permissions = importlib.import_module(
    "moderation.migrations.0004_workflow_page_permissions"
)


def publications(page) -> int:
    return PageLogEntry.objects.filter(page=page, action="wagtail.publish").count()


def evidence() -> services.StepUpEvidence:
    return services.StepUpEvidence(
        device_persistent_id="otp_totp.totpdevice/1",
        device_name="Authenticator app",
        verified_at=timezone.now(),
    )


def approve_as(user, task_state_id, revision_id, outcomes):
    try:
        services.approval_approve(
            task_state_id=task_state_id,
            user=user,
            step_up=evidence(),
            revision_id=revision_id,
        )
        outcomes.append("approved")
    except services.AlreadyDecided:
        outcomes.append("already decided")
    except Exception as error:  # noqa: BLE001  (a thread's error must reach the test)
        outcomes.append(repr(error))


def approve_in_threads(users, task_state_id, revision_id) -> list[str]:
    """Each approver in their own thread and database connection, released at once."""
    outcomes: list[str] = []
    barrier = threading.Barrier(len(users))

    def run(user):
        try:
            barrier.wait(timeout=10)
            approve_as(user, task_state_id, revision_id, outcomes)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(user,)) for user in users]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return outcomes


@pytest.fixture
def committed_draft(transactional_db):
    """A submitted draft, committed so that every thread's connection sees it.

    An earlier transactional test may have flushed what migrations create, so the
    role groups, the default locale, a root page, the default workflow and the page
    permissions are put back when missing.
    """
    for name in roles.ALL_ROLES:
        Group.objects.get_or_create(name=name)
    Locale.objects.get_or_create(
        language_code=get_supported_content_language_variant(settings.LANGUAGE_CODE)
    )
    root = Page.get_first_root_node() or Page.add_root(instance=Page(title="Root"))
    if not Workflow.objects.filter(name=default_workflow.WORKFLOW_NAME).exists():
        default_workflow.create_default_workflow(apps, None)
    # The draft is outside every school: the roles' permissions at the tree's root
    # (as before there were schools) let its approvers act on it.
    page_permissions.grant_page_permissions(apps, None)
    author = staff("author", roles.EDITORS)
    page = NewsPageFactory(parent=NewsIndexPageFactory(parent=root), live=False)
    submit(page, author)
    return page


def test_simultaneous_approvals_publish_once(committed_draft):
    draft = committed_draft
    task_state = draft.current_workflow_task_state
    users = [staff(name, roles.APPROVERS) for name in ("approver", "second")]

    if connection.vendor == "postgresql":
        outcomes = approve_in_threads(users, task_state.pk, task_state.revision_id)
    else:
        # SQLite has no row locks and one writer at a time: the second approval
        # arrives after the first committed and must see the task already decided.
        outcomes = []
        for user in users:
            approve_as(user, task_state.pk, task_state.revision_id, outcomes)

    assert sorted(outcomes) == ["already decided", "approved"]
    draft.refresh_from_db()
    assert draft.live
    assert (
        PageLogEntry.objects.filter(page=draft, action="wagtail.publish").count() == 1
    )


def test_second_decision_on_the_review_screen_is_told_it_was_decided(
    draft, author, approver, second_approver
):
    submit(draft, author)
    task_state = draft.current_workflow_task_state
    url = reverse("moderation_workflow:review", args=(task_state.pk,))
    data = {"action": "approve", "revision_id": task_state.revision_id}
    late = signed_in(second_approver)
    late.get(url)  # both have the review screen open

    signed_in(approver).post(url, data)
    response = late.post(url, data, follow=True)

    assert b"already been decided" in response.content
    assert (
        PageLogEntry.objects.filter(page=draft, action="wagtail.publish").count() == 1
    )
