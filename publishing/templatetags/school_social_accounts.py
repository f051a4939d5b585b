"""`{% approved_social_accounts as accounts %}` for the "Our social media" page (M4).

Parents can tell the school's real accounts from impostors only if the website lists
them: each approved account with a link, what it posts and when it is watched, read
from the account register so the page never goes stale. A template tag, so the cms
page template can show it without cms importing publishing.
"""

from __future__ import annotations

from dataclasses import dataclass

from django import template

from publishing.models import Network, SocialAccount

register = template.Library()

PROFILE_URLS = {
    Network.X: "https://x.com/{}",
    Network.FACEBOOK: "https://www.facebook.com/{}",
    Network.INSTAGRAM: "https://www.instagram.com/{}",
    Network.BLUESKY: "https://bsky.app/profile/{}",
}


@dataclass(frozen=True)
class PublicAccount:
    name: str
    network: str
    handle: str
    url: str
    what_it_posts: str
    when_monitored: str


def _profile_url(account: SocialAccount) -> str:
    handle = account.handle.strip().lstrip("@").replace(" ", "")
    pattern = PROFILE_URLS.get(account.network)
    return pattern.format(handle) if pattern and handle else ""


@register.simple_tag
def approved_social_accounts() -> list[PublicAccount]:
    return [
        PublicAccount(
            name=account.name,
            network=account.get_network_display(),
            handle=account.handle,
            url=_profile_url(account),
            what_it_posts=account.aim,
            when_monitored=account.monitoring_plan,
        )
        for account in SocialAccount.objects.approved().order_by("name")
    ]
