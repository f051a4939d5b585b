"""Preparing an approved page's public copies outside the approver's request.

``preparation_start`` is what approval calls: when every photo and document the
approved revision shows already has current public copies (or it has none), it
returns None and approval publishes at once, in the request, as before; otherwise
it records a ``PagePreparation`` and one ``PreparedMedium`` per item, enqueues one
job per item once the approval commits, and returns. Each job
(``prepared_medium_make``) makes that item's copies (every ``srcset`` width,
metadata stripped); the job that finishes the last one publishes the revision, in
one transaction with the page going live, so the page never shows a missing picture
and its social posts (written on publish) never go before their pictures. A
bilingual school's page is prepared with its translations' approved revisions: the
copies of every language are made by the same jobs, and every language goes live
in that one transaction (``revisions_publish_together``), at the same instant.

Nothing is public before that: the copies have unguessable names nobody links to
until the page is live. A withdrawal, unpublish, takedown, deletion or a newer
approval stops a preparation (``preparation_stop``): the page is not published and
every copy made only for it is removed. A file that cannot be copied (damaged, not
a picture) stops it too, and says which one. The minute sweep
(``preparations_sweep``) wakes items whose job was lost (Redis down at approval) or
whose worker died mid-copy.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from PIL import Image as PillowImage
from redis.exceptions import RedisError
from wagtail.documents import get_document_model
from wagtail.images import get_image_model
from wagtail.models import Page, Revision, Site

from .. import public_media
from .models import PagePreparation, PreparedMedium, PreparedTranslation
from .queueing import prepared_medium_enqueue_on_commit, prepared_medium_job_pending

logger = logging.getLogger(__name__)

#: A job is woken again by the sweep at most this many times before the
#: preparation stops with a message (a file that crashes every worker).
MAX_ATTEMPTS = 5
#: The sweep leaves a just-approved preparation alone this long: its jobs are being
#: enqueued as the approval commits.
SWEEP_GRACE = timedelta(seconds=30)
#: What a damaged or unreadable picture raises while its copies are made.
UNREADABLE_FILE_ERRORS = (
    OSError,
    ValueError,
    SyntaxError,
    PillowImage.DecompressionBombError,
)

Status = PagePreparation.Status


def _model(kind: str):
    if kind == PreparedMedium.Kind.IMAGE:
        return get_image_model()
    return get_document_model()


def _kind(item) -> str:
    if isinstance(item, get_image_model()):
        return PreparedMedium.Kind.IMAGE
    return PreparedMedium.Kind.DOCUMENT


def preparation_start(
    *, revision: Revision, user, translations: Sequence[Revision] = ()
) -> PagePreparation | None:
    """Prepare ``revision``'s copies in jobs; None when it can be published at once.

    Called inside the approval's transaction, after the checks; the jobs are
    enqueued when it commits. ``translations`` are the approved revisions of the
    page's other languages, which go live with it: their copies are prepared by the
    same jobs. A revision scheduled for later is published (that is, scheduled) at
    once as before: its copies are made when it goes live.
    """
    page = revision.as_object()
    go_live_at = getattr(page, "go_live_at", None)
    if go_live_at is not None and go_live_at > timezone.now():
        return None
    needed = {}
    for version in (page, *(translation.as_object() for translation in translations)):
        images, documents = public_media.media_needing_copies(version)
        for item in (*images, *documents):
            # A translation usually shows the same photos: one copy job for each.
            needed.setdefault((_kind(item), item.pk), item)
    if not needed:
        return None
    site = page.get_site() or Site.objects.get(is_default_site=True)
    preparation = PagePreparation.objects.create(
        site=site, page_id=page.pk, revision=revision, approved_by=user
    )
    PreparedTranslation.objects.bulk_create(
        PreparedTranslation(
            preparation=preparation,
            page_id=int(translation.object_id),
            revision=translation,
        )
        for translation in translations
    )
    media = PreparedMedium.objects.bulk_create(
        PreparedMedium(
            preparation=preparation, kind=kind, object_id=pk, title=item.title[:255]
        )
        for (kind, pk), item in needed.items()
    )
    # A newer approval replaces an older one still preparing (its copies that this
    # one needs too are kept: this one is already recorded).
    page_ids = [page.pk, *(int(translation.object_id) for translation in translations)]
    for older in (
        PagePreparation.objects.preparing()
        .of_pages(page_ids)
        .exclude(pk=preparation.pk)
    ):
        preparation_stop(
            preparation=older,
            problem=_("A newer version of the page was approved instead."),
        )
    for medium in PreparedMedium.objects.filter(preparation=preparation):
        prepared_medium_enqueue_on_commit(medium_id=medium.pk, attempt=medium.attempt)
    logger.info(
        "Page %s approved; preparing %s item(s) before it goes live",
        page.pk,
        len(media),
        extra={"event": "preparation.started", "preparation": preparation.pk},
    )
    return preparation


def prepared_medium_make(*, medium_id: int, attempt: int) -> None:
    """Make one item's public copies; the last item publishes the page.

    A stale wake-up (an earlier attempt) or one for a stopped preparation does
    nothing. A file that cannot be copied stops the whole preparation.
    """
    medium = (
        PreparedMedium.objects.select_related("preparation")
        .filter(pk=medium_id)
        .first()
    )
    if (
        medium is None
        or medium.attempt != attempt
        or medium.status != PreparedMedium.Status.WAITING
        or medium.preparation.status != Status.PREPARING
    ):
        return
    item = _model(medium.kind).objects.filter(pk=medium.object_id).first()
    problem = ""
    if item is None:
        problem = _("“%(title)s” was deleted.") % {"title": medium.title}
    else:
        try:
            public = public_media.media_sync(item=item)
        except UNREADABLE_FILE_ERRORS as error:
            logger.warning(
                "Could not make public copies of %s %s: %s",
                medium.kind,
                item.pk,
                error,
                extra={"event": "preparation.unreadable", "medium": medium.pk},
            )
            public = False
        if not public:
            problem = _(
                "“%(title)s” could not be prepared for the website: the file is "
                "damaged, not a picture, or cannot be cleaned, or consent for it "
                "no longer allows it. Replace or remove it, then submit the page "
                "again."
            ) % {"title": medium.title}
    with transaction.atomic():
        preparation = PagePreparation.objects.select_for_update().get(
            pk=medium.preparation_id
        )
        if preparation.status != Status.PREPARING:
            # Stopped while this item was copied: remove what it made.
            transaction.on_commit(lambda: _media_resync(preparation))
            return
        if problem:
            PreparedMedium.objects.filter(pk=medium.pk).update(
                status=PreparedMedium.Status.FAILED
            )
            preparation_stop(preparation=preparation, problem=problem)
            return
        PreparedMedium.objects.filter(pk=medium.pk).update(
            status=PreparedMedium.Status.READY
        )
        waiting = preparation.media.exclude(status=PreparedMedium.Status.READY)
        if not waiting.exists():
            _publish(preparation)


def _publish(preparation: PagePreparation) -> None:
    """Every copy exists: publish the approved revisions (inside the caller's lock)."""
    preparation.status = Status.LIVE
    preparation.finished_at = timezone.now()
    preparation.save(update_fields=["status", "finished_at"])
    revisions_publish_together(
        revision=preparation.revision,
        translations=[
            translation.revision
            for translation in preparation.translations.select_related("revision")
        ],
        user=preparation.approved_by,
    )
    logger.info(
        "Page %s is live: every public copy is ready",
        preparation.page_id,
        extra={"event": "preparation.live", "preparation": preparation.pk},
    )


@transaction.atomic
def revisions_publish_together(
    *,
    revision: Revision,
    translations: Sequence[Revision],
    user,
    log_action: bool | str = True,
) -> None:
    """Publish ``revision`` and its translations' revisions, all or none.

    Every language carries the page's ``last_published_at`` (and, for a language
    going live for the first time, ``first_published_at``): the same instant on
    the site, the API and the feeds. ``log_action``: the history's entry, as
    Wagtail's ``publish`` takes it (the scheduled go-live names itself).
    """
    revision.publish(user=user, skip_permission_checks=True, log_action=log_action)
    for translation in translations:
        translation.publish(
            user=user, skip_permission_checks=True, log_action=log_action
        )
    if translations:
        published_at = (
            Page.objects.filter(pk=revision.object_id)
            .values_list("last_published_at", flat=True)
            .get()
        )
        if published_at is not None:
            others = Page.objects.filter(
                pk__in=[translation.object_id for translation in translations]
            )
            # Published a moment after the page: first published at its instant.
            others.filter(first_published_at__gt=published_at).update(
                first_published_at=published_at
            )
            others.update(last_published_at=published_at)


def preparation_stop(*, preparation: PagePreparation, problem: str) -> bool:
    """Stop ``preparation``: the page is not published, its copies are removed.

    Returns whether it was still preparing. Copies another live page (or another
    preparation) still needs are kept.
    """
    stopped = bool(
        PagePreparation.objects.filter(
            pk=preparation.pk, status=Status.PREPARING
        ).update(status=Status.STOPPED, problem=problem, finished_at=timezone.now())
    )
    if stopped:
        preparation.status = Status.STOPPED
        preparation.problem = problem
        logger.warning(
            "Preparation of page %s stopped: %s",
            preparation.page_id,
            problem,
            extra={"event": "preparation.stopped", "preparation": preparation.pk},
        )
        _media_resync(preparation)
    return stopped


def _media_resync(preparation: PagePreparation) -> None:
    """Each item of ``preparation`` public only if something else still needs it."""
    for medium in preparation.media.all():
        item = _model(medium.kind).objects.filter(pk=medium.object_id).first()
        if item is not None and item.public_files:
            public_media.media_sync(item=item)


def preparations_stop_for_page(*, page_id: int, problem: str) -> int:
    """Stop every preparation of a page (unpublished, taken down, deleted).

    A translation's preparation is its page's too: both languages stop together.
    """
    return sum(
        preparation_stop(preparation=preparation, problem=problem)
        for preparation in PagePreparation.objects.preparing().of_pages([page_id])
    )


def preparations_stop_for_item(*, item, problem: str) -> int:
    """Stop every preparation that needs ``item`` (consent ended, deleted)."""
    preparations = PagePreparation.objects.preparing().filter(
        media__kind=_kind(item), media__object_id=item.pk
    )
    return sum(
        preparation_stop(preparation=preparation, problem=problem)
        for preparation in preparations.distinct()
    )


def preparations_sweep(*, now: datetime) -> int:
    """Wake again every waiting item whose job was lost or whose worker died.

    Returns how many were woken. Each wake-up is a new attempt, so a job left by a
    dead worker does nothing if it ever runs; after ``MAX_ATTEMPTS`` the
    preparation stops and says so.
    """
    woken = 0
    waiting = PreparedMedium.objects.filter(
        status=PreparedMedium.Status.WAITING,
        preparation__status=Status.PREPARING,
        preparation__started_at__lte=now - SWEEP_GRACE,
    ).select_related("preparation")
    try:
        for medium in waiting:
            if prepared_medium_job_pending(
                medium_id=medium.pk, attempt=medium.attempt, now=now
            ):
                continue
            if medium.attempt >= MAX_ATTEMPTS:
                preparation_stop(
                    preparation=medium.preparation,
                    problem=_(
                        "“%(title)s” could not be prepared for the website after "
                        "several tries. Replace it, or ask IT to look at the "
                        "worker's log, then submit the page again."
                    )
                    % {"title": medium.title},
                )
                continue
            medium.attempt += 1
            medium.save(update_fields=["attempt"])
            prepared_medium_enqueue_on_commit(
                medium_id=medium.pk, attempt=medium.attempt
            )
            woken += 1
    except RedisError:
        logger.warning(
            "Sweep could not reach Redis; pages being prepared wait for the next one",
            extra={"event": "preparation.sweep_redis_down"},
        )
    return woken
