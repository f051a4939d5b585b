"""Real documents made in the test: PDFs with pikepdf, Office packages with zipfile.

``pdf_document`` writes a one-page PDF with the document information, XMP packet,
comments and pictures asked for; ``office_document`` a Word, PowerPoint, Excel or
OpenDocument package with author properties and pictures in its media folder. Each
opens in the programs that make them; neither needs reportlab or LibreOffice.
"""

from __future__ import annotations

import io
import zipfile

import pikepdf
from PIL import Image

XMP_TEMPLATE = (
    '<?xpacket begin="" id="W5M0MpCehiHzreSzNTczkc9d"?>'
    '<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF '
    'xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">'
    '<rdf:Description rdf:about="" xmlns:dc="http://purl.org/dc/elements/1.1/">'
    "<dc:creator><rdf:Seq><rdf:li>{}</rdf:li></rdf:Seq></dc:creator>"
    '</rdf:Description></rdf:RDF></x:xmpmeta><?xpacket end="w"?>'
)


def _picture_stream(pdf: pikepdf.Pdf, picture: bytes) -> pikepdf.Stream:
    """A picture as a PDF image: a JPEG is placed whole (as programs do), any other
    file as its pixels."""
    with Image.open(io.BytesIO(picture)) as image:
        size = image.size
        if image.format == "JPEG" and image.mode == "RGB":
            data, filters = picture, pikepdf.Name.DCTDecode
        else:
            data, filters = image.convert("RGB").tobytes(), None
    stream = pikepdf.Stream(pdf, data)
    stream.Type = pikepdf.Name.XObject
    stream.Subtype = pikepdf.Name.Image
    stream.Width, stream.Height = size
    stream.ColorSpace = pikepdf.Name.DeviceRGB
    stream.BitsPerComponent = 8
    if filters is not None:
        stream.Filter = filters
    return stream


def pdf_document(
    *,
    info: dict[str, str] | None = None,
    xmp_creator: str = "",
    comment_author: str = "",
    pictures: tuple[bytes, ...] = (),
    inline_picture: bytes = b"",
    text: str = "Class 3 newsletter",
) -> bytes:
    """A one-page PDF. ``info`` keys are document information keys without the
    slash ("Title", "Author", or a custom one such as "Pupil"); ``inline_picture``
    is drawn inside the page's own content (BI … ID … EI), not as an image object."""
    pdf = pikepdf.new()
    pdf.add_blank_page(page_size=(595, 842))
    page = pdf.pages[0]
    xobjects = pikepdf.Dictionary()
    drawing = [b"BT /F1 18 Tf 72 770 Td (" + text.encode("latin-1") + b") Tj ET"]
    for number, picture in enumerate(pictures):
        xobjects[f"/Im{number}"] = _picture_stream(pdf, picture)
        drawing.append(
            f"q 200 0 0 150 72 {550 - 170 * number} cm /Im{number} Do Q".encode()
        )
    if inline_picture:
        with Image.open(io.BytesIO(inline_picture)) as image:
            pixels = image.convert("RGB")
        drawing.append(
            f"q {pixels.width} 0 0 {pixels.height} 300 300 cm BI /W {pixels.width} "
            f"/H {pixels.height} /CS /RGB /BPC 8 ID ".encode()
            + pixels.tobytes()
            + b" EI Q"
        )
    font = pikepdf.Dictionary(
        Type=pikepdf.Name.Font, Subtype=pikepdf.Name.Type1, BaseFont="/Helvetica"
    )
    page.Resources = pikepdf.Dictionary(
        Font=pikepdf.Dictionary(F1=font), XObject=xobjects
    )
    page.Contents = pdf.make_stream(b"\n".join(drawing))
    if comment_author:
        page.Annots = pdf.make_indirect(
            pikepdf.Array(
                [
                    pikepdf.Dictionary(
                        Type=pikepdf.Name.Annot,
                        Subtype=pikepdf.Name.Text,
                        Rect=[72, 700, 92, 720],
                        T=comment_author,
                        Contents="Check the photo",
                    )
                ]
            )
        )
    if xmp_creator:
        pdf.Root.Metadata = pdf.make_stream(
            XMP_TEMPLATE.format(xmp_creator).encode(),
            Type=pikepdf.Name.Metadata,
            Subtype=pikepdf.Name.XML,
        )
    if info:
        pdf.trailer.Info = pdf.make_indirect(
            pikepdf.Dictionary({f"/{key}": value for key, value in info.items()})
        )
    output = io.BytesIO()
    pdf.save(output)
    return output.getvalue()


def pdf_hidden_words(content: bytes) -> str:
    """Everything a PDF keeps outside its pages, as one string (for assertions)."""
    with pikepdf.open(io.BytesIO(content)) as pdf:
        parts = [repr(dict(pdf.trailer.get("/Info", {})))]
        for obj in pdf.objects:
            if isinstance(obj, pikepdf.Dictionary | pikepdf.Stream):
                metadata = obj.get("/Metadata")
                if metadata is not None:
                    parts.append(metadata.read_bytes().decode("utf-8", "replace"))
                if obj.get("/Type") == "/Annot":
                    parts.append(str(obj.get("/T", "")))
    return "\n".join(parts)


def pdf_pictures(content: bytes) -> int:
    """How many pictures a PDF shows (the public copy keeps them all)."""
    with pikepdf.open(io.BytesIO(content)) as pdf:
        return sum(len(page.get_images()) for page in pdf.pages)


# --- Office packages --------------------------------------------------------------

CORE = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/'
    'metadata/core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/">'
    "<dc:title>{title}</dc:title><dc:creator>{author}</dc:creator>"
    "<cp:lastModifiedBy>{author}</cp:lastModifiedBy></cp:coreProperties>"
)
CUSTOM = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/'
    'custom-properties" xmlns:vt="http://schemas.openxmlformats.org/officeDocument/'
    '2006/docPropsVTypes"><property fmtid="{{D5CDD505-2E9C-101B-9397-08002B2CF9AE}}"'
    ' pid="2" name="Pupil"><vt:lpwstr>{pupil}</vt:lpwstr></property></Properties>'
)
META = (
    '<?xml version="1.0" encoding="UTF-8"?>\n'
    '<office:document-meta xmlns:office="urn:oasis:names:tc:opendocument:xmlns:'
    'office:1.0" xmlns:meta="urn:oasis:names:tc:opendocument:xmlns:meta:1.0" '
    'xmlns:dc="http://purl.org/dc/elements/1.1/" office:version="1.3"><office:meta>'
    "<dc:title>{title}</dc:title><meta:initial-creator>{author}</meta:initial-creator>"
    "<dc:creator>{author}</dc:creator></office:meta></office:document-meta>"
)
W = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
#: The main part and media folder of each kind of package.
BODY = {
    "docx": ("word/document.xml", f"<w:document {W}><w:body/></w:document>", "word"),
    "pptx": (
        "ppt/presentation.xml",
        '<p:presentation xmlns:p="http://schemas.openxmlformats.org/'
        'presentationml/2006/main"/>',
        "ppt",
    ),
    "xlsx": (
        "xl/workbook.xml",
        '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"/>',
        "xl",
    ),
}
TRACKED_CHANGE = (
    f'<w:document {W}><w:body><w:p><w:ins w:id="1" w:author="{{author}}">'
    "<w:r><w:t>Sports day</w:t></w:r></w:ins></w:p></w:body></w:document>"
)


def office_document(
    extension: str,
    *,
    author: str = "",
    title: str = "Newsletter",
    custom_pupil: str = "",
    pictures: tuple[bytes, ...] = (),
    tracked_change_by: str = "",
    comments: bool = False,
) -> bytes:
    """A Word/PowerPoint/Excel (.docx/.pptx/.xlsx) or OpenDocument (.odt) file."""
    output = io.BytesIO()
    with zipfile.ZipFile(output, "w", zipfile.ZIP_DEFLATED) as package:
        if extension == "odt":
            package.writestr(
                zipfile.ZipInfo("mimetype"), "application/vnd.oasis.opendocument.text"
            )
            package.writestr("meta.xml", META.format(title=title, author=author))
            package.writestr(
                "content.xml",
                '<office:document-content xmlns:office="urn:oasis:names:tc:'
                'opendocument:xmlns:office:1.0"/>',
            )
            folder = "Pictures"
        else:
            part, body, media = BODY[extension]
            package.writestr("[Content_Types].xml", "<Types/>")
            package.writestr(
                "docProps/core.xml", CORE.format(title=title, author=author)
            )
            if custom_pupil:
                package.writestr(
                    "docProps/custom.xml", CUSTOM.format(pupil=custom_pupil)
                )
            if tracked_change_by:
                body = TRACKED_CHANGE.format(author=tracked_change_by)
            package.writestr(part, body)
            if comments:
                package.writestr(f"{media}/comments.xml", f"<w:comments {W}/>")
            folder = f"{media}/media"
        for number, picture in enumerate(pictures, start=1):
            package.writestr(f"{folder}/image{number}.jpeg", picture)
    return output.getvalue()


def office_hidden_words(content: bytes) -> str:
    """Every property part of a package, as one string (for assertions)."""
    with zipfile.ZipFile(io.BytesIO(content)) as package:
        return "\n".join(
            package.read(name).decode()
            for name in package.namelist()
            if name.startswith("docProps/") or name == "meta.xml"
        )


def pdf_shows(content: bytes) -> str:
    """What the first page draws (its content stream): the letter is intact."""
    with pikepdf.open(io.BytesIO(content)) as pdf:
        return pdf.pages[0].Contents.read_bytes().decode("latin-1")


def pdf_with_attachment() -> bytes:
    """A letter with a photo attached inside it as a file (not shown on a page)."""
    with pikepdf.open(io.BytesIO(pdf_document())) as pdf:
        pdf.attachments["photo.jpg"] = pikepdf.AttachedFileSpec(pdf, b"a photo")
        output = io.BytesIO()
        pdf.save(output)
    return output.getvalue()


def pdf_with_password() -> bytes:
    """A letter that opens only with a password."""
    with pikepdf.open(io.BytesIO(pdf_document())) as pdf:
        output = io.BytesIO()
        pdf.save(output, encryption=pikepdf.Encryption(user="secret", owner="secret"))
    return output.getvalue()
