"""rq jobs: thin wrappers that take ids, load, and call a service."""

from django.core.management import call_command
from django.utils import timezone

from publishing.services import accounts as account_services
from publishing.services import deliveries as delivery_services


def publish_scheduled_pages() -> None:
    """Go live and expire pages whose scheduled time has come (Wagtail's command)."""
    call_command("publish_scheduled")


def process_delivery(*, delivery_id: int, attempt: int) -> None:
    """Send or delete one delivery; a stale wake-up for an old attempt does nothing."""
    delivery_services.delivery_process(delivery_id=delivery_id, attempt=attempt)


def sweep_deliveries() -> None:
    """Every minute: re-enqueue lost wake-ups; reconcile sends a dead worker left."""
    delivery_services.deliveries_sweep(now=timezone.now())


def remind_access_reviews() -> None:
    """Daily: remind senior leadership of termly account access reviews (A3)."""
    account_services.account_reviews_remind(today=timezone.localdate())
