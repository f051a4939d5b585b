"""The "Withdraw everything" confirmation, listing what goes, then the withdrawal.

The learner's screen links here (a plain link and a plain form: no script needed).
GET shows the photos, documents, pages and social posts the withdrawal removes;
only the POST of this screen's own button withdraws. Safeguarding only (C1).
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.shortcuts import redirect
from django.urls import reverse
from django.views.generic import TemplateView
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from moderation.models import Learner
from schools.scoping import get_school_object_or_404

from .services import consent_withdraw_all
from .withdrawal import withdrawal_preview


class WithdrawEverythingView(WagtailAdminTemplateMixin, TemplateView):
    template_name = "moderation/consent/withdraw_everything.html"
    header_icon = "group"
    page_subtitle = "Withdraw everything"

    def dispatch(self, request, *args, **kwargs):
        if not request.user.has_perm("moderation.add_consentrecord"):
            raise PermissionDenied
        self.learner = get_school_object_or_404(request, Learner, pk=kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)

    def get_page_title(self):
        return self.learner.full_name

    def get_breadcrumbs_items(self):
        return [
            {"url": reverse("learners:index"), "label": "Consent register"},
            {"url": self._learner_url(), "label": self.learner.full_name},
            {"url": "", "label": "Withdraw everything"},
        ]

    def _learner_url(self) -> str:
        return reverse("learners:record_consent", args=[self.learner.pk])

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["learner"] = self.learner
        context["preview"] = withdrawal_preview(learner=self.learner)
        context["cancel_url"] = self._learner_url()
        return context

    def post(self, request, *args, **kwargs):
        user = request.user
        consent_withdraw_all(
            learner=self.learner,
            recorded_by=user.get_full_name() or user.get_username(),
            user=user,
        )
        messages.success(
            request,
            f"All consent for {self.learner.full_name} is withdrawn. Their photos "
            "have been taken off the website, and their social media posts are "
            "being deleted.",
        )
        return redirect(self._learner_url())


class WithdrawFindView(WagtailAdminTemplateMixin, TemplateView):
    """The dashboard's "Withdraw consent for": the learners whose name matches.

    Each match offers "withdraw everything" (the confirmation above) or their
    consent screen, where one use at a time can be withdrawn.
    """

    template_name = "moderation/consent/withdraw_find.html"
    header_icon = "group"
    page_title = "Withdraw consent"
    MAX_MATCHES = 50

    def dispatch(self, request, *args, **kwargs):
        if not request.user.has_perm("moderation.add_consentrecord"):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        query = self.request.GET.get("q", "").strip()[:200]
        matches = learners_matching(query)[: self.MAX_MATCHES] if query else []
        context["query"] = query
        context["matches"] = [
            {
                "learner": learner,
                "withdraw_url": reverse(
                    "learners:withdraw_everything", args=[learner.pk]
                ),
                "screen_url": reverse("learners:record_consent", args=[learner.pk]),
            }
            for learner in matches
        ]
        return context


def learners_matching(query: str):
    """Learners every word of ``query`` matches (a name, the known-as name, MIS id)."""
    learners = Learner.objects.order_by("last_name", "first_name")
    for word in query.split():
        learners = learners.filter(
            Q(first_name__icontains=word)
            | Q(known_as__icontains=word)
            | Q(last_name__icontains=word)
            | Q(external_id__iexact=word)
        )
    return learners
