"""Word, PowerPoint, Excel and OpenDocument files: properties removed, pictures seen.

These formats are zip packages of XML parts (Office Open XML, OpenDocument), so the
standard library's ``zipfile`` reads and rewrites them and lxml (with entities and
network access turned off) reads the XML; nothing here parses a format by hand.

- Hidden properties live in their own parts: ``docProps/core.xml`` (author, last
  modified by, title, subject, keywords, description), ``docProps/app.xml``
  (company, manager), ``docProps/custom.xml`` (any field a program or a person
  added) and OpenDocument's ``meta.xml``. Every word in them is read; the public
  copy has each part replaced by an empty one of the same kind, so the file still
  opens. Each part's date and time in the package are reset as well.
- Pictures are the parts under ``media/`` (Office), ``Pictures/`` (OpenDocument)
  and the saved thumbnail of the first page.

Refused, with the reason, because the website cannot remove them without changing
what the document says: comments and tracked changes (each carries its author's
name), other files embedded inside (a spreadsheet in a letter, a video), pictures
in a form Pillow cannot read (drawings such as EMF), and a package that is not a
readable zip or unpacks to more than ``LARGEST_UNPACKED`` bytes.
"""

from __future__ import annotations

import re
import zipfile
import zlib
from io import BytesIO

from lxml import etree

from .document_contents import (
    SAVE_AS_PDF,
    DocumentContents,
    DocumentNotCleanable,
    picture_fingerprint,
)

PACKAGE_FORMATS = frozenset({"docx", "pptx", "xlsx", "odt", "ods", "odp"})
#: A package unpacking to more than this is refused (a "zip bomb" or a film).
LARGEST_UNPACKED = 200 * 1024 * 1024

#: Property parts and the empty part that replaces each in the public copy.
EMPTY_PROPERTIES = {
    "docProps/core.xml": (
        b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        b'<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/'
        b'2006/metadata/core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/"'
        b' xmlns:dcterms="http://purl.org/dc/terms/"/>'
    ),
    "docProps/app.xml": (
        b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        b'<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/'
        b'extended-properties"/>'
    ),
    "docProps/custom.xml": (
        b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        b'<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/'
        b'custom-properties"/>'
    ),
    "meta.xml": (
        b'<?xml version="1.0" encoding="UTF-8"?>\n'
        b'<office:document-meta xmlns:office="urn:oasis:names:tc:opendocument:'
        b'xmlns:office:1.0" office:version="1.2"><office:meta/>'
        b"</office:document-meta>"
    ),
}
#: Parts that hold comments and the people who wrote them.
COMMENT_PARTS = re.compile(
    r"(^|/)(comments[^/]*|people|persons?|commentAuthors|threadedComments?[^/]*)"
    r"(/|\.xml$)",
    re.IGNORECASE,
)
#: Other files embedded inside (Office: embeddings/; OpenDocument: "Object 1/").
EMBEDDED_PARTS = re.compile(r"(^|/)(embeddings/|Object \d+/|ObjectReplacements/)")
PICTURE_PARTS = re.compile(r"(^|/)(media|Pictures|Thumbnails)/|^docProps/thumbnail\.")
#: XML that names a person outside the property parts: the author of a tracked
#: change (Word's w:author), of an OpenDocument change or comment (dc:creator).
_AUTHOR_ATTRIBUTE = "author"
_DC_CREATOR = "{http://purl.org/dc/elements/1.1/}creator"

_SAFE_XML = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)

DAMAGED = (
    "It could not be opened: it may be damaged or protected by a password. "
    + SAVE_AS_PDF
)
#: What reading a damaged or unusual zip entry raises (bad CRC, bad deflate data,
#: a compression method or zip version Python does not read, an encrypted entry).
_ZIP_READ_ERRORS = (
    zipfile.BadZipFile,
    zlib.error,
    NotImplementedError,
    RuntimeError,
    EOFError,
    OSError,
    ValueError,
)

COMMENTS_REFUSED = (
    "It has comments or tracked changes, which show the names of the people who "
    "made them. Accept or reject every change, delete the comments, save it and "
    "upload it again (or save it as a PDF)."
)


def _open(content: bytes) -> zipfile.ZipFile:
    try:
        package = zipfile.ZipFile(BytesIO(content))
        infos = package.infolist()
    except _ZIP_READ_ERRORS as error:
        raise DocumentNotCleanable(DAMAGED) from error
    if sum(info.file_size for info in infos) > LARGEST_UNPACKED:
        raise DocumentNotCleanable(
            f"It is too large once unpacked for the website to check. {SAVE_AS_PDF}"
        )
    return package


def _read(package: zipfile.ZipFile, info: zipfile.ZipInfo) -> bytes:
    try:
        return package.read(info)
    except _ZIP_READ_ERRORS as error:
        raise DocumentNotCleanable(DAMAGED) from error


def _xml(data: bytes, name: str):
    try:
        return etree.fromstring(data, _SAFE_XML)
    except etree.XMLSyntaxError as error:
        raise DocumentNotCleanable(
            f"Part of it ({name}) could not be read: it may be damaged. {SAVE_AS_PDF}"
        ) from error


def _names_a_person(root) -> bool:
    for element in root.iter():
        if element.tag == _DC_CREATOR:
            return True
        if any(
            etree.QName(key).localname == _AUTHOR_ATTRIBUTE for key in element.attrib
        ):
            return True
    return False


def _check_refusals(package: zipfile.ZipFile) -> None:
    for info in package.infolist():
        name = info.filename
        if COMMENT_PARTS.search(name):
            raise DocumentNotCleanable(COMMENTS_REFUSED)
        if EMBEDDED_PARTS.search(name):
            raise DocumentNotCleanable(
                "It has another file embedded inside it (such as a spreadsheet, "
                f"chart object or video), which the website cannot check. {SAVE_AS_PDF}"
            )
        if (
            name.endswith(".xml")
            and name not in EMPTY_PROPERTIES
            and _names_a_person(_xml(_read(package, info), name))
        ):
            raise DocumentNotCleanable(COMMENTS_REFUSED)


def package_contents_read(content: bytes) -> DocumentContents:
    """The property words and picture fingerprints of an Office or ODF file."""
    contents = DocumentContents()
    with _open(content) as package:
        _check_refusals(package)
        for info in package.infolist():
            name = info.filename
            if name in EMPTY_PROPERTIES:
                root = _xml(_read(package, info), name)
                contents.hidden_properties.extend(
                    text.strip() for text in root.itertext() if text.strip()
                )
                contents.hidden_properties.extend(
                    value
                    for element in root.iter()
                    for value in element.attrib.values()
                    if value.strip()
                )
            elif PICTURE_PARTS.search(name) and not name.endswith("/"):
                fingerprint = picture_fingerprint(_read(package, info))
                if fingerprint is not None:
                    contents.pictures.append(fingerprint)
    return contents


def package_clean(content: bytes) -> bytes:
    """The same package with every property part emptied and no timestamps."""
    output = BytesIO()
    with _open(content) as package, zipfile.ZipFile(output, "w") as cleaned:
        _check_refusals(package)
        for info in package.infolist():
            data = EMPTY_PROPERTIES.get(info.filename) or _read(package, info)
            # A fresh entry: the original's date, comment and extra fields (which
            # can hold file owners' ids) stay behind. OpenDocument's "mimetype"
            # stays first and uncompressed, as the format requires.
            entry = zipfile.ZipInfo(info.filename)
            entry.compress_type = (
                zipfile.ZIP_STORED
                if info.compress_type == zipfile.ZIP_STORED
                else zipfile.ZIP_DEFLATED
            )
            cleaned.writestr(entry, data)
    return output.getvalue()
