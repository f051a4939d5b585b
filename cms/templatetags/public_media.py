"""Template tags that show media as the public copies (issue 9).

``{% public_image image "fill-600x400" alt="" loading="lazy" %}`` renders the
public copy at that size, or nothing: an image shows only while the consent rules
clear it and a live, public page made it public. Staff signed in with the second
factor (previewing a draft, or a login-only page) see the private rendition instead.
``{% public_document_url document as url %}`` does the same for a document link.
"""

from __future__ import annotations

from django import template
from django.forms.utils import flatatt
from django.utils.html import format_html

from cms.public_media import public_document_url as _public_document_url
from cms.public_media import public_rendition
from cms.staff_view import staff_view

register = template.Library()


@register.simple_tag(takes_context=True)
def public_image(context, image, filter_spec: str, **attrs):
    if image is None:
        return ""
    rendition = public_rendition(image, filter_spec)
    if rendition is not None:
        attributes = {
            "src": rendition.url,
            "width": rendition.width,
            "height": rendition.height,
            "alt": rendition.alt,
            **attrs,
        }
        return format_html("<img{}>", flatatt(attributes))
    if not image.is_withdrawn and staff_view(context.get("request")):
        return image.get_rendition(filter_spec).img_tag(attrs)
    return ""


@register.simple_tag(takes_context=True)
def public_document_url(context, document) -> str:
    if document is None:
        return ""
    url = _public_document_url(document)
    if url is None and not document.is_withdrawn and staff_view(context.get("request")):
        return document.url
    return url or ""
