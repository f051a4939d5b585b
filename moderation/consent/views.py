"""Admin views of the consent register: the learner viewset, recording a decision,
and the CSV upload. Only Safeguarding and Senior leadership (and superusers) get in;
only Safeguarding may change anything or see do-not-publish reasons (C1, C2).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import ProtectedError
from django.shortcuts import redirect
from django.urls import path, reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from django.views.generic import FormView
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.admin.ui.tables import TitleColumn
from wagtail.admin.views.generic import CreateView, DeleteView, EditView, IndexView
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.admin.widgets.button import HeaderButton

from moderation.models import ConsentRecord, ConsentUse, Learner, MediaMatch
from schools.current import school_for_request
from schools.scoping import get_school_object_or_404
from schools.viewsets import SchoolScopedViewSetMixin

from .csv_import import ImportRefused, learners_import, size_error
from .filters import LearnerFilterSet
from .lookalike_views import LookalikesView
from .selectors import can_view_register, consent_summary, current_consent
from .services import consent_record, learner_changes_cascade
from .withdrawal_views import WithdrawEverythingView, WithdrawFindView

DSL_ONLY = "moderation.view_do_not_publish_reason"


class LearnerCreateView(CreateView):
    def save_instance(self):
        learner = super().save_instance()
        learner_changes_cascade(before=None, learner=learner, user=self.request.user)
        return learner


class LearnerEditView(EditView):
    def save_instance(self):
        before = Learner.objects.get(pk=self.object.pk)
        learner = super().save_instance()
        learner_changes_cascade(before=before, learner=learner, user=self.request.user)
        return learner


class LearnerIndexView(IndexView):
    @cached_property
    def header_buttons(self):
        buttons = super().header_buttons
        if self.request.user.has_perm("moderation.add_learner"):
            buttons.append(
                HeaderButton(
                    "Import CSV", url=reverse("learners:import"), icon_name="upload"
                )
            )
            waiting = MediaMatch.objects.filter(
                how=MediaMatch.How.LOOKS_LIKE, reviewed_at__isnull=True
            ).count()
            buttons.append(
                HeaderButton(
                    f"Look-alike pictures ({waiting})",
                    url=reverse("learners:lookalikes"),
                    icon_name="image",
                )
            )
        return buttons

    def get_table(self, object_list):
        # One query for the whole listing page, not one per learner.
        learners = list(object_list)
        consent = current_consent(learner_ids=[learner.pk for learner in learners])
        for learner in learners:
            learner.current_consent = consent.get(learner.pk, {})
        return super().get_table(learners)


class LearnerDeleteView(DeleteView):
    """A learner still pictured in an image or document cannot be deleted.

    Deleting them would leave a photo of a child nobody can trace consent for; the
    database refuses (PROTECT) and the consent officer is told what to do instead.
    """

    def form_valid(self, form):
        try:
            return super().form_valid(form)
        except ProtectedError as error:
            messages.error(
                self.request,
                f"{self.object} is pictured in {len(error.protected_objects)} "
                "image(s) or document(s), so cannot be deleted. Record a leaving date "
                "or withdraw consent instead: their images are then withdrawn.",
            )
            return redirect("learners:edit", self.object.pk)


class ConsentColumn(TitleColumn):
    """'consent: website ✓, …' or 'do not publish', linking to the history."""

    def get_value(self, instance):
        return consent_summary(
            learner=instance, records=getattr(instance, "current_consent", {})
        )


class LearnerViewSet(SchoolScopedViewSetMixin, ModelViewSet):
    model = Learner
    icon = "group"
    menu_label = "Consent register"
    menu_order = 900
    add_to_admin_menu = True
    url_prefix = "consent/learners"
    name = "learners"
    index_view_class = LearnerIndexView
    add_view_class = LearnerCreateView
    edit_view_class = LearnerEditView
    delete_view_class = LearnerDeleteView
    inspect_view_enabled = True
    inspect_view_fields = [
        "external_id",
        "first_name",
        "known_as",
        "last_name",
        "year_group",
        "left_on",
        "do_not_publish",
    ]
    search_fields = ["first_name", "known_as", "last_name", "external_id"]
    filterset_class = LearnerFilterSet
    list_per_page = 50
    panels = [
        MultiFieldPanel(
            [
                FieldPanel("first_name"),
                FieldPanel("known_as"),
                FieldPanel("last_name"),
                FieldPanel("year_group"),
                FieldPanel("external_id"),
                FieldPanel("left_on"),
            ],
            heading="Learner",
        ),
        MultiFieldPanel(
            [
                FieldPanel("do_not_publish"),
                FieldPanel("do_not_publish_reason", permission=DSL_ONLY),
            ],
            heading="Do-not-publish list",
        ),
    ]

    @property
    def list_display(self):
        return [
            TitleColumn(
                "full_name",
                label="Learner",
                accessor="full_name",
                get_url=lambda learner: reverse(
                    "learners:record_consent", args=[learner.pk]
                ),
            ),
            "year_group",
            "external_id",
            ConsentColumn(
                "consent",
                label="Consent",
                get_url=lambda learner: reverse(
                    "learners:record_consent", args=[learner.pk]
                ),
            ),
        ]

    def get_queryset(self, request):
        return Learner.objects.all()

    def get_urlpatterns(self):
        return [
            *super().get_urlpatterns(),
            path("import/", ImportLearnersView.as_view(), name="import"),
            path("look-alikes/", LookalikesView.as_view(), name="lookalikes"),
            path(
                "<int:pk>/consent/", RecordConsentView.as_view(), name="record_consent"
            ),
            path("withdraw/", WithdrawFindView.as_view(), name="withdraw_find"),
            path(
                "<int:pk>/withdraw-everything/",
                WithdrawEverythingView.as_view(),
                name="withdraw_everything",
            ),
        ]


class ImportForm(forms.Form):
    file = forms.FileField(
        label="CSV file from the management information system",
        help_text="UTF-8 CSV; see the column list below.",
    )


class SafeguardingOnlyMixin:
    """Changes to the register are for the Safeguarding group (and superusers)."""

    def dispatch(self, request, *args, **kwargs):
        if not request.user.has_perm("moderation.add_learner"):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


class ImportLearnersView(SafeguardingOnlyMixin, WagtailAdminTemplateMixin, FormView):
    template_name = "moderation/consent/import_learners.html"
    form_class = ImportForm
    page_title = "Import learners"
    header_icon = "upload"

    def form_valid(self, form):
        upload = form.cleaned_data["file"]
        if too_big := size_error(upload.size):
            return self.render_to_response(
                self.get_context_data(form=form, errors=[too_big])
            )
        try:
            result = learners_import(
                data=upload.read(),
                recorded_by=f"CSV import by {self.request.user.get_full_name()}",
                user=self.request.user,
                site=school_for_request(self.request),
            )
        except ImportRefused as refused:
            return self.render_to_response(
                self.get_context_data(form=form, errors=refused.errors)
            )
        messages.success(
            self.request,
            f"Imported {result.rows} learners: {result.created} new, "
            f"{result.updated} updated, {result.unchanged} unchanged; "
            f"{result.consent_records} consent decisions recorded; "
            f"{result.cascades} withdrawal(s) applied.",
        )
        return redirect("learners:index")


#: What the school must tell parents when it asks for a use (C5: the use is named
#: when permission is asked), shown beside the use in the register.
USE_NOTES = {
    ConsentUse.NEWSLETTER_EMAIL: _(
        "Tell parents when you ask: a photo in an email cannot be recalled. Once sent, "
        "it stays in every inbox it reached, even if consent is withdrawn later."
    ),
}


class RecordConsentForm(forms.ModelForm):
    class Meta:
        model = ConsentRecord
        fields = ["use", "given", "given_on", "expires_on", "recorded_by"]
        help_texts = {"use": USE_NOTES[ConsentUse.NEWSLETTER_EMAIL]}
        widgets = {
            "given": forms.Select(choices=[(True, "Given"), (False, "Withdrawn")]),
            "given_on": forms.DateInput(attrs={"type": "date"}),
            "expires_on": forms.DateInput(attrs={"type": "date"}),
        }


@dataclass(frozen=True)
class UseRow:
    """One use on a learner's screen: its current state and what may be done."""

    use: str
    label: str
    state: str
    in_force: bool
    expires_on: datetime.date | None
    note: str = ""


def _use_rows(learner: Learner, *, on: datetime.date) -> list[UseRow]:
    current = current_consent(learner_ids=[learner.pk]).get(learner.pk, {})
    rows = []
    for use in ConsentUse:
        record = current.get(use.value)
        if record is None:
            state = "Not asked yet: no consent"
        elif not record.given:
            state = f"Refused or withdrawn on {record.given_on:%d %b %Y}"
        elif not record.is_in_force(on):
            state = f"Expired on {record.expires_on:%d %b %Y}"
        elif record.expires_on:
            state = f"Given until {record.expires_on:%d %b %Y}"
        else:
            state = "Given"
        rows.append(
            UseRow(
                use=use.value,
                label=use.label,
                state=state,
                in_force=record is not None and record.is_in_force(on),
                expires_on=record.expires_on if record else None,
                note=USE_NOTES.get(use, ""),
            )
        )
    return rows


class RecordConsentView(WagtailAdminTemplateMixin, FormView):
    """One screen per learner: every use as a row, withdraw everything, history.

    Register readers (senior leadership) see it; Safeguarding may change it. Each
    button records a decision dated today by the signed-in officer; the full form
    below records one with another date or recorder (a paper form from last week).
    """

    template_name = "moderation/consent/record_consent.html"
    form_class = RecordConsentForm
    header_icon = "group"

    def dispatch(self, request, *args, **kwargs):
        if not can_view_register(request.user):
            raise PermissionDenied
        self.can_record = request.user.has_perm("moderation.add_consentrecord")
        if request.method == "POST" and not self.can_record:
            raise PermissionDenied
        self.learner = get_school_object_or_404(request, Learner, pk=kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)

    def get_page_title(self):
        return self.learner.full_name

    def get_page_subtitle(self):
        return "Consent"

    def get_breadcrumbs_items(self):
        return [
            {"url": reverse("learners:index"), "label": "Consent register"},
            {"url": "", "label": self.learner.full_name},
        ]

    def get_initial(self):
        return {
            "given_on": timezone.localdate(),
            "recorded_by": self._officer_name(),
        }

    def _officer_name(self) -> str:
        user = self.request.user
        return user.get_full_name() or user.get_username()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        today = timezone.localdate()
        context["learner"] = self.learner
        context["rows"] = _use_rows(self.learner, on=today)
        context["left"] = self.learner.has_left(today)
        context["history"] = self.learner.consent_records.latest_first()
        context["can_record"] = self.can_record
        context["edit_url"] = reverse("learners:edit", args=[self.learner.pk])
        context["withdraw_everything_url"] = reverse(
            "learners:withdraw_everything", args=[self.learner.pk]
        )
        return context

    def post(self, request, *args, **kwargs):
        action = request.POST.get("action")
        if action in {"give", "withdraw"}:
            return self._record_row(action)
        return super().post(request, *args, **kwargs)

    def _record_row(self, action: str):
        use = self.request.POST.get("use", "")
        if use not in ConsentUse.values:
            messages.error(self.request, "Choose which use the decision is about.")
            return redirect(self._url())
        expires_on = None
        if action == "give":
            field = forms.DateField(required=False)
            try:
                expires_on = field.clean(self.request.POST.get("expires_on", ""))
            except forms.ValidationError:
                messages.error(
                    self.request, "The expiry date is not a date; nothing was changed."
                )
                return redirect(self._url())
        consent_record(
            learner=self.learner,
            use=use,
            given=action == "give",
            given_on=timezone.localdate(),
            expires_on=expires_on,
            recorded_by=self._officer_name(),
            user=self.request.user,
        )
        verb = "given" if action == "give" else "withdrawn"
        messages.success(
            self.request, f"Consent for {ConsentUse(use).label.lower()} {verb}."
        )
        return redirect(self._url())

    def _url(self) -> str:
        return reverse("learners:record_consent", args=[self.learner.pk])

    def form_valid(self, form):
        decision = form.cleaned_data
        consent_record(
            learner=self.learner,
            use=decision["use"],
            given=decision["given"],
            given_on=decision["given_on"],
            expires_on=decision["expires_on"],
            recorded_by=decision["recorded_by"],
            user=self.request.user,
        )
        verb = "given" if decision["given"] else "withdrawn"
        messages.success(
            self.request,
            f"Consent for {ConsentUse(decision['use']).label.lower()} {verb}.",
        )
        return redirect(self._url())
