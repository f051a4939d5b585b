"""The one way to a public copy kept in an S3 bucket: checked on every request.

On disk, nginx serves the public copies folder itself and a removed copy is gone at
once. A bucket can be unreachable at the moment a copy must go (a consent withdrawal
during an S3 outage); its deletion is then retried (``cms.media_removals``), and
meanwhile the copy must not be served. So with ``MEDIA_STORAGE=s3`` nobody is given a
bucket address: ``PUBLIC_MEDIA_URL`` is answered here, and only for a name that a
picture or document records as its public copy and whose consent clears it today.
Then nginx fetches it from the bucket (``X-Accel-Redirect`` to its internal location,
``PUBLIC_MEDIA_ACCEL_REDIRECT``), or, without nginx, this view streams it.
"""

from __future__ import annotations

import mimetypes
import re

from django.conf import settings
from django.core.files.storage import storages
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.views.decorators.http import require_safe
from wagtail.documents import get_document_model
from wagtail.images import get_image_model

#: The shape of a public copy's name (``public_media.random_file_name``).
COPY_NAME = re.compile(r"^(images|documents)/[A-Za-z0-9_-]{20,64}\.[a-z0-9]{1,5}$")
#: As nginx sends public copies from disk (deploy/nginx.conf).
CACHE_CONTROL = "public, max-age=0, s-maxage=1, must-revalidate"


def is_current_public_copy(name: str) -> bool:
    """Whether ``name`` is a public copy that a medium shows today."""
    if not COPY_NAME.match(name):
        return False
    model = get_image_model() if name.startswith("images/") else get_document_model()
    quoted = f'"{name}"'
    for item in model.objects.filter(public_files__icontains=quoted):
        names = {copy["name"] for copy in item.public_files.get("files", {}).values()}
        if name in names and item.is_publishable_now:
            return True
    return False


@require_safe
def public_copy(request: HttpRequest, name: str) -> HttpResponse:
    """Serve a current public copy, or answer 404 (never a bucket's address)."""
    if not is_current_public_copy(name):
        raise Http404("No such picture or document")
    accel = settings.PUBLIC_MEDIA_ACCEL_REDIRECT
    if accel:
        response = HttpResponse()
        response["X-Accel-Redirect"] = accel.rstrip("/") + "/" + name
        # nginx takes the type and validators from the bucket's answer.
        del response["Content-Type"]
    else:
        try:
            handle = storages["public_media"].open(name, "rb")
        except FileNotFoundError as missing:
            raise Http404("No such picture or document") from missing
        response = FileResponse(
            handle,
            content_type=mimetypes.guess_type(name)[0] or "application/octet-stream",
        )
    response["Cache-Control"] = CACHE_CONTROL
    response["X-Content-Type-Options"] = "nosniff"
    return response
