"""The demo's publishing scenes: a post awaiting approval, a failed delivery, a
proposed account, and an inbox of comments (some answered, one overdue, one hidden
by a rule, one naming a pupil waiting for the safeguarding lead, one on Instagram and
one on Bluesky), so a newcomer sees every screen with something on it.

For `make run` only (refuses production settings); run after the demo school, its
learners and the connected demo accounts. Each scene is loaded once.
"""

from __future__ import annotations

import datetime

import requests
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone
from wagtail.models import Locale, Site

from cms.demo_school import DemoRefused, ensure_not_production
from cms.languages import WELSH, language_plan
from cms.models import NewsIndexPage, NewsPage, SchoolImage
from moderation.models import Learner
from publishing.inbox.models import InboxItem, InboxWordList
from publishing.inbox.services import inbox_read, reply_write
from publishing.management.commands.connect_demo_social_accounts import DEMO_CASE
from publishing.models import Delivery, Network, SocialAccount, SocialPost
from publishing.networks.bluesky import BlueskyNetwork
from publishing.networks.facebook import FacebookPageNetwork
from publishing.services.accounts import account_credentials

WAITING_TITLE = "Year 4 sing at the town hall"
PROPOSED_NAME = "Meadowbank sports X account"


class Command(BaseCommand):
    help = "Load the demo's post awaiting approval, failed delivery, proposed account."

    def handle(self, *args, **options):
        try:
            ensure_not_production()
        except DemoRefused as refused:
            raise CommandError(str(refused)) from refused
        staff = {user.username: user for user in get_user_model().objects.all()}
        if not {"editor", "head"} <= staff.keys():
            raise CommandError("Load the demo school first (no demo staff).")
        self._proposed_account(staff)
        self._failed_delivery()
        self._waiting_post(staff["editor"])
        self._inbox(staff)
        self._inbox_instagram()
        self._inbox_bluesky()

    def _proposed_account(self, staff) -> None:
        if SocialAccount.objects.filter(name=PROPOSED_NAME).exists():
            return
        account = SocialAccount.objects.create(
            name=PROPOSED_NAME,
            network=Network.X,
            visibility=SocialAccount.Visibility.OPEN,
            handle="@MeadowbankSport",
            owner=staff["head"],
            proposed_by=staff["editor"],
            status=SocialAccount.Status.PROPOSED,
            **DEMO_CASE,
        )
        account.managers.set([staff["editor"], staff["head"]])
        self.stdout.write(f"Proposed account: {account.name} (for the head to decide).")

    def _failed_delivery(self) -> None:
        if Delivery.objects.filter(status=Delivery.Status.FAILED).exists():
            return
        account = SocialAccount.objects.filter(network=Network.X).approved().first()
        page = NewsPage.objects.live().order_by("-first_published_at").first()
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

    def _waiting_post(self, editor) -> None:
        if NewsPage.objects.filter(title=WAITING_TITLE).exists():
            return
        news_index = NewsIndexPage.objects.first()
        photo = SchoolImage.objects.filter(title="Year 4 choir rehearsal").first()
        closed = SocialAccount.objects.filter(
            visibility=SocialAccount.Visibility.CLOSED
        ).approved()
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

    def _inbox(self, staff) -> None:
        """Comments made on the Facebook emulator and read as the poll reads them."""
        account = (
            SocialAccount.objects.approved()
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
        site = Site.objects.get(is_default_site=True)
        InboxWordList.objects.get_or_create(
            site=site, language="en", defaults={"words": "useless\nidiots"}
        )
        learner = Learner.objects.on_roll().first()
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

    def _demo_account(self, network: str, base_url: str) -> SocialAccount | None:
        """The connected demo account of `network`, if its inbox is still empty and
        it talks to an emulator (never a real network)."""
        account = (
            SocialAccount.objects.approved()
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

    def _inbox_instagram(self) -> None:
        """A Welsh comment on a post on the Instagram emulator, read by the poll."""
        base_url = settings.SOCIAL_INSTAGRAM_GRAPH_BASE_URL
        account = self._demo_account(Network.INSTAGRAM, base_url)
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

    def _inbox_bluesky(self) -> None:
        """A reply to a post on the Bluesky emulator, read from the notifications."""
        base_url = settings.SOCIAL_BLUESKY_PDS_URL
        account = self._demo_account(Network.BLUESKY, base_url)
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
