"""rq jobs: thin wrappers that take ids, load, and call a service."""

from django.core.management import call_command


def publish_scheduled_pages() -> None:
    """Go live and expire pages whose scheduled time has come (Wagtail's command)."""
    call_command("publish_scheduled")
