"""The incident screens render for the people who use them, and the menu leads there."""

from __future__ import annotations

from django.urls import reverse
from django.utils import timezone

from moderation.incidents.takedown import takedown_request_record
from moderation.models import IncidentCategory

from .conftest import add_evidence, report, signed_in


def test_a_senior_leader_works_an_incident_from_the_admin(editor, senior_leader):
    incident = report(editor, category=IncidentCategory.HARASSMENT)
    add_evidence(incident, editor)
    client = signed_in(senior_leader)

    home = client.get(reverse("wagtailadmin_home")).content.decode()
    assert reverse("incidents:index") in home
    listing = client.get(reverse("incidents:index")).content.decode()
    assert f"Incident {incident.pk}" in listing
    page = client.get(reverse("incidents:detail", args=[incident.pk])).content.decode()
    for words in (
        "Harassment",
        "screenshot.png",
        "Export evidence and timeline",
        "Assign",
        "Record referral",
        "Close the incident",
        "Put on legal hold",
    ):
        assert words in page
    for name in ("incidents:add", "takedowns:index", "takedowns:add"):
        assert client.get(reverse(name)).status_code == 200
    assert client.get(reverse("blocked_accounts:add")).status_code == 200


def test_the_reporter_sees_the_record_but_not_the_managers_actions(editor):
    incident = report(editor)
    page = signed_in(editor).get(reverse("incidents:detail", args=[incident.pk]))
    html = page.content.decode()
    assert "A comment calling a teacher names." in html
    assert "Add evidence" in html
    assert "Close the incident" not in html
    assert "Put on legal hold" not in html


def test_an_unknown_action_or_incomplete_form_is_explained(editor, senior_leader):
    incident = report(editor)
    client = signed_in(senior_leader)
    url = reverse("incidents:detail", args=[incident.pk])
    response = client.post(url, {"action": "nonsense"}, follow=True)
    assert "Choose one of the actions" in response.content.decode()
    response = client.post(url, {"action": "refer", "agency": "police"})
    assert response.status_code == 400
    assert "This field is required" in response.content.decode()
    assert client.get(reverse("incidents:detail", args=[999999])).status_code == 404


def test_an_approver_sees_takedown_requests_but_not_the_incident(editor, approver):
    takedown = takedown_request_record(
        reported_by=editor,
        requester="parent",
        requester_name="Mr Evans",
        received_at=timezone.now(),
        what_they_asked="Remove the class photo",
        url="https://x.com/ourschool/status/5",
        social_post_url="https://x.com/ourschool/status/5",
    )
    client = signed_in(approver)
    listing = client.get(reverse("takedowns:index")).content.decode()
    assert f"Takedown request {takedown.pk}" in listing
    detail = client.get(reverse("takedowns:detail", args=[takedown.pk]))
    assert "Take it down" in detail.content.decode()
    assert (
        client.get(reverse("incidents:detail", args=[takedown.incident.pk])).status_code
        == 403
    )
