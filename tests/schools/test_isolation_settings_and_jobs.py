"""The isolation matrix, continued (issue 23): each school's settings screens, its
dashboard and reports, and the services, jobs and demo commands that make or tell
about a school's records.

As in ``test_isolation_matrix``: Alderley's staff never see or change Bramblewood's,
and each check has its positive control at Bramblewood.
"""

from __future__ import annotations

import datetime
import io

import pytest
from django.core import mail
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from wagtail.models import Page

from alerts.addresses import email_key
from alerts.models import Subscriber
from cms.calendar_settings import HolidayNoticeSettings, MonitoringHours
from cms.cdn_purge import cdn_purge_request, public_copies_purge
from cms.content_review import content_review_remind
from cms.media_removals import MediaRemoval
from cms.models import NoticePage, SocialMediaPage, StandardPage
from moderation.models import Learner
from moderation.roles import EDITORS, SCHOOL_OFFICE, SENIOR_LEADERSHIP
from publishing import selectors
from publishing.inbox.models import InboxItem
from publishing.models import SocialAccount
from publishing.scheduled_jobs.errors import SchoolsFailed
from publishing.scheduled_jobs.models import JobRun
from publishing.services.accounts import account_propose, account_reviews_remind
from publishing.services.holiday_notices import holiday_notices_draft
from schools.services import membership_add
from tests import factories
from tests.factories import UserFactory, staff
from tests.schools.conftest import SCHOOL_B_HOST
from tests.twofactor import login_verified

pytestmark = pytest.mark.django_db

# Each site-settings screen and a role that keeps it at its own school.
SETTINGS_SCREENS = (
    ("monitoringhours", SCHOOL_OFFICE),
    ("holidaynoticesettings", SCHOOL_OFFICE),
    ("statutorysettings", SENIOR_LEADERSHIP),
)


def signed_in(user) -> Client:
    client = Client()
    login_verified(client, user)
    return client


def settings_url(model: str, site) -> str:
    return f"/admin/settings/cms/{model}/{site.pk}/"


def assert_refused(response) -> None:
    """Wagtail's admin answers "permission denied" by going back to the dashboard,
    saying so; never the other school's screen."""
    assert (response.status_code, response.get("Location")) == (302, "/admin/")


HOURS_FORM = {
    "monday": "on",
    "opens_at": "08:00",
    "closes_at": "15:30",
    "time_zone": "Europe/London",
}


@pytest.mark.parametrize(("model", "keeper"), SETTINGS_SCREENS)
def test_another_schools_settings_are_refused_at_their_typed_address(
    two_schools, model, keeper
):
    alderley = signed_in(staff("alderley-keeper", keeper, site=two_schools.a.site))
    bramblewood = signed_in(staff("bramble-keeper", keeper, site=two_schools.b.site))

    assert_refused(alderley.get(settings_url(model, two_schools.b.site)))
    own = alderley.get(settings_url(model, two_schools.a.site))
    assert own.status_code == 200
    # The site switcher lists only the schools one works in: just Alderley here.
    assert "Bramblewood" not in own.content.decode()
    control = bramblewood.get(settings_url(model, two_schools.b.site))
    assert control.status_code == 200


def test_another_schools_monitoring_hours_cannot_be_saved(two_schools):
    client = signed_in(staff("alderley-office", SCHOOL_OFFICE, site=two_schools.a.site))

    response = client.post(
        settings_url("monitoringhours", two_schools.b.site), HOURS_FORM
    )

    assert_refused(response)
    hours = MonitoringHours.for_site(two_schools.b.site)
    assert hours.closes_at == datetime.time(17, 0)


def test_the_settings_menu_leads_to_ones_own_school(two_schools):
    client = signed_in(staff("bramble-office", SCHOOL_OFFICE, site=two_schools.b.site))

    response = client.get("/admin/settings/cms/monitoringhours/")

    assert response.status_code == 302
    assert response["Location"] == settings_url("monitoringhours", two_schools.b.site)


def test_choices_of_staff_are_the_schools_own(two_schools):
    """The holiday notices' author and an account's owner and managers."""
    staff("bramble-head", SENIOR_LEADERSHIP, site=two_schools.b.site, first_name="Bryn")
    office = staff("alderley-office", SCHOOL_OFFICE, site=two_schools.a.site)
    leader = staff("alderley-slt", SENIOR_LEADERSHIP, site=two_schools.a.site)
    office.first_name = leader.first_name = "Alys"
    office.save()
    leader.save()

    author_choices = signed_in(office).get(
        settings_url("holidaynoticesettings", two_schools.a.site)
    )
    account_choices = signed_in(leader).get("/admin/publishing/accounts/new/")

    for response in (author_choices, account_choices):
        assert response.status_code == 200
        assert "Alys" in response.content.decode()
        assert "Bryn" not in response.content.decode()


def test_the_dashboard_and_social_calendar_show_only_the_schools_own(two_schools):
    for records in (two_schools.a, two_schools.b):
        factories.SocialAccountFactory(
            site=records.site, name=f"{records.tag} proposal", status="proposed"
        )
        Page.objects.filter(pk=records.news.pk).update(last_published_at=timezone.now())
    alderley = signed_in(
        staff("alderley-slt", SENIOR_LEADERSHIP, site=two_schools.a.site)
    )
    bramblewood = signed_in(
        staff("bramble-slt", SENIOR_LEADERSHIP, site=two_schools.b.site)
    )

    dashboard = alderley.get("/admin/").content.decode()
    control = bramblewood.get("/admin/").content.decode()

    assert "Alderley sports day" in dashboard
    assert "Alderley proposal" in dashboard
    assert "Bramblewood sports day" not in dashboard
    assert "Bramblewood proposal" not in dashboard
    assert "Bramblewood sports day" in control
    assert "Bramblewood proposal" in control
    calendar = reverse("publishing_calendar")
    assert "Bramblewood account" not in alderley.get(calendar).content.decode()
    assert "Bramblewood account" in bramblewood.get(calendar).content.decode()


def test_a_job_failed_for_one_school_is_told_to_that_school_only(two_schools):
    JobRun.objects.create(
        job="draft-holiday-notices",
        slot=timezone.now(),
        started_at=timezone.now(),
        finished_at=timezone.now(),
        status=JobRun.Status.FAILED,
        outcome="Bramblewood: write a holiday template (1 holiday notice drafted)",
        school_problems={str(two_schools.b.site.pk): "Write a holiday template."},
    )
    report = "/admin/reports/scheduled-jobs/"
    alderley = signed_in(
        staff("alderley-slt", SENIOR_LEADERSHIP, site=two_schools.a.site)
    )
    bramblewood = signed_in(
        staff("bramble-slt", SENIOR_LEADERSHIP, site=two_schools.b.site)
    )
    administrator = signed_in(UserFactory(is_superuser=True, is_staff=True))

    at_a = alderley.get(report).content.decode()
    at_b = bramblewood.get(report).content.decode()

    assert "Bramblewood" not in at_a
    assert "holiday template" not in at_a
    assert "Succeeded for this school" in at_a
    assert "holiday template" not in alderley.get("/admin/").content.decode()
    assert "and failed: Write a holiday template." in at_b
    assert (
        "and failed: Write a holiday template."
        in bramblewood.get("/admin/").content.decode()
    )
    assert (
        "Bramblewood: write a holiday template"
        in administrator.get(report).content.decode()
    )


def test_each_schools_holiday_notice_is_drafted_on_its_own_site(two_schools):
    today = timezone.localdate()
    for records in (two_schools.a, two_schools.b):
        factories.NoticeIndexPageFactory(parent=records.site.root_page)
        factories.TermDateFactory(
            site=records.site,
            kind="holiday",
            title=f"{records.tag} half term",
            starts_on=today + datetime.timedelta(days=3),
            ends_on=today + datetime.timedelta(days=10),
        )
    HolidayNoticeSettings.objects.filter(site=two_schools.b.site).delete()
    empty = HolidayNoticeSettings.for_site(two_schools.b.site)
    empty.message_template = ""
    empty.save()

    with pytest.raises(SchoolsFailed) as failed:
        holiday_notices_draft(now=timezone.now())

    assert set(failed.value.problems) == {two_schools.b.site.pk}
    assert "template is empty" in failed.value.problems[two_schools.b.site.pk]
    [notice] = NoticePage.objects.all()
    assert notice.holiday.title == "Alderley half term"
    assert notice.get_site() == two_schools.a.site


def test_account_reviews_follow_each_schools_term_and_go_to_its_leaders(two_schools):
    today = datetime.date(2026, 1, 12)
    factories.TermDateFactory(
        site=two_schools.a.site, kind="term", starts_on=datetime.date(2026, 1, 5)
    )
    factories.TermDateFactory(
        site=two_schools.b.site, kind="term", starts_on=datetime.date(2025, 11, 2)
    )
    SocialAccount.objects.update(
        decided_at=datetime.datetime(2025, 12, 1, tzinfo=datetime.UTC)
    )
    staff(
        "alderley-slt", SENIOR_LEADERSHIP, site=two_schools.a.site, email="a@a.example"
    )
    staff(
        "bramble-slt", SENIOR_LEADERSHIP, site=two_schools.b.site, email="b@b.example"
    )

    assert selectors.current_term_start(site=two_schools.b.site, today=today) == (
        datetime.date(2025, 11, 2)
    )
    # Decided after Bramblewood's term began: not due there; due at Alderley.
    assert account_reviews_remind(today=today) == [two_schools.a.account]
    [email] = mail.outbox
    assert "a@a.example" in email.to
    assert "b@b.example" not in email.to


def test_an_account_is_proposed_for_the_school_named(two_schools):
    managers = UserFactory.create_batch(2)

    account = account_propose(
        site=two_schools.b.site,
        proposed_by=managers[0],
        managers=managers,
        owner=managers[0],
        name="Bramblewood PE",
        network="x",
        visibility="open",
    )

    assert account.site == two_schools.b.site
    assert account in SocialAccount.objects.filter(site=two_schools.b.site)


def test_a_senior_leader_of_another_school_cannot_decide_or_review_its_account(
    two_schools,
):
    account = two_schools.a.account
    account.status = SocialAccount.Status.PROPOSED
    account.save()
    leader_b = staff("leader_b", SENIOR_LEADERSHIP, site=two_schools.b.site)
    decide = reverse("publishing_account_decide", args=[account.pk, "approve"])
    review = reverse("publishing_account_review", args=[account.pk])

    # Not one of their schools: the account is not there for them.
    assert signed_in(leader_b).post(decide, {"note": "Fine"}).status_code == 404
    # Teaching at Alderley too gives no say over Alderley's accounts.
    membership_add(user=leader_b, site=two_schools.a.site, role=EDITORS)
    response = signed_in(leader_b).post(decide, {"note": "Fine"}, follow=True)
    assert "Only senior leadership of Alderley School" in response.content.decode()
    signed_in(leader_b).post(review, {"note": "Checked"})
    account.refresh_from_db()
    assert account.status == SocialAccount.Status.PROPOSED
    assert account.last_reviewed_at is None
    # Positive control: Alderley's own senior leader decides.
    leader_a = staff("leader_a", SENIOR_LEADERSHIP, site=two_schools.a.site)
    signed_in(leader_a).post(decide, {"note": "Fine"})
    account.refresh_from_db()
    assert account.status == SocialAccount.Status.APPROVED


def test_a_removal_is_kept_for_the_picture_s_school_or_no_school_never_another(
    two_schools, settings, caplog
):
    settings.WAGTAILFRONTENDCACHE = {
        "cdn": {
            "BACKEND": "cms.cdn_backends.HTTPPurgeBackend",
            "LOCATION": "http://127.0.0.1:9/",
        }
    }
    # Bramblewood's picture has an address at every school's host name.
    public_copies_purge(names=["images/withdrawn.jpg"], item=two_schools.b.image)
    cdn_purge_request(urls=["https://old-name.school.example/news/"])

    removals = MediaRemoval.objects.outstanding()
    assert {(r.site, len(r.targets)) for r in removals} == {
        (two_schools.b.site, 2),
        (None, 1),  # still purged: kept for the administrators, and logged
    }
    assert "A media removal no school could be told for" in caplog.text
    heading = "Withdrawn pictures still being cleared"
    alderley = staff("alderley_editor", EDITORS, site=two_schools.a.site)
    assert heading not in signed_in(alderley).get("/admin/").content.decode()


def test_a_page_owner_who_left_the_school_is_not_sent_its_pages(two_schools, settings):
    settings.CONTENT_REVIEW_STALE_DAYS = 365
    moved = staff("moved", EDITORS, site=two_schools.b.site, email="moved@b.example")
    stays = staff("stays", EDITORS, site=two_schools.b.site, email="stays@b.example")
    UserFactory(is_superuser=True, email="admin@trust.example")
    today = timezone.localdate()
    for owner, title in ((moved, "Alderley uniform"), (stays, "Bramblewood uniform")):
        site = (
            two_schools.a.site if title.startswith("Alderley") else two_schools.b.site
        )
        factories.StandardPageFactory(
            parent=site.root_page, title=title, owner=owner, review_by=today
        )

    content_review_remind(today=today)

    by_recipient = {tuple(m.to): m.body for m in mail.outbox}
    assert ("moved@b.example",) not in by_recipient
    assert "Bramblewood uniform" in by_recipient[("stays@b.example",)]
    assert "Alderley uniform" in by_recipient[("admin@trust.example",)]
    assert StandardPage.objects.count() == 2


def test_demo_learners_load_into_the_school_named(two_schools):
    two_schools.b.image.learners.clear()
    two_schools.b.learner.delete()  # an empty register: the demo's is loaded
    call_command("load_demo_learners", "--school", SCHOOL_B_HOST, stdout=io.StringIO())

    assert Learner.objects.filter(site=two_schools.a.site).count() == 1
    assert Learner.objects.filter(site=two_schools.b.site, first_name="Nia").exists()
    with pytest.raises(CommandError, match="No school has the host name"):
        call_command("load_demo_publishing", "--school", "nowhere.example")


def test_each_school_has_its_own_social_media_page(two_schools):
    home_a = two_schools.a.site.root_page.specific
    home_b = two_schools.b.site.root_page.specific
    home_a.add_child(
        instance=SocialMediaPage(
            title="Our social media",
            what_we_post="<p>News</p>",
            when_monitored="<p>Weekdays</p>",
            raising_concerns="<p>Call the office</p>",
        )
    )

    assert not SocialMediaPage.can_create_at(home_a)
    assert SocialMediaPage.can_create_at(home_b)


def test_the_inbox_is_the_school_being_worked_in_whatever_the_host(two_schools):
    for records in (two_schools.a, two_schools.b):
        InboxItem.objects.create(
            site=records.site,
            account=records.account,
            remote_id=f"{records.tag}-1",
            author_name=f"{records.tag} parent",
            text=f"{records.tag} question",
            received_at=timezone.now(),
            due_at=timezone.now() + datetime.timedelta(days=1),
        )
    bramblewood = signed_in(
        staff("bramble-slt", SENIOR_LEADERSHIP, site=two_schools.b.site)
    )

    # The admin at Alderley's (the default) address: still Bramblewood's inbox.
    inbox = bramblewood.get("/admin/inbox/").content.decode()
    reading = bramblewood.get(f"/admin/inbox/account/{two_schools.a.account.pk}/")

    assert "Bramblewood question" in inbox
    assert "Alderley question" not in inbox
    assert reading.status_code == 404


def test_the_families_list_is_the_school_being_worked_in(two_schools):
    families = {}
    for records in (two_schools.a, two_schools.b):
        email = f"{records.tag.lower()}.family@families.example"
        families[records.tag] = Subscriber.objects.create(
            site=records.site, email=email, email_key=email_key(email)
        )
    office = signed_in(staff("bramble-office", SCHOOL_OFFICE, site=two_schools.b.site))

    listing = office.get("/admin/email-updates/families/").content.decode()
    typed = office.get(f"/admin/email-updates/families/{families['Alderley'].pk}/")

    assert "bramblewood.family@families.example" in listing
    assert "alderley.family@families.example" not in listing
    assert typed.status_code == 404
