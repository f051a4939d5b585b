"""The delivery ledger: write on publish, send once, retry safely, retract (parts 5-6).

Every state change is a conditional UPDATE on the row's current status (and attempt
number), so two workers, a sweep and a person clicking "retry" can never both act on
one delivery: only one UPDATE matches. This is atomic on PostgreSQL (row lock, WHERE
re-checked) and on SQLite (one writer at a time), unlike SELECT ... FOR UPDATE, which
SQLite ignores.

The rule that matters most: a delivery with a ``remote_id`` is on the network and is
never sent again. A send whose outcome is unknown (its answer was lost, garbled, or its
worker died mid-send) is *reconciled*: every post links back to its page with the
delivery's id in the link (``publishing.text.link_for_delivery``), so the account's
recent posts are read and the post adopted if it is there. Only when the network
certainly has no such post is it sent again; when the network cannot be read, a
person decides. Retraction reaches every delivery that might be live the same way.
"""

from __future__ import annotations

import dataclasses
import hashlib
import io
import logging
import random
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import IntegrityError, transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from wagtail.log_actions import log
from wagtail.models import Page, Revision

from cms.fingerprints import perceptual_hash_of
from cms.public_media import (
    image_for_sharing,
    random_file_name,
    sharing_copy_delete,
    sharing_copy_save,
)
from moderation.consent.rules import Channel, page_violations
from publishing import bilingual_posts, notice_cards, selectors
from publishing.credentials import CredentialsUnavailable
from publishing.errors import DeliveryStateError
from publishing.models import Delivery, SocialAccount, SocialPost
from publishing.networks.base import (
    AuthExpired,
    DeletionNotOffered,
    DuplicatePost,
    ImageFile,
    Network,
    NetworkError,
    OutcomeUnknown,
    RemotePost,
    TransientNetworkError,
    network_class,
)
from publishing.notifications import notify
from publishing.queueing import (
    delivery_enqueue_on_commit,
    delivery_job_pending,
    delivery_job_running,
)
from publishing.reconciliation import (
    NetworkUnreadable,
    delivery_posts_on_network,
    what_was_found,
)
from publishing.services.accounts import account_hold
from publishing.services.kept_adapters import kept_adapter
from publishing.services.pins import pin_after_send
from publishing.text import (
    link_for_delivery,
    page_link,
    post_text_for_delivery,
    post_text_with_link,
)

logger = logging.getLogger(__name__)

Status = Delivery.Status
_ACCOUNT = Delivery._meta.get_field("account")
NOT_LIVE = (Status.RETRACTED, Status.CANCELLED)
#: Where a person may record what they found on the network: every state in which a
#: post might be live and no worker is acting on it.
MARKABLE = (
    Status.QUEUED,
    Status.NEEDS_ATTENTION,
    Status.FAILED,
    Status.HELD,
    Status.BLOCKED,
    Status.CANCELLED,
    Status.SENT,
)


@dataclass(frozen=True)
class SweepReport:
    enqueued: int
    reconciling: int
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
    posts = SocialPost.objects.filter(page=page).select_related("account__site")
    for post in posts:
        existing = (
            Delivery.objects.live().filter(page=page, account=post.account).first()
        )
        if existing is not None:
            _log(existing, "publishing.delivery.not_reposted", user=user)
            continue
        words = _words_to_send(post=post, page=page)
        waiting = bilingual_posts.waiting_partner_delivery(
            page=page, account_id=post.account_id
        )
        if waiting is not None and not words.waiting_for:
            # The other language waited for this one: both go now, in this publish.
            if words.together:
                _delivery_release(waiting, words=words, user=user)
                continue
            _delivery_release(waiting, words=None, user=user)
        delivery = _delivery_create(
            post=post, page=page, revision=revision, words=words, user=user
        )
        if delivery is not None:
            created.append(delivery)
    return created


def _words_to_send(*, post: SocialPost, page: Page) -> bilingual_posts.PostWords:
    """The post's words, both languages considered (issue 27).

    A bilingual post that the network cannot hold whole (an automatic closure post,
    say: the editor's own are checked as they are written) goes as a pair instead.
    """
    if bilingual_posts.other_language_already_posted(
        page=page, account_id=post.account_id
    ):
        # The other language went first, alone, under an exception: this one follows.
        return bilingual_posts.PostWords(text=post.text, link_page=page)
    words = bilingual_posts.post_words(post=post, page=page, live=True)
    if words.together:
        network = network_class(post.account.network)
        link = page_link(words.link_page, account=post.account)
        composed = post_text_with_link(text=words.text, link=link)
        if network.text_length(composed) > network.max_length:
            return dataclasses.replace(
                words, text=post.text, link_page=page, together=False
            )
    return words


def _delivery_create(
    *,
    post: SocialPost,
    page: Page,
    revision: Revision | None,
    words: bilingual_posts.PostWords,
    user,
) -> Delivery | None:
    link = page_link(words.link_page, account=post.account)
    images = post.images_as_posted(page=page)
    waiting = bool(words.waiting_for)
    try:
        with transaction.atomic():
            delivery = Delivery.objects.create(
                page=page,
                page_title=page.title,
                revision=revision,
                account=post.account,
                text=post_text_with_link(text=words.text, link=link),
                link=link,
                include_image=post.include_image,
                image=images[0] if images else None,
                image_ids=[image.pk for image in images],
                status=Status.WAITING_FOR_LANGUAGE if waiting else Status.QUEUED,
                reason=bilingual_posts.waiting_reason(words.waiting_for)
                if waiting
                else "",
                **_picture_record(images),
            )
            # The link carries the delivery's own id: the mark that finds this
            # post again when a send's outcome is unknown.
            delivery.link = link_for_delivery(link=link, delivery_id=delivery.pk)
            delivery.text = post_text_for_delivery(
                text=words.text, page_url=link, delivery_link=delivery.link
            )
            delivery.save(update_fields=["link", "text"])
    except IntegrityError:
        # A concurrent publish of the same page made it first: that one posts.
        return None
    if images:
        # From now on their tags can only be loosened by the consent officer.
        type(images[0]).objects.filter(
            pk__in=[image.pk for image in images], first_posted_at=None
        ).update(first_posted_at=timezone.now())
    _log(delivery, "publishing.delivery.created", user=user)
    if not waiting:
        delivery_enqueue_on_commit(delivery_id=delivery.pk, attempt=0)
    return delivery


def _delivery_release(
    delivery: Delivery, *, words: bilingual_posts.PostWords | None, user
) -> None:
    """Send a post that waited for its other language; ``words``: now both in one."""
    fields = {"status": Status.QUEUED, "reason": "", "next_attempt_at": timezone.now()}
    if words is not None:
        link = page_link(words.link_page, account=delivery.account)
        fields["link"] = link_for_delivery(link=link, delivery_id=delivery.pk)
        fields["text"] = post_text_for_delivery(
            text=words.text, page_url=link, delivery_link=fields["link"]
        )
    if _set(delivery, expected=Status.WAITING_FOR_LANGUAGE, **fields):
        _log(delivery, "publishing.delivery.released_with_language", user=user)
        delivery_enqueue_on_commit(delivery_id=delivery.pk, attempt=delivery.attempts)


def _picture_record(images: list) -> dict:
    """What the ledger keeps of a post's pictures: who is in them, and fingerprints."""
    if not images:
        return {}
    first = images[0]
    return {
        "pictured_learner_ids": sorted(
            {
                pk
                for image in images
                for pk in image.learners.values_list("pk", flat=True)
            }
        ),
        "image_title": "; ".join(image.title for image in images)[:255],
        "image_sha256": first.sha256,
        "image_perceptual_hash": first.perceptual_hash,
        "image_fingerprints": sorted({image.sha256 for image in images} - {""}),
    }


def _delivery_pictures(delivery: Delivery) -> list:
    """The delivery's images that still exist, in the order they are posted."""
    ids = delivery.picture_ids
    found = type(delivery).image.field.related_model.objects.in_bulk(ids)
    return [found[pk] for pk in ids if pk in found]


def _record_sent_picture(
    delivery: Delivery, pictures: list, images: list[ImageFile]
) -> None:
    """Fingerprint the bytes about to leave the server, and who is in them now.

    Learners tagged since the delivery was written are added, never removed, and so
    are fingerprints: the ledger forgets nobody and nothing that was pictured.
    """
    if not images:
        return
    content = images[0].content
    with io.BytesIO(content) as handle:
        perceptual = perceptual_hash_of(handle)
    record = _picture_record(pictures)
    learners = set(delivery.pictured_learner_ids) | set(
        record.get("pictured_learner_ids", [])
    )
    fingerprints = {
        *delivery.image_fingerprints,
        *record.get("image_fingerprints", []),
        *(hashlib.sha256(image.content).hexdigest() for image in images),
    }
    Delivery.objects.filter(pk=delivery.pk).update(
        pictured_learner_ids=sorted(learners),
        image_sha256=hashlib.sha256(content).hexdigest(),
        image_perceptual_hash=perceptual,
        image_fingerprints=sorted(fingerprints),
    )


# --- Sending ------------------------------------------------------------------------


def _claim(*, delivery_id: int, attempt: int, from_status: str, to_status: str, now):
    claimed = Delivery.objects.filter(
        pk=delivery_id, status=from_status, attempts=attempt
    ).update(status=to_status, attempts=F("attempts") + 1, claimed_at=now)
    return claimed == 1


def _set(delivery: Delivery, *, expected: str, **fields) -> bool:
    """Move ``delivery`` out of ``expected`` (conditional UPDATE); refresh it.

    Its account, if loaded, is kept: the UPDATE never changes it, and loading it again
    would cost a query for every log entry and message that names it.
    """
    moved = Delivery.objects.filter(pk=delivery.pk, status=expected).update(**fields)
    account = delivery.account if _ACCOUNT.is_cached(delivery) else None
    delivery.refresh_from_db()
    if account is not None and account.pk == delivery.account_id:
        delivery.account = account
    return moved == 1


def _adapter(delivery: Delivery) -> Network:
    return kept_adapter(account=delivery.account)


def _clean(image) -> ImageFile:
    """A picture as it leaves the server: upright, no metadata, a random name.

    Never the original: camera metadata (where a photo was taken, the camera's
    serial number, a thumbnail of the uncropped picture) must not reach a network,
    nor the uploaded file name, which may name a pupil (issue 9). The network then
    shapes the post's pictures (`Network.prepare_images`: Bluesky's 2 MB,
    Instagram's aspect ratios, padded rather than cropped, a carousel's all to the
    first's shape). Several pictures make one post: a carousel on Instagram, a post
    with up to four images on Bluesky and X.
    """
    clean = image_for_sharing(image)
    return ImageFile(
        content=clean.content,
        filename=random_file_name("image", clean.extension).rsplit("/", 1)[-1],
        mime_type=clean.mime_type,
        alt_text=image.default_alt_text,
    )


def _notice_card(delivery: Delivery, network: type[Network]) -> list[ImageFile]:
    """A notice's post without a photo, where every post is a picture (Instagram),
    carries the notice's card, drawn from the live notice now."""
    if not network.needs_image or not notice_cards.carries_card(delivery.page):
        return []
    return [notice_cards.notice_card_image(delivery.page)]


def _with_public_copy(prepared: ImageFile, network: type[Network]) -> ImageFile:
    """A network that fetches the picture itself (Instagram) gets a public copy that
    lives only for this send (`_sharing_copies_delete`)."""
    if not network.needs_public_image_url:
        return prepared
    return dataclasses.replace(
        prepared,
        public_url=sharing_copy_save(
            content=prepared.content, extension=prepared.filename.rsplit(".")[-1]
        ),
    )


def _sharing_copies_delete(images: list[ImageFile]) -> None:
    """The network has the picture (or the send is over): its public copy goes."""
    for image in images:
        if image.public_url:
            sharing_copy_delete(url=image.public_url)


def _consent_problem(delivery: Delivery, page: Page) -> str | None:
    """Re-run the single consent rule-set for this account's channel (C1-C5).

    The post's own text and the picture it will carry are read with the page's, so
    a full name in either stops the photo (C3), even if the page changed since.
    """
    account = delivery.account
    channel = Channel.social(
        account.network,
        account.is_closed,
        delivery.text,
        image_ids=tuple(delivery.picture_ids) if delivery.include_image else (),
    )
    violations = page_violations(page.specific, channel=channel)
    if not violations:
        return None
    return " ".join(violation.message for violation in violations)


def delivery_send(*, delivery_id: int, attempt: int, now: datetime) -> Delivery | None:
    """Send one due delivery exactly once (part 5). Returns None if not ours to send.

    Steps: claim the row (queued → sending, this attempt only); if an earlier
    attempt's outcome is unknown, look for its post on the network first (adopt it,
    or go on only if it is certainly not there); check the account, the credentials
    and consent; publish; save the remote id at once.
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
        if delivery.wants_retraction:
            _request_retraction_of_sent(
                delivery, reason=delivery.retract_reason, now=now
            )
        return delivery
    if delivery.outcome_unknown_since is not None:
        settled = _reconcile_send(delivery, now=now)
        if settled is not None:
            return settled
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
    images: list[ImageFile] = []
    try:
        adapter = _adapter(delivery)
        pictures = _delivery_pictures(delivery) if delivery.include_image else []
        network = type(adapter)
        cleaned = [_clean(p) for p in pictures] or _notice_card(delivery, network)
        for prepared in network.prepare_images(cleaned):
            # A public copy per picture: each is deleted however the send ends.
            images.append(_with_public_copy(prepared, network))
        _record_sent_picture(delivery, pictures, images)
        adapter.check_post(text=delivery.text, images=images)
    except (CredentialsUnavailable, ImproperlyConfigured) as error:
        _sharing_copies_delete(images)
        account_hold(account=delivery.account, reason=str(error))
        return _hold(delivery, reason=str(error))
    except NetworkError as error:
        _sharing_copies_delete(images)
        return _network_failure(delivery, error, now=now, in_flight=Status.SENDING)
    except OSError as error:
        _sharing_copies_delete(images)
        reason = f"The image file could not be read ({type(error).__name__})."
        _set(delivery, expected=Status.SENDING, status=Status.FAILED, reason=reason)
        _log(delivery, "publishing.delivery.failed")
        return delivery
    try:
        result = adapter.publish(text=delivery.text, images=images, link=delivery.link)
    except OutcomeUnknown as error:
        return _outcome_unknown(delivery, error, now=now)
    except NetworkError as error:
        return _network_failure(delivery, error, now=now, in_flight=Status.SENDING)
    except Exception as error:  # noqa: BLE001
        # Anything else during the call (a bug, an unexpected answer): the post may or
        # may not exist, so it is never resent without a look and a person decides.
        logger.exception(
            "Delivery %s: unexpected error while sending",
            delivery.pk,
            extra={"event": "publishing.delivery_unexpected", "delivery": delivery.pk},
        )
        return _needs_attention(
            delivery,
            reason=f"An unexpected error ({type(error).__name__}) happened while "
            "sending, so the post may or may not be on the network. Use 'Look on the "
            "network again', or check the account and record what you find.",
            outcome_unknown_since=delivery.outcome_unknown_since or now,
        )
    finally:
        _sharing_copies_delete(images)
    # Saved at once, before anything else can go wrong: this is what stops a repost.
    # What the network made differently (a mention left as plain text) stays on the
    # delivery's record and in its log; the post itself is live and correct.
    _record_sent(
        delivery,
        remote_id=result.remote_id,
        url=result.url,
        reason=" ".join(result.notes),
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


def _record_sent(delivery: Delivery, *, remote_id: str, url: str, reason: str) -> bool:
    return _set(
        delivery,
        expected=Status.SENDING,
        status=Status.SENT,
        remote_id=remote_id,
        remote_url=url,
        sent_at=timezone.now(),
        outcome_unknown_since=None,
        failed_looks=0,
        reason=reason,
    )


# --- Reconciling an unknown outcome -------------------------------------------------


def _find_on_network(delivery: Delivery) -> list[RemotePost]:
    """This delivery's posts on its network, oldest first (`publishing.reconciliation`).

    Raises:
        NetworkUnreadable: no adapter could be made, or the posts could not be read.
    """
    try:
        adapter = _adapter(delivery)
    except (CredentialsUnavailable, ImproperlyConfigured) as error:
        raise NetworkUnreadable(str(error), hold_account=True) from None
    except AuthExpired as error:
        raise NetworkUnreadable(error.reason, hold_account=True) from None
    return delivery_posts_on_network(delivery=delivery, adapter=adapter)


def _unreadable(
    delivery: Delivery, error: NetworkUnreadable, *, now: datetime
) -> Delivery:
    """The network could not be read: look again later, then a person decides.

    Nothing is sent again or deleted without a look. A network that may answer later
    (unreachable, busy, rate-limited) is looked at again with back-off, up to
    ``PUBLISHING_RECONCILE_LOOKS`` looks in a row; then the delivery needs attention,
    with the evidence.
    """
    if error.hold_account:
        account_hold(account=delivery.account, reason=error.reason)
        return _hold(delivery, reason=error.reason)
    network = delivery.account.get_network_display()
    looks = delivery.failed_looks + 1
    if error.transient and looks < settings.PUBLISHING_RECONCILE_LOOKS:
        in_flight = delivery.status
        due = Status.RETRACT_DUE if in_flight == Status.RETRACTING else Status.QUEUED
        delay = max(
            _backoff_seconds(attempt=looks, retry_after=None),
            settings.PUBLISHING_RECONCILE_DELAY_SECONDS,
        )
        at = now + timedelta(seconds=delay)
        with transaction.atomic():
            _set(
                delivery,
                expected=in_flight,
                status=due,
                failed_looks=looks,
                next_attempt_at=at,
                reason=(
                    f"An earlier attempt's outcome is unknown, and {network} could "
                    f"not be read to check ({error.reason}) Nothing is sent again or "
                    f"deleted before that check; looking again at "
                    f"{timezone.localtime(at):%H:%M:%S}."
                ),
            )
            delivery_enqueue_on_commit(
                delivery_id=delivery.pk, attempt=delivery.attempts, at=at
            )
        return delivery
    return _needs_attention(
        delivery,
        failed_looks=looks,
        reason=(
            f"An earlier attempt's outcome is unknown, and {network} could not be "
            f"read to check ({error.reason}; {looks} look(s) in a row). Nothing was "
            f"sent again or deleted. Look on {network} for a post linking to "
            f"{delivery.link}: if it is there, mark it sent with its address; if not, "
            "mark it not on the network."
        ),
    )


def _reconcile_send(delivery: Delivery, *, now: datetime) -> Delivery | None:
    """Look for an unknown send's post; None means certainly absent: send it now."""
    try:
        found = _find_on_network(delivery)
    except NetworkUnreadable as error:
        return _unreadable(delivery, error, now=now)
    evidence = what_was_found(delivery=delivery, found=found)
    if not found:
        Delivery.objects.filter(pk=delivery.pk, status=Status.SENDING).update(
            outcome_unknown_since=None, failed_looks=0, reason=""
        )
        delivery.refresh_from_db()
        _log(delivery, "publishing.delivery.not_found", evidence=evidence)
        return None
    post, *duplicates = found
    reason = f"Found on the network after its answer was lost. {evidence}"
    if duplicates:
        # Made before this ledger marked its posts, or by a person by hand: the
        # oldest is kept; a person is told about the rest.
        reason += " Only the first is recorded here; delete the others on the network."
    _record_sent(delivery, remote_id=post.remote_id, url=post.url, reason=reason)
    _log(delivery, "publishing.delivery.adopted", url=post.url, evidence=evidence)
    if delivery.wants_retraction:
        _request_retraction_of_sent(delivery, reason=delivery.retract_reason, now=now)
    return delivery


def _outcome_unknown(
    delivery: Delivery, error: OutcomeUnknown, *, now: datetime
) -> Delivery:
    """The send may have worked: look on the network before anything is resent."""
    network = delivery.account.get_network_display()
    since = delivery.outcome_unknown_since or now
    delay = max(
        _backoff_seconds(attempt=delivery.attempts, retry_after=error.retry_after),
        settings.PUBLISHING_RECONCILE_DELAY_SECONDS,
    )
    at = now + timedelta(seconds=delay)
    if at > delivery.first_due_at + _retry_window():
        return _needs_attention(
            delivery,
            reason=(
                f"Gave up after {delivery.attempts} attempts over "
                f"{settings.PUBLISHING_RETRY_WINDOW_HOURS} hours; the last one's "
                f"outcome is unknown ({error.reason}) Look on {network} for a post "
                f"linking to {delivery.link} and record what you find."
            ),
            outcome_unknown_since=since,
        )
    reason = (
        f"{error.reason} The post may or may not have been made: at "
        f"{timezone.localtime(at):%H:%M:%S} the account's posts on {network} will be "
        "checked for it before anything is sent again."
    )
    with transaction.atomic():
        _set(
            delivery,
            expected=Status.SENDING,
            status=Status.QUEUED,
            reason=reason,
            next_attempt_at=at,
            outcome_unknown_since=since,
        )
        delivery_enqueue_on_commit(
            delivery_id=delivery.pk, attempt=delivery.attempts, at=at
        )
    _log(delivery, "publishing.delivery.outcome_unknown")
    logger.warning(
        "Delivery %s: outcome unknown, reconciliation scheduled",
        delivery.pk,
        extra={"event": "publishing.delivery_outcome_unknown", "delivery": delivery.pk},
    )
    return delivery


def _hold(delivery: Delivery, *, reason: str) -> Delivery:
    in_flight = delivery.status
    _set(delivery, expected=in_flight, status=Status.HELD, reason=reason)
    _log(delivery, "publishing.delivery.held")
    return delivery


def _needs_attention(delivery: Delivery, *, reason: str, **fields) -> Delivery:
    _set(
        delivery,
        expected=delivery.status,
        status=Status.NEEDS_ATTENTION,
        reason=reason,
        **fields,
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

    Everything that might be live is deleted, never merely cancelled: a sent post,
    and a failed, held, blocked, queued or needs-attention one that has a remote id
    or whose send had an unknown outcome (the deletion looks for it on the network
    first). Being sent right now: marked, and the sender deletes it as soon as it has
    the remote id. Certainly never sent: cancelled.
    """
    # The status can move under us; each UPDATE is conditional.
    for _attempt in range(5):
        delivery.refresh_from_db()
        status = delivery.status
        if status in (
            *NOT_LIVE,
            Status.RETRACT_DUE,
            Status.RETRACTING,
            Status.DELETE_BY_HAND,
        ):
            return delivery
        if status == Status.SENDING:
            if _set(
                delivery,
                expected=status,
                retract_requested_at=now,
                retract_reason=reason,
            ):
                _log(delivery, "publishing.delivery.retract_requested", user=user)
                return delivery
            continue
        unknown = delivery.outcome_unknown_since
        if status == Status.NEEDS_ATTENTION and not delivery.remote_id:
            unknown = unknown or now  # "needs attention" means the outcome is unknown
        if delivery.remote_id or unknown is not None:
            with transaction.atomic():
                if _set(
                    delivery,
                    expected=status,
                    status=Status.RETRACT_DUE,
                    first_due_at=now,
                    next_attempt_at=now,
                    outcome_unknown_since=unknown,
                    retract_requested_at=now,
                    retract_reason=reason,
                ):
                    delivery_enqueue_on_commit(
                        delivery_id=delivery.pk, attempt=delivery.attempts
                    )
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
    """Retract every live delivery of a page (unpublish, expiry, delete, takedown),
    and of its other language where the school publishes both together."""
    page_ids = bilingual_posts.withdrawn_together([page_id])
    deliveries = list(Delivery.objects.live().filter(page_id__in=page_ids))
    return [
        delivery_retract_request(delivery=d, reason=reason, now=now, user=user)
        for d in deliveries
    ]


def deliveries_retract_for_images(
    *, image_ids: list[int], reason: str, now: datetime, learner_id: int | None = None
) -> list[Delivery]:
    """Retract every live delivery that carried these images or pictured the learner.

    Consent withdrawn (C1) or the image deleted: read from the ledger's own record of
    each post, so a post whose image was since retagged, replaced or deleted still
    comes down, as does one that carried another upload of the same file, whatever
    state its delivery is in.
    """
    deliveries = selectors.deliveries_carrying(
        image_ids=image_ids, learner_id=learner_id
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
            *live.filter(page_id__in=bilingual_posts.withdrawn_together(page_ids)),
            *live.carrying_pictures(image_ids=image_ids),
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
    """Delete one post from its network; a post already gone counts as deleted.

    A delivery with no remote id but an unknown outcome is looked for first: found,
    it is deleted; certainly not there, nothing was ever live; the network cannot be
    read, a person decides.
    """
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
    remote_ids = [delivery.remote_id] if delivery.remote_id else []
    if delivery.outcome_unknown_since is not None:
        try:
            found = _find_on_network(delivery)
        except NetworkUnreadable as error:
            return _unreadable(delivery, error, now=now)
        evidence = what_was_found(delivery=delivery, found=found)
        _log(delivery, "publishing.delivery.looked", evidence=evidence)
        remote_ids += [p.remote_id for p in found if p.remote_id not in remote_ids]
        if not remote_ids:
            _set(
                delivery,
                expected=Status.RETRACTING,
                status=Status.CANCELLED,
                outcome_unknown_since=None,
                failed_looks=0,
                reason=f"Never on the network: {evidence} "
                f"Nothing to delete ({delivery.retract_reason})",
            )
            _log(delivery, "publishing.delivery.cancelled")
            return delivery
        # Recorded at once: should the deletion fail, the next try knows the ids.
        _set(
            delivery,
            expected=Status.RETRACTING,
            remote_id=remote_ids[0],
            remote_url=delivery.remote_url or (found[0].url if found else ""),
            failed_looks=0,
        )
    if not remote_ids:
        _set(
            delivery,
            expected=Status.RETRACTING,
            status=Status.CANCELLED,
            reason=f"Never sent: {delivery.retract_reason}",
        )
        _log(delivery, "publishing.delivery.cancelled")
        return delivery
    try:
        adapter = _adapter(delivery)
        for remote_id in remote_ids:
            adapter.retract(remote_id=remote_id)
    except (CredentialsUnavailable, ImproperlyConfigured) as error:
        account_hold(account=delivery.account, reason=str(error))
        return _hold(delivery, reason=str(error))
    except DeletionNotOffered as error:
        return _delete_by_hand(delivery, reason=error.reason)
    except NetworkError as error:
        return _network_failure(delivery, error, now=now, in_flight=Status.RETRACTING)
    _set(
        delivery,
        expected=Status.RETRACTING,
        status=Status.RETRACTED,
        retracted_at=timezone.now(),
        outcome_unknown_since=None,
        reason=delivery.retract_reason,
    )
    _log(delivery, "publishing.delivery.retracted")
    return delivery


def _delete_by_hand(delivery: Delivery, *, reason: str) -> Delivery:
    """The network's API cannot delete the post: a tracked task for its managers.

    The delivery stays "not deleted yet" (live, and shown so wherever withdrawals
    are reported) until a manager says they deleted it (``delivery_mark_deleted_by
    _hand``): a retraction is never claimed that did not happen.
    """
    account = delivery.account
    network = account.get_network_display()
    why = _(
        "%(reason)s Delete it in the app now, then tick it done on the dashboard. "
        "Why it must go: %(why)s"
    ) % {"reason": reason, "why": delivery.retract_reason}
    if not _set(
        delivery, expected=Status.RETRACTING, status=Status.DELETE_BY_HAND, reason=why
    ):
        return delivery
    _log(delivery, "publishing.delivery.delete_by_hand")
    notify(
        recipients=[
            *(user.email for user in account.active_managers()),
            account.owner.email,
        ],
        subject=_("Delete “%(title)s” from %(account)s now")
        % {"title": delivery.page_title, "account": account.name},
        body=_(
            "%(why)s\n\nThe post on %(network)s:\n%(url)s\n\nOpen it in the "
            "%(network)s app, delete it, then tick it done on your dashboard:\n"
            "%(dashboard)s\n"
        )
        % {
            "why": why,
            "network": network,
            "url": delivery.remote_url or delivery.remote_id,
            "dashboard": f"{settings.SITE_URL}{reverse('wagtailadmin_home')}",
        },
    )
    logger.warning(
        "Delivery %s must be deleted by hand",
        delivery.pk,
        extra={"event": "publishing.delivery_delete_by_hand", "delivery": delivery.pk},
    )
    return delivery


def delivery_mark_deleted_by_hand(*, delivery: Delivery, user) -> Delivery:
    """A manager deleted the post in the network's app and says so."""
    if not _set(
        delivery,
        expected=Status.DELETE_BY_HAND,
        status=Status.RETRACTED,
        retracted_at=timezone.now(),
        reason=_("Deleted by hand in the network's app: %(why)s")
        % {"why": delivery.retract_reason},
    ):
        raise DeliveryStateError(
            _("This post is not waiting to be deleted by hand any more.")
        )
    _log(delivery, "publishing.delivery.deleted_by_hand", user=user)
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
        delivery = delivery_send(delivery_id=delivery_id, attempt=attempt, now=now)
        if delivery is not None:
            # A closure or holiday notice is pinned at once, not a minute later.
            pin_after_send(delivery=delivery)
        return delivery
    return None


# --- The sweep and people's actions --------------------------------------------------


def deliveries_sweep(*, now: datetime) -> SweepReport:
    """Wake deliveries whose job was lost; reconcile the ones a dead worker left.

    Due deliveries whose job is missing (Redis was down or flushed) are enqueued
    again. A send or deletion in flight whose rq job has no live heartbeat (its worker
    died or was killed) is found within ``PUBLISHING_WORKER_HEARTBEAT_TTL_SECONDS``
    of its last heartbeat, or after ``PUBLISHING_SENDING_TIMEOUT_SECONDS`` when Redis
    cannot say: a send's outcome is then unknown, so it is reconciled (looked for on
    the network) before anything is resent; a deletion is simply due again.
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
    reconciling = 0
    resumed = 0
    for delivery in _dead_in_flight(now=now):
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
            if _set(delivery, expected=Status.SENDING, status=Status.SENT) and (
                delivery.wants_retraction
            ):
                _request_retraction_of_sent(
                    delivery, reason=delivery.retract_reason, now=now
                )
            continue
        network = delivery.account.get_network_display()
        with transaction.atomic():
            if _set(
                delivery,
                expected=Status.SENDING,
                status=Status.QUEUED,
                next_attempt_at=now,
                outcome_unknown_since=delivery.outcome_unknown_since or now,
                reason=(
                    "The worker stopped while sending, so it is not known whether "
                    f"the post reached {network}: the account's posts are being "
                    "checked for it before anything is sent again."
                ),
            ):
                delivery_enqueue_on_commit(
                    delivery_id=delivery.pk, attempt=delivery.attempts
                )
                _log(delivery, "publishing.delivery.outcome_unknown")
                reconciling += 1
    if enqueued or reconciling or resumed:
        logger.info(
            "Sweep: %s enqueued, %s dead sends reconciled, %s deletions resumed",
            enqueued,
            reconciling,
            resumed,
            extra={"event": "publishing.sweep"},
        )
    return SweepReport(
        enqueued=enqueued, reconciling=reconciling, retractions_resumed=resumed
    )


def _dead_in_flight(*, now: datetime) -> list[Delivery]:
    """Sends and deletions in flight whose job no live worker is running."""
    from redis.exceptions import RedisError

    heartbeat = timedelta(seconds=settings.PUBLISHING_WORKER_HEARTBEAT_TTL_SECONDS)
    hard_limit = now - timedelta(seconds=settings.PUBLISHING_SENDING_TIMEOUT_SECONDS)
    dead = []
    for delivery in Delivery.objects.stuck(before=now - heartbeat).select_related(
        "account"
    ):
        if delivery.claimed_at >= hard_limit:
            try:
                running = delivery_job_running(
                    delivery_id=delivery.pk, attempt=delivery.attempts - 1, now=now
                )
            except RedisError:
                running = True  # cannot tell yet: the hard limit decides
            if running:
                continue  # a slow send, not a dead one
        dead.append(delivery)
    return dead


def deliveries_resume_for_account(*, account: SocialAccount) -> int:
    """Release an account's held deliveries after reconnection or reinstatement."""
    now = timezone.now()
    resumed = 0
    for delivery in Delivery.objects.filter(account=account, status=Status.HELD):
        target = (
            Status.RETRACT_DUE
            if delivery.wants_retraction and delivery.might_be_live
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
        if delivery.wants_retraction and delivery.might_be_live
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
    """A person found the post on the network: record it (audited; step-up in views).

    Offered wherever a post might be live and no worker is acting on the delivery.
    A post whose page was withdrawn meanwhile is then deleted.
    """
    status = delivery.status
    if status not in MARKABLE:
        raise DeliveryStateError(
            f"A delivery that is {delivery.get_status_display().lower()} cannot be "
            "marked; wait a moment and look again."
        )
    remote_id = remote_id.strip()
    if not remote_id:
        raise DeliveryStateError(
            "Give the post's id on the network, so that it can be deleted later."
        )
    try:
        with transaction.atomic():
            moved = _set(
                delivery,
                expected=status,
                status=Status.SENT,
                remote_url=remote_url,
                remote_id=remote_id,
                outcome_unknown_since=None,
                failed_looks=0,
                sent_at=delivery.sent_at or timezone.now(),
                reason="Marked sent by a member of staff who found it on the network.",
            )
    except IntegrityError:
        raise DeliveryStateError(
            "This page has another live post on this account; record the post "
            "there instead."
        ) from None
    if not moved:
        raise DeliveryStateError("The delivery changed meanwhile; look again.")
    _log(delivery, "publishing.delivery.marked_sent", user=user, remote_id=remote_id)
    if delivery.wants_retraction:
        # The page was withdrawn while nobody knew whether the post existed: now it
        # is known to exist, it comes down.
        _request_retraction_of_sent(
            delivery, reason=delivery.retract_reason, now=timezone.now()
        )
    return delivery


def delivery_mark_not_on_network(*, delivery: Delivery, user) -> Delivery:
    """A person looked and the post is not on the network (audited; step-up in views).

    A post that was to be deleted needs nothing more (cancelled); a sent one that is
    gone counts as deleted; any other becomes failed, to be tried again by a person.
    """
    status = delivery.status
    if status not in MARKABLE or status == Status.CANCELLED:
        raise DeliveryStateError(
            f"A delivery that is {delivery.get_status_display().lower()} cannot be "
            "marked; wait a moment and look again."
        )
    by = user.get_username() if user else "a member of staff"
    if delivery.wants_retraction:
        target = Status.CANCELLED
        reason = f"Checked by {by}: not on the network; nothing to delete."
    elif status == Status.SENT:
        target = Status.RETRACTED
        reason = f"Checked by {by}: no longer on the network."
    else:
        target = Status.FAILED
        reason = f"Checked by {by}: not on the network. Press 'Try again' to send it."
    fields = {"retracted_at": timezone.now()} if target == Status.RETRACTED else {}
    if not _set(
        delivery,
        expected=status,
        status=target,
        remote_id="",
        outcome_unknown_since=None,
        failed_looks=0,
        reason=reason,
        **fields,
    ):
        raise DeliveryStateError("The delivery changed meanwhile; look again.")
    _log(delivery, "publishing.delivery.marked_not_on_network", user=user)
    return delivery


def delivery_look_again(*, delivery: Delivery, user) -> Delivery:
    """A person asks for another look on the network (it could not be read before)."""
    if delivery.status != Status.NEEDS_ATTENTION:
        raise DeliveryStateError("Only a delivery that needs attention can be checked.")
    now = timezone.now()
    target = Status.RETRACT_DUE if delivery.wants_retraction else Status.QUEUED
    with transaction.atomic():
        if not _set(
            delivery,
            expected=Status.NEEDS_ATTENTION,
            status=target,
            outcome_unknown_since=delivery.outcome_unknown_since or now,
            failed_looks=0,
            first_due_at=now,
            next_attempt_at=now,
            reason="Looking on the network again, as asked.",
        ):
            raise DeliveryStateError("The delivery changed meanwhile; look again.")
        _log(delivery, "publishing.delivery.look_again", user=user)
        delivery_enqueue_on_commit(delivery_id=delivery.pk, attempt=delivery.attempts)
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
            outcome_unknown_since=None,
            first_due_at=now,
            next_attempt_at=now,
            reason="",
        ):
            raise DeliveryStateError("The delivery changed meanwhile; look again.")
        _log(delivery, "publishing.delivery.resent", user=user)
        delivery_enqueue_on_commit(delivery_id=delivery.pk, attempt=delivery.attempts)
    return delivery
