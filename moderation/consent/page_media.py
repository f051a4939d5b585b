"""Find every image, document, video and piece of text a page would publish.

The walk is generic: it reads the page's own fields, its StreamFields (any block
nesting), rich text (embedded images, document links) and its inline child objects,
so a new page type is covered without changes here.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field

from django.db import models
from modelcluster.fields import ParentalKey, ParentalManyToManyField
from wagtail import blocks
from wagtail.documents import get_document_model
from wagtail.embeds.blocks import EmbedBlock
from wagtail.fields import RichTextField, StreamField
from wagtail.images import get_image_model
from wagtail.rich_text import RichText
from wagtail.rich_text.rewriters import FIND_A_TAG, FIND_EMBED_TAG, extract_attrs

from cms.blocks import ConsentEmbedBlock

# Page fields that are bookkeeping, not words a reader sees. The slug and the
# ``url_path`` (the slugs of the sections above it) are read: they are the page's
# address (C3).
NON_TEXT_FIELDS = frozenset({"draft_title", "path", "locked_by", "content_type"})


@dataclass
class EmbedUse:
    """A video embed and what the editor declared about who is in it."""

    url: str
    declaration: str | None  # None: no declaration at all (untagged)
    learners: list = field(default_factory=list)  # Learner or None (deleted)


@dataclass
class PageMedia:
    image_ids: list[int] = field(default_factory=list)
    document_ids: list[int] = field(default_factory=list)
    embeds: list[EmbedUse] = field(default_factory=list)
    texts: list[str] = field(default_factory=list)

    def add_rich_text(self, source: str) -> None:
        for match in FIND_EMBED_TAG.finditer(source):
            attrs = extract_attrs(match.group(1))
            if attrs.get("embedtype") == "image" and attrs.get("id", "").isdigit():
                self.image_ids.append(int(attrs["id"]))
                self.texts.append(attrs.get("alt", ""))  # alt text is read out (C3)
        for match in FIND_A_TAG.finditer(source):
            attrs = extract_attrs(match.group(1))
            if attrs.get("linktype") == "document" and attrs.get("id", "").isdigit():
                self.document_ids.append(int(attrs["id"]))
            # An address is published too (mailto:amelia.jones@..., /amelia-jones/).
            self.texts.append(attrs.get("href", ""))
        self.texts.append(source)


def page_media(page) -> PageMedia:
    """Everything ``page`` (a specific page, e.g. ``revision.as_object()``) shows."""
    media = PageMedia()
    _collect_object(page, media, depth=0)
    return media


def _collect_object(obj, media: PageMedia, *, depth: int) -> None:
    image_model, document_model = get_image_model(), get_document_model()
    for model_field in obj._meta.concrete_fields:
        if model_field.name in NON_TEXT_FIELDS:
            continue
        if isinstance(model_field, models.ForeignKey):
            target = model_field.related_model
            value = getattr(obj, model_field.attname)
            if value is None:
                continue
            if issubclass(target, image_model):
                media.image_ids.append(value)
            elif issubclass(target, document_model):
                media.document_ids.append(value)
        elif isinstance(model_field, StreamField):
            _collect_stream(getattr(obj, model_field.attname), media)
        elif isinstance(model_field, RichTextField):
            media.add_rich_text(getattr(obj, model_field.attname) or "")
        elif isinstance(model_field, models.CharField | models.TextField):
            if model_field.choices:
                continue
            media.texts.append(getattr(obj, model_field.attname) or "")
    _collect_chosen(obj, media)
    if depth == 0:
        _collect_children(obj, media, depth=depth)


def _collect_chosen(obj, media: PageMedia) -> None:
    """Snippets chosen on the page (news categories) are shown with it by name."""
    for model_field in obj._meta.many_to_many:
        if not isinstance(model_field, ParentalManyToManyField):
            continue
        if issubclass(
            model_field.related_model, (get_image_model(), get_document_model())
        ):
            continue
        for chosen in getattr(obj, model_field.attname).all():
            media.texts.append(str(chosen))


def _collect_children(obj, media: PageMedia, *, depth: int) -> None:
    """Inline objects (InlinePanel orderables) are published with the page."""
    for relation in obj._meta.related_objects:
        remote = relation.remote_field
        if not isinstance(remote, ParentalKey):
            continue
        if relation.related_model._meta.app_label.startswith("wagtail"):
            continue  # comments and other admin bookkeeping are never published
        for child in getattr(obj, relation.get_accessor_name()).all():
            _collect_object(child, media, depth=depth + 1)


def _collect_stream(stream_value, media: PageMedia) -> None:
    for child in stream_value or []:
        _collect_block(child.block, child.value, media)


def _collect_block(block, value, media: PageMedia) -> None:
    if value is None:
        return
    if isinstance(block, ConsentEmbedBlock):
        embed = value.get("embed")
        media.texts.append(getattr(embed, "url", "") or "")
        media.embeds.append(
            EmbedUse(
                url=getattr(embed, "url", "") or "",
                declaration=value.get("learners_shown") or None,
                learners=list(value.get("learners") or []),
            )
        )
    elif isinstance(block, EmbedBlock):
        media.texts.append(getattr(value, "url", "") or "")
        media.embeds.append(EmbedUse(url=getattr(value, "url", ""), declaration=None))
    elif isinstance(block, blocks.StreamBlock):
        _collect_stream(value, media)
    elif isinstance(block, blocks.ListBlock):
        for item in value:
            _collect_block(block.child_block, item, media)
    elif isinstance(block, blocks.StructBlock):
        for name, child_block in block.child_blocks.items():
            _collect_block(child_block, value.get(name), media)
    elif isinstance(value, get_image_model()):
        media.image_ids.append(value.pk)
    elif isinstance(value, get_document_model()):
        media.document_ids.append(value.pk)
    elif isinstance(value, RichText):
        media.add_rich_text(value.source)
    elif isinstance(value, str):
        media.texts.append(value)


TAG = re.compile(r"<[^>]*>")
# Tags that start or end a block (a paragraph, list item, heading, line break, an
# embedded picture): the text on either side is a new paragraph.
BLOCK_TAG = re.compile(
    r"</?(?:p|div|li|ul|ol|h[1-6]|blockquote|br|hr|table|tr|td|th|figure|"
    r"figcaption|embed)\b[^>]*>",
    re.IGNORECASE,
)


def readable_texts(texts: list[str]) -> list[str]:
    """All text as a reader sees it, markup removed, one entry per field.

    Block tags become paragraph breaks. Each field appears twice: with other tags
    turned into spaces ("Amy<span>Smith</span>") and with them removed
    ("Am<b>y</b> Smith"), so a name split either way is still found. Entities are
    decoded (``&shy;``, ``&#8203;``) so the name rule sees the characters a reader's
    browser would.
    """
    variants = []
    for text in texts:
        if not text:
            continue
        text = BLOCK_TAG.sub("\n\n", text)
        for replacement in (" ", ""):
            variants.append(html.unescape(TAG.sub(replacement, text)))
    return variants
