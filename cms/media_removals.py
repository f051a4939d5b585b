"""What the CDN or the storage has not yet done: kept, retried and shown to staff.

A withdrawal (consent, takedown, expiry, unpublishing) completes on the site at once:
the database stops naming the public copy, so the site and the public-copy gate stop
showing it in the same transaction. Two things happen outside the database and can
fail: deleting the copy from the storage (an S3 bucket may be down) and telling the
CDN to forget the copy and the pages that showed it (its API may refuse or time out).
Each such piece of work that has not succeeded is a ``MediaRemoval`` row: an rq job
tries it again with a growing wait (``MEDIA_REMOVAL_RETRY_BASE_SECONDS``, doubling up
to an hour), the "retry-media-removals" scheduled job catches any whose job was lost,
and the dashboard lists every one until it is done, with the reason it is not. Doing
one twice is harmless: a deleted file stays deleted, a purged address stays purged.
"""

from __future__ import annotations

import datetime
import logging
from collections.abc import Callable
from urllib.parse import urlsplit

import django_rq
from django.conf import settings
from django.db import models, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from redis.exceptions import RedisError
from wagtail.models import Page, ReferenceIndex, Site

from schools.models import School

logger = logging.getLogger(__name__)

JOB_FUNCTION = "cms.jobs.media_removal_attempt"
#: While one process tries a removal, others leave it this long.
ATTEMPT_LEASE = datetime.timedelta(minutes=2)
#: A job may start a little before its time on another host's clock.
CLOCK_TOLERANCE = datetime.timedelta(seconds=5)


class MediaRemovalQuerySet(models.QuerySet):
    def outstanding(self):
        return self.filter(done_at__isnull=True)


class MediaRemoval(models.Model):
    """A storage deletion or CDN purge the outside service has not yet confirmed."""

    class Kind(models.TextChoices):
        STORAGE = "storage", _("Delete public copies from storage")
        CDN = "cdn", _("Clear from the CDN")

    site = models.ForeignKey(
        "wagtailcore.Site",
        on_delete=models.CASCADE,
        related_name="+",
        null=True,
        blank=True,
        help_text=_(
            "The school whose content this removal is for; empty when no one "
            "school's could be told (shown to administrators only)"
        ),
    )
    kind = models.CharField(max_length=16, choices=Kind.choices)
    targets = models.JSONField(
        default=list, help_text=_("Storage names or web addresses still to remove")
    )
    created_at = models.DateTimeField(auto_now_add=True)
    attempts = models.PositiveIntegerField(default=0)
    last_error = models.TextField(blank=True)
    next_attempt_at = models.DateTimeField()
    done_at = models.DateTimeField(null=True, blank=True)

    objects = MediaRemovalQuerySet.as_manager()

    class Meta:
        ordering = ["created_at"]
        indexes = [models.Index(fields=["done_at", "next_attempt_at"])]
        verbose_name = _("media removal")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({len(self.targets)})"


def retry_wait(attempts: int) -> datetime.timedelta:
    """How long after failed attempt number ``attempts`` the next one is made."""
    base = settings.MEDIA_REMOVAL_RETRY_BASE_SECONDS
    seconds = min(
        base * 2 ** max(attempts - 1, 0), settings.MEDIA_REMOVAL_RETRY_MAX_SECONDS
    )
    return datetime.timedelta(seconds=seconds)


def removal_record(
    *,
    kind: str,
    targets: list[str],
    site: Site | None,
    attempts: int = 0,
    error: str = "",
) -> MediaRemoval:
    """Keep a removal (in the caller's transaction) and wake a worker when it commits.

    ``site``: the school whose content it is; ``None`` when none can be told (it
    is done all the same, and logged). ``attempts``/``error``: it was tried already
    (a storage deletion is tried at once, in the request); the first job waits the
    retry wait.
    """
    now = timezone.now()
    wait = retry_wait(attempts) if attempts else datetime.timedelta(0)
    if site is None:
        # Still done: a withdrawn copy left in a store or a CDN is worse than a
        # removal no school is shown. Administrators see it on their dashboard.
        logger.warning(
            "A media removal no school could be told for: %s",
            ", ".join(targets[:5]),
            extra={"event": "media_removal.no_school", "kind": kind},
        )
    removal = MediaRemoval.objects.create(
        site=site,
        kind=kind,
        targets=list(targets),
        attempts=attempts,
        last_error=error,
        next_attempt_at=now + wait,
    )
    transaction.on_commit(lambda: _wake(removal.pk, wait=wait))
    return removal


def _wake(removal_id: int, *, wait: datetime.timedelta) -> None:
    try:
        queue = django_rq.get_queue("default")
        if wait:
            queue.enqueue_in(wait, JOB_FUNCTION, removal_id=removal_id)
        else:
            queue.enqueue(JOB_FUNCTION, removal_id=removal_id)
    except RedisError:
        # Not lost: the row is kept and the per-minute job picks it up.
        logger.warning(
            "Could not reach Redis to queue a media removal; the scheduled retry will",
            extra={"event": "media_removal.not_queued", "removal": removal_id},
        )


def _performer(kind: str) -> Callable[[list[str]], list[str]]:
    # Imported here: both modules record removals through this one.
    if kind == MediaRemoval.Kind.CDN:
        from .cdn_purge import cdn_urls_purge

        def purge(urls: list[str]) -> list[str]:
            cdn_urls_purge(urls=urls)
            return []

        return purge
    from .public_media import public_files_delete_now

    return public_files_delete_now


def removal_attempt(*, removal_id: int, now: datetime.datetime | None = None) -> bool:
    """Try one removal if it is due and nobody else is trying it; True once done."""
    now = now or timezone.now()
    claimed = MediaRemoval.objects.filter(
        pk=removal_id, done_at__isnull=True, next_attempt_at__lte=now + CLOCK_TOLERANCE
    ).update(next_attempt_at=now + ATTEMPT_LEASE)
    if not claimed:
        return False
    removal = MediaRemoval.objects.get(pk=removal_id)
    try:
        left = _performer(removal.kind)(list(removal.targets))
        error = ""
    except Exception as failure:  # noqa: BLE001
        # Whatever the outside service did, the removal is kept and tried again;
        # the reason is shown to staff on the dashboard.
        left, error = list(removal.targets), str(failure) or type(failure).__name__
    if not left:
        MediaRemoval.objects.filter(pk=removal_id).update(
            done_at=timezone.now(), last_error="", attempts=F("attempts") + 1
        )
        logger.info(
            "Media removal %s done",
            removal_id,
            extra={"event": "media_removal.done", "removal": removal_id},
        )
        return True
    attempts = removal.attempts + 1
    wait = retry_wait(attempts)
    MediaRemoval.objects.filter(pk=removal_id).update(
        targets=left,
        attempts=attempts,
        last_error=error or _("The storage did not delete every copy."),
        next_attempt_at=now + wait,
    )
    logger.warning(
        "Media removal %s failed (attempt %s): %s",
        removal_id,
        attempts,
        error,
        extra={"event": "media_removal.failed", "removal": removal_id},
    )
    _wake(removal_id, wait=wait)
    return False


def removals_retry_due(*, now: datetime.datetime) -> str:
    """The scheduled catch-up: try every removal that is due (its job may be lost)."""
    due = list(
        MediaRemoval.objects.outstanding()
        .filter(next_attempt_at__lte=now)
        .values_list("pk", flat=True)
    )
    done = sum(removal_attempt(removal_id=pk, now=now) for pk in due)
    waiting = MediaRemoval.objects.outstanding().count()
    return f"{done} of {len(due)} due removal(s) done; {waiting} still waiting."


def outstanding_removals(*, site, unattributed: bool = False) -> list[MediaRemoval]:
    """The dashboard's list for one school: removals not yet confirmed.

    ``unattributed``: with the removals no one school's content could be told for
    (shown to the installation's administrators only, never to a school's staff).
    """
    school = models.Q(site=site)
    if unattributed:
        school |= models.Q(site__isnull=True)
    return list(MediaRemoval.objects.outstanding().filter(school))


def site_of_url(url: str) -> Site | None:
    """The school whose address ``url`` is (host name and port), or ``None``.

    ``None`` when no school, or more than one, could have it: an address is never
    put down to a school it may not be (the default school least of all).
    """
    parts = urlsplit(url)
    if not parts.hostname:
        return None
    port = parts.port or (443 if parts.scheme == "https" else 80)
    same_host = Site.objects.filter(hostname__iexact=parts.hostname)
    sites = list(same_host.filter(port=port)[:2]) or list(same_host[:2])
    return sites[0] if len(sites) == 1 else None


def item_school(item) -> Site | None:
    """The school an image or document belongs to, or ``None`` if none can be told.

    Its collection says so (each school's media live in its own collection); media
    outside every school's collection belong to the school of a page showing them.
    """
    if item is None:
        return None
    collection = getattr(item, "collection", None)
    if collection is not None:
        school = (
            School.objects.filter(
                collection__in=collection.get_ancestors(inclusive=True)
            )
            .select_related("site")
            .order_by("-collection__depth")
            .first()
        )
        if school is not None:
            return school.site
    if item.pk is None:
        return None
    page_type = ReferenceIndex._get_base_content_type(Page)
    page_ids = (
        ReferenceIndex.get_references_to(item)
        .filter(base_content_type=page_type)
        .values_list("object_id", flat=True)
    )
    sites = {
        page.get_site()
        for page in Page.objects.filter(pk__in=[int(pk) for pk in page_ids])
    } - {None}
    return sites.pop() if len(sites) == 1 else None
