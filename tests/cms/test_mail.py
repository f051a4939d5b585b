"""Every email: a one-line subject, and a failure that never undoes the action.

Each test runs the production mail path (``cms.mail.RecordingEmailBackend`` in front
of the real backend): locmem to read what was sent, or SMTP to a port where nothing
listens for a mail server that is down.
"""

import socket

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from cms.mail import email_subject, failed_emails_retry
from cms.models import FailedEmail
from moderation import roles
from moderation.two_factor.models import StaffSession
from publishing.models import SocialAccount
from tests.factories import (
    ConsentRecordFactory,
    LearnerFactory,
    NewsIndexPageFactory,
    NewsPageFactory,
    SocialAccountFactory,
    UserFactory,
    staff,
    tagged_image,
)
from tests.twofactor import login_verified

LOCMEM = "django.core.mail.backends.locmem.EmailBackend"
SMTP = "django.core.mail.backends.smtp.EmailBackend"


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def production_mail(settings, db):
    """The mail path production uses, delivering to Django's test outbox."""
    settings.EMAIL_BACKEND = "cms.mail.RecordingEmailBackend"
    settings.EMAIL_DELIVERY_BACKEND = LOCMEM
    mail.outbox = []
    return settings


@pytest.fixture
def mail_server_down(production_mail):
    production_mail.EMAIL_DELIVERY_BACKEND = SMTP
    production_mail.EMAIL_HOST = "127.0.0.1"
    production_mail.EMAIL_PORT = _closed_port()
    production_mail.EMAIL_TIMEOUT = 2
    return production_mail


def test_the_subject_helper_flattens_line_breaks_and_runs_of_space():
    assert email_subject("Sports\r\nday \t  results\n") == "Sports day results"
    assert email_subject("Plain") == "Plain"
    assert len(email_subject("word " * 100)) == 200


def test_submitting_a_page_whose_title_has_a_line_break(production_mail, home_page):
    author = staff("author", roles.EDITORS)
    approver = staff("approver", roles.APPROVERS)
    page = NewsPageFactory(
        parent=NewsIndexPageFactory(parent=home_page),
        live=False,
        owner=author,
        title="Sports\nday",
    )
    page.save_revision(user=author)

    page.get_workflow().start(page, author)

    page.refresh_from_db()
    assert page.workflow_in_progress
    to_approver = [m for m in mail.outbox if approver.email in m.to]
    assert len(to_approver) == 1
    assert "Sports day" in to_approver[0].subject
    assert "\n" not in to_approver[0].subject


def withdraw_website_consent(client, officer, learner, capture_on_commit) -> None:
    """The officer records, through the form, that a parent withdrew website consent
    for a pictured learner; the picture is withdrawn whatever the mail does."""
    ConsentRecordFactory(learner=learner, use="website")
    image = tagged_image(learner)
    login_verified(client, officer)

    with capture_on_commit(execute=True):
        response = client.post(
            reverse("learners:record_consent", args=[learner.pk]),
            {
                "use": "website",
                "given": "False",
                "given_on": timezone.localdate().isoformat(),
                "recorded_by": "Phone call from mum",
            },
            follow=True,
        )

    assert response.status_code == 200
    assert type(image).objects.get(pk=image.pk).is_withdrawn


def test_recording_a_withdrawal_for_a_learner_whose_name_has_a_line_break(
    production_mail, client, django_capture_on_commit_callbacks
):
    officer = staff("dsl", roles.SAFEGUARDING)
    learner = LearnerFactory(first_name="Amy\r\nJane", last_name="Smith")
    withdraw_website_consent(
        client, officer, learner, django_capture_on_commit_callbacks
    )
    to_officer = [m for m in mail.outbox if officer.email in m.to]
    assert len(to_officer) == 1
    assert "Amy Jane Smith" in to_officer[0].subject


def test_deactivating_a_manager_whose_names_have_line_breaks(production_mail):
    staff("head", roles.SENIOR_LEADERSHIP)
    leaving = staff("leaving", first_name="Sam\nuel", last_name="Jo\r\nnes")
    StaffSession.objects.create(user=leaving, session_key="k" * 32)
    account = SocialAccountFactory(
        name="Year 6\nblog", managers=[leaving, UserFactory()]
    )

    leaving.is_active = False
    leaving.save()

    leaving.refresh_from_db()
    account.refresh_from_db()
    assert leaving.is_active is False
    assert not StaffSession.objects.filter(user=leaving).exists()
    assert account.status == SocialAccount.Status.SUSPENDED
    subjects = [m.subject for m in mail.outbox]
    assert "Social account suspended: Year 6 blog" in subjects


def test_a_mail_server_that_is_down_never_undoes_a_withdrawal(
    mail_server_down, client, django_capture_on_commit_callbacks
):
    officer = staff("dsl", roles.SAFEGUARDING)
    learner = LearnerFactory(first_name="Amy", last_name="Smith")
    withdraw_website_consent(
        client, officer, learner, django_capture_on_commit_callbacks
    )
    kept = FailedEmail.objects.get(recipients=[officer.email])
    assert "Amy Smith" in kept.subject
    assert "Connection" in kept.error or "refused" in kept.error.lower()

    # Not due yet: nothing is tried.
    mail_server_down.EMAIL_DELIVERY_BACKEND = LOCMEM
    assert failed_emails_retry(now=timezone.now()) == 0
    # When it is due and the server is back, it goes, once.
    later = kept.next_attempt_at + timezone.timedelta(seconds=1)
    assert failed_emails_retry(now=later) >= 1
    assert not FailedEmail.objects.filter(pk=kept.pk).exists()
    assert [m.to for m in mail.outbox if "Amy Smith" in m.subject] == [[officer.email]]


def test_an_email_that_fails_again_waits_longer(mail_server_down):
    staff("head", roles.SENIOR_LEADERSHIP)
    account = SocialAccountFactory(name="Blog")
    leaving = account.managers.first()
    leaving.is_active = False
    leaving.save()
    kept = FailedEmail.objects.get()
    first_wait = kept.next_attempt_at - kept.failed_at

    due = kept.next_attempt_at
    assert failed_emails_retry(now=due) == 0

    kept.refresh_from_db()
    assert kept.attempts == 2
    assert kept.next_attempt_at - due > first_wait
