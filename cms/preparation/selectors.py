"""Where an approved page's preparation stands, in words staff read.

The review screen and the dashboard show the same sentence: "Preparing 50 photos…
12 ready", then "Live", or why it stopped. One query per preparation (counts by
kind and status), so a plain refresh shows the progress without any script; the
progress script (``cms/static/cms/js/preparation_progress.js``) asks
``preparation_progress`` for the same sentence. A page prepared with its translations
shows as one line: "Trip / Taith".
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import Count, Prefetch, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from .models import PagePreparation, PreparedMedium, PreparedTranslation

#: How long a finished preparation stays on the dashboard.
SHOWN_AFTER_FINISHING = datetime.timedelta(days=1)


@dataclass(frozen=True)
class PreparationProgress:
    preparation: PagePreparation
    photos: int
    documents: int
    ready: int

    @property
    def title(self) -> str:
        """The page's title, and its translations' that go live with it."""
        return " / ".join(
            [
                self.preparation.revision.object_str,
                *(
                    translation.revision.object_str
                    for translation in self.preparation.translations.all()
                ),
            ]
        )

    @property
    def status(self) -> str:
        return self.preparation.status

    @property
    def is_preparing(self) -> bool:
        return self.preparation.status == PagePreparation.Status.PREPARING

    @property
    def text(self) -> str:
        """ "Preparing 50 photos… 12 ready", "Live", or why it stopped."""
        if self.preparation.status == PagePreparation.Status.LIVE:
            return _("Live")
        if self.preparation.status == PagePreparation.Status.STOPPED:
            return _("Not published: %(problem)s") % {
                "problem": self.preparation.problem
            }
        parts = []
        if self.photos:
            parts.append(
                ngettext("%(count)d photo", "%(count)d photos", self.photos)
                % {"count": self.photos}
            )
        if self.documents:
            parts.append(
                ngettext("%(count)d document", "%(count)d documents", self.documents)
                % {"count": self.documents}
            )
        return _("Preparing %(what)s… %(ready)d ready") % {
            "what": _(" and ").join(parts),
            "ready": self.ready,
        }

    @property
    def edit_url(self) -> str:
        return reverse("wagtailadmin_pages:edit", args=(self.preparation.page_id,))

    @property
    def progress_url(self) -> str:
        """Where the progress script asks again (``cms.preparation.views``)."""
        return reverse("cms_preparation_progress", args=(self.preparation.pk,))


def _progress(preparations) -> list[PreparationProgress]:
    counted = (
        preparations.select_related("revision")
        .prefetch_related(
            Prefetch(
                "translations",
                queryset=PreparedTranslation.objects.select_related("revision"),
            )
        )
        .annotate(
            photos=Count("media", filter=Q(media__kind=PreparedMedium.Kind.IMAGE)),
            documents=Count(
                "media", filter=Q(media__kind=PreparedMedium.Kind.DOCUMENT)
            ),
            ready=Count("media", filter=Q(media__status=PreparedMedium.Status.READY)),
        )
    )
    return [
        PreparationProgress(
            preparation=preparation,
            photos=preparation.photos,
            documents=preparation.documents,
            ready=preparation.ready,
        )
        for preparation in counted
    ]


def preparation_of_revision(*, revision_id: int) -> PreparationProgress | None:
    """The latest preparation of one approved revision (review screen), or None."""
    found = _progress(PagePreparation.objects.filter(revision_id=revision_id)[:1])
    return found[0] if found else None


def preparation_in_progress(*, page_id: int) -> PreparationProgress | None:
    """The page's preparation under way (its own or its translation's), or None."""
    found = _progress(PagePreparation.objects.preparing().of_pages([page_id])[:1])
    return found[0] if found else None


def preparation_progress(*, preparation: PagePreparation) -> PreparationProgress:
    """Where one preparation stands (the progress script asks for this)."""
    return _progress(PagePreparation.objects.filter(pk=preparation.pk))[0]


def preparations_for_dashboard(*, user, site) -> list[PreparationProgress]:
    """``user``'s approved pages at ``site`` being prepared, or finished lately.

    The approver's and the authors' (who wrote the approved version of the page or
    of a translation going live with it).
    """
    since = timezone.now() - SHOWN_AFTER_FINISHING
    translated = PreparedTranslation.objects.filter(revision__user=user)
    return _progress(
        PagePreparation.objects.filter(site=site)
        .filter(
            Q(approved_by=user)
            | Q(revision__user=user)
            | Q(pk__in=translated.values("preparation_id"))
        )
        .filter(Q(status=PagePreparation.Status.PREPARING) | Q(finished_at__gte=since))[
            :20
        ]
    )
