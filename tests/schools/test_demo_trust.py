"""The demo trust (issue 23 item 5): three schools, each with its own site and staff."""

from __future__ import annotations

import io

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.test import Client
from wagtail.models import Site

from moderation.incidents.access import is_incident_reader
from schools.models import School

pytestmark = pytest.mark.django_db


def test_the_demo_loads_a_trust_of_three_schools_each_with_its_own_staff():
    call_command("load_demo_school", "--trust", stdout=io.StringIO())
    call_command("load_demo_school", "--trust", stdout=io.StringIO())  # idempotent

    schools = School.objects.select_related("site", "trust")
    assert sorted(school.site.site_name for school in schools) == [
        "Hillview High School",
        "Meadowbank Primary School",
        "Riverside Primary School",
    ]
    assert {school.trust.name for school in schools} == {"Meadowbank Learning Trust"}
    riverside = Site.objects.get(hostname="riverside.localhost")
    hillview = Site.objects.get(hostname="hillview.localhost")
    editor = get_user_model().objects.get(username="riverside-editor")
    assert riverside.root_page.permissions_for_user(editor).can_add_subpage()
    assert not hillview.root_page.permissions_for_user(editor).can_edit()
    page = Client().get("/", HTTP_HOST="riverside.localhost").content.decode()
    assert "Riverside Primary School" in page
    assert "Meadowbank" not in page
    trust_head = get_user_model().objects.get(username="trust-safeguarding")
    assert is_incident_reader(trust_head)


def test_make_runs_demo_stays_one_school():
    call_command("load_demo_school", stdout=io.StringIO())

    assert Site.objects.count() == 1
    assert School.objects.get().trust is None
