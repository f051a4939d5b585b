"""Stream blocks for the body of news and standard pages."""

from wagtail import blocks
from wagtail.api.utils import get_full_url
from wagtail.documents.blocks import DocumentChooserBlock
from wagtail.embeds.blocks import EmbedBlock
from wagtail.images.blocks import ImageChooserBlock

API_IMAGE_RENDITION = "width-960"


class CaptionedImageBlock(blocks.StructBlock):
    """A picture with its caption; alt text is the image's description (or title)."""

    image = ImageChooserBlock()
    caption = blocks.CharBlock(required=False, max_length=250)

    def get_api_representation(self, value, context=None):
        """The image as a ready-to-use rendition, so apps never fetch the original."""
        image = value["image"]
        if image is None:  # the image was deleted after the page was published
            return {"image": None, "caption": value["caption"]}
        rendition = image.get_rendition(API_IMAGE_RENDITION)
        return {
            "image": {
                "id": image.pk,
                "title": image.title,
                "url": rendition.full_url,
                "width": rendition.width,
                "height": rendition.height,
                "alt": image.default_alt_text,
                "credit": image.credit,
            },
            "caption": value["caption"],
        }

    class Meta:
        icon = "image"
        template = "cms/blocks/captioned_image.html"


class QuoteBlock(blocks.StructBlock):
    text = blocks.TextBlock()
    attribution = blocks.CharBlock(required=False, max_length=120)

    class Meta:
        icon = "openquote"
        template = "cms/blocks/quote.html"


class DocumentLinkBlock(blocks.StructBlock):
    """A newsletter, letter or form offered for download."""

    document = DocumentChooserBlock()
    title = blocks.CharBlock(
        required=False, help_text="Defaults to the document's title"
    )

    def get_api_representation(self, value, context=None):
        document = value["document"]
        if document is None:  # the document was deleted after the page was published
            return {"document": None, "title": value["title"]}
        return {
            "document": {
                "id": document.pk,
                "title": document.title,
                "url": get_full_url((context or {}).get("request"), document.url),
                "file_extension": document.file_extension,
            },
            "title": value["title"] or document.title,
        }

    class Meta:
        icon = "doc-full"
        template = "cms/blocks/document_link.html"


class BodyBlock(blocks.StreamBlock):
    paragraph = blocks.RichTextBlock(
        features=["h2", "h3", "bold", "italic", "ol", "ul", "link", "document-link"]
    )
    image = CaptionedImageBlock()
    quote = QuoteBlock()
    document = DocumentLinkBlock()
    embed = EmbedBlock(
        help_text="A video from YouTube, Vimeo and similar (consent rules apply)",
        icon="media",
    )
