"""The demo's social-media policy: a published page, chosen as the demo school's
policy, acknowledged by everyone who runs or oversees the demo accounts.

For `make run` only (refuses production settings); run after the demo school and
its accounts. Loaded once: a policy already chosen is left as it is.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from django.db.models import Q
from wagtail.models import Site

from cms.demo_school import ensure_not_production_command
from cms.models import StandardPage
from moderation.roles import HEADTEACHER, SAFEGUARDING, SENIOR_LEADERSHIP
from publishing.social_policy.models import SocialMediaPolicy
from publishing.social_policy.services import current_policy, policy_acknowledge

POLICY_SLUG = "social-media-policy"


class Command(BaseCommand):
    help = "Publish the demo social-media policy and acknowledge it for demo staff."

    def handle(self, *args, **options):
        ensure_not_production_command()
        site = Site.objects.get(is_default_site=True)
        setting = SocialMediaPolicy.for_site(site)
        if setting.page_id is not None:
            return
        home = site.root_page
        page = StandardPage.objects.child_of(home).filter(slug=POLICY_SLUG).first()
        if page is None:
            page = StandardPage(
                slug=POLICY_SLUG,
                title="Social media policy",
                intro="How Meadowbank uses social media, and what we ask of staff.",
                body=[
                    (
                        "paragraph",
                        "<p>Everyone who runs a school account has read and "
                        "understood this policy. We post news that is on our website "
                        "first; we reply within 24 hours or on the next working day; "
                        "we never name a pupil beside their photograph; concerns go "
                        "to the school office, not to social media.</p>",
                    )
                ],
            )
            home.add_child(instance=page)
            page.save_revision().publish()
            page.refresh_from_db()
        setting.page = page
        setting.save()
        version = current_policy(site).version
        runners = get_user_model().objects.filter(
            Q(managed_social_accounts__site=site)
            | Q(owned_social_accounts__site=site)
            | Q(
                school_memberships__site=site,
                school_memberships__role__in=(
                    SAFEGUARDING,
                    HEADTEACHER,
                    SENIOR_LEADERSHIP,
                ),
            ),
            is_active=True,
        )
        for user in runners.distinct():
            policy_acknowledge(user=user, site=site, version=version)
        self.stdout.write(
            f"Social media policy: “{page.title}”, acknowledged by "
            f"{runners.distinct().count()} member(s) of staff."
        )
