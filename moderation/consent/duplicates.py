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

A document is also compared picture by picture (issue 20): each picture inside it
(``embedded_pictures``, fingerprinted on upload by ``cms.document_cleaning``) is
matched against every withdrawn or tagged image by the same fingerprints, so a
withdrawn photo placed in a newsletter withdraws the newsletter, and a tagged one
gives it that photo's learners, whatever the editor declared.

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

from django.contrib.contenttypes.models import ContentType
from django.core.mail import send_mail
from django.db import models, transaction
from wagtail.images import get_image_model
from wagtail.log_actions import log

from cms.fingerprints import Likeness, picture_likeness
from cms.media_removals import item_school
from moderation.models import MediaMatch

from .audit import MATCHED
from .cascade import media_withdraw, safeguarding_emails
from .clearance import media_clearance_refresh
from .pictures_inside import documents_containing, is_picture_inside

logger = logging.getLogger(__name__)


def _pictured_or_withdrawn(model, *, exclude_pk=None):
    """Items of ``model`` that say who is in them: learners tagged, or withdrawn."""
    pictured = model.learners.through.objects.filter(
        **{model.learners.field.m2m_field_name(): models.OuterRef("pk")}
    )
    return (
        model.objects.exclude(pk=exclude_pk)
        .filter(models.Q(consent_withdrawn_at__isnull=False) | models.Exists(pictured))
        .only(
            "pk",
            "title",
            "sha256",
            "perceptual_hash",
            "perceptual_hash_variants",
            "consent_withdrawn_at",
        )
    )


def media_earlier_copies(item) -> list[tuple[object, str]]:
    """Earlier items showing the same picture as ``item``, with how they match.

    Only items that say something about who is in them count: tagged with learners,
    or withdrawn. Images and documents are compared with their own kind by the whole
    file; a document's pictures are compared with images too. Look-alikes of
    withdrawn pictures come back as ``MediaMatch.How.LOOKS_LIKE``.
    """
    if not item.sha256:
        return []
    copies = _tagged_or_withdrawn_matching(
        type(item),
        sha256=item.sha256,
        hashes=item.perceptual_hashes,
        exclude_pk=item.pk,
    )
    copies.extend(_photos_inside(item))
    return copies


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
    """Perceptual hashes are compared in Python (a school library is thousands of
    pictures, not millions)."""
    candidates = _pictured_or_withdrawn(model, exclude_pk=exclude_pk)
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


def _photos_inside(item) -> list[tuple[object, str]]:
    """Withdrawn or tagged images that are a picture inside the document ``item``."""
    inside = getattr(item, "embedded_pictures", None) or []
    if not inside:
        return []
    return [
        (image, MediaMatch.How.PICTURE_INSIDE)
        for image in _pictured_or_withdrawn(get_image_model())
        if is_picture_inside(image, inside)
    ]


def media_pass_on_to_documents(*, image, user=None) -> None:
    """Documents uploaded earlier with ``image`` inside take its learners now.

    The other direction of ``media_inherit_from_copies``: a newsletter uploaded
    before the photo in it was uploaded and tagged is recognised once it is.
    """
    if not image.learners.exists() and not image.is_withdrawn:
        return
    for document in documents_containing(image):
        media_inherit_from_copies(
            item=type(document).objects.get(pk=document.pk), user=user
        )


def media_inherit_from_copies(*, item, user=None) -> list[MediaMatch]:
    """Give ``item`` the learners and withdrawal of every earlier copy; record it.

    Called after every save that brings a new file, and again after an admin form
    has saved its learners (which would otherwise replace the inherited ones); a
    second call records nothing twice. Look-alikes are recorded, not inherited.
    Returns the matches newly found.
    """
    content_type = ContentType.objects.get_for_model(type(item))
    known = MediaMatch.objects.filter(content_type=content_type, item_id=item.pk)
    originals = {
        (match.matched_content_type_id, match.matched_id): match.how for match in known
    }
    found = []
    with transaction.atomic():
        for copy, how in media_earlier_copies(item):
            key = (ContentType.objects.get_for_model(type(copy)).pk, copy.pk)
            if key in originals:
                continue
            found.append(
                MediaMatch.objects.create(
                    content_type=content_type,
                    item_id=item.pk,
                    matched_content_type_id=key[0],
                    matched_id=copy.pk,
                    matched_title=copy.title[:255],
                    matched_was_withdrawn=copy.is_withdrawn,
                    how=how,
                )
            )
            originals[key] = how
        copies = {
            key: how
            for key, how in originals.items()
            if how != MediaMatch.How.LOOKS_LIKE
        }
        media_copy_inherit(item=item, originals=copies, user=user)
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


def media_copy_inherit(*, item, originals: dict[tuple[int, int], str], user=None):
    """Give ``item`` the learners of the originals, and their withdrawal (C1).

    Args:
        item: the copy.
        originals: (content type id, id) of each earlier item it is a copy of, to how
            it matches (``MediaMatch.How``).
        user: who uploaded it, or the consent officer who said it is a copy.
    """
    if not originals:
        return
    originals_items = [
        original
        for type_id, ids in _group(originals).items()
        for original in ContentType.objects.get_for_id(type_id)
        .model_class()
        .objects.filter(pk__in=ids)
        .prefetch_related("learners")
    ]
    learners = {
        learner for original in originals_items for learner in original.learners.all()
    }
    missing = learners - set(item.learners.all())
    if missing:
        item.learners.add(*missing)
    if item.no_identifiable_learners and learners:
        item.no_identifiable_learners = False
        item.save(update_fields=["no_identifiable_learners"])
    withdrawn = [original for original in originals_items if original.is_withdrawn]
    if withdrawn and not item.is_withdrawn:
        first = withdrawn[0]
        inside = (
            originals[(ContentType.objects.get_for_model(type(first)).pk, first.pk)]
            == MediaMatch.How.PICTURE_INSIDE
        )
        media_withdraw(
            item=item,
            reason=f"{'a picture inside it' if inside else 'it'} is a copy of "
            f"“{first.title}”, which was withdrawn because consent ended for "
            "someone in it",
            user=user,
        )


def _group(keys) -> dict[int, set[int]]:
    grouped: dict[int, set[int]] = {}
    for type_id, pk in keys:
        grouped.setdefault(type_id, set()).add(pk)
    return grouped


def _tell_consent_officer(item, matches: list[MediaMatch]) -> None:
    school = item_school(item)
    officers = safeguarding_emails(site_id=school.pk if school else None)
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
