"""``manage.py publish_scheduled``: the "go live and expire" job, run by hand.

Replaces Wagtail's command of the same name (moderation comes before wagtail in
``INSTALLED_APPS``), which publishes each due revision on its own and so would put
one language of a bilingual pair live without the other. The cron process runs the
same work every minute as the ``go-live-and-expiry`` scheduled job.
"""

from django.core.management.base import BaseCommand
from django.utils import timezone

from moderation.workflow.scheduled_go_live import pages_publish_scheduled


class Command(BaseCommand):
    help = (
        "Publish pages whose go-live time has come (a page in Welsh and English "
        "with its other language, at the same moment, or neither) and unpublish "
        "pages past their expiry."
    )

    def handle(self, *args, **options) -> None:
        self.stdout.write(pages_publish_scheduled(now=timezone.now()))
