"""The inbox screens: the list, one comment with its actions, reading settings,
word lists and alert choices. Every action is a POST form: no script needed."""

from __future__ import annotations

import datetime

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from publishing.models import SocialAccount
from publishing.services.accounts import is_senior_leader_of
from schools.scoping import get_school_object_or_404

from . import access, selectors, services
from .costs import x_monthly_cost_usd
from .forms import (
    AlertForm,
    BlockForm,
    FilterForm,
    IncidentForm,
    ReadingForm,
    ReplyForm,
    StateForm,
    WordListForm,
)
from .models import InboxAlert, InboxItem, InboxReading, InboxReply, InboxWordList

PER_PAGE = 50


def _inbox_user(request):
    if not access.may_use_inbox(request.user):
        raise PermissionDenied
    return request.user


def inbox_list(request):
    user = _inbox_user(request)
    site = access.current_school(request)
    items = access.visible_items(user=user, site=site)
    filters = FilterForm(request.GET)
    if filters.is_valid():
        if filters.cleaned_data["state"]:
            items = items.filter(state=filters.cleaned_data["state"])
        if filters.cleaned_data["account"]:
            items = items.filter(account_id=filters.cleaned_data["account"])
    else:
        messages.warning(
            request, _("That filter was not understood; showing everything.")
        )
    page = Paginator(items, PER_PAGE).get_page(request.GET.get("page"))
    now = timezone.now()
    return TemplateResponse(
        request,
        "publishing/inbox/inbox_list.html",
        {
            "page": page,
            "rows": [
                {
                    "item": item,
                    "words_shown": access.words_shown(user=user, item=item),
                    "overdue": item.is_overdue(now),
                }
                for item in page
            ],
            "filters": filters,
            "accounts": SocialAccount.objects.filter(
                pk__in=access.visible_items(user=user, site=site).values("account")
            ),
            "waiting_for_dsl": access.visible_items(user=user, site=site)
            .waiting_for_dsl()
            .count(),
            "readings": InboxReading.objects.filter(site=site).exclude(problem=""),
            "oversees": access.oversees(user, site),
            "response_times": selectors.response_times(
                user=user, site=site, since=now - datetime.timedelta(days=7), until=now
            ),
        },
    )


def _item(request, pk: int) -> InboxItem:
    user = _inbox_user(request)
    return get_object_or_404(
        access.visible_items(user=user, site=access.current_school(request)), pk=pk
    )


def item_detail(request, pk: int):
    item = _item(request, pk)
    user = request.user
    return TemplateResponse(
        request,
        "publishing/inbox/inbox_item.html",
        {
            "item": item,
            "words_shown": access.words_shown(user=user, item=item),
            "is_manager": item.account.managers.filter(pk=user.pk).exists(),
            "reads_safeguarding": access.reads_safeguarding(user, item.site),
            "overdue": item.is_overdue(),
            "log": item.log.select_related("by"),
            "replies": item.replies.select_related("written_by", "approved_by"),
            "reply_form": ReplyForm(),
            "state_form": StateForm(),
            "incident_form": IncidentForm(),
            "block_form": BlockForm(
                initial={
                    "grounds": "offensive_language",
                    "message": services.block_message_draft(
                        item=item, grounds="offensive_language"
                    ),
                }
            ),
        },
    )


@require_POST
def item_action(request, pk: int, action: str):
    item = _item(request, pk)
    user = request.user
    try:
        if action == "hide":
            services.item_hide(item=item, by=user)
            messages.success(request, _("Hidden on the network."))
        elif action == "show":
            services.item_show(item=item, by=user)
            messages.success(request, _("Shown again on the network."))
        elif action == "state":
            form = StateForm(request.POST)
            if not form.is_valid():
                raise services.InboxRefused(_("Choose a state."))
            services.item_set_state(
                item=item, state=form.cleaned_data["state"], by=user
            )
            messages.success(request, _("Saved."))
        elif action == "dsl-seen":
            if not access.reads_safeguarding(user, item.site):
                raise PermissionDenied
            services.item_dsl_seen(item=item, by=user)
            messages.success(request, _("Marked as seen."))
        elif action == "reply":
            form = ReplyForm(request.POST)
            if not form.is_valid():
                raise services.InboxRefused(
                    _("Write a reply of up to 8,000 characters.")
                )
            reply = services.reply_write(
                item=item, text=form.cleaned_data["text"], by=user
            )
            _reply_message(request, reply)
        elif action == "incident":
            form = IncidentForm(request.POST)
            if not form.is_valid():
                raise services.InboxRefused(_("Choose what kind of incident it is."))
            incident = services.item_raise_incident(
                item=item, by=user, **form.cleaned_data
            )
            messages.success(
                request, _("Incident %(number)s raised.") % {"number": incident.pk}
            )
        elif action == "block":
            form = BlockForm(request.POST)
            if not form.is_valid():
                raise services.InboxRefused(
                    _("Give the grounds, the message and a review date.")
                )
            services.item_block(item=item, by=user, **form.cleaned_data)
            messages.success(request, _("Recorded in the blocked accounts register."))
        else:
            raise PermissionDenied
    except services.InboxRefused as error:
        messages.error(request, str(error))
    return redirect("inbox:item", pk=item.pk)


def _reply_message(request, reply: InboxReply) -> None:
    if reply.status == InboxReply.Status.SENT:
        messages.success(request, _("Reply sent."))
    elif reply.status == InboxReply.Status.AWAITING_APPROVAL:
        messages.info(
            request,
            _("Reply kept for a second person to approve: %(why)s")
            % {"why": reply.approval_reason},
        )
    else:
        messages.error(
            request,
            _("The reply was not sent: %(why)s It is kept; try again later.")
            % {"why": reply.problem},
        )


@require_POST
def reply_approve(request, pk: int):
    user = _inbox_user(request)
    reply = get_object_or_404(
        InboxReply.objects.filter(
            item__in=access.visible_items(
                user=user, site=access.current_school(request)
            )
        ),
        pk=pk,
    )
    try:
        _reply_message(request, services.reply_approve(reply=reply, by=user))
    except services.InboxRefused as error:
        messages.error(request, str(error))
    return redirect("inbox:item", pk=reply.item_id)


def reading_settings(request, account_pk: int):
    """How the inbox reads one account; X shows its estimated cost before it is on."""
    user = _inbox_user(request)
    account = get_school_object_or_404(request, SocialAccount, pk=account_pk)
    site = account.site
    if not (
        account.owner_id == user.pk
        or is_senior_leader_of(user, site)
        or user.is_superuser
    ):
        raise PermissionDenied
    reading = InboxReading.objects.filter(account=account).first() or InboxReading(
        account=account, site=site, enabled=account.network != "x"
    )
    form = ReadingForm(request.POST or None, instance=reading)
    cost = None
    if account.network == "x":
        expected = reading.expected_items_per_month
        if form.is_bound and form.is_valid():
            expected = form.cleaned_data["expected_items_per_month"]
        cost = x_monthly_cost_usd(expected_items_per_month=expected)
    if request.method == "POST" and form.is_valid():
        turning_on_x = (
            account.network == "x"
            and form.cleaned_data["enabled"]
            and not form.cleaned_data["accept_cost"]
        )
        if turning_on_x:
            messages.warning(
                request,
                _("Reading X costs about $%(cost)s a month. Tick the box to accept it.")
                % {"cost": cost},
            )
        else:
            reading = form.save(commit=False)
            if account.network == "x" and reading.enabled:
                reading.cost_accepted_by = user
                reading.cost_accepted_at = timezone.now()
            reading.save()
            messages.success(request, _("Saved."))
            return redirect("inbox:reading", account_pk=account.pk)
    return TemplateResponse(
        request,
        "publishing/inbox/reading_settings.html",
        {"account": account, "form": form, "cost": cost, "reading": reading},
    )


def rules_and_alerts(request):
    """The school's word lists (overseers edit them) and the user's alert choice."""
    user = _inbox_user(request)
    site = access.current_school(request)
    lists = {
        language: InboxWordList.objects.filter(site=site, language=language).first()
        or InboxWordList(site=site, language=language)
        for language in InboxWordList.Language.values
    }
    alert = InboxAlert.objects.filter(site=site, user=user).first()
    if request.method == "POST":
        which = request.POST.get("which")
        if which in lists:
            if not access.oversees(user, site):
                raise PermissionDenied
            form = WordListForm(request.POST, instance=lists[which])
            if form.is_valid():
                word_list = form.save(commit=False)
                word_list.changed_by, word_list.changed_at = user, timezone.now()
                word_list.save()
                messages.success(request, _("Word list saved."))
                return redirect("inbox:rules")
            messages.error(request, _("The word list was not saved."))
        elif which == "alert":
            form = AlertForm(request.POST)
            if form.is_valid():
                frequency = form.cleaned_data["frequency"]
                if frequency:
                    InboxAlert.objects.update_or_create(
                        site=site, user=user, defaults={"frequency": frequency}
                    )
                else:
                    InboxAlert.objects.filter(site=site, user=user).delete()
                messages.success(request, _("Saved."))
                return redirect("inbox:rules")
            messages.error(request, _("Choose how often."))
        else:
            messages.error(request, _("Nothing was saved."))
    return TemplateResponse(
        request,
        "publishing/inbox/rules.html",
        {
            "word_forms": [
                (language, label, WordListForm(instance=lists[language]))
                for language, label in InboxWordList.Language.choices
            ],
            "alert_form": AlertForm(
                initial={"frequency": alert.frequency if alert else ""}
            ),
            "oversees": access.oversees(user, site),
        },
    )
