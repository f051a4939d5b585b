"""PDF files: their hidden properties and pictures, read and removed with pikepdf.

Where a PDF keeps words nobody sees on its pages:

- the document information dictionary (Title, Author, Subject, Keywords, Creator,
  Producer and any custom key a program adds, such as "Pupil");
- XMP metadata packets, on the document and on any page, picture or font;
- the author of each comment or highlight (an annotation's ``/T``), and private
  data programs leave behind (``/PieceInfo``).

The public copy is rewritten by qpdf without any of them, so earlier saved
versions inside the file (incremental updates) are gone too. Pictures are every
image object in the file, including those inside drawings and form fields, and
pictures drawn inline in a page's or drawing's content; a soft mask (transparency)
is not a picture of its own.

Refused, with the reason: a file that is not a readable PDF, one that needs a
password, and one with files, video or sound attached inside it (each could be
anything).
"""

from __future__ import annotations

from io import BytesIO

import pikepdf
from lxml import etree

from .document_contents import (
    SAVE_AS_PDF,
    DocumentContents,
    DocumentNotCleanable,
    picture_fingerprint,
)

#: Keys of any dictionary that hold metadata, never something a reader sees.
METADATA_KEYS = ("/Metadata", "/PieceInfo")
#: A comment's author ("/T"), which PDF readers show beside it (a form field's
#: name for a form field, which is kept).
ANNOTATION_AUTHOR = "/T"

#: Annotations that carry a file, a video or a sound of their own.
ATTACHING_ANNOTATIONS = frozenset(
    {"/FileAttachment", "/RichMedia", "/Movie", "/Sound", "/Screen", "/3D"}
)
#: What pikepdf raises for a picture it cannot decode (an unusual colour space or
#: compression, a missing decoder such as JBIG2, damaged data).
_PICTURE_ERRORS = (
    pikepdf.PdfError,
    pikepdf.UnsupportedImageTypeError,
    pikepdf.HifiPrintImageNotTranscodableError,
    pikepdf.InvalidPdfImageError,
    pikepdf.DependencyError,
    pikepdf.DataDecodingError,
    NotImplementedError,
    ValueError,
)

_SAFE_XML = etree.XMLParser(
    resolve_entities=False, no_network=True, huge_tree=False, recover=True
)


def _open(content: bytes) -> pikepdf.Pdf:
    try:
        pdf = pikepdf.open(BytesIO(content))
    except pikepdf.PasswordError as error:
        raise DocumentNotCleanable(
            "It is protected by a password, so the website cannot check it. Save a "
            "copy without the password and upload that instead."
        ) from error
    except pikepdf.PdfError as error:
        raise DocumentNotCleanable(
            f"It could not be read as a PDF: it may be damaged. {SAVE_AS_PDF}"
        ) from error
    attached = len(pdf.attachments) or any(
        annotation.get("/Subtype") in ATTACHING_ANNOTATIONS
        for annotation in _annotations(pdf)
    )
    if attached:
        pdf.close()
        raise DocumentNotCleanable(
            "It has other files, video or sound attached inside it, which the "
            "website cannot check. Save a copy without them and upload that instead."
        )
    return pdf


def _xmp_words(stream: pikepdf.Stream) -> list[str]:
    """Every text and attribute value in an XMP packet (never its tag names)."""
    try:
        raw = stream.read_bytes()
    except pikepdf.PdfError:
        return []
    root = etree.fromstring(raw.strip() or b"<x/>", _SAFE_XML)
    if root is None:  # not XML at all: read the bytes as words
        return [raw.decode("utf-8", "replace")]
    words = [text.strip() for text in root.itertext() if text.strip()]
    for element in root.iter():
        words.extend(value for value in element.attrib.values() if value.strip())
    return words


def _dictionaries(pdf: pikepdf.Pdf):
    for obj in pdf.objects:
        if isinstance(obj, pikepdf.Dictionary | pikepdf.Stream):
            yield obj


def _annotations(pdf: pikepdf.Pdf):
    """Every comment, highlight, link and form field on every page."""
    for page in pdf.pages:
        for annotation in page.obj.get("/Annots", ()):
            if isinstance(annotation, pikepdf.Dictionary):
                yield annotation


def pdf_contents_read(content: bytes) -> DocumentContents:
    """The hidden properties and picture fingerprints of a PDF."""
    contents = DocumentContents()
    with _open(content) as pdf:
        info = pdf.trailer.get("/Info")
        if isinstance(info, pikepdf.Dictionary):
            for key, value in info.items():
                contents.hidden_properties.append(f"{key.lstrip('/')}: {value}")
        contents.hidden_properties.extend(
            str(annotation[ANNOTATION_AUTHOR])
            for annotation in _annotations(pdf)
            if ANNOTATION_AUTHOR in annotation
        )
        masks = set()
        images = []
        drawings = [page.obj for page in pdf.pages]
        for obj in _dictionaries(pdf):
            if isinstance(obj, pikepdf.Stream) and obj.get("/Subtype") == "/Form":
                drawings.append(obj)
            metadata = obj.get("/Metadata")
            if isinstance(metadata, pikepdf.Stream):
                contents.hidden_properties.extend(_xmp_words(metadata))
            if isinstance(obj, pikepdf.Stream) and obj.get("/Subtype") == "/Image":
                images.append(obj)
                mask = obj.get("/SMask")
                if mask is not None:
                    masks.add(mask.objgen)
        fingerprints = [
            _image_fingerprint(image) for image in images if image.objgen not in masks
        ]
        fingerprints.extend(
            _inline_fingerprint(inline)
            for drawing in drawings
            for inline in _inline_pictures(drawing)
        )
        contents.pictures = [found for found in fingerprints if found is not None]
    return contents


def _inline_pictures(drawing) -> list[pikepdf.PdfInlineImage]:
    """Pictures written inside a page's or drawing's content stream (BI … EI)."""
    try:
        instructions = pikepdf.parse_content_stream(drawing, "BI ID EI")
    except pikepdf.PdfError as error:
        raise DocumentNotCleanable(
            f"A page of it could not be read: it may be damaged. {SAVE_AS_PDF}"
        ) from error
    return [
        operands[0]
        for operands, _ in instructions
        if operands and isinstance(operands[0], pikepdf.PdfInlineImage)
    ]


def _inline_fingerprint(inline: pikepdf.PdfInlineImage) -> dict | None:
    try:
        return picture_fingerprint(inline.unparse(), inline.as_pil_image())
    except _PICTURE_ERRORS as error:
        raise DocumentNotCleanable(
            f"It contains a picture in a form the website cannot check. {SAVE_AS_PDF}"
        ) from error


def _image_fingerprint(image: pikepdf.Stream) -> dict | None:
    try:
        picture = pikepdf.PdfImage(image)
        raw = image.read_raw_bytes()
        if picture.filters == ["/DCTDecode"]:
            return picture_fingerprint(raw)  # a whole JPEG file, as uploaded
        return picture_fingerprint(raw, picture.as_pil_image())
    except _PICTURE_ERRORS as error:
        raise DocumentNotCleanable(
            f"It contains a picture in a form the website cannot check. {SAVE_AS_PDF}"
        ) from error


def pdf_clean(content: bytes) -> bytes:
    """The same PDF with no document information, XMP or comment authors."""
    with _open(content) as pdf:
        if "/Info" in pdf.trailer:
            del pdf.trailer["/Info"]
        for obj in _dictionaries(pdf):
            for key in METADATA_KEYS:
                if key in obj:
                    del obj[key]
        for annotation in _annotations(pdf):
            # A form field's /T is its name, which the form needs.
            is_field = annotation.get("/Subtype") == "/Widget"
            if ANNOTATION_AUTHOR in annotation and not is_field:
                del annotation[ANNOTATION_AUTHOR]
        output = BytesIO()
        # Fresh document IDs: the originals are derived from the first save.
        pdf.save(
            output,
            deterministic_id=True,
            fix_metadata_version=False,
            preserve_pdfa=False,
        )
    return output.getvalue()
