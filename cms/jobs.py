"""rq jobs for cms: thin wrappers that call a service."""

from cms.mail import failed_emails_retry


def retry_failed_emails() -> int:
    """Every five minutes: send again the emails the mail server refused."""
    return failed_emails_retry()
