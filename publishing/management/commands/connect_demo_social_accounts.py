"""Connect the demo school's X, Facebook, Instagram and Bluesky accounts to the
loopback emulators.

For `make run` only: refuses production settings. Idempotent: running it again
re-stores the emulators' credentials on the same four accounts.
"""

from __future__ import annotations

from typing import NamedTuple

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from publishing.models import Network, SocialAccount
from publishing.networks.base import NetworkError
from publishing.networks.x import XNetwork
from publishing.services.accounts import account_credentials_store

# Demo staff in the order they are preferred as owner and managers.
PREFERRED_STAFF = ("head", "approver", "dsl", "editor", "admin")

DEMO_CASE = {
    "aim": "Share school news and celebrate pupils' work with families.",
    "audience": "Parents and carers, and the local community.",
    "promotion_plan": "The newsletter, the website's social media page, open evenings.",
    "access_locations": "School-owned laptops in the office; never personal phones.",
    "monitoring_plan": "The office checks it at 8:30 and 15:30 on school days.",
    "escalation_procedure": "Concerns to the head; safeguarding to the DSL.",
}


class DemoAccount(NamedTuple):
    """One demo account and the emulator it is connected to."""

    name: str
    network: str
    visibility: str
    handle: str
    credentials: dict[str, str]
    emulator_url: str


class Command(BaseCommand):
    help = (
        "Create and connect the demo X, Facebook, Instagram and Bluesky accounts "
        "(emulators)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--x-url",
            default=settings.SOCIAL_X_API_BASE_URL,
            help="The X emulator's base URL (checked before connecting)",
        )
        parser.add_argument(
            "--facebook-url",
            default=settings.SOCIAL_FACEBOOK_GRAPH_BASE_URL,
            help="The Facebook emulator's base URL",
        )

    def handle(self, *args, **options):
        if (getattr(settings, "SETTINGS_MODULE", "") or "").endswith(".production"):
            raise CommandError(
                "This command connects demo accounts; not in production."
            )
        # The emulators' own demo credentials: development only, never production.
        from emulators.bluesky import DEMO_BLUESKY_ACCOUNT
        from emulators.facebook import DEMO_FACEBOOK_PAGE
        from emulators.instagram import DEMO_INSTAGRAM_ACCOUNT
        from emulators.x import DEMO_X_ACCOUNT, DEMO_X_APP

        owner, managers, proposer, approver = self._staff()
        x_credentials = {**DEMO_X_APP, **DEMO_X_ACCOUNT}
        open_, closed = SocialAccount.Visibility.OPEN, SocialAccount.Visibility.CLOSED
        demo_accounts = (
            DemoAccount(
                "Demo X account",
                Network.X,
                open_,
                self._x_handle(options["x_url"], x_credentials),
                x_credentials,
                options["x_url"],
            ),
            DemoAccount(
                "Demo Facebook Page",
                Network.FACEBOOK,
                closed,
                "Our School",
                dict(DEMO_FACEBOOK_PAGE),
                options["facebook_url"],
            ),
            # Instagram and Bluesky have no closed accounts: a photo goes there
            # only with permission for public social media.
            DemoAccount(
                "Demo Instagram account",
                Network.INSTAGRAM,
                open_,
                "@ourschool",
                dict(DEMO_INSTAGRAM_ACCOUNT),
                settings.SOCIAL_INSTAGRAM_GRAPH_BASE_URL,
            ),
            # The adapter signs in on its first post and keeps that session.
            DemoAccount(
                "Demo Bluesky account",
                Network.BLUESKY,
                open_,
                f"@{DEMO_BLUESKY_ACCOUNT['handle']}",
                dict(DEMO_BLUESKY_ACCOUNT),
                settings.SOCIAL_BLUESKY_PDS_URL,
            ),
        )
        with transaction.atomic():
            for demo in demo_accounts:
                account = self._account(
                    name=demo.name,
                    network=demo.network,
                    visibility=demo.visibility,
                    handle=demo.handle,
                    owner=owner,
                    managers=managers,
                    proposer=proposer,
                    approver=approver,
                )
                account_credentials_store(
                    account=account, credentials=demo.credentials, by=approver
                )
        connected = [f"{demo.name} ({demo.emulator_url})" for demo in demo_accounts]
        self.stdout.write(f"Connected {', '.join(connected[:-1])} and {connected[-1]}.")

    def _staff(self):
        users = get_user_model().objects.filter(is_active=True)
        by_name = {user.username: user for user in users}
        chosen = [by_name[name] for name in PREFERRED_STAFF if name in by_name]
        chosen += [user for user in users.order_by("pk") if user not in chosen]
        if len(chosen) < 2:
            raise CommandError(
                "The demo accounts need at least two staff (two managers): "
                "load the demo school first."
            )
        owner, second = chosen[0], chosen[1]
        # The second manager proposed it and the owner approved it (never the same).
        return owner, [owner, second], second, owner

    def _x_handle(self, base_url: str, credentials: dict[str, str]) -> str:
        try:
            profile = XNetwork(credentials=credentials, base_url=base_url).profile()
        except NetworkError as error:
            self.stdout.write(f"The X emulator did not answer ({error}); connecting.")
            return "@OurSchool"
        return f"@{profile.username}"

    def _account(self, *, name, network, proposer, approver, managers, **fields):
        account, _ = SocialAccount.objects.update_or_create(
            name=name,
            network=network,
            defaults={
                **DEMO_CASE,
                **fields,
                "proposed_by": proposer,
                "status": SocialAccount.Status.APPROVED,
                "decided_by": approver,
                "decided_at": timezone.now(),
                "decision_note": "Demo account, approved for the demonstration.",
            },
        )
        account.managers.set(managers)
        return account
