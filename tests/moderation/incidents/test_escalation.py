"""Escalation (issue part 3): who is emailed at once, assignment, referrals, and the
overdue incidents on the dashboards of their owner and of senior leadership."""

from __future__ import annotations

import datetime

from django.core import mail
from django.urls import reverse
from django.utils import timezone

from moderation.models import Incident, IncidentCategory, Referral

from .conftest import report, signed_in


def recipients() -> set[str]:
    return {address for email in mail.outbox for address in email.to}


def test_a_credible_threat_is_emailed_to_senior_leadership_at_once(
    editor, senior_leader, head, dsl, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        incident = report(editor, category=IncidentCategory.THREAT_OR_HATE)

    [email] = mail.outbox
    assert email.subject.startswith("Urgent: credible threat or hate reported")
    assert set(email.to) == {senior_leader.email, head.email}
    assert "999" in email.body
    assert reverse("incidents:detail", args=[incident.pk]) in email.body
    assert "calling a teacher names" not in email.body  # never the content itself
    incident.refresh_from_db()
    assert incident.escalated_to_senior_at is not None
    # And on senior leadership's dashboard, at once.
    dashboard = signed_in(senior_leader).get(reverse("wagtailadmin_home"))
    assert f"Incident {incident.pk}" in dashboard.content.decode()
    assert "Credible threats or hate: act now" in dashboard.content.decode()


def test_a_safeguarding_concern_goes_to_the_dsl_and_the_head_only(
    editor, senior_leader, head, dsl, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        incident = report(editor, category=IncidentCategory.SAFEGUARDING)

    assert recipients() == {dsl.email, head.email}
    incident.refresh_from_db()
    assert incident.escalated_to_dsl_at is not None


def test_an_ordinary_incident_is_sent_to_senior_leadership_to_pick_up(
    editor, senior_leader, dsl, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        report(editor)
    assert recipients() == {senior_leader.email}
    assert not mail.outbox[0].subject.startswith("Urgent")


def test_escalating_emails_senior_leadership(
    editor, senior_leader, django_capture_on_commit_callbacks
):
    incident = report(editor)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = signed_in(senior_leader).post(
            reverse("incidents:detail", args=[incident.pk]),
            {"action": "escalate", "note": "The parent has posted again."},
        )
    assert response.status_code == 302
    assert recipients() == {senior_leader.email}
    summary = incident.events.last().summary
    assert "Escalated to senior leadership" in summary
    assert "posted again" in summary


def test_assigning_emails_the_owner(
    editor, other_editor, senior_leader, django_capture_on_commit_callbacks
):
    incident = report(editor)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        signed_in(senior_leader).post(
            reverse("incidents:detail", args=[incident.pk]),
            {"action": "assign", "owner": other_editor.pk},
        )
    [email] = mail.outbox
    assert email.to == [other_editor.email]
    assert "assigned to you" in email.subject


def test_a_safeguarding_incident_cannot_be_assigned_outside_dsl_and_head(
    editor, other_editor, dsl
):
    incident = report(editor, category=IncidentCategory.SAFEGUARDING)
    response = signed_in(dsl).post(
        reverse("incidents:detail", args=[incident.pk]),
        {"action": "assign", "owner": other_editor.pk},
    )
    assert response.status_code == 400
    incident.refresh_from_db()
    assert incident.owner is None


def test_a_referral_is_recorded_with_its_date_and_reference(editor, senior_leader):
    incident = report(editor, category=IncidentCategory.THREAT_OR_HATE)
    response = signed_in(senior_leader).post(
        reverse("incidents:detail", args=[incident.pk]),
        {
            "action": "refer",
            "agency": "police",
            "referred_on": "2026-11-20",
            "reference": "CAD 1234/20NOV",
            "note": "PC Evans",
        },
    )
    assert response.status_code == 302
    referral = Referral.objects.get(incident=incident)
    assert referral.referred_on == datetime.date(2026, 11, 20)
    assert referral.reference == "CAD 1234/20NOV"
    incident.refresh_from_db()
    assert incident.status == Incident.Status.REFERRED
    assert "reference CAD 1234/20NOV" in incident.events.last().summary


def test_overdue_incidents_show_for_their_owner_and_senior_leadership(
    editor, other_editor, senior_leader
):
    long_ago = timezone.now() - datetime.timedelta(days=5)
    overdue = report(editor, now=long_ago)
    fresh = report(editor)
    for incident in (overdue, fresh):
        incident.owner = other_editor
        incident.save(update_fields=["owner"])

    for user in (other_editor, senior_leader):
        page = signed_in(user).get(reverse("wagtailadmin_home")).content.decode()
        assert "Response overdue" in page
        assert f"Incident {overdue.pk}</a>" in page
        assert f"Incident {fresh.pk}</a>" not in page
    # The reporter who does not own it is not shown it on the dashboard.
    page = signed_in(editor).get(reverse("wagtailadmin_home")).content.decode()
    assert "Response overdue" not in page

    # Once someone takes it on, it is no longer overdue.
    signed_in(other_editor).post(
        reverse("incidents:detail", args=[overdue.pk]), {"action": "take_on"}
    )
    page = signed_in(senior_leader).get(reverse("wagtailadmin_home")).content.decode()
    assert "Response overdue" not in page
