"""Account governance (A1-A3): approval, two managers, reviews, secrets at rest."""

from __future__ import annotations

import datetime
import io

import pytest
from django.contrib.auth.models import Group
from django.core import mail
from django.core.management import call_command
from wagtail.models import ModelLogEntry, Site

from moderation.roles import SENIOR_LEADERSHIP
from publishing.credentials import CredentialsUnavailable
from publishing.errors import GovernanceError
from publishing.models import Delivery, SocialAccount, SocialPost
from publishing.services import accounts as services
from tests import factories


def business_case(**overrides):
    fields = {
        "name": "School X",
        "network": "x",
        "aim": "News for parents",
        "audience": "Parents",
        "promotion_plan": "Newsletter",
        "visibility": "open",
        "access_locations": "Office laptops",
        "monitoring_plan": "Twice a day",
        "escalation_procedure": "Tell the head",
    }
    return {**fields, **overrides}


@pytest.fixture
def proposer(db):
    return factories.UserFactory(username="teacher")


@pytest.fixture
def proposal(proposer):
    return services.account_propose(
        site=Site.objects.get(is_default_site=True),
        proposed_by=proposer,
        managers=factories.UserFactory.create_batch(2),
        owner=proposer,
        **business_case(),
    )


def test_a_proposal_needs_two_managers(proposer):
    with pytest.raises(GovernanceError, match="at least two"):
        services.account_propose(
            site=Site.objects.get(is_default_site=True),
            proposed_by=proposer,
            managers=[factories.UserFactory()],
            owner=proposer,
            **business_case(),
        )


def test_senior_leadership_approves_and_it_is_recorded(proposal, senior_leader):
    services.account_approve(account=proposal, by=senior_leader, note="Good plan")
    proposal.refresh_from_db()
    assert proposal.status == SocialAccount.Status.APPROVED
    assert proposal.decided_by == senior_leader
    assert proposal.decided_at is not None
    assert proposal.decision_note == "Good plan"
    assert ModelLogEntry.objects.filter(
        action="publishing.account.approved", object_id=str(proposal.pk)
    ).exists()


def test_the_proposer_cannot_approve_their_own_account(proposal, proposer):
    proposer.groups.add(Group.objects.get(name=SENIOR_LEADERSHIP))
    with pytest.raises(GovernanceError, match="another senior leader"):
        services.account_approve(account=proposal, by=proposer)
    proposal.refresh_from_db()
    assert proposal.status == SocialAccount.Status.PROPOSED


def test_only_senior_leadership_decides(proposal):
    with pytest.raises(GovernanceError, match="Only senior leadership"):
        services.account_approve(account=proposal, by=factories.UserFactory())


def test_a_rejection_needs_a_reason(proposal, senior_leader):
    with pytest.raises(GovernanceError, match="why"):
        services.account_reject(account=proposal, by=senior_leader, note=" ")
    services.account_reject(account=proposal, by=senior_leader, note="Not needed")
    proposal.refresh_from_db()
    assert proposal.status == SocialAccount.Status.REJECTED


def test_an_unapproved_account_cannot_be_connected(proposal, senior_leader):
    with pytest.raises(GovernanceError, match="not been approved"):
        services.account_credentials_store(
            account=proposal, credentials={"access_token": "t"}, by=senior_leader
        )
    proposal.refresh_from_db()
    assert proposal.credentials_encrypted == ""


def test_an_unapproved_account_is_never_posted_to(
    news_index, x_account, x_emulator, publish, worker
):
    SocialAccount.objects.filter(pk=x_account.pk).update(
        status=SocialAccount.Status.PROPOSED
    )
    page = factories.NewsPageFactory(parent=news_index)
    SocialPost.objects.create(page=page, account=x_account, text="Hello")
    publish(page)
    worker.drain()
    delivery = Delivery.objects.get(page=page)
    assert delivery.status == Delivery.Status.HELD
    assert "not been approved" in delivery.reason
    assert x_emulator.state()["posts"] == []


def test_deactivating_a_manager_suspends_the_account_and_tells_leadership(
    x_account, senior_leader
):
    leaver = x_account.managers.first()
    leaver.is_active = False
    leaver.save()

    x_account.refresh_from_db()
    assert x_account.status == SocialAccount.Status.SUSPENDED
    assert "Only 1 active manager" in x_account.suspended_reason
    [email] = [m for m in mail.outbox if "suspended" in m.subject]
    assert email.to == [senior_leader.email]


def test_removing_a_manager_suspends_and_adding_one_allows_reinstatement(
    x_account, senior_leader
):
    x_account.managers.remove(x_account.managers.first())
    x_account.refresh_from_db()
    assert x_account.status == SocialAccount.Status.SUSPENDED

    x_account.managers.add(factories.UserFactory())
    services.account_approve(account=x_account, by=senior_leader, note="New manager")
    x_account.refresh_from_db()
    assert x_account.status == SocialAccount.Status.APPROVED


def test_credentials_are_encrypted_at_rest(x_account, x_emulator):
    stored = x_account.credentials_encrypted
    assert x_emulator.credentials["access_token"] not in stored
    assert (
        services.account_credentials(account=x_account)["access_token"]
        == (x_emulator.credentials["access_token"])
    )


def test_a_missing_key_is_a_clear_error_not_a_crash(x_account, settings):
    settings.SOCIAL_CREDENTIALS_KEY = ""
    with pytest.raises(CredentialsUnavailable, match="SOCIAL_CREDENTIALS_KEY is not"):
        services.account_credentials(account=x_account)


def test_keys_rotate_with_the_old_key_still_reading(x_account, settings):
    old_key = settings.SOCIAL_CREDENTIALS_KEY
    new_key = "cm90YXRlZC1rZXktZm9yLXRoZS1zb2NpYWwtdGVzdHM="
    settings.SOCIAL_CREDENTIALS_KEY = f"{new_key},{old_key}"
    assert services.account_credentials(account=x_account)["access_token"]


def test_the_termly_review_is_reminded_once_and_recorded(x_account, senior_leader):
    factories.TermDateFactory(
        kind="term", title="Spring term", starts_on=datetime.date(2026, 1, 5)
    )
    SocialAccount.objects.filter(pk=x_account.pk).update(
        decided_at=datetime.datetime(2025, 9, 1, tzinfo=datetime.UTC)
    )
    today = datetime.date(2026, 1, 12)

    assert services.account_reviews_remind(today=today) == [x_account]
    assert services.account_reviews_remind(today=today) == []
    assert any("access review" in m.subject for m in mail.outbox)

    services.account_review_record(
        account=x_account,
        by=senior_leader,
        note="OK",
        at=datetime.datetime(2026, 1, 13, tzinfo=datetime.UTC),
    )
    x_account.refresh_from_db()
    assert x_account.reviews.get().managers_seen
    assert services.account_reviews_remind(today=datetime.date(2026, 2, 1)) == []


def test_rotation_re_encrypts_under_the_new_key_so_the_old_can_go(x_account, settings):
    old_key = settings.SOCIAL_CREDENTIALS_KEY
    new_key = "cm90YXRlZC1rZXktZm9yLXRoZS1zb2NpYWwtdGVzdHM="
    settings.SOCIAL_CREDENTIALS_KEY = f"{new_key},{old_key}"
    out = io.StringIO()
    call_command("rotate_social_credentials", stdout=out)
    assert "Re-encrypted 1 account(s); 0 held." in out.getvalue()

    settings.SOCIAL_CREDENTIALS_KEY = new_key
    x_account.refresh_from_db()
    assert services.account_credentials(account=x_account)["access_token"]
