"""API fields that show media as a parent sees them: public copies only (issue 9)."""

from __future__ import annotations

from rest_framework.fields import Field


class PublicRenditionField(Field):
    """An image as its public copy at one size: url, full_url, width, height, alt.

    ``null`` unless the image is publishable now and a live, public page made it
    public. Never a private rendition, never the original.
    """

    def __init__(self, filter_spec: str, **kwargs):
        self.filter_spec = filter_spec
        kwargs.setdefault("source", "*")
        kwargs["read_only"] = True
        super().__init__(**kwargs)

    def bind(self, field_name, parent):
        if self.source == field_name:
            self.source = None  # DRF refuses a source equal to the field's name
        super().bind(field_name, parent)

    def to_representation(self, image):
        from .public_media import public_rendition  # public_media imports models

        rendition = public_rendition(image, self.filter_spec)
        if rendition is None:
            return None
        return {
            "url": rendition.url,
            "full_url": rendition.full_url,
            "width": rendition.width,
            "height": rendition.height,
            "alt": rendition.alt,
        }


class SchoolAddressField(Field):
    """A trust's notice at its address on the school the API was asked about.

    Wagtail's ``html_url`` has no request to read the school from, and the notice has
    no page in any school's tree, so it is empty there.
    """

    def __init__(self, **kwargs):
        kwargs["source"] = "*"
        kwargs["read_only"] = True
        super().__init__(**kwargs)

    def to_representation(self, notice):
        return notice.get_full_url(request=self.context.get("request"))
