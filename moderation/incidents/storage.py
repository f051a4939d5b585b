"""Private storage for incident evidence: on disk, outside MEDIA_ROOT, with no URL.

Evidence can show harassment of staff or worse; it must never be reachable by a link,
however the web server is set up (I1). This storage refuses to make a URL at all, so
no template, API serializer or admin widget can accidentally publish one; files are
read only by the admin's evidence view after a fresh second-factor code.
"""

from django.core.files.storage import FileSystemStorage


class PrivateEvidenceStorage(FileSystemStorage):
    """A FileSystemStorage whose files have no public address."""

    def __init__(self, **kwargs):
        kwargs["base_url"] = None
        super().__init__(**kwargs)

    def url(self, name):
        raise ValueError("Incident evidence has no public address.")
