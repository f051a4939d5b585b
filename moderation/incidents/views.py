"""Admin views of the incident register (I1, I2; issue parts 1-4).

Who sees what is decided in ``access``; every view of an incident, every evidence
file opened, every export and every change goes into Wagtail's audit log, and a
refused attempt to open one is logged too. Evidence is opened and exported only with a
fresh second-factor code.
"""

from __future__ import annotations

import logging

from django.contrib import messages
from django.contrib.contenttypes.models import ContentType
from django.http import FileResponse, Http404, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.views import View
from django.views.generic import FormView, TemplateView
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.admin.widgets.button import HeaderButton
from wagtail.log_actions import log
from wagtail.models import ModelLogEntry

from moderation.models import EvidenceItem, Incident
from schools.current import school_for_request

from . import access, audit, services
from .evidence import EvidenceRefused
from .export import evidence_export_stream, export_filename
from .forms import (
    INDECENT_IMAGES_WARNING,
    AssignForm,
    CloseForm,
    EvidenceForm,
    IncidentReportForm,
    LegalHoldForm,
    NoteForm,
    ReferralForm,
)
from .step_up import ask_for_code, fresh_code_verified_at

logger = logging.getLogger(__name__)
TEMPLATES = "moderation/incidents"


def refuse(request, incident: Incident, *, what: str) -> TemplateResponse:
    """Refuse, and log who tried: an attempt to read an incident is itself a fact."""
    log(
        instance=incident,
        action=audit.ACCESS_REFUSED,
        user=request.user,
        data={"tried": what},
    )
    logger.warning(
        "Incident %s: access refused to user %s (%s)",
        incident.pk,
        request.user.pk,
        what,
        extra={"event": "incidents.access_refused", "incident": incident.pk},
    )
    return TemplateResponse(
        request,
        f"{TEMPLATES}/refused.html",
        {"page_title": "Not yours to open", "header_icon": "warning"},
        status=403,
    )


class IncidentMixin(WagtailAdminTemplateMixin):
    """Loads the incident named in the URL; subclasses say who may use the view."""

    header_icon = "warning"
    what = "open the incident"

    def allowed(self, incident: Incident) -> bool:
        return access.can_view_incident(self.request.user, incident)

    def dispatch(self, request, *args, **kwargs):
        self.incident = get_object_or_404(Incident, pk=kwargs["pk"])
        if not self.allowed(self.incident):
            return refuse(request, self.incident, what=self.what)
        return super().dispatch(request, *args, **kwargs)

    def get_page_title(self):
        return f"{self.incident}: {self.incident.get_category_display()}"

    def get_breadcrumbs_items(self):
        return [
            *super().get_breadcrumbs_items(),
            {"url": reverse("incidents:index"), "label": "Incidents"},
            {
                "url": reverse("incidents:detail", args=[self.incident.pk]),
                "label": str(self.incident),
            },
        ]


class IncidentIndexView(WagtailAdminTemplateMixin, TemplateView):
    template_name = f"{TEMPLATES}/index.html"
    page_title = "Incidents"
    header_icon = "warning"

    @property
    def header_buttons(self):
        return [
            HeaderButton(
                "Report an incident", url=reverse("incidents:add"), icon_name="plus"
            ),
            HeaderButton(
                "Takedown requests", url=reverse("takedowns:index"), icon_name="bin"
            ),
        ]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        show = self.request.GET.get("show", "open")
        if show not in ("open", "closed", "all"):
            show = "open"
        incidents = access.incidents_visible_to(self.request.user).select_related(
            "owner"
        )
        if show == "open":
            incidents = incidents.open()
        elif show == "closed":
            incidents = incidents.filter(status=Incident.Status.CLOSED)
        now = timezone.now()
        context.update(
            incidents=[(i, i.is_overdue(now)) for i in incidents[:500]],
            show=show,
            is_reader=access.is_incident_reader(self.request.user),
        )
        return context


class IncidentReportView(WagtailAdminTemplateMixin, FormView):
    template_name = f"{TEMPLATES}/report.html"
    form_class = IncidentReportForm
    page_title = "Report an incident"
    header_icon = "warning"

    def get_initial(self):
        return {"occurred_at": timezone.localtime().replace(second=0, microsecond=0)}

    def get_context_data(self, **kwargs):
        return super().get_context_data(warning=INDECENT_IMAGES_WARNING, **kwargs)

    def form_valid(self, form):
        incident = services.incident_report(
            reported_by=self.request.user,
            site=school_for_request(self.request),
            **form.cleaned_data,
        )
        if access.can_view_incident(self.request.user, incident):
            messages.success(
                self.request,
                f"{incident} is recorded. Add screenshots as evidence below.",
            )
            return redirect("incidents:detail", incident.pk)
        messages.success(
            self.request,
            f"{incident} is recorded and the designated safeguarding lead has been "
            "told. Only they and the headteacher can open it.",
        )
        return redirect("incidents:index")


class IncidentDetailView(IncidentMixin, View):
    """The record, its timeline and evidence; POST ``action=...`` changes it."""

    template_name = f"{TEMPLATES}/detail.html"

    def get(self, request, *args, **kwargs):
        log(instance=self.incident, action=audit.VIEWED, user=request.user)
        return self.render()

    def post(self, request, *args, **kwargs):
        action = request.POST.get("action", "")
        handler = {
            "assign": self.assign,
            "take_on": self.take_on,
            "escalate": self.escalate,
            "refer": self.refer,
            "note": self.note,
            "close": self.close,
            "hold": self.hold,
            "release": self.release,
        }.get(action)
        if handler is None:
            messages.error(request, "Choose one of the actions on the page.")
            return redirect("incidents:detail", self.incident.pk)
        manager = access.can_manage_incident(request.user, self.incident)
        worker = access.can_work_on_incident(request.user, self.incident)
        allowed = (
            manager
            if action in ("assign", "escalate", "close", "hold", "release")
            else worker
        )
        if not allowed:
            return refuse(
                request, self.incident, what=f"change the incident ({action})"
            )
        try:
            return handler()
        except services.IncidentRefused as refusal:
            messages.error(request, str(refusal))
            return redirect("incidents:detail", self.incident.pk)

    def _form_or_page(self, form, do, done: str, name: str):
        if not form.is_valid():
            return self.render(status=400, **{name: form})
        do(form.cleaned_data)
        messages.success(self.request, done)
        return redirect("incidents:detail", self.incident.pk)

    def assign(self):
        form = AssignForm(self.request.POST, incident=self.incident)
        return self._form_or_page(
            form,
            lambda data: services.incident_assign(
                incident=self.incident, owner=data["owner"], by=self.request.user
            ),
            "Assigned; they have been emailed.",
            "assign_form",
        )

    def take_on(self):
        services.incident_take_on(incident=self.incident, by=self.request.user)
        messages.success(self.request, "Marked as in hand.")
        return redirect("incidents:detail", self.incident.pk)

    def escalate(self):
        services.incident_escalate(
            incident=self.incident,
            by=self.request.user,
            note=self.request.POST.get("note", "").strip(),
        )
        messages.success(self.request, "Escalated; they have been emailed.")
        return redirect("incidents:detail", self.incident.pk)

    def refer(self):
        form = ReferralForm(self.request.POST)
        return self._form_or_page(
            form,
            lambda data: services.incident_refer(
                incident=self.incident, by=self.request.user, **data
            ),
            "Referral recorded.",
            "referral_form",
        )

    def note(self):
        form = NoteForm(self.request.POST)
        return self._form_or_page(
            form,
            lambda data: services.incident_note(
                incident=self.incident, text=data["text"], by=self.request.user
            ),
            "Note added to the timeline.",
            "note_form",
        )

    def close(self):
        form = CloseForm(self.request.POST)
        return self._form_or_page(
            form,
            lambda data: services.incident_close(
                incident=self.incident, by=self.request.user, note=data["note"]
            ),
            "Incident closed.",
            "close_form",
        )

    def hold(self):
        form = LegalHoldForm(self.request.POST)
        return self._form_or_page(
            form,
            lambda data: services.incident_legal_hold(
                incident=self.incident,
                hold=True,
                by=self.request.user,
                reason=data["reason"],
            ),
            "On legal hold: it will not be deleted until the hold is lifted.",
            "hold_form",
        )

    def release(self):
        services.incident_legal_hold(
            incident=self.incident, hold=False, by=self.request.user
        )
        messages.success(self.request, "Legal hold lifted.")
        return redirect("incidents:detail", self.incident.pk)

    def render(self, *, status: int = 200, **forms):
        user = self.request.user
        incident = self.incident
        context = {
            **self.get_context_data(),
            "incident": incident,
            "events": incident.events.select_related("by"),
            "evidence": incident.evidence.select_related("uploaded_by"),
            "referrals": incident.referrals.all(),
            "takedown": getattr(incident, "takedown", None),
            "overdue": incident.is_overdue(),
            "can_manage": access.can_manage_incident(user, incident),
            "can_work": access.can_work_on_incident(user, incident),
            "can_add_evidence": access.can_add_evidence(user, incident),
            "assign_form": forms.get("assign_form") or AssignForm(incident=incident),
            "referral_form": forms.get("referral_form")
            or ReferralForm(initial={"referred_on": timezone.localdate()}),
            "note_form": forms.get("note_form") or NoteForm(),
            "close_form": forms.get("close_form") or CloseForm(),
            "hold_form": forms.get("hold_form") or LegalHoldForm(),
            "access_log": _access_log(incident)
            if access.can_manage_incident(user, incident)
            else [],
        }
        return TemplateResponse(
            self.request, self.template_name, context, status=status
        )


def _access_log(incident: Incident) -> list[ModelLogEntry]:
    """Who opened, exported or tried to open this incident: the audit log's entries."""
    return list(
        ModelLogEntry.objects.filter(
            content_type=ContentType.objects.get_for_model(Incident),
            object_id=str(incident.pk),
            action__in=[
                audit.VIEWED,
                audit.ACCESS_REFUSED,
                audit.EVIDENCE_OPENED,
                audit.EXPORT_STARTED,
            ],
        )
        .select_related("user")
        .order_by("-timestamp")[:200]
    )


class EvidenceAddView(IncidentMixin, FormView):
    template_name = f"{TEMPLATES}/evidence_add.html"
    form_class = EvidenceForm
    what = "add evidence"

    def allowed(self, incident):
        return access.can_add_evidence(self.request.user, incident)

    def get_page_title(self):
        return f"Add evidence to {self.incident}"

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "incident": self.incident}

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            incident=self.incident, warning=INDECENT_IMAGES_WARNING, **kwargs
        )

    def form_invalid(self, form):
        response = super().form_invalid(form)
        response.status_code = 400
        return response

    def form_valid(self, form):
        data = form.cleaned_data
        try:
            item = services.evidence_add(
                incident=self.incident,
                upload=data["file"],
                description=data["description"],
                by=self.request.user,
                confirmed_no_indecent_images=data["no_indecent_images"],
                corrects=data["corrects"],
            )
        except (EvidenceRefused, services.IncidentRefused) as refusal:
            form.add_error("file", str(refusal))
            return self.form_invalid(form)
        messages.success(
            self.request, f"Evidence kept: {item.original_name}, SHA-256 {item.sha256}."
        )
        return redirect("incidents:detail", self.incident.pk)


class EvidenceOpenView(IncidentMixin, View):
    """Download one evidence file: access rules, a fresh code, and a log entry."""

    what = "open evidence"

    def get(self, request, *args, evidence_id: int, **kwargs):
        item = get_object_or_404(EvidenceItem, pk=evidence_id, incident=self.incident)
        if fresh_code_verified_at(request) is None:
            return ask_for_code(request, why="to open evidence")
        if not item.file.storage.exists(item.file.name):
            raise Http404("The evidence file is missing from storage.")
        log(
            instance=self.incident,
            action=audit.EVIDENCE_OPENED,
            user=request.user,
            data={"evidence": item.pk, "sha256": item.sha256},
        )
        response = FileResponse(
            item.file.storage.open(item.file.name, "rb"),
            as_attachment=True,
            filename=item.original_name,
        )
        response["Cache-Control"] = "private, no-store"
        response["X-Content-Type-Options"] = "nosniff"
        return response


class ExportView(IncidentMixin, View):
    """POST: stream the evidence zip (fresh code needed); the export is logged."""

    what = "export evidence"

    def post(self, request, *args, **kwargs):
        if fresh_code_verified_at(request) is None:
            return ask_for_code(request, why="to export the evidence")
        response = StreamingHttpResponse(
            evidence_export_stream(incident=self.incident, by=request.user),
            content_type="application/zip",
        )
        response["Content-Disposition"] = (
            f'attachment; filename="{export_filename(self.incident)}"'
        )
        response["Cache-Control"] = "private, no-store"
        return response
