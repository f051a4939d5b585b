"""When consent ends, every published use of the learner's images stops (C1, C2).

Consent ends when a parent withdraws it, when it expires, when the learner leaves,
or when the learner is put on the do-not-publish list. Then, for the website:

- each image and document picturing the learner is flagged withdrawn, so blocks,
  rich text and the API show nothing of it, while its pages stay published;
- image renditions are deleted (Wagtail removes their files once committed) and the
  original file is moved out of public media into the ``withdrawn_media`` storage,
  so no old URL serves it;
- videos declared to show the learner stop rendering (cms asks
  ``selectors.learners_may_be_shown`` on every render);
- the withdrawal is written to Wagtail's audit log on the media and on each page
  using it, and scheduled go-lives the rules would now refuse are unscheduled.

For every use, ``consent_withdrawn`` is sent so that publishing deletes the social
posts that carried the media, and the consent officer and the authors get a report.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.core.files.storage import storages
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone
from wagtail.documents import get_document_model
from wagtail.images import get_image_model
from wagtail.log_actions import log
from wagtail.models import Page, ReferenceIndex
from wagtail.query import PageQuerySet

from moderation.models import ConsentUse, Learner
from moderation.roles import SAFEGUARDING
from moderation.signals import consent_withdrawn

from .audit import UNSCHEDULED, WITHDRAWN
from .pictures_inside import documents_containing
from .rules import Channel, Violation, media_violations, page_violations

logger = logging.getLogger(__name__)

WITHDRAWN_MEDIA_STORAGE = "withdrawn_media"


@dataclass
class CascadeReport:
    """What one learner's withdrawal did, for the emails and the caller."""

    learner: Learner
    reason: str
    withdrawn_media: list = field(default_factory=list)
    pages: list[Page] = field(default_factory=list)
    unscheduled: list[Page] = field(default_factory=list)

    @property
    def image_ids(self) -> list[int]:
        image_model = get_image_model()
        return [m.pk for m in self.withdrawn_media if isinstance(m, image_model)]

    @property
    def document_ids(self) -> list[int]:
        document_model = get_document_model()
        return [m.pk for m in self.withdrawn_media if isinstance(m, document_model)]


def consent_cascade(
    *, learner: Learner, use: str | None, reason: str, user=None
) -> CascadeReport:
    """Stop every published use of ``learner``'s images for ``use`` (None: all uses).

    Args:
        learner: whose consent ended.
        use: the ``ConsentUse`` that ended; None for do-not-publish or leaving.
        reason: plain English for the audit log and emails; never the safeguarding
            reason for a do-not-publish entry.
        user: who caused it (None for the scheduled expiry check).
    """
    report = CascadeReport(learner=learner, reason=reason)
    images = get_image_model().objects.filter(learners=learner)
    documents = get_document_model().objects.filter(learners=learner)
    with transaction.atomic():
        if use in (None, ConsentUse.WEBSITE):
            for item in [*images.filter(consent_withdrawn_at__isnull=True)] + [
                *documents.filter(consent_withdrawn_at__isnull=True)
            ]:
                media_withdraw(item=item, reason=reason, user=user)
                report.withdrawn_media.append(item)
        report.pages = list(
            pages_using([*images, *documents, learner]).order_by("title")
        )
        for page in report.pages:
            log(instance=page, action=WITHDRAWN, user=user, data={"reason": reason})
        consent_withdrawn.send(
            sender=Learner,
            image_ids=list(images.values_list("pk", flat=True)),
            document_ids=list(documents.values_list("pk", flat=True)),
            learner_id=learner.pk,
            reason=reason,
        )
        report.unscheduled = scheduled_revisions_recheck()
        transaction.on_commit(lambda: _send_reports(report))
    logger.info(
        "Consent cascade for learner %s: %d item(s) withdrawn, %d page(s) affected",
        learner.pk,
        len(report.withdrawn_media),
        len(report.pages),
        extra={"event": "consent.cascade", "learner_id": learner.pk},
    )
    return report


def media_recheck(*, item, user=None) -> list[Violation]:
    """Withdraw a live image or document whose tags no longer allow it (C1, C2).

    Tags can change after a page went live: the DSL recognises a pupil without consent
    in a photo, or someone takes back "no identifiable learners". Consent rules are
    checked at publication, so without this the photo would stay on the website and on
    the social posts that carried it.

    Returns the violations that caused a withdrawal (empty: nothing changed).
    """
    if item.is_withdrawn or not pages_using([item]).live().exists():
        return []
    violations = media_violations(item, channel=Channel.website())
    if not violations:
        return []
    reason = " ".join(violation.message for violation in violations)
    image_model = get_image_model()
    with transaction.atomic():
        media_withdraw(item=item, reason=reason, user=user)
        consent_withdrawn.send(
            sender=type(item),
            image_ids=[item.pk] if isinstance(item, image_model) else [],
            document_ids=[] if isinstance(item, image_model) else [item.pk],
            learner_id=None,
            reason=reason,
        )
    logger.info(
        "Live %s %s withdrawn after its tags changed",
        type(item).__name__,
        item.pk,
        extra={"event": "consent.media_recheck", "item_id": item.pk},
    )
    return violations


def media_withdraw(*, item, reason: str, user=None) -> None:
    """Take one image or document out of publication for good (C1, C2).

    A withdrawn photo takes every document with it inside down too (issue 20).
    """
    item.consent_withdrawn_at = timezone.now()
    item.save(update_fields=["consent_withdrawn_at"])
    if hasattr(item, "renditions"):
        for rendition in item.renditions.all():
            rendition.delete()  # Wagtail deletes the file on commit
    _move_out_of_public_storage(item)
    log(instance=item, action=WITHDRAWN, user=user, data={"reason": reason})
    if isinstance(item, get_image_model()):
        for document in documents_containing(item):
            if not document.is_withdrawn:
                media_withdraw(
                    item=type(document).objects.get(pk=document.pk),
                    reason=f"a picture inside it is “{item.title}”, which was "
                    f"withdrawn: {reason}",
                    user=user,
                )


def _move_out_of_public_storage(item) -> None:
    """Move the original into private storage, so its public URL serves nothing.

    Uploads are private already (no web server serves them), so a storage that
    cannot be reached (an S3 outage) does not stop the withdrawal: the original
    stays where it is, as private as before, and the warning says so.
    """
    public = item.file.storage
    name = item.file.name
    try:
        if not name or not public.exists(name):
            return
        private = storages[WITHDRAWN_MEDIA_STORAGE]
        with public.open(name, "rb") as original:
            kept_as = private.save(name, original)
        public.delete(name)
        if kept_as != name:  # an earlier withdrawn file had that name
            type(item).objects.filter(pk=item.pk).update(file=kept_as)
            item.file.name = kept_as
    except Exception:  # noqa: BLE001
        # Any storage error (botocore's, OSError): the withdrawal itself must
        # complete; the original is private wherever it is.
        logger.warning(
            "Could not move the withdrawn original of %s %s; it stays in private "
            "storage",
            type(item).__name__,
            item.pk,
            exc_info=True,
            extra={"event": "consent.withdrawn_original_not_moved", "item_id": item.pk},
        )


def pages_using(targets) -> PageQuerySet:
    """Pages whose current content uses any of ``targets`` (media or learners)."""
    page_ids: set[int] = set()
    page_type = ReferenceIndex._get_base_content_type(Page)
    for target in targets:
        references = ReferenceIndex.get_references_to(target).filter(
            base_content_type=page_type
        )
        page_ids.update(
            int(pk) for pk in references.values_list("object_id", flat=True)
        )
    return Page.objects.filter(pk__in=page_ids)


def safeguarding_emails(*, site_id: int | None) -> list[str]:
    """The safeguarding leads of the school ``site_id`` (another school's never see
    its learners' names); every school's only when no school can be told."""
    users = get_user_model().objects.filter(groups__name=SAFEGUARDING, is_active=True)
    if site_id is not None:
        users = users.filter(
            school_memberships__site_id=site_id,
            school_memberships__role=SAFEGUARDING,
        )
    return sorted({user.email for user in users if user.email})


def _send_reports(report: CascadeReport) -> None:
    """The consent officer gets the full picture; authors get what to fix."""
    items = [f"- {item.title}" for item in report.withdrawn_media] or ["- none"]
    pages = [f"- {page.title} ({page.url or 'not live'})" for page in report.pages]
    body = (
        "Withdrawn from the website and API (files removed):\n"
        + "\n".join(items)
        + "\n\nPages that used them or show the learner in a video (they stay "
        "published without them; videos showing the learner are hidden):\n"
        + ("\n".join(pages) or "- none")
        + "\n\nSocial media posts carrying them are being deleted."
    )
    learner = report.learner
    officers = safeguarding_emails(site_id=learner.site_id)
    if officers:
        send_mail(
            subject=f"Consent ended for {learner.full_name}: images withdrawn",
            message=f"{learner} — {report.reason}.\n\n{body}",
            from_email=None,
            recipient_list=officers,
        )
    authors = {
        user.email
        for user in [
            *(
                getattr(item, "uploaded_by_user", None)
                for item in report.withdrawn_media
            ),
            *(page.owner for page in report.pages),
        ]
        if user is not None and user.email and user.email not in officers
    }
    if authors:
        send_mail(
            subject=f"Images of {learner.initials} withdrawn from the website",
            message=f"Consent for a learner ({learner.initials}) has ended.\n\n{body}",
            from_email=None,
            recipient_list=sorted(authors),
        )


def scheduled_revisions_recheck(*, on=None) -> list[Page]:
    """Unschedule go-lives that the consent rules would now refuse, and say so.

    Consent can end between the editor scheduling a page and its go-live time. Left
    scheduled, Wagtail's ``publish_scheduled`` would reach the page-save guard and
    stop there, delaying every page after it by a run. Checking after each cascade
    and daily instead takes the revision off the schedule and tells its authors.

    Returns:
        The pages whose scheduled revision was taken off the schedule.
    """
    from wagtail.models import Revision

    from .guards import tell_authors

    unscheduled = []
    page_type = ReferenceIndex._get_base_content_type(Page)
    scheduled = Revision.objects.filter(
        approved_go_live_at__isnull=False, base_content_type=page_type
    )
    for revision in scheduled:
        page = revision.as_object()
        violations = page_violations(page, channel=Channel.website(), on=on)
        if not violations:
            continue
        revision.approved_go_live_at = None
        revision.save(update_fields=["approved_go_live_at"])
        log(
            instance=page,
            action=UNSCHEDULED,
            data={"violations": [violation.message for violation in violations]},
        )
        tell_authors(page, violations)
        unscheduled.append(page)
    return unscheduled
