"""A withdrawn picture cannot come back: copies inherit tags and withdrawal (C1, C2).

Every image and document keeps fingerprints of its file (``cms.fingerprints``): the
SHA-256 of the bytes and, for pictures, a perceptual hash that survives resizing,
re-encoding, a frame (borders are trimmed first) and mirroring or turning (the new
picture's hash in all 8 orientations is compared). When a file is uploaded (a new item
or a replaced file), it is compared with every earlier item that names learners or was
withdrawn. On a match the new item:

- gains every learner tagged on the earlier item(s), so the consent rules judge it as
  they judged the original;
- is withdrawn at once if any of them was withdrawn (a withdrawn photo never returns);
- records the match (``MediaMatch``), shown on its edit form, written to the audit log
  and emailed to the consent officer. Because the item is now a recognised copy, only
  the consent officer may remove those learners or declare "no identifiable learners"
  (``live_media.py``): an editor cannot dismiss the match alone.

Wagtail's own duplicate warning on upload can be dismissed; this cannot.

A picture only a little further from a *withdrawn* one than "the same picture" (a
heavier crop or edit) is not decided here: it is recorded as a look-alike, held back
from publication (``rules.py``), the consent officer is emailed and decides on the
"Look-alike pictures" screen (``lookalikes.py``). Look-alikes of pictures that are
only tagged are not shown: the editor tags those anyway, and the officer's list stays
short enough to read.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence

from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.core.mail import send_mail
from django.db import models, transaction
from wagtail.images import get_image_model
from wagtail.log_actions import log

from cms.fingerprints import Likeness, picture_likeness
from moderation.models import MediaMatch
from moderation.roles import SAFEGUARDING

from .audit import MATCHED
from .cascade import media_withdraw
from .clearance import media_clearance_refresh

logger = logging.getLogger(__name__)


def media_earlier_copies(item) -> list[tuple[object, str]]:
    """Earlier items of the same kind showing the same picture, with how they match.

    Only items that say something about who is in them count: tagged with learners,
    or withdrawn. Look-alikes of withdrawn pictures come back as
    ``MediaMatch.How.LOOKS_LIKE``.
    """
    if not item.sha256:
        return []
    return _tagged_or_withdrawn_matching(
        type(item),
        sha256=item.sha256,
        hashes=item.perceptual_hashes,
        exclude_pk=item.pk,
    )


def pictures_matching(
    *, hashes: Sequence[str], sha256: str = ""
) -> list[tuple[object, str]]:
    """Tagged or withdrawn images showing the picture with these fingerprints.

    For pictures that are not images of their own, e.g. one placed inside a PDF:
    ``hashes`` is ``cms.fingerprints.perceptual_hashes_of_picture`` of it (every
    orientation), ``sha256`` its bytes' digest if it is a whole image file.

    Returns:
        (image, how) pairs, ``how`` a ``MediaMatch.How``.
    """
    return _tagged_or_withdrawn_matching(
        get_image_model(), sha256=sha256, hashes=tuple(hashes), exclude_pk=None
    )


def _tagged_or_withdrawn_matching(
    model, *, sha256: str, hashes: Sequence[str], exclude_pk
) -> list[tuple[object, str]]:
    """One query for the candidates; perceptual hashes are compared in Python (a
    school library is thousands of pictures, not millions)."""
    pictured = model.learners.through.objects.filter(
        **{model.learners.field.m2m_field_name(): models.OuterRef("pk")}
    )
    candidates = (
        model.objects.exclude(pk=exclude_pk)
        .filter(models.Q(consent_withdrawn_at__isnull=False) | models.Exists(pictured))
        .only("pk", "title", "sha256", "perceptual_hash", "consent_withdrawn_at")
    )
    if not hashes:
        if not sha256:
            return []
        candidates = candidates.filter(sha256=sha256)
    copies = []
    for candidate in candidates:
        if sha256 and candidate.sha256 == sha256:
            copies.append((candidate, MediaMatch.How.SAME_FILE))
            continue
        likeness = picture_likeness(hashes, candidate.perceptual_hash)
        if likeness is Likeness.SAME:
            copies.append((candidate, MediaMatch.How.SAME_PICTURE))
        elif likeness is Likeness.LOOKALIKE and candidate.is_withdrawn:
            copies.append((candidate, MediaMatch.How.LOOKS_LIKE))
    return copies


def media_inherit_from_copies(*, item, user=None) -> list[MediaMatch]:
    """Give ``item`` the learners and withdrawal of every earlier copy; record it.

    Called after every save that brings a new file, and again after an admin form
    has saved its learners (which would otherwise replace the inherited ones); a
    second call records nothing twice. Look-alikes are recorded, not inherited.
    Returns the matches newly found.
    """
    content_type = ContentType.objects.get_for_model(type(item))
    known = list(MediaMatch.objects.filter(content_type=content_type, item_id=item.pk))
    recorded = {match.matched_id for match in known}
    found = []
    with transaction.atomic():
        for copy, how in media_earlier_copies(item):
            if copy.pk in recorded:
                continue
            found.append(
                MediaMatch.objects.create(
                    content_type=content_type,
                    item_id=item.pk,
                    matched_id=copy.pk,
                    matched_title=copy.title[:255],
                    matched_was_withdrawn=copy.is_withdrawn,
                    how=how,
                )
            )
            recorded.add(copy.pk)
        originals = {match.matched_id for match in [*known, *found] if match.is_copy}
        media_copy_inherit(item=item, original_ids=originals, user=user)
        if any(not match.is_copy for match in found):
            media_clearance_refresh(item=item)  # held back until the officer answers
        for match in found:
            log(
                instance=item,
                action=MATCHED,
                user=user,
                data={"matched": match.description},
            )
        if found:
            transaction.on_commit(lambda: _tell_consent_officer(item, found))
    if found:
        logger.info(
            "%s %s recognised as a copy or look-alike of %d earlier item(s)",
            type(item).__name__,
            item.pk,
            len(found),
            extra={"event": "consent.media_copy_found", "item_id": item.pk},
        )
    return found


def media_copy_inherit(*, item, original_ids: set[int], user=None) -> None:
    """Give ``item`` the learners of the originals, and their withdrawal (C1).

    Args:
        item: the copy.
        original_ids: the earlier items of the same kind it is a copy of.
        user: who uploaded it, or the consent officer who said it is a copy.
    """
    if not original_ids:
        return
    model = type(item)
    originals = list(
        model.objects.filter(pk__in=original_ids).prefetch_related("learners")
    )
    learners = {
        learner for original in originals for learner in original.learners.all()
    }
    missing = learners - set(item.learners.all())
    if missing:
        item.learners.add(*missing)
    if item.no_identifiable_learners and learners:
        item.no_identifiable_learners = False
        item.save(update_fields=["no_identifiable_learners"])
    withdrawn = [original for original in originals if original.is_withdrawn]
    if withdrawn and not item.is_withdrawn:
        media_withdraw(
            item=item,
            reason=f"it is a copy of “{withdrawn[0].title}”, which was withdrawn "
            "because consent ended for someone in it",
            user=user,
        )


def _tell_consent_officer(item, matches: list[MediaMatch]) -> None:
    officers = sorted(
        {
            user.email
            for user in get_user_model().objects.filter(
                groups__name=SAFEGUARDING, is_active=True
            )
            if user.email
        }
    )
    if not officers:
        return
    copies = [match for match in matches if match.is_copy]
    lookalikes = [match for match in matches if not match.is_copy]
    paragraphs = []
    if copies:
        lines = "\n".join(f"- {match.description}" for match in copies)
        paragraphs.append(
            f"It matches:\n{lines}\n\nIt has been given the same learners (and "
            "withdrawn, if the earlier one was). Only you can remove those learners "
            "or declare that no learner can be identified."
        )
    if lookalikes:
        lines = "\n".join(f"- “{match.matched_title}”" for match in lookalikes)
        paragraphs.append(
            f"It looks like these withdrawn pictures, but not closely enough to be "
            f"sure it is the same one:\n{lines}\n\nPlease look at both in the "
            "admin (Consent register → Look-alike pictures) and say whether it is "
            "the same picture."
        )
    send_mail(
        subject=f"An upload matches an earlier picture: {item.title}",
        message=f"“{item.title}” was uploaded.\n\n" + "\n\n".join(paragraphs),
        from_email=None,
        recipient_list=officers,
    )
