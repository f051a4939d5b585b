"""Stream blocks for the body of news and standard pages."""

from wagtail import blocks
from wagtail.documents.blocks import DocumentChooserBlock
from wagtail.embeds.blocks import EmbedBlock
from wagtail.images.blocks import ImageChooserBlock


class CaptionedImageBlock(blocks.StructBlock):
    image = ImageChooserBlock()
    caption = blocks.CharBlock(required=False, max_length=250)

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
