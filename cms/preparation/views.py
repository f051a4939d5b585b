"""The progress of one preparation, for the script that updates it without a refresh.

Admin-only (under ``/admin/``, so the two-factor gate stands in front of it) and
scoped to the schools the member of staff works at: another school's preparation is
not found. The review screen and the dashboard work without it (a plain refresh).
"""

from django.http import HttpRequest, JsonResponse

from schools.scoping import get_school_object_or_404

from .models import PagePreparation
from .selectors import preparation_progress


def preparation_progress_view(request: HttpRequest, preparation_id: int):
    """``{"status": "preparing" | "live" | "stopped", "text": "Preparing…"}``."""
    preparation = get_school_object_or_404(request, PagePreparation, pk=preparation_id)
    progress = preparation_progress(preparation=preparation)
    return JsonResponse({"status": progress.status, "text": progress.text})
