"""The last line of defence: no page goes live while it breaks the consent rules.

Every Wagtail publish path (the editor's publish button, workflow approval, bulk
publish, reverting to an old revision, ``publish_scheduled``, the admin API, any
management command) ends in ``PublishPageRevisionAction._publish_revision``, which
sets ``live`` and ``live_revision`` and then saves the page. The edit view and the
admin API construct that action directly, so overriding ``Page.publish`` would miss
them, and ``cms`` may not import moderation. The one place all of them pass is the
page's ``save()``: a ``pre_save`` receiver sees the page about to go live (or to
change its live revision) and raises ``ConsentViolation`` before a row is written.
The admin hooks in ``wagtail_hooks.py`` check earlier to show the editor a message;
this guard is what makes a path nobody thought of safe too (C1-C4).
"""

from __future__ import annotations

import logging

from django.core.mail import send_mail
from wagtail.models import Page

from .rules import Channel, ConsentViolation, page_violations

logger = logging.getLogger(__name__)


def goes_live(page: Page, *, update_fields=None) -> bool:
    """Whether saving ``page`` now makes new content live on the website."""
    if not page.live:
        return False
    if update_fields is not None and not {"live", "live_revision"} & set(update_fields):
        return False
    if page.pk is None:
        return True
    stored = Page.objects.filter(pk=page.pk).values("live", "live_revision_id").first()
    if stored is None:
        return True
    return not stored["live"] or stored["live_revision_id"] != page.live_revision_id


def refuse_unconsented_publication(
    sender, instance, raw=False, update_fields=None, **kwargs
) -> None:
    """``pre_save`` receiver: refuse to make a page breaking C1-C4 live.

    An existing page raises ``ConsentViolation`` and nothing is written. A page
    being created is saved as a draft instead: Wagtail's create view inserts a new
    page as live *before* its publish hook and revision publish run, so raising
    would lose the editor's work; as a draft it is kept, and the hook (or the
    revision publish that follows) refuses the publication with the reasons.
    """
    if raw or not isinstance(instance, Page):
        return
    if not goes_live(instance, update_fields=update_fields):
        return
    page = instance if type(instance) is instance.specific_class else instance.specific
    violations = page_violations(page, channel=Channel.website())
    if not violations:
        return
    if instance.pk is None:
        instance.live = False
        instance.has_unpublished_changes = True
        logger.warning(
            "New page %r saved as a draft: %d consent violation(s)",
            instance.title,
            len(violations),
            extra={"event": "consent.created_as_draft"},
        )
        return
    logger.warning(
        "Publication refused by the consent rules: page %s, %d violation(s)",
        instance.pk,
        len(violations),
        extra={"event": "consent.publish_refused", "page_id": instance.pk},
    )
    # Page.save() is atomic, so an audit-log row written here would be rolled back
    # with the refused save; the admin hooks log refusals they catch first. Paths
    # without a person watching (scheduled go-live) tell the authors by email.
    tell_authors(page, violations)
    raise ConsentViolation(violations)


def tell_authors(page: Page, violations) -> None:
    """Email the page's owner and last editor why it was not published."""
    revision = page.live_revision or page.latest_revision
    recipients = {
        user.email
        for user in (page.owner, getattr(revision, "user", None))
        if user is not None and user.email
    }
    if not recipients:
        return
    lines = "\n".join(f"- {violation.message}" for violation in violations)
    send_mail(
        subject=f"Not published: {page.title}",
        message=(
            f"“{page.title}” was due to be published but the consent rules stopped "
            f"it:\n\n{lines}\n\nFix these in the page editor, then publish again."
        ),
        from_email=None,
        recipient_list=sorted(recipients),
    )
