"""rq jobs: thin wrappers that take ids, load, and call a service."""

from django.utils import timezone

from publishing.scheduled_jobs.services import scheduled_job_run
from publishing.services import deliveries as delivery_services


def run_scheduled_job(*, name: str) -> None:
    """Every minute, per job: run it if a slot of its schedule is due (cron table)."""
    scheduled_job_run(name=name, now=timezone.now())


def process_delivery(*, delivery_id: int, attempt: int) -> None:
    """Send or delete one delivery; a stale wake-up for an old attempt does nothing."""
    delivery_services.delivery_process(delivery_id=delivery_id, attempt=attempt)
