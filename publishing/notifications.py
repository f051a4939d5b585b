"""Emails to people who must act: senior leadership, an account's managers."""

from __future__ import annotations

import logging
import smtplib
from collections.abc import Iterable

from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from wagtail.models import Site

from moderation.roles import SENIOR_LEADERSHIP

logger = logging.getLogger(__name__)


def senior_leadership_emails(*, site: Site) -> list[str]:
    """The email addresses of the senior leaders of the school ``site``.

    Only that school's: an email about its accounts or notices names them, and
    another school's leaders have no business seeing them.
    """
    users = get_user_model().objects.filter(
        is_active=True,
        school_memberships__site=site,
        school_memberships__role=SENIOR_LEADERSHIP,
    )
    return sorted({user.email for user in users if user.email})


def notify(*, recipients: Iterable[str], subject: str, body: str) -> int:
    """Send one plain-text email; a mail server failure is logged, never raised.

    The event that caused the email is already saved and shown in the admin (the
    dashboard panel and the audit log), so a mail outage must not undo or crash it.
    """
    to = sorted({address for address in recipients if address})
    if not to:
        logger.warning(
            "No one to tell about: %s",
            subject,
            extra={"event": "publishing.notify_no_recipients"},
        )
        return 0
    try:
        return send_mail(subject, body, None, to)
    except (smtplib.SMTPException, OSError):
        logger.exception(
            "Could not send the email %r",
            subject,
            extra={"event": "publishing.notify_failed"},
        )
        return 0
