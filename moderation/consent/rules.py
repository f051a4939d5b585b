"""The one consent rule-set: may this page go to this channel? (C1-C5)

Every path to publication asks this module: the editor's publish button, workflow
approval, scheduled go-live, reverting to an old revision, bulk actions, the API and
management commands (through the page-save guard in ``guards.py``), and the social
delivery worker before it sends. Nothing else decides.

Contract (shared with the workflow and publishing helpers): ``Channel``,
``Violation``, ``page_violations``, ``ensure_page_publishable``, ``ConsentViolation``.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.db import models
from django.utils import timezone
from wagtail.documents import get_document_model
from wagtail.images import get_image_model
from wagtail.models import Site

from moderation.models import ConsentUse, MediaMatch

from .names import PublishedWords, learner_name, plain_words
from .page_media import page_media, readable_texts
from .selectors import PicturedLearner, can_view_register, pictured_learners


@dataclass(frozen=True)
class Channel:
    """Where a page is going: the website, or one social account with its own text."""

    kind: str  # "website", "social" or "email"
    name: str
    closed: bool
    text: str = ""
    #: Pictures the post carries besides the page's own (the image a queued post
    #: was written with, if the page has changed since): checked like the page's.
    image_ids: tuple[int, ...] = ()

    @classmethod
    def website(cls) -> Channel:
        return cls(kind="website", name="the website", closed=False)

    @classmethod
    def social(
        cls, name: str, closed: bool, text: str, image_ids: tuple[int, ...] = ()
    ) -> Channel:
        return cls(
            kind="social", name=name, closed=closed, text=text, image_ids=image_ids
        )

    @classmethod
    def email(cls, text: str) -> Channel:
        """A photo in an email to families, with the email's words (C3, C5)."""
        return cls(kind="email", name="emails to families", closed=False, text=text)

    @property
    def consent_use(self) -> ConsentUse:
        """The consent this channel needs (C4: public accounts need public consent)."""
        if self.kind == "website":
            return ConsentUse.WEBSITE
        if self.kind == "email":
            return ConsentUse.NEWSLETTER_EMAIL
        return ConsentUse.CLOSED_SOCIAL if self.closed else ConsentUse.PUBLIC_SOCIAL

    @property
    def description(self) -> str:
        if self.kind in ("website", "email"):
            return self.name
        return f"the {'closed' if self.closed else 'public'} account {self.name}"


@dataclass(frozen=True)
class Violation:
    """One reason a page may not be published, in plain English with what to do."""

    code: str
    message: str


class ConsentViolation(PermissionDenied):
    """Publishing refused by the consent rules; ``violations`` says why.

    A ``PermissionDenied`` so that a path nobody wrapped still answers 403 with the
    reasons, never a 500 and never a publication.
    """

    def __init__(self, violations: list[Violation]):
        self.violations = violations
        super().__init__(
            "This page cannot be published: "
            + " ".join(violation.message for violation in violations)
        )


USE_WORDS = {
    ConsentUse.WEBSITE: "the website",
    ConsentUse.CLOSED_SOCIAL: "closed social media accounts",
    ConsentUse.PUBLIC_SOCIAL: "public social media accounts",
    ConsentUse.PRESS: "the press",
    ConsentUse.NEWSLETTER_EMAIL: "newsletters and emails",
}


def page_violations(
    page, *, channel: Channel, viewer=None, on: datetime.date | None = None
) -> list[Violation]:
    """Every consent rule ``page`` breaks for ``channel``; empty when it may go.

    Args:
        page: a specific page (the live object or ``revision.as_object()``).
        channel: the website or one social account (closed or public, with its text).
        viewer: the member of staff who will read the messages. Learners are named in
            full only to those who may see the register; others see initials.
        on: the day to judge consent and leaving dates by (today by default).
    """
    on = on or timezone.localdate()
    media = page_media(page)
    items = [
        (f'Image "{image.title}"', image)
        for image in _media(get_image_model(), {*media.image_ids, *channel.image_ids})
    ] + [
        (f'Document "{document.title}"', document)
        for document in _documents_read(set(media.document_ids))
    ]
    text = readable_texts(
        [
            *media.texts,
            *(text for _, item in items for text in published_media_texts(item)),
            channel.text,
        ]
    )
    check = _Check(
        channel=channel, on=on, full_names=can_view_register(viewer), text=text
    )
    check.learners = pictured_learners(
        learner_ids={
            *(pk for _, item in items for pk in item.pictured_ids),
            *(
                learner.pk
                for embed in media.embeds
                for learner in embed.learners
                if learner
            ),
        },
        use=channel.consent_use,
    )
    check.lookalikes = _pending_lookalikes([item for _, item in items])
    for label, item in items:
        check.media_item(label=label, item=item, learner_ids=item.pictured_ids)
    for embed in media.embeds:
        check.embed(embed)
    return check.violations


def _media(model, ids: set[int]) -> list:
    """Images or documents by id, each with who is pictured and its tags."""
    if not ids:
        return []
    return _with_pictured_and_tags(
        list(model.objects.filter(pk__in=ids).order_by("pk"))
    )


def _with_pictured_and_tags(items: list) -> list:
    """Set ``pictured_ids`` and ``tag_names`` on each item (all of one model).

    Two queries whatever the number of items and learners, instead of a model
    instance per learner pictured (issue 22).
    """
    if not items:
        return items
    model = items[0]._meta.concrete_model
    ids = [item.pk for item in items]
    pictured: dict[int, list[int]] = {pk: [] for pk in ids}
    through = model.learners.through
    owner = next(
        field.attname
        for field in through._meta.concrete_fields
        if field.is_relation and field.related_model is model
    )
    for item_id, learner_id in (
        through.objects.filter(**{f"{owner}__in": ids})
        .order_by(owner, "learner__last_name", "learner__first_name", "learner__pk")
        .values_list(owner, "learner_id")
    ):
        pictured[item_id].append(learner_id)
    tags: dict[int, list[str]] = {pk: [] for pk in ids}
    tagged = model._meta.get_field("tags").through
    for item_id, name in tagged.objects.filter(
        content_type=ContentType.objects.get_for_model(model), object_id__in=ids
    ).values_list("object_id", "tag__name"):
        tags[item_id].append(name)
    for item in items:
        item.pictured_ids = pictured[item.pk]
        item.tag_names = tags[item.pk]
    return items


def media_violations(
    item, *, channel: Channel, on: datetime.date | None = None
) -> list[Violation]:
    """The rules one image or document breaks for ``channel`` by its own tags.

    The same checks as ``page_violations`` makes of each item, with the channel's
    own text but not a page's: used when an item's tags change while it is already
    live (C1, C2), and for a photo in an email (C3, C5). Learners appear by
    initials: the result goes to the audit log and to editors.
    """
    if getattr(item, "contents_read", True) is False:
        item.contents_refresh()  # a document uploaded before documents were read
        item.refresh_from_db()
    _with_pictured_and_tags([item])
    check = _Check(
        channel=channel,
        on=on or timezone.localdate(),
        full_names=False,
        text=readable_texts([*published_media_texts(item), channel.text]),
    )
    check.learners = pictured_learners(
        learner_ids=item.pictured_ids, use=channel.consent_use
    )
    check.lookalikes = _pending_lookalikes([item])
    check.media_item(label=f'"{item.title}"', item=item, learner_ids=item.pictured_ids)
    return check.violations


def _documents_read(ids: set[int]) -> list:
    """The documents with these ids, each with its file's contents read.

    A document uploaded before documents were read is read now, so its hidden
    properties and pictures are judged before it is published (issue 20).
    """
    if not ids:
        return []
    model = get_document_model()
    unread = model.objects.filter(pk__in=ids, contents_read=False).order_by("pk")
    for document in unread:
        document.contents_refresh()  # may tag or withdraw it: read it after
    return _media(model, ids)


def published_media_texts(item) -> list[str]:
    """Every word an image or document carries wherever it is shown (C3).

    Its title and description (the alt text), credit and copyright holder (shown
    with it and in the API), Wagtail tags (in the API's ``meta.tags``), the
    uploaded file's name (in every rendition and download address) and a
    document's hidden properties (author, title, subject, custom fields: removed
    from the public copy, but read here so the editor is told; issue 20).
    """
    texts = [
        item.title,
        getattr(item, "description", ""),
        item.credit,
        item.copyright_holder,
        item.file.name if item.file else "",
    ]
    texts.extend(item.tag_names)  # set by ``_with_pictured_and_tags``
    texts.extend(getattr(item, "hidden_properties", None) or [])
    return texts


def school_names() -> set[str]:
    """The ways a copyright holder can name the school itself (in plain form)."""
    names = {"school", "the school", "our school", settings.WAGTAIL_SITE_NAME}
    names.update(Site.objects.values_list("site_name", flat=True))
    return {plain_words(name) for name in names if name}


def ensure_page_publishable(
    page, *, channel: Channel, viewer=None, on: datetime.date | None = None
) -> None:
    """Raise ``ConsentViolation`` unless ``page`` may go to ``channel``."""
    violations = page_violations(page, channel=channel, viewer=viewer, on=on)
    if violations:
        raise ConsentViolation(violations)


def _pending_lookalikes(items: list) -> set[tuple[str, int]]:
    """(model label, id) of the items that look like a withdrawn picture and wait for
    the consent officer's answer (C1: held back until then). One query for all."""
    wanted = models.Q()
    for item in items:
        if item.pk is not None:
            wanted |= models.Q(
                content_type__app_label=item._meta.app_label,
                content_type__model=item._meta.model_name,
                item_id=item.pk,
            )
    if not wanted:
        return set()
    return {
        (f"{app_label}.{model}", item_id)
        for app_label, model, item_id in MediaMatch.objects.filter(
            wanted, how=MediaMatch.How.LOOKS_LIKE, reviewed_at__isnull=True
        ).values_list("content_type__app_label", "content_type__model", "item_id")
    }


class _Check:
    """Collects violations for one page and channel; one method per kind of media."""

    def __init__(
        self, *, channel: Channel, on: datetime.date, full_names: bool, text: list[str]
    ):
        self.channel = channel
        self.on = on
        self.full_names = full_names
        self.words = PublishedWords(text)
        self._school_names: set[str] | None = None
        self.learners: dict[int, PicturedLearner] = {}
        self.lookalikes: set[tuple[str, int]] = set()
        self.violations: list[Violation] = []
        self._named: set[int] = set()

    def add(self, code: str, message: str) -> None:
        violation = Violation(code=code, message=message)
        if violation not in self.violations:
            self.violations.append(violation)

    def is_the_school(self, holder: str) -> bool:
        if self._school_names is None:
            self._school_names = school_names()
        return plain_words(holder) in self._school_names

    def _named_in_full(self, learner: PicturedLearner) -> bool:
        name = learner_name(
            first_names=[learner.first_name, learner.known_as],
            last_name=learner.last_name,
        )
        return self.words.names_in_full(name)

    def name(self, learner: PicturedLearner) -> str:
        return learner.full_name if self.full_names else learner.initials

    def media_item(self, *, label: str, item, learner_ids: list[int]) -> None:
        if item.is_withdrawn:
            self.add(
                "withdrawn",
                f"{label} was withdrawn because consent ended for someone in it. "
                "Remove it from the page.",
            )
        elif (item._meta.label_lower, item.pk) in self.lookalikes:
            self.add(
                "lookalike",
                f"{label} looks like a picture that was withdrawn because consent "
                "ended for someone in it. The consent officer must first say whether "
                "it is the same picture (Consent register → Look-alike pictures).",
            )
        if getattr(item, "file_problem", ""):
            self.add(
                "document_not_cleanable",
                f"{label} cannot be published as it is. {item.file_problem}",
            )
        if not learner_ids and not item.no_identifiable_learners:
            pictures = len(getattr(item, "embedded_pictures", None) or [])
            inside = {0: "", 1: " It has a picture inside it."}.get(
                pictures, f" It has {pictures} pictures inside it."
            )
            self.add(
                "untagged",
                f"{label} is not tagged.{inside} Edit it and choose the learners "
                "pictured, or tick 'no identifiable learners'.",
            )
        if item.staff_pictured.strip() and not item.staff_consent_confirmed:
            self.add(
                "staff_consent",
                f"{label} shows staff ({item.staff_pictured}) whose consent is not "
                "confirmed. Ask them, then tick 'staff consent confirmed'.",
            )
        self.copyright(label=label, item=item)
        for learner_id in learner_ids:
            self.learner(label=label, learner_id=learner_id)

    def copyright(self, *, label: str, item) -> None:
        """C6: "Have appropriate copyright in place on any images"; credit the author.

        The holder is needed on every photo and document; when it is not the school,
        so is the credit shown with it.
        """
        holder = item.copyright_holder.strip()
        if not holder:
            self.add(
                "copyright",
                f"{label} does not say who owns its copyright. Edit it and fill in "
                "'Copyright holder' (the school, if it is the school's own).",
            )
        elif not item.credit.strip() and not self.is_the_school(holder):
            self.add(
                "credit",
                f"{label} belongs to {holder}, so it needs a credit to show with it. "
                f"Edit it and fill in 'Credit', for example 'Photo: {holder}'.",
            )

    def embed(self, embed) -> None:
        label = f"Video {embed.url}"
        if embed.declaration is None:
            self.add(
                "untagged",
                f"{label} has no declaration of who is in it. Edit the video block "
                "and say whether identifiable learners are shown, and who.",
            )
            return
        if embed.declaration == "learners" and not embed.learners:
            self.add(
                "untagged",
                f"{label} is declared to show learners but none are chosen. "
                "Choose the learners shown.",
            )
        for learner in embed.learners:
            self.learner(label=label, learner_id=learner.pk if learner else None)

    def learner(self, *, label: str, learner_id: int | None) -> None:
        learner = self.learners.get(learner_id)
        if learner is None:
            self.add(
                "unknown_learner",
                f"{label} shows a learner who is no longer in the consent "
                "register. Remove it or ask the consent officer.",
            )
            return
        who = self.name(learner)
        if learner.do_not_publish:
            self.add(
                "do_not_publish",
                f"{label} shows {who}, who is on the do-not-publish list and must "
                "never be shown. Remove it from the page.",
            )
            return
        if learner.has_left(self.on):
            self.add(
                "left",
                f"{label} shows {who}, who has left the school, so their consent no "
                "longer applies. Remove it from the page.",
            )
        use = self.channel.consent_use
        where = USE_WORDS[use]
        if not learner.consent_given:
            extra = (
                " Images of learners may go only to closed accounts unless the "
                "parent agreed to public use."
                if use == ConsentUse.PUBLIC_SOCIAL
                else ""
            )
            self.add(
                "no_consent",
                f"{label} shows {who}, who has no consent for {where}. Remove it "
                f"or choose another photo.{extra}",
            )
        elif not learner.consent_in_force(self.on):
            self.add(
                "consent_expired",
                f"{label} shows {who}, whose consent for {where} expired on "
                f"{learner.consent_expires_on:%d %B %Y}. Ask the consent officer to "
                "renew it, or remove the image.",
            )
        if learner.pk not in self._named and self._named_in_full(learner):
            self._named.add(learner.pk)
            self.add(
                "full_name",
                f"{who} is pictured, and the text gives their first name and "
                "surname together: in one sentence or a few words apart, in either "
                "order, with other names between them, or run together as in a "
                "hashtag. Look in the title, web address, summary, body, "
                "captions, alt text, the photo's own title, credit, tags and file "
                "name, a document's hidden properties such as its author or "
                f"subject, and the text for {self.channel.description}. Use the "
                "first name only, or remove the photo.",
            )
