"""Every email the site sends goes through here: one subject rule, failures kept.

Text that people type (a page title, a learner's name from the register import, a
social account's name, a member of staff's name) ends up in email subjects. A line
break there makes Django raise ``BadHeaderError`` while sending, which used to turn
submitting a page, recording a consent withdrawal or deactivating a member of staff
into a 500, and in the last case rolled the whole change back. And a mail server that
is down must not undo or block the action that wanted to tell someone.

So ``settings.EMAIL_BACKEND`` is ``RecordingEmailBackend``, which wraps the real one
(``settings.EMAIL_DELIVERY_BACKEND``, the ``EMAIL_BACKEND`` environment variable):

- every subject is built by ``email_subject`` (whitespace and line breaks flattened);
- a message the real backend cannot send is stored as a ``FailedEmail`` and logged,
  never raised; ``failed_emails_retry`` (cron, every five minutes) sends it again.

Wrapping the backend, not each call site, also covers Wagtail's and Django's own
emails (workflow notifications, password reset).
"""

import logging
from datetime import datetime, timedelta

from django.conf import settings
from django.core.mail import EmailMessage, EmailMultiAlternatives, get_connection
from django.core.mail.backends.base import BaseEmailBackend
from django.db import transaction
from django.utils import timezone

from .models import FailedEmail

logger = logging.getLogger(__name__)

MAX_SUBJECT_LENGTH = 200
RETRY_BASE_SECONDS = 5 * 60
RETRY_MAX_SECONDS = 6 * 60 * 60


def email_subject(text: str) -> str:
    """One line of subject: any run of whitespace (line breaks too) becomes a space.

    Long subjects are cut at ``MAX_SUBJECT_LENGTH`` characters with an ellipsis.
    """
    flat = " ".join(str(text).split())
    if len(flat) > MAX_SUBJECT_LENGTH:
        flat = flat[: MAX_SUBJECT_LENGTH - 1].rstrip() + "…"
    return flat


def _delivery_connection(**kwargs) -> BaseEmailBackend:
    return get_connection(settings.EMAIL_DELIVERY_BACKEND, **kwargs)


def _retry_delay(attempts: int) -> timedelta:
    return timedelta(
        seconds=min(RETRY_BASE_SECONDS * 2 ** (attempts - 1), RETRY_MAX_SECONDS)
    )


def _html_alternative(message: EmailMessage) -> str:
    for content, mimetype in getattr(message, "alternatives", []) or []:
        if mimetype == "text/html":
            return str(content)
    return ""


def _record_failure(message: EmailMessage, error: Exception) -> FailedEmail:
    # A savepoint, so that a failure to record cannot break the caller's transaction.
    with transaction.atomic():
        return FailedEmail.objects.create(
            subject=message.subject,
            body=str(message.body),
            html_body=_html_alternative(message),
            from_email=message.from_email or settings.DEFAULT_FROM_EMAIL,
            recipients=list(message.recipients()),
            headers={str(k): str(v) for k, v in (message.extra_headers or {}).items()},
            error=f"{type(error).__name__}: {error}"[:2000],
            next_attempt_at=timezone.now() + _retry_delay(1),
        )


class RecordingEmailBackend(BaseEmailBackend):
    """Flatten each subject, send with the real backend, keep what fails."""

    def __init__(self, fail_silently=False, **kwargs):
        super().__init__(fail_silently=fail_silently)
        self._kwargs = kwargs

    def send_messages(self, email_messages) -> int:
        sent = 0
        for message in email_messages:
            message.subject = email_subject(message.subject)
            try:
                sent += _delivery_connection(**self._kwargs).send_messages([message])
            except Exception as error:  # noqa: BLE001 - any failure is kept and retried
                failed = _record_failure(message, error)
                logger.exception(
                    "Email %r not sent; kept to send again",
                    message.subject,
                    extra={"event": "mail.send_failed", "failed_email": failed.pk},
                )
        return sent


def failed_emails_retry(*, now: datetime | None = None) -> int:
    """Send again each kept email whose next attempt is due.

    A sent one is deleted; one that fails again waits twice as long (at most six
    hours) and is given up after ``FailedEmail.MAX_ATTEMPTS``, staying listed in the
    Django admin for the site administrator.

    Returns:
        How many emails were sent.
    """
    now = now or timezone.now()
    due = FailedEmail.objects.filter(
        next_attempt_at__lte=now, attempts__lt=FailedEmail.MAX_ATTEMPTS
    )
    sent = 0
    for failed in due:
        message = EmailMultiAlternatives(
            subject=failed.subject,
            body=failed.body,
            from_email=failed.from_email,
            to=failed.recipients,
            headers=failed.headers,
        )
        if failed.html_body:
            message.attach_alternative(failed.html_body, "text/html")
        try:
            _delivery_connection().send_messages([message])
        except Exception as error:  # noqa: BLE001 - kept for the next sweep
            failed.attempts += 1
            failed.error = f"{type(error).__name__}: {error}"[:2000]
            failed.next_attempt_at = now + _retry_delay(failed.attempts)
            failed.save(update_fields=["attempts", "error", "next_attempt_at"])
            logger.warning(
                "Kept email %s failed again (attempt %d)",
                failed.pk,
                failed.attempts,
                extra={"event": "mail.retry_failed", "failed_email": failed.pk},
            )
            continue
        failed.delete()
        sent += 1
    return sent
