"""A trust's urgent notice: approved once by a trust senior leader, posted by every
chosen school's accounts, and taken down from all of them on reopening (issue 23.2)."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse
from wagtail.models import Site

from moderation import roles
from publishing.models import Delivery, SocialPost
from schools.models import Trust
from tests import factories
from tests.publishing.calendar_steps import approve
from tests.trust_schools import (
    school_site,
    trust_folder,
    trust_notice,
    trust_senior_leader,
    valley_trust,
)
from tests.twofactor import login_verified

pytestmark = pytest.mark.django_db


@pytest.fixture
def trust(home_page):
    return valley_trust()


def decide_from_review_screen(user, notice) -> int:
    """What the review screen answers ``user`` pressing Approve (with a fresh code)."""
    notice.refresh_from_db()
    task_state = notice.current_workflow_task_state
    client = Client()
    login_verified(client, user)
    response = client.post(
        reverse("moderation_workflow:review", args=(task_state.pk,)),
        {"action": "approve", "revision_id": task_state.revision_id},
    )
    return response.status_code


def test_approved_once_by_the_trusts_senior_leader_it_goes_to_every_school_account(
    client,
    trust,
    x_account,
    x_emulator,
    facebook_account,
    facebook_emulator,
    worker,
    django_capture_on_commit_callbacks,
):
    capture = django_capture_on_commit_callbacks
    meadowbank = Site.objects.get(is_default_site=True)
    second = school_site(2)
    other_trust = trust_senior_leader(
        factories.staff("elsewhere", roles.EDITORS), Trust.objects.create(name="Hill")
    )
    author = trust_senior_leader(factories.staff("coo", roles.EDITORS), trust)
    approver = factories.staff("deputy", roles.APPROVERS)
    school_head = factories.staff("head2", roles.SENIOR_LEADERSHIP, roles.APPROVERS)
    ceo = trust_senior_leader(factories.staff("ceo", roles.EDITORS, site=second), trust)
    second_x = factories.SocialAccountFactory(name="School 2 X", site=second)
    not_chosen = factories.SocialAccountFactory(name="School 3 X", site=school_site(3))
    notice = trust_notice(trust_folder(trust), schools=[meadowbank, second])
    notice.save_revision(user=author)
    notice.get_workflow().start(notice, author)
    approve(approver, notice)
    notice.refresh_from_db()
    assert not notice.live
    assert notice.current_workflow_task.name.startswith("Senior leadership")

    # A school's senior leader, or another trust's, cannot decide for the trust.
    for outsider in (school_head, other_trust):
        decide_from_review_screen(outsider, notice)
        notice.refresh_from_db()
        assert not notice.live, outsider.username
    with capture(execute=True):
        decide_from_review_screen(ceo, notice)
    notice.refresh_from_db()
    assert notice.live
    worker.drain()

    # One delivery per account of each chosen school; none for School 3's.
    deliveries = {d.account: d for d in Delivery.objects.filter(page=notice)}
    assert set(deliveries) == {x_account, facebook_account, second_x}
    assert not_chosen not in deliveries
    assert deliveries[x_account].status == deliveries[facebook_account].status == "sent"
    # Each post links to the notice on that school's own website (P2).
    path = f"/trust-notices/{notice.pk}/?ref="
    assert deliveries[x_account].link.startswith("http://localhost" + path)
    assert deliveries[second_x].link.startswith("http://school-2.example" + path)
    [facebook_post] = facebook_emulator.snapshot()["posts"]
    assert facebook_post["text"].startswith("All our schools are closed today")
    assert facebook_post["pinned"] is True
    assert len(x_emulator.snapshot()["posts"]) == 1

    # "School has reopened", pressed once by the trust's senior leader.
    login_verified(client, ceo)
    with capture(execute=True):
        response = client.post(
            reverse("cms_notice_reopened", args=(notice.pk,)), follow=True
        )
    assert "every school" in response.content.decode()
    worker.drain()
    notice.refresh_from_db()
    assert not notice.live
    assert facebook_emulator.snapshot()["posts"] == []
    assert x_emulator.snapshot()["posts"] == []
    assert (
        deliveries[x_account].__class__.objects.get(pk=deliveries[x_account].pk).status
        == "retracted"
    )
    assert {d.status for d in Delivery.objects.filter(page=notice)} <= {
        "retracted",
        "cancelled",
    }


def test_the_consent_check_sends_back_a_trust_notice_linking_a_document_it_fails(
    trust, django_capture_on_commit_callbacks
):
    letter = factories.untagged_document(title="Snow day letter")
    letter.learners.set([factories.LearnerFactory()])  # no consent recorded
    author = factories.staff("trust-office", roles.EDITORS)
    notice = trust_notice(
        trust_folder(trust), schools=[Site.objects.get(is_default_site=True)]
    )
    notice.message = (
        f'<p>Closed. Read <a linktype="document" id="{letter.pk}">the letter</a>.</p>'
    )
    notice.save_revision(user=author)
    with django_capture_on_commit_callbacks(execute=True):
        notice.get_workflow().start(notice, author)
    notice.refresh_from_db()
    assert not notice.live
    rejected = notice.workflow_states.get().task_states.get(status="rejected")
    assert 'Document "Snow day letter"' in rejected.comment
    assert not SocialPost.objects.filter(page=notice).exists()
    assert not Delivery.objects.filter(page=notice).exists()
