"""Stream blocks for the body of news and standard pages.

Blocks that can show a learner (images, documents, video embeds) render nothing
unless the item is publishable now (C1, C2): the page stays published without it.
Images and documents are shown as their public copies (cms/public_media.py), never
the private files, so nothing here leaks a file name or a private URL.
"""

from django import forms
from django.conf import settings
from django.db import models
from django.utils.functional import cached_property
from django.utils.module_loading import import_string
from wagtail import blocks
from wagtail.api.utils import get_full_url
from wagtail.documents.blocks import DocumentChooserBlock
from wagtail.embeds.blocks import EmbedBlock
from wagtail.images.blocks import ImageChooserBlock

from .public_media import public_document_url, public_rendition
from .staff_view import staff_view

API_IMAGE_RENDITION = "width-960"


class WithdrawableMediaMixin:
    """Render and serialise nothing for an item the consent rules do not clear now.

    Staff previewing a draft (signed in with the second factor) see the private
    file; everyone else sees only public copies.
    """

    media_field: str

    def _hidden(self, value, context=None) -> bool:
        item = value.get(self.media_field) if value else None
        if item is None or item.is_withdrawn:
            return True  # its files are gone, for staff too
        if item.is_publishable_now:
            return False
        return not staff_view((context or {}).get("request"))

    def render(self, value, context=None):
        if self._hidden(value, context):
            return ""
        return super().render(value, context=context)

    def get_api_representation(self, value, context=None):
        item = value.get(self.media_field) if value else None
        if item is None or not item.is_publishable_now:
            return None
        return super().get_api_representation(value, context=context)


class CaptionedImageBlock(WithdrawableMediaMixin, blocks.StructBlock):
    """A picture with its caption; alt text is the image's description (or title)."""

    image = ImageChooserBlock()
    caption = blocks.CharBlock(required=False, max_length=250)

    media_field = "image"

    def get_api_representation(self, value, context=None):
        """The image as a ready-to-use rendition, so apps never fetch the original."""
        representation = super().get_api_representation(value, context=context)
        if representation is None:
            return None
        image = value["image"]
        rendition = public_rendition(image, API_IMAGE_RENDITION)
        if rendition is None:
            return None  # not made public by a live, public page
        representation["image"] = {
            "id": image.pk,
            "url": rendition.full_url,
            "width": rendition.width,
            "height": rendition.height,
            "alt": rendition.alt,
            "credit": image.credit,
        }
        return representation

    class Meta:
        icon = "image"
        template = "cms/blocks/captioned_image.html"


class QuoteBlock(blocks.StructBlock):
    text = blocks.TextBlock()
    attribution = blocks.CharBlock(required=False, max_length=120)

    class Meta:
        icon = "openquote"
        template = "cms/blocks/quote.html"


class DocumentLinkBlock(WithdrawableMediaMixin, blocks.StructBlock):
    """A newsletter, letter or form offered for download."""

    document = DocumentChooserBlock()
    title = blocks.CharBlock(
        required=False, help_text="Defaults to the document's title"
    )

    media_field = "document"

    def get_api_representation(self, value, context=None):
        representation = super().get_api_representation(value, context=context)
        if representation is None:
            return None
        document = value["document"]
        url = public_document_url(document)
        if url is None:
            return None  # not made public by a live, public page
        representation["document"] = {
            "id": document.pk,
            "title": document.title,
            "url": get_full_url((context or {}).get("request"), url),
            "file_extension": document.file_extension,
        }
        representation["title"] = value["title"] or document.title
        return representation

    class Meta:
        icon = "doc-full"
        template = "cms/blocks/document_link.html"


class LearnerChooserBlock(blocks.ChooserBlock):
    """Pick a learner from the consent register (named lazily: cms never imports it)."""

    target_model = "moderation.Learner"

    @cached_property
    def widget(self):
        return forms.Select()

    def get_form_state(self, value):
        # A plain select, not a modal chooser: its state is the chosen id.
        return blocks.FieldBlock.get_form_state(self, value)


class ConsentEmbedBlock(blocks.StructBlock):
    """A video with a declaration of who is shown in it (C1, C2).

    The ``embed`` sub-field holds the URL. Until the editor declares either "no
    identifiable learners" or the learners shown, the video counts as untagged and the
    page cannot be published. Only the video itself is rendered: the learners chosen
    here are never shown on the site or in the API.
    """

    class LearnersShown(models.TextChoices):
        NONE = "none", "No identifiable learners"
        LEARNERS = "learners", "Identifiable learners are shown (choose them)"

    embed = EmbedBlock(help_text="A video from YouTube, Vimeo and similar")
    learners_shown = blocks.ChoiceBlock(
        choices=LearnersShown.choices,
        required=True,
        label="Who is in the video",
    )
    learners = blocks.ListBlock(
        LearnerChooserBlock(), required=False, label="Learners shown"
    )

    class Meta:
        icon = "media"
        help_text = "Consent rules apply to videos as to photos"

    def to_python(self, value):
        # Bodies saved before the declaration existed hold the bare URL.
        if isinstance(value, str):
            value = {"embed": value}
        return super().to_python(value)

    def bulk_to_python(self, values):
        values = [{"embed": v} if isinstance(v, str) else v for v in values]
        return super().bulk_to_python(values)

    def may_be_shown(self, value) -> bool:
        """False once consent ends for a learner shown (C1, C2): render nothing.

        The consent register is moderation's; cms asks the function named in
        ``settings.CONSENT_LEARNERS_MAY_BE_SHOWN`` (it never imports moderation).
        Without one, a video declared to show learners is not shown at all.
        """
        if value.get("learners_shown") != self.LearnersShown.LEARNERS:
            return True
        learners = list(value.get("learners") or [])
        if any(learner is None for learner in learners):
            return False  # a learner no longer in the register
        check = getattr(settings, "CONSENT_LEARNERS_MAY_BE_SHOWN", None)
        return bool(check) and import_string(check)(learners)

    def render(self, value, context=None):
        if not self.may_be_shown(value):
            return ""
        return self.child_blocks["embed"].render(value.get("embed"), context=context)

    def get_api_representation(self, value, context=None):
        if not self.may_be_shown(value):
            return None
        return {
            "embed": self.child_blocks["embed"].get_api_representation(
                value.get("embed"), context=context
            )
        }


class BodyBlock(blocks.StreamBlock):
    paragraph = blocks.RichTextBlock(
        features=["h2", "h3", "bold", "italic", "ol", "ul", "link", "document-link"]
    )
    image = CaptionedImageBlock()
    quote = QuoteBlock()
    document = DocumentLinkBlock()
    embed = ConsentEmbedBlock()
