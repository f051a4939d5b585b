"""The delivery ledger: write on publish, send once, retry safely, retract (parts 5-6).

Every state change is a conditional UPDATE on the row's current status (and attempt
number), so two workers, a sweep and a person clicking "retry" can never both act on
one delivery: only one UPDATE matches. This is atomic on PostgreSQL (row lock, WHERE
re-checked) and on SQLite (one writer at a time), unlike SELECT ... FOR UPDATE, which
SQLite ignores.

The rule that matters most: a delivery with a ``remote_id`` is on the network and is
never sent again, and one that was being sent when its worker died (outcome unknown)
is never retried automatically: a person checks the network.
"""

from __future__ import annotations

import logging
import mimetypes
import random
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from wagtail.log_actions import log
from wagtail.models import Page, Revision

from moderation.consent.rules import Channel, page_violations
from publishing import selectors
from publishing.credentials import CredentialsUnavailable
from publishing.errors import DeliveryStateError
from publishing.models import Delivery, SocialAccount, SocialPost
from publishing.networks.base import (
    AuthExpired,
    DuplicatePost,
    ImageFile,
    Network,
    NetworkError,
    TransientNetworkError,
    network_class,
)
from publishing.queueing import delivery_enqueue_on_commit, delivery_job_pending
from publishing.services.accounts import account_credentials, account_hold
from publishing.text import page_link

logger = logging.getLogger(__name__)

Status = Delivery.Status
NOT_LIVE = (Status.RETRACTED, Status.CANCELLED)


@dataclass(frozen=True)
class SweepReport:
    enqueued: int
    needs_attention: int
    retractions_resumed: int


def _log(delivery: Delivery, action: str, *, user=None, **data) -> None:
    log(delivery, action, user=user, data={"reason": delivery.reason, **data})


def _retry_window() -> timedelta:
    return timedelta(hours=settings.PUBLISHING_RETRY_WINDOW_HOURS)


def _backoff_seconds(*, attempt: int, retry_after: float | None) -> float:
    """Exponential back-off with jitter, or the network's own reset time plus jitter."""
    jitter = random.uniform(0, 1)  # noqa: S311 (spreading retries, not security)
    if retry_after is not None:
        return retry_after + jitter * 5
    base = settings.PUBLISHING_RETRY_BASE_SECONDS * (2 ** max(attempt - 1, 0))
    capped = min(base, settings.PUBLISHING_RETRY_MAX_SECONDS)
    return capped / 2 + jitter * capped / 2


# --- Writing the outbox ----------------------------------------------------------


def deliveries_create_for_page(
    *, page: Page, revision: Revision | None = None, user=None
) -> list[Delivery]:
    """Write one delivery per chosen account, in the publishing transaction (part 5).

    Publishing the same page again (the same revision or an edited one) does not post
    again: the post already exists on the network, and editing it there is not
    something X allows. That is recorded in the audit log, and the editor can delete
    the post (unpublish) and publish again if a new post is wanted.
    """
    created = []
    link = page_link(page)
    for post in SocialPost.objects.filter(page=page).select_related("account"):
        existing = (
            Delivery.objects.live().filter(page=page, account=post.account).first()
        )
        if existing is not None:
            _log(existing, "publishing.delivery.not_reposted", user=user)
            continue
        image = post.image_as_posted(page=page)
        try:
            with transaction.atomic():
                delivery = Delivery.objects.create(
                    page=page,
                    page_title=page.title,
                    revision=revision,
                    account=post.account,
                    text=post.text_as_posted(page=page),
                    link=link,
                    include_image=post.include_image,
                    image=image,
                )
        except IntegrityError:
            # A concurrent publish of the same page made it first: that one posts.
            continue
        _log(delivery, "publishing.delivery.created", user=user)
        delivery_enqueue_on_commit(delivery_id=delivery.pk, attempt=0)
        created.append(delivery)
    return created


# --- Sending ------------------------------------------------------------------------


def _claim(*, delivery_id: int, attempt: int, from_status: str, to_status: str, now):
    claimed = Delivery.objects.filter(
        pk=delivery_id, status=from_status, attempts=attempt
    ).update(status=to_status, attempts=F("attempts") + 1, claimed_at=now)
    return claimed == 1


def _set(delivery: Delivery, *, expected: str, **fields) -> bool:
    """Move ``delivery`` out of ``expected`` (conditional UPDATE); refresh it."""
    moved = Delivery.objects.filter(pk=delivery.pk, status=expected).update(**fields)
    delivery.refresh_from_db()
    return moved == 1


def _adapter(delivery: Delivery) -> Network:
    account = delivery.account
    return network_class(account.network)(
        credentials=account_credentials(account=account),
        base_url=None,  # the configured API (an emulator in development and tests)
    )


def _images(delivery: Delivery) -> list[ImageFile]:
    image = delivery.image
    if not delivery.include_image or image is None:
        return []
    with image.open_file() as handle:
        content = handle.read()
    filename = image.file.name.rsplit("/", 1)[-1]
    mime_type = mimetypes.guess_type(filename)[0] or "application/octet-stream"
    return [
        ImageFile(
            content=content,
            filename=filename,
            mime_type=mime_type,
            alt_text=image.default_alt_text
            if hasattr(image, "default_alt_text")
            else "",
        )
    ]


def _consent_problem(delivery: Delivery, page: Page) -> str | None:
    """Re-run the single consent rule-set for this account's channel (C1-C5)."""
    account = delivery.account
    channel = Channel.social(account.network, account.is_closed, delivery.text)
    violations = page_violations(page.specific, channel=channel)
    if not violations:
        return None
    return " ".join(violation.message for violation in violations)


def delivery_send(*, delivery_id: int, attempt: int, now: datetime) -> Delivery | None:
    """Send one due delivery exactly once (part 5). Returns None if not ours to send.

    Steps: claim the row (queued → sending, this attempt only); check the account,
    the credentials and consent; publish; save the remote id at once.
    """
    if not _claim(
        delivery_id=delivery_id,
        attempt=attempt,
        from_status=Status.QUEUED,
        to_status=Status.SENDING,
        now=now,
    ):
        return None
    delivery = Delivery.objects.select_related("account", "page", "image").get(
        pk=delivery_id
    )
    if delivery.remote_id:
        # Belt and braces: a post with a remote id exists; never post it again.
        _set(delivery, expected=Status.SENDING, status=Status.SENT)
        return delivery
    if delivery.page is None or delivery.wants_retraction:
        _set(
            delivery,
            expected=Status.SENDING,
            status=Status.CANCELLED,
            reason=delivery.retract_reason or "The page was deleted before sending.",
        )
        _log(delivery, "publishing.delivery.cancelled")
        return delivery
    problem = selectors.account_posting_problem(account=delivery.account)
    if problem:
        return _hold(delivery, reason=problem)
    consent = _consent_problem(delivery, delivery.page)
    if consent:
        _set(delivery, expected=Status.SENDING, status=Status.BLOCKED, reason=consent)
        _log(delivery, "publishing.delivery.blocked")
        logger.info(
            "Delivery %s blocked by consent",
            delivery.pk,
            extra={"event": "publishing.delivery_blocked", "delivery": delivery.pk},
        )
        return delivery
    # Before the network is called: a failure here certainly posted nothing.
    try:
        adapter = _adapter(delivery)
        images = _images(delivery)
        adapter.check_post(text=delivery.text, images=images)
    except (CredentialsUnavailable, ImproperlyConfigured) as error:
        account_hold(account=delivery.account, reason=str(error))
        return _hold(delivery, reason=str(error))
    except NetworkError as error:
        return _network_failure(delivery, error, now=now, in_flight=Status.SENDING)
    except OSError as error:
        reason = f"The image file could not be read ({type(error).__name__})."
        _set(delivery, expected=Status.SENDING, status=Status.FAILED, reason=reason)
        _log(delivery, "publishing.delivery.failed")
        return delivery
    try:
        result = adapter.publish(text=delivery.text, images=images, link=delivery.link)
    except NetworkError as error:
        return _network_failure(delivery, error, now=now, in_flight=Status.SENDING)
    except Exception as error:  # noqa: BLE001
        # Anything else during the call (a bug, an unexpected answer): the post may or
        # may not exist, so a person must check; never retried automatically.
        logger.exception(
            "Delivery %s: unexpected error while sending",
            delivery.pk,
            extra={"event": "publishing.delivery_unexpected", "delivery": delivery.pk},
        )
        return _needs_attention(
            delivery,
            reason=f"An unexpected error ({type(error).__name__}) happened while "
            "sending; check the network for the post, then mark it sent or send again.",
        )
    # Saved at once, before anything else can go wrong: this is what stops a repost.
    _set(
        delivery,
        expected=Status.SENDING,
        status=Status.SENT,
        remote_id=result.remote_id,
        remote_url=result.url,
        sent_at=timezone.now(),
        reason="",
    )
    _log(delivery, "publishing.delivery.sent", url=result.url)
    logger.info(
        "Delivery %s sent",
        delivery.pk,
        extra={"event": "publishing.delivery_sent", "delivery": delivery.pk},
    )
    if delivery.wants_retraction:
        # Withdrawn while it was in flight: take it down again at once.
        _request_retraction_of_sent(delivery, reason=delivery.retract_reason, now=now)
    return delivery


def _hold(delivery: Delivery, *, reason: str) -> Delivery:
    in_flight = delivery.status
    _set(delivery, expected=in_flight, status=Status.HELD, reason=reason)
    _log(delivery, "publishing.delivery.held")
    return delivery


def _needs_attention(delivery: Delivery, *, reason: str) -> Delivery:
    _set(
        delivery, expected=delivery.status, status=Status.NEEDS_ATTENTION, reason=reason
    )
    _log(delivery, "publishing.delivery.needs_attention")
    return delivery


def _network_failure(
    delivery: Delivery, error: NetworkError, *, now: datetime, in_flight: str
) -> Delivery:
    """Decide what a network's answer means: retry, hold the account, or fail."""
    due_status = Status.RETRACT_DUE if in_flight == Status.RETRACTING else Status.QUEUED
    doing = "delete the post" if in_flight == Status.RETRACTING else "send"
    if isinstance(error, AuthExpired):
        account_hold(account=delivery.account, reason=error.reason)
        return _hold(delivery, reason=error.reason)
    if (
        isinstance(error, DuplicatePost)
        and in_flight == Status.SENDING
        and delivery.attempts > 1
    ):
        # An earlier attempt timed out, and now the network says the post exists:
        # it most likely got through. A person checks; it is never marked blindly.
        network = delivery.account.get_network_display()
        return _needs_attention(
            delivery,
            reason=(
                f"{network} says this post already exists, so an earlier attempt "
                f"that timed out probably got through ({error.reason}). Check the "
                f"account on {network} and mark it sent, with the post's id."
            ),
        )
    if isinstance(error, TransientNetworkError):
        delay = _backoff_seconds(
            attempt=delivery.attempts, retry_after=error.retry_after
        )
        at = now + timedelta(seconds=delay)
        if at > delivery.first_due_at + _retry_window():
            reason = (
                f"Gave up after {delivery.attempts} attempts over "
                f"{settings.PUBLISHING_RETRY_WINDOW_HOURS} hours trying to {doing}: "
                f"{error.reason}"
            )
            _set(delivery, expected=in_flight, status=Status.FAILED, reason=reason)
            _log(delivery, "publishing.delivery.failed")
            return delivery
        reason = f"{error.reason} Trying again at {timezone.localtime(at):%H:%M:%S}."
        with transaction.atomic():
            _set(
                delivery,
                expected=in_flight,
                status=due_status,
                reason=reason,
                next_attempt_at=at,
            )
            delivery_enqueue_on_commit(
                delivery_id=delivery.pk, attempt=delivery.attempts, at=at
            )
        logger.info(
            "Delivery %s: transient failure, retry scheduled",
            delivery.pk,
            extra={"event": "publishing.delivery_retry", "delivery": delivery.pk},
        )
        return delivery
    # PermanentRefusal, or any other refusal the adapter reports: in its words.
    _set(delivery, expected=in_flight, status=Status.FAILED, reason=error.reason)
    _log(delivery, "publishing.delivery.failed")
    logger.warning(
        "Delivery %s refused by the network",
        delivery.pk,
        extra={"event": "publishing.delivery_failed", "delivery": delivery.pk},
    )
    return delivery


# --- Retracting -----------------------------------------------------------------------


def _request_retraction_of_sent(delivery: Delivery, *, reason: str, now) -> None:
    with transaction.atomic():
        if _set(
            delivery,
            expected=Status.SENT,
            status=Status.RETRACT_DUE,
            first_due_at=now,
            next_attempt_at=now,
            retract_requested_at=delivery.retract_requested_at or now,
            retract_reason=reason,
        ):
            delivery_enqueue_on_commit(
                delivery_id=delivery.pk, attempt=delivery.attempts
            )


def delivery_retract_request(
    *, delivery: Delivery, reason: str, now: datetime, user=None
) -> Delivery:
    """Take a post off its network, or make sure it never goes (part 6).

    Sent: deletion is queued. Not yet sent: cancelled. Being sent right now: marked,
    and the sender deletes it again as soon as it has the remote id. Outcome unknown
    (needs attention): marked, for the person who checks the network.
    """
    for _ in range(5):  # the status can move under us; each UPDATE is conditional
        delivery.refresh_from_db()
        status = delivery.status
        if status in (*NOT_LIVE, Status.RETRACT_DUE, Status.RETRACTING):
            return delivery
        if status == Status.SENT or (status == Status.FAILED and delivery.remote_id):
            with transaction.atomic():
                if _set(
                    delivery,
                    expected=status,
                    status=Status.RETRACT_DUE,
                    first_due_at=now,
                    next_attempt_at=now,
                    retract_requested_at=now,
                    retract_reason=reason,
                ):
                    delivery_enqueue_on_commit(
                        delivery_id=delivery.pk, attempt=delivery.attempts
                    )
                    _log(delivery, "publishing.delivery.retract_requested", user=user)
                    return delivery
            continue
        if status in (Status.SENDING, Status.NEEDS_ATTENTION) or (
            status == Status.HELD and delivery.remote_id
        ):
            if _set(
                delivery,
                expected=status,
                retract_requested_at=now,
                retract_reason=reason,
            ):
                _log(delivery, "publishing.delivery.retract_requested", user=user)
                return delivery
            continue
        if _set(
            delivery,
            expected=status,
            status=Status.CANCELLED,
            retract_requested_at=now,
            retract_reason=reason,
            reason=f"Cancelled before it was sent: {reason}",
        ):
            _log(delivery, "publishing.delivery.cancelled", user=user)
            return delivery
    raise DeliveryStateError(f"Delivery {delivery.pk} kept changing; try again.")


def deliveries_retract_for_page(
    *, page_id: int, reason: str, now: datetime, user=None
) -> list[Delivery]:
    """Retract every live delivery of a page (unpublish, expiry, delete, takedown)."""
    deliveries = list(Delivery.objects.live().filter(page_id=page_id))
    return [
        delivery_retract_request(delivery=d, reason=reason, now=now, user=user)
        for d in deliveries
    ]


def deliveries_retract_for_images(
    *, image_ids: list[int], reason: str, now: datetime
) -> list[Delivery]:
    """Retract every live delivery that carried one of these images (C1 withdrawal)."""
    deliveries = list(
        Delivery.objects.live().filter(include_image=True, image_id__in=image_ids)
    )
    return [
        delivery_retract_request(delivery=d, reason=reason, now=now) for d in deliveries
    ]


@dataclass(frozen=True)
class TakedownRetractions:
    deliveries: list[Delivery]
    unknown_urls: list[str]


def _same_post(url: str) -> str:
    return url.strip().rstrip("/")


def deliveries_retract_for_takedown(
    *,
    page_ids: list[int],
    image_ids: list[int],
    post_urls: list[str],
    reason: str,
    now: datetime,
) -> TakedownRetractions:
    """Retract what a takedown request names (I4): a page's posts, the posts that
    carried an image, and posts named by their address on the network.

    An address that matches no post the school made is returned, so that the
    approver is told to remove it by hand (it may be someone else's post).
    """
    wanted = {_same_post(url): url for url in post_urls if url.strip()}
    live = Delivery.objects.live()
    spellings = [*wanted, *(f"{key}/" for key in wanted)]
    by_url = list(live.filter(remote_url__in=spellings))
    matched = {_same_post(delivery.remote_url) for delivery in by_url}
    chosen = {
        delivery.pk: delivery
        for delivery in [
            *live.filter(page_id__in=page_ids),
            *live.filter(include_image=True, image_id__in=image_ids),
            *by_url,
        ]
    }
    retracted = [
        delivery_retract_request(delivery=d, reason=reason, now=now)
        for d in chosen.values()
    ]
    return TakedownRetractions(
        deliveries=retracted,
        unknown_urls=[url for key, url in wanted.items() if key not in matched],
    )


def delivery_retract(
    *, delivery_id: int, attempt: int, now: datetime
) -> Delivery | None:
    """Delete one post from its network; a post already gone counts as deleted."""
    if not _claim(
        delivery_id=delivery_id,
        attempt=attempt,
        from_status=Status.RETRACT_DUE,
        to_status=Status.RETRACTING,
        now=now,
    ):
        return None
    # Deleting is allowed even on a suspended account: it only removes content.
    delivery = Delivery.objects.select_related("account").get(pk=delivery_id)
    try:
        adapter = _adapter(delivery)
        adapter.retract(remote_id=delivery.remote_id)
    except (CredentialsUnavailable, ImproperlyConfigured) as error:
        account_hold(account=delivery.account, reason=str(error))
        return _hold(delivery, reason=str(error))
    except NetworkError as error:
        return _network_failure(delivery, error, now=now, in_flight=Status.RETRACTING)
    _set(
        delivery,
        expected=Status.RETRACTING,
        status=Status.RETRACTED,
        retracted_at=timezone.now(),
        reason=delivery.retract_reason,
    )
    _log(delivery, "publishing.delivery.retracted")
    return delivery


def delivery_process(*, delivery_id: int, attempt: int) -> Delivery | None:
    """The job's one call: send or delete, whichever the delivery is due for."""
    now = timezone.now()
    status = (
        Delivery.objects.filter(pk=delivery_id).values_list("status", flat=True).first()
    )
    if status == Status.RETRACT_DUE:
        return delivery_retract(delivery_id=delivery_id, attempt=attempt, now=now)
    if status == Status.QUEUED:
        return delivery_send(delivery_id=delivery_id, attempt=attempt, now=now)
    return None


# --- The sweep and people's actions --------------------------------------------------


def deliveries_sweep(*, now: datetime) -> SweepReport:
    """Wake deliveries whose job was lost; stop the ones a dead worker left (part 5).

    Due deliveries whose job is missing (Redis was down or flushed) are enqueued
    again. One left 'sending' with no remote id past the timeout has an unknown
    outcome: it becomes 'needs attention' and is never retried automatically. A
    deletion left in flight is simply due again: deleting twice is harmless.
    """
    from redis.exceptions import RedisError

    enqueued = 0
    grace = timedelta(seconds=settings.PUBLISHING_SWEEP_GRACE_SECONDS)
    try:
        for delivery in Delivery.objects.due(at=now - grace).only("pk", "attempts"):
            if not delivery_job_pending(
                delivery_id=delivery.pk, attempt=delivery.attempts, now=now
            ):
                delivery_enqueue_on_commit(
                    delivery_id=delivery.pk, attempt=delivery.attempts
                )
                enqueued += 1
    except RedisError:
        logger.warning(
            "Sweep could not reach Redis; due deliveries wait for the next sweep",
            extra={"event": "publishing.sweep_redis_down"},
        )
    stuck_before = now - timedelta(seconds=settings.PUBLISHING_SENDING_TIMEOUT_SECONDS)
    needs_attention = 0
    resumed = 0
    for delivery in Delivery.objects.stuck(before=stuck_before).select_related(
        "account"
    ):
        if delivery.status == Status.RETRACTING:
            with transaction.atomic():
                if _set(
                    delivery,
                    expected=Status.RETRACTING,
                    status=Status.RETRACT_DUE,
                    next_attempt_at=now,
                ):
                    delivery_enqueue_on_commit(
                        delivery_id=delivery.pk, attempt=delivery.attempts
                    )
                    resumed += 1
            continue
        if delivery.remote_id:
            _set(delivery, expected=Status.SENDING, status=Status.SENT)
            continue
        network = delivery.account.get_network_display()
        _needs_attention(
            delivery,
            reason=(
                "The worker stopped while sending, so it is not known whether the "
                f"post reached {network}. Check the account on {network}: if the post "
                "is there, mark it sent; if not, send it again."
            ),
        )
        needs_attention += 1
    if enqueued or needs_attention or resumed:
        logger.info(
            "Sweep: %s enqueued, %s need attention, %s deletions resumed",
            enqueued,
            needs_attention,
            resumed,
            extra={"event": "publishing.sweep"},
        )
    return SweepReport(
        enqueued=enqueued, needs_attention=needs_attention, retractions_resumed=resumed
    )


def deliveries_resume_for_account(*, account: SocialAccount) -> int:
    """Release an account's held deliveries after reconnection or reinstatement."""
    now = timezone.now()
    resumed = 0
    for delivery in Delivery.objects.filter(account=account, status=Status.HELD):
        target = (
            Status.RETRACT_DUE
            if delivery.wants_retraction and delivery.remote_id
            else Status.QUEUED
        )
        if _set(
            delivery,
            expected=Status.HELD,
            status=target,
            next_attempt_at=now,
            first_due_at=now,
            reason="",
        ):
            delivery_enqueue_on_commit(
                delivery_id=delivery.pk, attempt=delivery.attempts
            )
            resumed += 1
    return resumed


def delivery_retry(*, delivery: Delivery, user) -> Delivery:
    """A person asks to try a failed, blocked or held delivery again (part 7).

    Consent and the account are checked again at send, so retrying a blocked post
    only sends it if the reason has gone away.
    """
    now = timezone.now()
    retryable = (Status.FAILED, Status.BLOCKED, Status.HELD)
    if delivery.status not in retryable:
        raise DeliveryStateError(
            f"Only failed, blocked or held deliveries can be retried; this one is "
            f"{delivery.get_status_display().lower()}."
        )
    target = (
        Status.RETRACT_DUE
        if delivery.wants_retraction and delivery.remote_id
        else Status.QUEUED
    )
    with transaction.atomic():
        if not _set(
            delivery,
            expected=delivery.status,
            status=target,
            first_due_at=now,
            next_attempt_at=now,
            reason="",
        ):
            raise DeliveryStateError("The delivery changed meanwhile; look again.")
        _log(delivery, "publishing.delivery.retried", user=user)
        delivery_enqueue_on_commit(delivery_id=delivery.pk, attempt=delivery.attempts)
    return delivery


def delivery_mark_sent(
    *, delivery: Delivery, user, remote_id: str, remote_url: str = ""
) -> Delivery:
    """A person found the post on the network after an unknown outcome."""
    if delivery.status != Status.NEEDS_ATTENTION:
        raise DeliveryStateError("Only a delivery that needs attention can be marked.")
    if not remote_id.strip():
        raise DeliveryStateError(
            "Give the post's id on the network, so that it can be deleted later."
        )
    if not _set(
        delivery,
        expected=Status.NEEDS_ATTENTION,
        status=Status.SENT,
        remote_url=remote_url,
        remote_id=remote_id,
        sent_at=timezone.now(),
        reason="Marked sent by a member of staff who found it on the network.",
    ):
        raise DeliveryStateError("The delivery changed meanwhile; look again.")
    _log(delivery, "publishing.delivery.marked_sent", user=user)
    if delivery.wants_retraction:
        # The page was withdrawn while nobody knew whether the post existed: now it
        # is known to exist, it comes down.
        _request_retraction_of_sent(
            delivery, reason=delivery.retract_reason, now=timezone.now()
        )
    return delivery


def delivery_resend(*, delivery: Delivery, user) -> Delivery:
    """A person checked the network, found no post, and sends it again."""
    if delivery.status != Status.NEEDS_ATTENTION or delivery.remote_id:
        raise DeliveryStateError(
            "Only a delivery that needs attention and has no post can be sent again."
        )
    now = timezone.now()
    with transaction.atomic():
        if not _set(
            delivery,
            expected=Status.NEEDS_ATTENTION,
            status=Status.QUEUED,
            first_due_at=now,
            next_attempt_at=now,
            reason="",
        ):
            raise DeliveryStateError("The delivery changed meanwhile; look again.")
        _log(delivery, "publishing.delivery.resent", user=user)
        delivery_enqueue_on_commit(delivery_id=delivery.pk, attempt=delivery.attempts)
    return delivery
