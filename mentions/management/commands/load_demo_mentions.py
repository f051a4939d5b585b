"""The demo's mentions: a few posts about the demo school, one naming a pupil (for
the safeguarding lead), the search terms, and the head's daily email.

For `make run` only (refuses production settings); run after the demo school and
its learners. The demo has no alert feed to read (no outside internet is assumed);
the mentions are recorded as the scheduled read records them. Loaded once.
"""

from __future__ import annotations

import datetime

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from django.utils import timezone
from wagtail.models import Site

from cms.demo_school import ensure_not_production_command
from mentions.flags import NameReader
from mentions.models import Mention, MentionEmail, MentionSearch
from mentions.services import mention_key
from moderation.models import Learner


class Command(BaseCommand):
    help = "Load a few mentions of the demo school."

    def handle(self, *args, **options):
        ensure_not_production_command()
        site = Site.objects.get(is_default_site=True)
        if Mention.objects.for_school(site).exists():
            return
        MentionSearch.objects.get_or_create(
            site=site, defaults={"terms": "Meadowbank Primary\n#Meadowbank"}
        )
        head = get_user_model().objects.filter(username="head").first()
        if head is not None:
            MentionEmail.objects.get_or_create(
                site=site, user=head, defaults={"frequency": "daily"}
            )
        learner = Learner.objects.on_roll().filter(site=site).first()
        now = timezone.now()
        posts = [
            (
                Mention.Source.FEED,
                "Meadowbank Primary pupils plant 200 trees",
                "Pupils from Meadowbank Primary spent Friday planting trees in the "
                "village park with the council.",
                "Valley Gazette",
                "https://news.example/valley-gazette/meadowbank-trees",
            ),
            (
                Mention.Source.BLUESKY,
                "",
                "Lovely carol concert at Meadowbank Primary tonight 🎄",
                "A parent",
                "https://bsky.app/profile/a-parent.bsky.social/post/3demo",
            ),
        ]
        if learner is not None:
            posts.append(
                (
                    Mention.Source.FEED,
                    "Young chess champion",
                    f"{learner.first_name} {learner.last_name}, 9, of Meadowbank "
                    "Primary won the county chess cup.",
                    "County News",
                    "https://news.example/county-news/chess",
                )
            )
        names = NameReader(site=site)
        for hours, (source, title, text, author, url) in enumerate(posts):
            named = names.named(title, text)
            Mention.objects.create(
                site=site,
                key=mention_key(url=url, fallback=url),
                source=source,
                url=url,
                title=title,
                text=text,
                author=author,
                published_at=now - datetime.timedelta(hours=hours + 1),
                found_at=now - datetime.timedelta(hours=hours),
                names_learner=named.learner,
                names_staff=named.staff,
            )
        self.stdout.write(f"Mentions: {len(posts)} posts about the demo school.")
