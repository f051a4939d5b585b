"""Facebook's Page webhook for `feed` changes: a comment reaches the inbox at once.

Meta signs each delivery: `X-Hub-Signature-256: sha256=<HMAC-SHA256 of the raw
body with the app secret>`. A delivery without a valid signature is refused (403)
and nothing is stored. Meta retries deliveries, so the same comment may come
twice: it is stored once (`comment_receive`). The set-up handshake (GET with
`hub.mode=subscribe`) is answered with the challenge when the verify token matches
`SOCIAL_FACEBOOK_WEBHOOK_VERIFY_TOKEN`.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from cms.caching.query_parameters import QueryParameter, reads_query
from publishing.models import SocialAccount
from publishing.networks.base import NetworkError
from publishing.services.accounts import account_credentials

from .readers.facebook import FacebookCommentsReader
from .rules import RuleBook
from .services import account_school, comment_receive

logger = logging.getLogger(__name__)

#: Meta's deliveries are small; anything bigger is not one of them.
MAX_BODY_BYTES = 1_000_000


def signature_valid(*, body: bytes, header: str, secret: str) -> bool:
    """Whether `header` is Meta's signature of `body` with the app secret."""
    if not secret or not header.startswith("sha256="):
        return False
    expected = hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
    return hmac.compare_digest(header.removeprefix("sha256="), expected)


def _facebook_accounts_by_page() -> dict[str, SocialAccount]:
    pages = {}
    for account in SocialAccount.objects.approved().filter(network="facebook"):
        try:
            page_id = account_credentials(account=account).get("page_id")
        except NetworkError:
            continue  # not connected: no comments can be its
        if page_id:
            pages[page_id] = account
    return pages


#: The set-up handshake's parameters (never cached: `never_cache`).
HANDSHAKE = tuple(
    QueryParameter(name, str)
    for name in ("hub.mode", "hub.verify_token", "hub.challenge")
)


@csrf_exempt
@never_cache
@reads_query(*HANDSHAKE)
@require_http_methods(["GET", "POST"])
def facebook_webhook(request: HttpRequest) -> HttpResponse:
    if request.method == "GET":
        token = settings.SOCIAL_FACEBOOK_WEBHOOK_VERIFY_TOKEN
        if (
            request.GET.get("hub.mode") == "subscribe"
            and token
            and hmac.compare_digest(request.GET.get("hub.verify_token", ""), token)
        ):
            return HttpResponse(request.GET.get("hub.challenge", ""))
        return JsonResponse({"error": "The verify token does not match."}, status=403)
    if int(request.headers.get("content-length") or 0) > MAX_BODY_BYTES:
        return JsonResponse({"error": "Too large."}, status=413)
    body = request.body
    if not signature_valid(
        body=body,
        header=request.headers.get("x-hub-signature-256", ""),
        secret=settings.SOCIAL_FACEBOOK_APP_SECRET,
    ):
        logger.warning(
            "Facebook webhook with a bad signature refused",
            extra={"event": "inbox.webhook_bad_signature"},
        )
        return JsonResponse({"error": "The signature does not match."}, status=403)
    try:
        payload = json.loads(body)
        entries = payload["entry"]
        if payload.get("object") != "page" or not isinstance(entries, list):
            raise ValueError
    except (ValueError, KeyError, TypeError):
        return JsonResponse({"error": "Not a Page webhook."}, status=400)
    accounts = _facebook_accounts_by_page()
    stored = unreadable = 0
    rules: RuleBook | None = None
    for entry in entries:
        account = (
            accounts.get(str(entry.get("id"))) if isinstance(entry, dict) else None
        )
        if account is None:
            continue  # a Page the school no longer has: nothing to store
        reader = FacebookCommentsReader(
            credentials=account_credentials(account=account)
        )
        for change in entry.get("changes") or []:
            value = change.get("value") if isinstance(change, dict) else None
            if (
                change.get("field") != "feed"
                or not isinstance(value, dict)
                or value.get("item") != "comment"
                or value.get("verb") != "add"
            ):
                continue
            try:
                comment = reader.comment_from_webhook(value)
            except NetworkError:
                unreadable += 1
                continue
            rules = rules or RuleBook(site=account_school(account))
            comment_receive(
                account=account, comment=comment, reader=reader, rules=rules
            )
            stored += 1
    if unreadable:
        # Meta retries a failed delivery; the hourly poll reads what this missed.
        logger.warning(
            "%s unreadable comment(s) in a Facebook webhook",
            unreadable,
            extra={"event": "inbox.webhook_unreadable"},
        )
    return JsonResponse({"received": stored})
