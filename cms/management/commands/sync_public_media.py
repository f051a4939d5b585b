"""Make the public copies for every live, public page, and remove stale ones."""

from django.core.management.base import BaseCommand
from wagtail.models import Page

from cms.public_media import page_media_sync, public_media_reconcile


class Command(BaseCommand):
    help = (
        "Make the public copies of the media every live, public page shows (after "
        "a restore or a storage change) and remove copies nothing allows any more."
    )

    def handle(self, *args, **options):
        pages = 0
        for page in Page.objects.live().public().specific().iterator():
            page_media_sync(page=page)
            pages += 1
        removed = public_media_reconcile()
        self.stdout.write(
            f"Checked the media of {pages} live page(s); removed {removed} stale copy "
            "set(s)."
        )
