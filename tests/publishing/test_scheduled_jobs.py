"""Scheduled jobs: once per slot, caught up after downtime, DST-safe, visible."""

import datetime

import pytest
from django.core import mail
from wagtail.models import Site

from cms.calendar_settings import HolidayNoticeSettings
from cms.models import NoticePage, TermDate
from publishing.scheduled_jobs.models import JobRun
from publishing.scheduled_jobs.schedules import DailyAt, EveryMinutes
from publishing.scheduled_jobs.services import scheduled_job_run
from tests import factories
from tests.factories import UserFactory
from tests.publishing.calendar_steps import LONDON, Clock, london, run_job
from tests.twofactor import login_verified

UTC = datetime.UTC


@pytest.fixture
def clock(db):
    clock = Clock(london(2026, 12, 7, 6, 0))
    yield clock
    clock.stop()


@pytest.fixture
def notices(home_page):
    return factories.NoticeIndexPageFactory(parent=home_page)


def runs(job: str) -> list[JobRun]:
    return list(JobRun.objects.filter(job=job).order_by("slot"))


def test_a_job_woken_twice_in_one_slot_runs_once(
    clock, django_capture_on_commit_callbacks
):
    capture = django_capture_on_commit_callbacks
    clock.to(london(2026, 12, 7, 10, 0, 5))
    first = run_job("go-live-and-expiry", clock, capture)
    clock.to(london(2026, 12, 7, 10, 0, 40))
    assert run_job("go-live-and-expiry", clock, capture) is None
    assert first.status == JobRun.Status.SUCCEEDED
    assert first.outcome == "0 went live, 0 expired."
    # Positive control: the next minute is a new slot.
    clock.to(london(2026, 12, 7, 10, 1, 0))
    assert run_job("go-live-and-expiry", clock, capture) is not None
    assert len(runs("go-live-and-expiry")) == 2
    # A daily job woken every minute runs once a day.
    for minute in range(0, 120, 7):
        clock.to(london(2026, 12, 7, 0, 0) + datetime.timedelta(minutes=minute))
        run_job("consent-expiry-check", clock, capture)
    assert [r.slot for r in runs("consent-expiry-check")] == [
        london(2026, 12, 6, 0, 5),  # the first wake-up caught up yesterday's slot
        london(2026, 12, 7, 0, 5),
    ]


def test_a_missed_run_is_caught_up_once_after_downtime(
    clock, notices, django_capture_on_commit_callbacks
):
    capture = django_capture_on_commit_callbacks
    TermDate.objects.create(
        title="Christmas holiday",
        kind=TermDate.Kind.HOLIDAY,
        starts_on=datetime.date(2026, 12, 19),
        ends_on=datetime.date(2027, 1, 4),
    )
    clock.to(london(2026, 12, 11, 6, 30))
    assert run_job("draft-holiday-notices", clock, capture).outcome == (
        "No holiday notice due."
    )
    # The server is down from Friday evening until Monday 10:00: the Saturday run
    # that should have drafted the notice never happened.
    clock.to(london(2026, 12, 14, 10, 0))
    caught_up = run_job("draft-holiday-notices", clock, capture)
    assert caught_up.outcome == "1 holiday notice(s) drafted and sent for approval."
    assert caught_up.slot == london(2026, 12, 14, 6, 30)
    assert NoticePage.objects.count() == 1
    clock.to(london(2026, 12, 14, 10, 1))
    assert run_job("draft-holiday-notices", clock, capture) is None
    assert NoticePage.objects.count() == 1
    assert len(runs("draft-holiday-notices")) == 2


@pytest.mark.parametrize(
    ("start", "days"),
    [(datetime.datetime(2027, 3, 26, 12, 0, tzinfo=UTC), 4),  # clocks go forward
     (datetime.datetime(2026, 10, 23, 12, 0, tzinfo=UTC), 4)],  # clocks go back
    ids=["spring-forward", "fall-back"],
)  # fmt: skip
def test_a_daily_slot_in_the_hour_the_clocks_change_runs_once_a_day(start, days):
    schedule = DailyAt(datetime.time(1, 30))
    slots = {
        schedule.latest_slot(start + datetime.timedelta(minutes=m), LONDON)
        for m in range(0, days * 24 * 60, 5)
    }
    local_days = [slot.astimezone(LONDON).date() for slot in sorted(slots)]
    assert len(local_days) == len(set(local_days)) == days + 1
    assert all(
        b - a >= datetime.timedelta(hours=23)
        for a, b in zip(sorted(slots), sorted(slots)[1:], strict=False)
    )


def test_the_consent_check_runs_once_per_day_across_a_clock_change(
    clock, django_capture_on_commit_callbacks
):
    start = london(2027, 3, 27, 12, 0)
    for half_hours in range(0, 2 * 48):
        clock.to(start + datetime.timedelta(minutes=30 * half_hours))
        run_job("consent-expiry-check", clock, django_capture_on_commit_callbacks)
    local_days = [
        r.slot.astimezone(LONDON).date() for r in runs("consent-expiry-check")
    ]
    assert local_days == [
        datetime.date(2027, 3, 27),
        datetime.date(2027, 3, 28),  # the clocks went forward at 01:00
        datetime.date(2027, 3, 29),
    ]
    assert all(
        r.slot.astimezone(LONDON).time() == datetime.time(0, 5)
        for r in runs("consent-expiry-check")
    )


def test_every_minute_schedule_and_its_next_run():
    schedule = EveryMinutes(1)
    now = datetime.datetime(2026, 12, 7, 10, 0, 37, tzinfo=UTC)
    assert schedule.latest_slot(now, LONDON) == now.replace(second=0)
    assert schedule.next_slot(now, LONDON) == now.replace(minute=1, second=0)


def test_a_holiday_with_no_template_fails_visibly_and_recovers(
    client, clock, notices, django_capture_on_commit_callbacks
):
    capture = django_capture_on_commit_callbacks
    notice_settings = HolidayNoticeSettings.for_site(
        Site.objects.get(is_default_site=True)
    )
    notice_settings.message_template = ""
    notice_settings.save()
    TermDate.objects.create(
        title="Christmas holiday",
        kind=TermDate.Kind.HOLIDAY,
        starts_on=datetime.date(2026, 12, 19),
        ends_on=datetime.date(2027, 1, 4),
    )
    clock.to(london(2026, 12, 12, 6, 30))
    failed = run_job("draft-holiday-notices", clock, capture)
    assert failed.status == JobRun.Status.FAILED
    assert "the holiday notice template is empty" in failed.outcome
    assert "Settings → Holiday notices" in failed.outcome
    assert not NoticePage.objects.exists()

    login_verified(client, UserFactory(is_superuser=True, is_staff=True))
    dashboard = client.get("/admin/").content.decode()
    assert "Scheduled jobs needing attention" in dashboard
    assert "the holiday notice template is empty" in dashboard

    notice_settings.message_template = "Closed for the {holiday}."
    notice_settings.save()
    clock.to(london(2026, 12, 12, 6, 31))
    retried = run_job("draft-holiday-notices", clock, capture)
    assert retried.status == JobRun.Status.SUCCEEDED
    assert retried.attempts == 2
    assert (
        NoticePage.objects.get().message == "<p>Closed for the Christmas holiday.</p>"
    )
    assert mail.outbox  # the approvers (or, with no author, senior leaders) told


def test_the_report_shows_each_job_and_an_overdue_one_is_on_the_dashboard(
    client, clock, django_capture_on_commit_callbacks
):
    clock.to(london(2026, 12, 7, 10, 0))
    for name in ("go-live-and-expiry", "pin-and-unpin", "sweep-social-deliveries"):
        run_job(name, clock, django_capture_on_commit_callbacks)
    clock.to(london(2026, 12, 7, 10, 1))
    login_verified(client, UserFactory(is_superuser=True, is_staff=True))
    report = client.get("/admin/reports/scheduled-jobs/").content.decode()
    for label in ("Go live and expire pages", "Weekly content review",
                  "Termly account access reviews", "Consent check",
                  "Draft holiday notices", "Pin and unpin notices"):  # fmt: skip
        assert label in report
    assert "Succeeded: 0 went live, 0 expired." in report
    assert "Mon 7 Dec 2026, 10:02" in report  # next run of an every-minute job
    assert "Never" in report  # the daily jobs have not run yet
    dashboard = client.get("/admin/").content.decode()
    assert "Consent check</a>: has not run when due" in dashboard
    assert "Go live and expire pages</a>" not in dashboard


def test_a_run_left_running_by_a_dead_worker_is_taken_over(clock):
    clock.to(london(2026, 12, 7, 6, 30))
    JobRun.objects.create(
        job="draft-holiday-notices",
        slot=london(2026, 12, 7, 6, 30),
        started_at=london(2026, 12, 7, 6, 30),
    )
    clock.to(london(2026, 12, 7, 6, 35))
    assert scheduled_job_run(name="draft-holiday-notices", now=clock.now) is None
    clock.to(london(2026, 12, 7, 6, 50))
    taken_over = scheduled_job_run(name="draft-holiday-notices", now=clock.now)
    assert taken_over.status == JobRun.Status.SUCCEEDED
    assert taken_over.attempts == 2


def _job_line(html: str, label: str) -> str:
    start = html.index(f"{label}</a>:")
    return " ".join(html[start : html.index("</li>", start)].split())


def test_a_job_that_ran_and_failed_says_failed_with_its_reason_not_not_run(
    client, clock, notices, django_capture_on_commit_callbacks
):
    """Issue 21.4: a run that failed (empty template) was shown as "has not run
    when due", as if the server had stopped."""
    capture = django_capture_on_commit_callbacks
    notice_settings = HolidayNoticeSettings.for_site(
        Site.objects.get(is_default_site=True)
    )
    notice_settings.message_template = ""
    notice_settings.save()
    TermDate.objects.create(
        title="Christmas holiday",
        kind=TermDate.Kind.HOLIDAY,
        starts_on=datetime.date(2026, 12, 19),
        ends_on=datetime.date(2027, 1, 4),
    )
    for minute in (30, 31, 32, 33):  # three attempts, then no more for this slot
        clock.to(london(2026, 12, 12, 6, minute))
        run_job("draft-holiday-notices", clock, capture)
    [failed] = runs("draft-holiday-notices")
    assert (failed.status, failed.attempts) == (JobRun.Status.FAILED, 3)
    assert "HolidayNoticeNotDrafted" not in failed.outcome  # words, not class names

    clock.to(london(2026, 12, 12, 9, 0))  # long past the job's grace
    login_verified(client, UserFactory(is_superuser=True, is_staff=True))
    line = _job_line(client.get("/admin/").content.decode(), "Draft holiday notices")
    assert "has not run" not in line
    assert "06:32 and failed: localhost: The notice for Christmas holiday" in line
    assert "the holiday notice template is empty" in line
    assert "runs again Sun 13 Dec, 06:30" in line
    # A job that did not run at all still says so, and what that suggests.
    consent = _job_line(client.get("/admin/").content.decode(), "Consent check")
    assert "has not run when due" in consent
    assert "it has never run" in consent
    report = client.get("/admin/reports/scheduled-jobs/").content.decode()
    assert "and failed: localhost: The notice for Christmas holiday" in report
    assert "Overdue" not in report


def test_an_unexpected_error_is_named_as_such_with_the_log_for_details():
    from publishing.scheduled_jobs.services import failure_reason
    from publishing.services.holiday_notices import HolidayNoticeNotDrafted

    assert failure_reason(HolidayNoticeNotDrafted("Write a template.")) == (
        "Write a template."
    )
    assert failure_reason(KeyError("site")) == (
        "An unexpected error stopped it (KeyError: 'site'); the server log has "
        "the details."
    )
