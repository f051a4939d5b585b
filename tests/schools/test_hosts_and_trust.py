"""A host name that names no school, and the trust's head of safeguarding."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from moderation.incidents.access import can_view_incident, incidents_visible_to
from moderation.models import Incident
from moderation.roles import SAFEGUARDING, SENIOR_LEADERSHIP
from schools.models import TrustRole
from tests.factories import UserFactory, staff
from tests.twofactor import login_verified

pytestmark = pytest.mark.django_db


def test_a_host_name_that_names_no_school_gets_a_clear_page(two_schools):
    response = Client().get("/", HTTP_HOST="old-name.school.example")

    body = response.content.decode()
    assert response.status_code == 404
    assert "No school at this address" in body
    assert "old-name.school.example" in body
    assert "Alderley" not in body and "Bramblewood" not in body
    api = Client().get("/api/v2/pages/", HTTP_HOST="old-name.school.example")
    assert api.status_code == 404
    assert "sports day" not in api.content.decode()


def test_with_one_school_every_host_name_is_that_school(home_page):
    response = Client().get("/", HTTP_HOST="another-name.example")

    assert response.status_code == 200
    assert home_page.title in response.content.decode()


def test_the_trust_head_of_safeguarding_sees_every_schools_safeguarding_incidents(
    two_schools,
):
    head = UserFactory(username="trust-head")
    TrustRole.objects.create(
        trust=two_schools.trust, user=head, kind=TrustRole.Kind.HEAD_OF_SAFEGUARDING
    )

    seen = set(incidents_visible_to(head))

    assert seen == {
        two_schools.a.safeguarding_incident,
        two_schools.b.safeguarding_incident,
    }
    assert not can_view_incident(head, two_schools.b.incident)


def test_nobody_else_sees_another_schools_safeguarding_incidents(two_schools):
    dsl = staff("alderley-dsl", SAFEGUARDING, site=two_schools.a.site)
    leader = staff("alderley-slt", SENIOR_LEADERSHIP, site=two_schools.a.site)
    trust_leader = UserFactory(username="trust-leader")
    TrustRole.objects.create(
        trust=two_schools.trust, user=trust_leader, kind=TrustRole.Kind.SENIOR_LEADER
    )

    assert set(incidents_visible_to(dsl)) == {
        two_schools.a.incident,
        two_schools.a.safeguarding_incident,
    }
    assert set(incidents_visible_to(leader)) == {two_schools.a.incident}
    assert not incidents_visible_to(trust_leader).exists()
    client = Client()
    login_verified(client, dsl)
    other = reverse("incidents:detail", args=[two_schools.b.safeguarding_incident.pk])
    assert client.get(other).status_code == 403


def test_an_incident_reported_at_a_school_belongs_to_it(two_schools):
    reporter = staff("bramblewood-editor", "Editors", site=two_schools.b.site)
    client = Client()
    login_verified(client, reporter)

    client.post(
        reverse("incidents:add"),
        {
            "occurred_at": "2026-12-01T10:00",
            "platform": "facebook",
            "url": "https://facebook.example/post/1",
            "content_as_reported": "Unkind words about a teacher",
            "category": "harassment",
            "severity": "medium",
        },
    )

    made = Incident.objects.get(content_as_reported="Unkind words about a teacher")
    assert made.site == two_schools.b.site
