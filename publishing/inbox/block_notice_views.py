"""The notice telling a blocked person why (I3): a manager sends it from the comment's
page, or records the words they sent by hand. POST forms only: no script needed."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from publishing.networks.base import NetworkError

from . import access
from .block_notices import NoticeRefused, block_notice_send, block_notice_sent_by_hand
from .models import BlockNotice
from .services import account_reader


@require_POST
def block_notice_action(request, pk: int, action: str):
    user = request.user
    if not access.may_use_inbox(user):
        raise PermissionDenied
    notice = get_object_or_404(
        BlockNotice.objects.filter(
            item__in=access.visible_items(
                user=user, site=access.current_school(request)
            )
        ),
        pk=pk,
    )
    text = request.POST.get("text", "")
    try:
        if action == "send":
            try:
                reader = account_reader(notice.item.account)
            except NetworkError as error:
                raise NoticeRefused(error.reason) from None
            notice = block_notice_send(notice=notice, text=text, by=user, reader=reader)
            if notice.status == BlockNotice.Status.FAILED:
                messages.error(
                    request,
                    _(
                        "The message was not sent: %(why)s It is kept: try again, "
                        "or send it by hand and record it."
                    )
                    % {"why": notice.problem},
                )
            else:
                messages.success(request, _("Message sent; the register keeps it."))
        elif action == "sent-by-hand":
            block_notice_sent_by_hand(notice=notice, text=text, by=user)
            messages.success(request, _("Recorded; the register keeps the words."))
        else:
            raise Http404
    except NoticeRefused as error:
        messages.error(request, str(error))
    return redirect("inbox:item", pk=notice.item_id)
