"""Emails of new mentions: at once, daily or weekly, as each person chose.

The safeguarding lead and the head choose, per school. The email lists what was
found with its link, so a mention reaches the head's morning email; a mention that
names a learner or a member of staff is listed without its words (the name stays
behind the two-factor sign-in).
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.core.mail import send_mail
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from .access import sees_mentions
from .models import Mention, MentionEmail

PERIODS = {
    MentionEmail.Frequency.IMMEDIATE: datetime.timedelta(0),
    MentionEmail.Frequency.DAILY: datetime.timedelta(days=1),
    MentionEmail.Frequency.WEEKLY: datetime.timedelta(days=7),
}


def _line(mention: Mention) -> str:
    if mention.flagged:
        return "- " + _(
            "A post that names someone (open the mentions screen to read it)"
        )
    words = mention.title or mention.text[:200]
    return f"- {words}\n  {mention.url}" if mention.url else f"- {words}"


def mention_emails_send(*, now: datetime.datetime) -> int:
    """Send each chosen email that is due and has something new; returns how many.

    Each email covers the mentions found since the last one (``sent_until``), so a
    mention is in exactly one email per person, whichever host runs the job. Only
    to someone who may still see the school's mentions (the choice outlives a
    member of staff who left the school or changed role).
    """
    sent = 0
    choices = MentionEmail.objects.filter(user__is_active=True).select_related(
        "user", "site"
    )
    for choice in choices:
        if now - choice.sent_until < PERIODS[choice.frequency]:
            continue
        if not sees_mentions(choice.user, choice.site):
            continue  # no longer at the school, or no longer in a role that sees them
        new = list(
            Mention.objects.for_school(choice.site).filter(
                found_at__gt=choice.sent_until, found_at__lte=now
            )
        )
        claimed = MentionEmail.objects.filter(
            pk=choice.pk, sent_until=choice.sent_until
        ).update(sent_until=now)
        if not claimed or not new or not choice.user.email:
            continue  # another run took it, or nothing to say
        school = choice.site.site_name or choice.site.hostname
        heading = ngettext(
            "%(count)d new post about %(school)s:",
            "%(count)d new posts about %(school)s:",
            len(new),
        ) % {"count": len(new), "school": school}
        link = settings.WAGTAILADMIN_BASE_URL + reverse("mentions:list")
        send_mail(
            subject=_("Mentions of %(school)s") % {"school": school},
            message="\n".join([heading, "", *map(_line, new), "", link]),
            from_email=None,
            recipient_list=[choice.user.email],
        )
        sent += 1
    return sent
