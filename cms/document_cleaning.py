"""Documents as they leave the server: no hidden properties, every picture seen.

A newsletter carries more than its pages (issue 20, class 2). A PDF keeps its
author, title, subject, keywords and any custom field in its document information
and its XMP packet; Word, PowerPoint, Excel and OpenDocument files keep the same in
their property parts. Each may hold a pupil's full name. A document may also carry
photos of pupils, which must answer the same questions as a photo uploaded alone.

So a document is read twice:

- on upload (``document_contents_read``): the words in its hidden properties (read
  by the full-name rule, so the editor is told), a fingerprint of every picture
  inside it (matched against withdrawn and tagged photos) and, when it cannot be
  cleaned, why not in plain words for staff;
- when its public copy is made (``document_clean``): the same file with every
  hidden property removed. The original stays private and unchanged.

Formats: PDF (``pdf_cleaning``, with pikepdf); Word, PowerPoint, Excel and
OpenDocument text (``office_cleaning``); plain text and CSV, which have no hidden
properties or pictures. Anything else, and a file the website cannot fully check
(password-protected, comments or tracked changes, files attached inside it), is
refused with a reason: it can be uploaded, never published.
"""

from __future__ import annotations

from . import office_cleaning, pdf_cleaning
from .document_contents import SAVE_AS_PDF, DocumentContents, DocumentNotCleanable

#: Formats with no hidden properties and no pictures: published as they are.
PLAIN_FORMATS = frozenset({"txt", "csv"})
#: More pictures than this in one document are not checked one by one: refused.
MOST_PICTURES = 500


def document_contents_read(content: bytes, *, extension: str) -> DocumentContents:
    """Read ``content``'s hidden properties and fingerprint its pictures.

    Never raises for a bad file: a file that cannot be read or cleaned gets a
    ``problem``, which the consent rules turn into a refusal with the reason.
    """
    reader = _handlers(extension.lower())[0]
    if reader is None:
        return DocumentContents()
    try:
        contents = reader(content)
    except DocumentNotCleanable as refusal:
        return DocumentContents(problem=refusal.reason)
    if len(contents.pictures) > MOST_PICTURES:
        contents.problem = (
            f"It contains more than {MOST_PICTURES} pictures, too many to check. "
            "Split it into smaller documents."
        )
    return contents


def document_clean(content: bytes, *, extension: str) -> bytes:
    """The public copy of a document: the same file with no hidden properties.

    Raises:
        DocumentNotCleanable: the file cannot be cleaned (the reason says why).
    """
    cleaner = _handlers(extension.lower())[1]
    return content if cleaner is None else cleaner(content)


def _handlers(extension: str):
    """(reader, cleaner) for a file extension; None, None for plain formats."""
    if extension in PLAIN_FORMATS:
        return None, None
    if extension == "pdf":
        return pdf_cleaning.pdf_contents_read, pdf_cleaning.pdf_clean
    if extension in office_cleaning.PACKAGE_FORMATS:
        return office_cleaning.package_contents_read, office_cleaning.package_clean
    return _refuse_format(extension), _refuse_format(extension)


def _refuse_format(extension: str):
    if extension == "rtf":
        reason = (
            "Rich text (.rtf) files keep their author's name in hidden fields the "
            f"website cannot remove. {SAVE_AS_PDF}"
        )
    else:
        reason = f"The website cannot check .{extension} files. {SAVE_AS_PDF}"

    def refuse(content: bytes):
        raise DocumentNotCleanable(reason)

    return refuse
