"""The demo's publishing scenes: a post awaiting approval, a failed delivery, a
proposed account, and an inbox of comments (some answered, one overdue, one hidden
by a rule, one naming a pupil waiting for the safeguarding lead, one on Instagram and
one on Bluesky), so a newcomer sees every screen with something on it.

For `make run` only (refuses production settings); run after the demo school, its
learners and the connected demo accounts. Loads into the school named by
``--school HOST`` (the demo school without it); each scene is loaded once.
"""

from __future__ import annotations

import datetime

import requests
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone
from wagtail.models import Locale

from cms.demo_school import ensure_not_production_command
from cms.languages import WELSH, language_plan
from cms.models import NewsIndexPage, NewsPage, SchoolImage
from moderation.models import Learner
from publishing.inbox.models import InboxItem, InboxWordList
from publishing.inbox.services import inbox_read, reply_write
from publishing.management.commands.connect_demo_social_accounts import DEMO_CASE
from publishing.models import Delivery, Network, SocialAccount, SocialPost
from publishing.networks.bluesky import BlueskyNetwork
from publishing.networks.facebook import FacebookPageNetwork
from publishing.services.accounts import account_credentials, account_propose
from schools.commands import school_argument_add, school_from_option

WAITING_TITLE = "Year 4 sing at the town hall"
PROPOSED_NAME = "Meadowbank sports X account"


class Command(BaseCommand):
    help = "Load the demo's post awaiting approval, failed delivery, proposed account."

    def add_arguments(self, parser):
        school_argument_add(parser)

    def handle(self, *args, school: str | None = None, **options):
        ensure_not_production_command()
        site = school_from_option(school)
        staff = {user.username: user for user in get_user_model().objects.all()}
        if not {"editor", "head"} <= staff.keys():
            raise CommandError("Load the demo school first (no demo staff).")
        accounts = SocialAccount.objects.filter(site=site)
        self._proposed_account(site, accounts, staff)
        self._failed_delivery(site, accounts)
        self._waiting_post(site, accounts, staff["editor"])
        self._inbox(site, accounts)
        self._inbox_instagram(accounts)
        self._inbox_bluesky(accounts)

    def _proposed_account(self, site, accounts, staff) -> None:
        if accounts.filter(name=PROPOSED_NAME).exists():
            return
        account = account_propose(
            site=site,
            proposed_by=staff["editor"],
            managers=[staff["editor"], staff["head"]],
            name=PROPOSED_NAME,
            network=Network.X,
            visibility=SocialAccount.Visibility.OPEN,
            handle="@MeadowbankSport",
            owner=staff["head"],
            **DEMO_CASE,
        )
        self.stdout.write(f"Proposed account: {account.name} (for the head to decide).")

    def _failed_delivery(self, site, accounts) -> None:
        failed = Delivery.objects.filter(status=Delivery.Status.FAILED)
        if failed.filter(account__site=site).exists():
            return
        account = accounts.filter(network=Network.X).approved().first()
        page = (
            NewsPage.objects.live()
            .descendant_of(site.root_page)
            .order_by("-first_published_at")
            .first()
        )
        if account is None or page is None:
            return
        now = timezone.now()
        Delivery.objects.create(
            page=page,
            page_title=page.title,
            revision=page.live_revision,
            account=account,
            text=f"{page.title}\n\n{page.full_url}",
            link=page.full_url or "",
            status=Delivery.Status.FAILED,
            reason="X did not answer three times (503 Service Unavailable). "
            "Press Try again when X is back.",
            attempts=3,
            first_due_at=now - datetime.timedelta(hours=2),
            next_attempt_at=now - datetime.timedelta(hours=2),
        )
        self.stdout.write(f"Failed delivery: {page.title} to {account.name}.")

    def _waiting_post(self, site, accounts, editor) -> None:
        news = NewsPage.objects.descendant_of(site.root_page)
        if news.filter(title=WAITING_TITLE).exists():
            return
        news_index = NewsIndexPage.objects.descendant_of(site.root_page).first()
        photo = SchoolImage.objects.filter(
            title="Year 4 choir rehearsal", collection=site.school.collection
        ).first()
        closed = accounts.filter(visibility=SocialAccount.Visibility.CLOSED).approved()
        if news_index is None:
            return
        with transaction.atomic():
            page = NewsPage(
                title=WAITING_TITLE,
                summary="Our Year 4 choir sang carols for the mayor.",
                listing_image=photo,
                owner=editor,
                live=False,
            )
            news_index.add_child(instance=page)
            for account in closed:
                page.social_posts.add(
                    SocialPost(
                        account=account,
                        text="Year 4 sang beautifully at the town hall!",
                        include_image=True,
                    )
                )
            page.save_revision(user=editor)
            if language_plan(page.get_site()).bilingual:
                self._welsh_version(page, editor=editor)
            page.get_workflow().start(page, editor)
        self.stdout.write(f"Waiting for approval: {WAITING_TITLE}.")

    def _welsh_version(self, page: NewsPage, *, editor) -> None:
        """Its Welsh version and Welsh posts: one bilingual post per account."""
        welsh = page.copy_for_translation(Locale.objects.get(language_code=WELSH))
        welsh.title = "Blwyddyn 4 yn canu yn neuadd y dref"
        welsh.summary = "Canodd côr Blwyddyn 4 garolau i'r maer."
        NewsPage.objects.filter(pk=welsh.pk).update(title=welsh.title)
        welsh.social_posts.update(text="Canodd Blwyddyn 4 yn hyfryd yn neuadd y dref!")
        welsh.save_revision(user=editor)
        # Every photo of a bilingual page is described in both languages.
        SchoolImage.objects.filter(pk=page.listing_image_id).update(
            welsh_description="Côr Blwyddyn 4 yn ymarfer yn neuadd yr ysgol."
        )

    def _inbox(self, site, accounts) -> None:
        """Comments made on the Facebook emulator and read as the poll reads them."""
        account = (
            accounts.approved()
            .filter(
                network=Network.FACEBOOK, connection=SocialAccount.Connection.CONNECTED
            )
            .first()
        )
        if account is None or InboxItem.objects.filter(account=account).exists():
            return
        base_url = settings.SOCIAL_FACEBOOK_GRAPH_BASE_URL
        if base_url.startswith("https://graph.facebook.com"):
            return  # only ever against the emulator
        post = FacebookPageNetwork(
            credentials=account_credentials(account=account)
        ).publish(text="Sports day: thank you for cheering us on!", images=[])
        InboxWordList.objects.get_or_create(
            site=site, language="en", defaults={"words": "useless\nidiots"}
        )
        learner = Learner.objects.on_roll().filter(site=site).first()
        comments = [
            ("Carys Morgan", "What time does the bus get back?"),
            ("Dewi Price", "Diolch! A brilliant day 🎉"),
            ("Sam Lee", "Is the photo gallery on the website?"),
            ("Jo Bloggs", "Useless organisation, idiots the lot of you"),
        ]
        if learner is not None:
            comments.append(
                ("A visitor", f"{learner.first_name} {learner.last_name} won the race!")
            )
        for author, message in comments:
            requests.post(
                f"{base_url}/__emulator__/comment",
                json={
                    "post_id": post.remote_id,
                    "message": message,
                    "author_name": author,
                },
                timeout=10,
            ).raise_for_status()
        inbox_read(account=account, now=timezone.now())
        items = {
            item.author_name: item for item in InboxItem.objects.filter(account=account)
        }
        manager = account.managers.first()
        for author, words in (
            ("Dewi Price", "Diolch yn fawr!"),
            ("Sam Lee", "Yes: the gallery is on the news page."),
        ):
            reply_write(item=items[author], text=words, by=manager)
        InboxItem.objects.filter(pk=items["Carys Morgan"].pk).update(
            received_at=timezone.now() - datetime.timedelta(days=3),
            due_at=timezone.now() - datetime.timedelta(days=2),
        )
        self.stdout.write(f"Inbox: {len(items)} comments on {account.name}.")

    def _demo_account(
        self, accounts, network: str, base_url: str
    ) -> SocialAccount | None:
        """The school's connected demo account of `network`, if its inbox is still
        empty and it talks to an emulator (never a real network)."""
        account = (
            accounts.approved()
            .filter(network=network, connection=SocialAccount.Connection.CONNECTED)
            .first()
        )
        if account is None or InboxItem.objects.filter(account=account).exists():
            return None
        if base_url.startswith(("https://graph.facebook.com", "https://bsky.social")):
            return None
        return account

    def _emulator_control(self, base_url: str, action: str, body: dict) -> dict:
        answer = requests.post(
            f"{base_url}/__emulator__/{action}", json=body, timeout=10
        )
        answer.raise_for_status()
        return answer.json()

    def _inbox_instagram(self, accounts) -> None:
        """A Welsh comment on a post on the Instagram emulator, read by the poll."""
        base_url = settings.SOCIAL_INSTAGRAM_GRAPH_BASE_URL
        account = self._demo_account(accounts, Network.INSTAGRAM, base_url)
        if account is None:
            return
        media = self._emulator_control(
            base_url, "post", {"caption": "Eisteddfod yr ysgol 🎶"}
        )
        self._emulator_control(
            base_url,
            "comment",
            {
                "media_id": media["id"],
                "message": "Llongyfarchiadau i bawb! 👏",
                "author_name": "eira_jones",
            },
        )
        inbox_read(account=account, now=timezone.now())
        self.stdout.write(f"Inbox: 1 comment on {account.name}.")

    def _inbox_bluesky(self, accounts) -> None:
        """A reply to a post on the Bluesky emulator, read from the notifications."""
        base_url = settings.SOCIAL_BLUESKY_PDS_URL
        account = self._demo_account(accounts, Network.BLUESKY, base_url)
        if account is None:
            return
        post = BlueskyNetwork(credentials=account_credentials(account=account)).publish(
            text="Our Year 6 science fair is open to families on Friday.", images=[]
        )
        self._emulator_control(
            base_url,
            "reply",
            {
                "post_uri": post.remote_id,
                "text": "Will there be photos on the website afterwards?",
                "author_handle": "gareth.bsky.social",
                "author_name": "Gareth Hughes",
            },
        )
        inbox_read(account=account, now=timezone.now())
        self.stdout.write(f"Inbox: 1 reply on {account.name}.")
