"""Who keeps the school calendar (issue 21.5): the head, senior leadership and the
school office, not only the superuser; every change asks for a fresh code and is in
the audit log, like other sensitive changes."""

import datetime
import time

import pytest
from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile
from wagtail.models import ModelLogEntry, Site

from cms.calendar_settings import HolidayNoticeSettings, MonitoringHours
from cms.calendar_sources import TermDatesUpload
from cms.models import TermDate
from moderation import roles
from tests.cms.test_term_dates_import import event, ics
from tests.factories import staff
from tests.twofactor import login_verified

pytestmark = pytest.mark.django_db

STALE = 3600  # seconds since the last code: past OTP_STEP_UP_SECONDS


@pytest.fixture
def site():
    return Site.objects.get(is_default_site=True)


def hours_form(**changes) -> dict:
    form = {
        "monday": "on",
        "tuesday": "on",
        "wednesday": "on",
        "thursday": "on",
        "friday": "on",
        "opens_at": "08:00",
        "closes_at": "17:00",
        "time_zone": "Europe/London",
    }
    return {**form, **changes}


def notice_form(**changes) -> dict:
    form = {
        "days_before": "7",
        "title_template": "{holiday}: when we will reply",
        "message_template": "Closed for the {holiday}; back {first_day_back}.",
        "social_template": "Closed for the {holiday}.",
        "office_contact": "email the office",
        "emergency": "call 999",
    }
    return {**form, **changes}


def term_date_form(**changes) -> dict:
    return {"title": "Polling day", "kind": "closure", "starts_on": "2027-05-06"} | (
        changes
    )


@pytest.mark.parametrize(
    "role", [roles.HEADTEACHER, roles.SENIOR_LEADERSHIP, roles.SCHOOL_OFFICE]
)
def test_the_head_senior_leaders_and_the_office_keep_the_calendar(client, site, role):
    user = staff(f"keeper-{role[:4].lower()}", role)
    login_verified(client, user)
    assert "Import term dates" in client.get("/admin/").content.decode()
    assert client.get("/admin/term-dates/import/").status_code == 200

    added = client.post("/admin/snippets/cms/termdate/add/", term_date_form())
    assert added.status_code == 302, added.content[:300]
    polling = TermDate.objects.get(title="Polling day")
    edited = client.post(
        f"/admin/snippets/cms/termdate/edit/{polling.pk}/",
        term_date_form(starts_on="2027-05-07"),
    )
    assert edited.status_code == 302
    polling.refresh_from_db()
    assert polling.starts_on == datetime.date(2027, 5, 7)

    hours = client.post(
        f"/admin/settings/cms/monitoringhours/{site.pk}/",
        hours_form(closes_at="15:30"),
    )
    assert hours.status_code == 302, hours.content[:300]
    assert MonitoringHours.for_site(site).closes_at == datetime.time(15, 30)
    template = client.post(
        f"/admin/settings/cms/holidaynoticesettings/{site.pk}/",
        notice_form(title_template="{holiday}: we are closed"),
    )
    assert template.status_code == 302, template.content[:300]
    assert (
        HolidayNoticeSettings.for_site(site).title_template
        == "{holiday}: we are closed"
    )

    content = ics(event("i@x", "INSET day", "DTSTART;VALUE=DATE:20270104"))
    preview = client.post(
        "/admin/term-dates/import/",
        {"file": SimpleUploadedFile("dates.ics", content)},
        follow=True,
    )
    html = preview.content.decode()
    start = html.index('name="plan" value="') + len('name="plan" value="')
    client.post(
        preview.redirect_chain[-1][0], {"plan": html[start : html.index('"', start)]}
    )
    assert TermDate.objects.filter(title="INSET day").exists()

    # Every change is in the audit log under their name.
    actions = set(
        ModelLogEntry.objects.filter(user=user).values_list("action", flat=True)
    )
    assert {"wagtail.create", "wagtail.edit", "cms.term_dates_imported"} <= actions
    assert ModelLogEntry.objects.filter(
        user=user,
        action="wagtail.edit",
        content_type__model="monitoringhours",
    ).exists()


@pytest.mark.parametrize("role", [roles.EDITORS, roles.APPROVERS, roles.SAFEGUARDING])
def test_other_roles_cannot_change_the_calendar(client, site, role):
    login_verified(client, staff(f"other-{role[:4].lower()}", role))
    refused = client.get("/admin/term-dates/import/")
    assert (refused.status_code, refused.get("Location")) in (
        (403, None),
        (302, "/admin/"),
    )
    assert "Import term dates" not in client.get("/admin/").content.decode()
    client.post("/admin/snippets/cms/termdate/add/", term_date_form())
    client.post(
        f"/admin/settings/cms/monitoringhours/{site.pk}/",
        hours_form(closes_at="15:30"),
    )
    assert not TermDate.objects.exists()
    assert MonitoringHours.for_site(site).closes_at == datetime.time(17, 0)


def test_each_calendar_change_needs_a_fresh_code(client, site):
    head = staff("head", roles.HEADTEACHER)
    polling = TermDate.objects.create(
        title="Polling day", kind="closure", starts_on=datetime.date(2027, 5, 6)
    )
    login_verified(client, head, verified_at=time.time() - STALE)
    attempts = {
        "add a date": ("/admin/snippets/cms/termdate/add/", term_date_form()),
        "edit a date": (
            f"/admin/snippets/cms/termdate/edit/{polling.pk}/",
            term_date_form(starts_on="2027-05-07"),
        ),
        "delete a date": (f"/admin/snippets/cms/termdate/delete/{polling.pk}/", {}),
        "monitoring hours": (
            f"/admin/settings/cms/monitoringhours/{site.pk}/",
            hours_form(closes_at="15:30"),
        ),
        "holiday notice template": (
            f"/admin/settings/cms/holidaynoticesettings/{site.pk}/",
            notice_form(title_template="changed {holiday}"),
        ),
    }
    for what, (url, form) in attempts.items():
        response = client.post(url, form)
        assert response.status_code == 302, what
        assert response["Location"].startswith("/admin/two-factor/step-up/"), what
    polling.refresh_from_db()
    assert (TermDate.objects.count(), polling.starts_on) == (
        1,
        datetime.date(2027, 5, 6),
    )
    assert MonitoringHours.for_site(site).closes_at == datetime.time(17, 0)
    assert HolidayNoticeSettings.for_site(site).title_template != "changed {holiday}"

    # Uploading a file only shows what it would do: no code needed for that...
    content = ics(event("i@x", "INSET day", "DTSTART;VALUE=DATE:20270104"))
    preview = client.post(
        "/admin/term-dates/import/",
        {"file": SimpleUploadedFile("dates.ics", content)},
        follow=True,
    )
    assert "INSET day, Mon 4 Jan 2027" in preview.content.decode()
    # ...applying it does: the form is kept for after the code, nothing applied yet.
    [staged] = TermDatesUpload.objects.all()
    applied = client.post(f"/admin/term-dates/import/{staged.pk}/", {"plan": "x"})
    assert applied["Location"].startswith("/admin/two-factor/step-up/")
    assert not TermDate.objects.filter(title="INSET day").exists()


def test_the_roles_are_given_by_a_migration():
    for name in roles.CALENDAR_KEEPERS:
        codenames = set(
            Group.objects.get(name=name).permissions.values_list("codename", flat=True)
        )
        assert {
            "access_admin",
            "add_termdate",
            "change_termdate",
            "delete_termdate",
            "change_monitoringhours",
            "change_holidaynoticesettings",
        } <= codenames, name
    office = Group.objects.get(name=roles.SCHOOL_OFFICE)
    assert not office.permissions.filter(codename="publish_page").exists()
