"""Admin views of takedown requests (I4).

Anyone on the staff can record a request (the office usually takes it). Approvers,
senior leadership and the DSL see the list; an approver acts on a request with one
action, which needs a fresh code.
"""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.views import View
from django.views.generic import FormView, TemplateView
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.admin.widgets.button import HeaderButton
from wagtail.log_actions import log

from moderation.models import TakedownRequest
from schools.current import school_for_request
from schools.scoping import for_school

from . import access, audit
from .forms import TakedownActionForm, TakedownRequestForm
from .services import IncidentRefused
from .step_up import ask_for_code, fresh_code_verified_at
from .takedown import takedown_carry_out, takedown_decline, takedown_request_record
from .views import refuse

TEMPLATES = "moderation/incidents"


def _can_record_consent(user) -> bool:
    return user.has_perm("moderation.add_consentrecord")


class TakedownIndexView(WagtailAdminTemplateMixin, TemplateView):
    template_name = f"{TEMPLATES}/takedown_index.html"
    page_title = "Takedown requests"
    header_icon = "bin"

    @property
    def header_buttons(self):
        return [
            HeaderButton(
                "Record a takedown request",
                url=reverse("takedowns:add"),
                icon_name="plus",
            )
        ]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        requests = for_school(
            TakedownRequest.objects.select_related("incident", "page", "image"),
            self.request,
            school_field="incident__site",
        )
        site = school_for_request(self.request)
        if not access.can_view_takedowns(user, site.pk if site else 0):
            requests = requests.filter(incident__reported_by=user)
        context["takedowns"] = requests[:500]
        return context


class TakedownCreateView(WagtailAdminTemplateMixin, FormView):
    template_name = f"{TEMPLATES}/takedown_add.html"
    form_class = TakedownRequestForm
    page_title = "Record a takedown request"
    header_icon = "bin"

    def get_initial(self):
        return {"received_at": timezone.localtime().replace(second=0, microsecond=0)}

    def get_form(self, form_class=None):
        form = super().get_form(form_class)
        if not self.request.user.has_perm("moderation.view_learner"):
            # Only those who may read the consent register choose a learner by name.
            del form.fields["learner"]
        return form

    def form_invalid(self, form):
        response = super().form_invalid(form)
        response.status_code = 400
        return response

    def form_valid(self, form):
        data = form.cleaned_data
        try:
            takedown = takedown_request_record(
                site=school_for_request(self.request),
                reported_by=self.request.user,
                requester=data["requester"],
                requester_name=data["requester_name"],
                received_at=data["received_at"],
                what_they_asked=data["what_they_asked"],
                url=data["url"],
                page=data.get("page"),
                image=data.get("image"),
                social_post_url=data.get("social_post_url", ""),
                shows_learner=data.get("shows_learner", False),
                learner=data.get("learner"),
            )
        except IncidentRefused as refusal:
            form.add_error(None, str(refusal))
            return self.form_invalid(form)
        messages.success(
            self.request,
            f"Takedown request recorded ({takedown.incident}); the approvers and "
            "senior leadership can now act on it.",
        )
        if access.can_view_takedowns(self.request.user, takedown.incident.site_id):
            return redirect("takedowns:detail", takedown.pk)
        return redirect("takedowns:index")


class TakedownDetailView(WagtailAdminTemplateMixin, View):
    """The request and the one action: take it down (fresh code) or decline."""

    template_name = f"{TEMPLATES}/takedown_detail.html"
    header_icon = "bin"

    def dispatch(self, request, *args, pk: int, **kwargs):
        self.takedown = get_object_or_404(
            TakedownRequest.objects.select_related(
                "incident", "page", "image", "learner"
            ),
            pk=pk,
        )
        user = request.user
        site_id = self.takedown.incident.site_id
        if not (
            access.can_view_takedowns(user, site_id)
            or self.takedown.incident.reported_by_id == user.pk
        ):
            return refuse(
                request, self.takedown.incident, what="open a takedown request"
            )
        return super().dispatch(request, *args, **kwargs)

    def get_page_title(self):
        return f"Takedown request {self.takedown.pk}"

    def get(self, request, *args, **kwargs):
        log(
            instance=self.takedown.incident,
            action=audit.VIEWED,
            user=request.user,
            data={"takedown": self.takedown.pk},
        )
        return self.render(form=TakedownActionForm())

    def post(self, request, *args, **kwargs):
        if not access.can_act_on_takedowns(
            request.user, self.takedown.incident.site_id
        ):
            return refuse(
                request, self.takedown.incident, what="act on a takedown request"
            )
        form = TakedownActionForm(request.POST)
        if not form.is_valid():
            return self.render(form=form, status=400)
        told = form.cleaned_data["told"]
        try:
            if request.POST.get("action") == "decline":
                takedown_decline(takedown=self.takedown, by=request.user, told=told)
                messages.success(request, "Recorded: not taken down.")
                return redirect("takedowns:detail", self.takedown.pk)
            verified_at = fresh_code_verified_at(request)
            if verified_at is None:
                return ask_for_code(request, why="to take this down")
            uses = form.cleaned_data["withdraw_consent"]
            if uses and not _can_record_consent(request.user):
                uses = []
                messages.warning(
                    request,
                    "Only the consent officer can record a consent decision; they "
                    "have the request's details.",
                )
            result = takedown_carry_out(
                takedown=self.takedown,
                by=request.user,
                step_up_verified_at=verified_at,
                told=told,
                withdraw_consent_uses=uses,
            )
        except IncidentRefused as refusal:
            messages.error(request, str(refusal))
            return redirect("takedowns:detail", self.takedown.pk)
        done = "Taken down from the website"
        done += f"; {result.posts} social post(s) are being deleted from the networks."
        messages.success(request, done)
        for url in result.unknown_urls:
            messages.warning(
                request,
                f"No post made by the school was found at {url}: if it is still "
                "there, report or remove it on the network by hand.",
            )
        return redirect("takedowns:detail", self.takedown.pk)

    def render(self, *, form, status: int = 200):
        user = self.request.user
        context = {
            **self.get_context_data(),
            "takedown": self.takedown,
            "form": form,
            "can_act": access.can_act_on_takedowns(user, self.takedown.incident.site_id)
            and not self.takedown.is_done,
            "can_record_consent": _can_record_consent(user),
            "can_view_incident": access.can_view_incident(user, self.takedown.incident),
            "page_live": bool(self.takedown.page and self.takedown.page.live),
        }
        return TemplateResponse(
            self.request, self.template_name, context, status=status
        )
