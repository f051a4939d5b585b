"""The "Withdraw everything" confirmation, listing what goes, then the withdrawal.

The learner's screen links here (a plain link and a plain form: no script needed).
GET shows the photos, documents, pages and social posts the withdrawal removes;
only the POST of this screen's own button withdraws. Safeguarding only (C1).
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.views.generic import TemplateView
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from moderation.models import Learner

from .services import consent_withdraw_all
from .withdrawal import withdrawal_preview


class WithdrawEverythingView(WagtailAdminTemplateMixin, TemplateView):
    template_name = "moderation/consent/withdraw_everything.html"
    header_icon = "group"
    page_subtitle = "Withdraw everything"

    def dispatch(self, request, *args, **kwargs):
        if not request.user.has_perm("moderation.add_consentrecord"):
            raise PermissionDenied
        self.learner = get_object_or_404(Learner, pk=kwargs["pk"])
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
