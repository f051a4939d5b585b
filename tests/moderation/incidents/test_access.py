"""Who sees which incident (issue part 4): each role, refusals logged, no superuser
shortcut, and every view in Wagtail's audit log."""

from __future__ import annotations

import pytest
from django.urls import reverse
from wagtail.models import ModelLogEntry

from moderation.incidents import audit
from moderation.models import IncidentCategory

from .conftest import report, signed_in


def detail(incident):
    return reverse("incidents:detail", args=[incident.pk])


def test_senior_leadership_and_the_dsl_see_an_incident_and_the_view_is_logged(
    editor, senior_leader, dsl, head
):
    incident = report(editor)
    for user in (senior_leader, dsl, head):
        response = signed_in(user).get(detail(incident))
        assert response.status_code == 200
        assert "A comment calling a teacher names." in response.content.decode()
    viewers = set(
        ModelLogEntry.objects.filter(
            action=audit.VIEWED, object_id=str(incident.pk)
        ).values_list("user__username", flat=True)
    )
    assert viewers == {"deputy", "dsl", "head"}
    # The people responsible see who opened it, on the record itself.
    page = signed_in(head).get(detail(incident)).content.decode()
    assert "Who has opened it" in page
    assert "Opened the incident record" in page


def test_the_reporter_sees_their_own_incident(editor):
    incident = report(editor)
    response = signed_in(editor).get(detail(incident))
    assert response.status_code == 200
    listing = signed_in(editor).get(reverse("incidents:index"))
    assert f"Incident {incident.pk}" in listing.content.decode()


def test_an_editor_opening_someone_elses_incident_is_refused_and_logged(
    editor, other_editor
):
    incident = report(other_editor)
    client = signed_in(editor)

    response = client.get(detail(incident))

    assert response.status_code == 403
    assert "A comment calling a teacher names." not in response.content.decode()
    refusal = ModelLogEntry.objects.get(
        action=audit.ACCESS_REFUSED, object_id=str(incident.pk)
    )
    assert refusal.user == editor
    listing = client.get(reverse("incidents:index")).content.decode()
    assert f"Incident {incident.pk}" not in listing
    # Positive control: the reporter can open it.
    assert signed_in(other_editor).get(detail(incident)).status_code == 200


@pytest.mark.parametrize(
    "path",
    ["incidents:evidence_add", "incidents:export"],
)
def test_an_editor_cannot_reach_evidence_or_export_of_others(
    editor, other_editor, path
):
    incident = report(other_editor)
    client = signed_in(editor)
    response = (
        client.post(reverse(path, args=[incident.pk]))
        if path.endswith("export")
        else client.get(reverse(path, args=[incident.pk]))
    )
    assert response.status_code == 403
    assert ModelLogEntry.objects.filter(
        action=audit.ACCESS_REFUSED, object_id=str(incident.pk), user=editor
    ).exists()


def test_an_approver_does_not_see_incidents(editor, approver):
    incident = report(editor)
    assert signed_in(approver).get(detail(incident)).status_code == 403


def test_a_safeguarding_incident_is_seen_only_by_the_dsl_and_the_head(
    editor, senior_leader, dsl, head, superuser
):
    incident = report(editor, category=IncidentCategory.SAFEGUARDING)

    assert signed_in(dsl).get(detail(incident)).status_code == 200
    assert signed_in(head).get(detail(incident)).status_code == 200
    assert signed_in(senior_leader).get(detail(incident)).status_code == 403
    assert signed_in(superuser).get(detail(incident)).status_code == 403
    # Even its reporter: once recorded, it is the DSL's.
    assert signed_in(editor).get(detail(incident)).status_code == 403
    listing = signed_in(senior_leader).get(reverse("incidents:index")).content
    assert f"Incident {incident.pk}" not in listing.decode()


def test_an_owner_sees_the_incident_they_were_given(
    editor, other_editor, senior_leader
):
    incident = report(editor)
    client = signed_in(other_editor)
    assert client.get(detail(incident)).status_code == 403

    response = signed_in(senior_leader).post(
        detail(incident), {"action": "assign", "owner": other_editor.pk}
    )
    assert response.status_code == 302

    assert client.get(detail(incident)).status_code == 200


def test_a_reporter_cannot_close_or_assign_their_own_incident(editor, other_editor):
    incident = report(editor)
    client = signed_in(editor)
    response = client.post(detail(incident), {"action": "close", "note": "done"})
    assert response.status_code == 403
    incident.refresh_from_db()
    assert incident.status == "new"


def test_every_change_is_in_the_audit_log(editor, senior_leader):
    incident = report(editor)
    client = signed_in(senior_leader)
    client.post(detail(incident), {"action": "note", "text": "Called the parent."})
    client.post(detail(incident), {"action": "close", "note": "Comment removed."})
    changes = list(
        ModelLogEntry.objects.filter(
            object_id=str(incident.pk), action=audit.CHANGED
        ).values_list("data", flat=True)
    )
    summaries = " ".join(change["summary"] for change in changes)
    assert "Called the parent." in summaries
    assert "Closed: Comment removed." in summaries
    incident.refresh_from_db()
    assert incident.status == "closed"


def test_incident_pages_need_a_second_factor(client, editor):
    incident = report(editor)
    client.force_login(editor)  # password only
    response = client.get(detail(incident))
    assert response.status_code == 302
    assert "/two-factor/" in response["Location"]
