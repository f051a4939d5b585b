"""Reporting an incident: any member of staff can, and bad input is explained."""

from __future__ import annotations

from django.urls import reverse

from moderation.models import Incident

from .conftest import signed_in


def form(**changes):
    return {
        "category": "harassment",
        "severity": "medium",
        "occurred_at": "2026-11-20 09:00",
        "platform": "x",
        "account": "@someone",
        "url": "https://x.com/someone/status/1",
        "content_as_reported": "Tweets naming a teacher, every day this week.",
        "people_involved": "Ms Jones (Year 2)",
        **changes,
    }


def test_an_editor_reports_an_incident_and_sees_it(editor):
    client = signed_in(editor)
    page = client.get(reverse("incidents:add")).content.decode()
    assert "do not copy" in page

    response = client.post(reverse("incidents:add"), form())

    incident = Incident.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("incidents:detail", args=[incident.pk])
    assert incident.reported_by == editor
    assert incident.events.get().kind == "reported"


def test_an_incident_without_a_url_is_refused(editor):
    response = signed_in(editor).post(reverse("incidents:add"), form(url=""))
    assert response.status_code == 200
    assert "Give the web address of the post" in response.content.decode()
    assert not Incident.objects.exists()


def test_an_incident_with_a_url_that_is_not_a_url_is_refused(editor):
    response = signed_in(editor).post(
        reverse("incidents:add"), form(url="the facebook group, yesterday")
    )
    assert "That is not a web address" in response.content.decode()
    assert not Incident.objects.exists()
