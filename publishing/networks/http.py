"""The HTTP step every adapter's `_request` shares: timeout, timing, safe logging.

Only the method, the path (never the query string, which may carry an access token)
and the status are logged, and a transport failure is reported by its kind alone:
requests' own messages quote the full URL, tokens included.
"""

from __future__ import annotations

import json
import logging
import time
from typing import Any
from urllib.parse import urlsplit

import requests
from urllib3.exceptions import NewConnectionError

from .base import OutcomeUnknown, TransientNetworkError

logger = logging.getLogger(__name__)


def http_send(
    *,
    session: requests.Session,
    network: str,
    method: str,
    url: str,
    timeout: float,
    **kwargs: Any,
) -> requests.Response:
    """Send one request; turn timeouts and connection failures into transient errors.

    Only a failure to connect proves the request never reached the network; any
    failure after the connection was made (a read timeout, a dropped connection, a
    truncated answer) may hide a request the network carried out.

    Raises:
        TransientNetworkError: the network could not be reached (nothing was sent).
        OutcomeUnknown: the request was sent, or may have been, but no answer came.
    """
    path = urlsplit(url).path
    started = time.monotonic()
    try:
        response = session.request(method, url, timeout=timeout, **kwargs)
    except requests.RequestException as error:
        if not _never_connected(error):
            _log_lost_answer(method, path, timeout, error, network)
            raise OutcomeUnknown(_lost_answer_reason(network, timeout, error)) from None
        logger.warning(
            "%s %s could not connect",
            method,
            path,
            extra={"event": "social.request_unreachable", "network": network},
        )
        raise TransientNetworkError(f"{network} could not be reached.") from None
    logger.info(
        "%s %s -> %s",
        method,
        path,
        response.status_code,
        extra={
            "event": "social.request",
            "network": network,
            "status": response.status_code,
            "duration_ms": round((time.monotonic() - started) * 1000),
        },
    )
    return response


def _never_connected(error: requests.RequestException) -> bool:
    """True when no connection was made, so the request certainly never arrived."""
    if isinstance(error, requests.ConnectTimeout):
        return True
    if not isinstance(error, requests.ConnectionError) or not error.args:
        return False
    reason = getattr(error.args[0], "reason", error.args[0])  # urllib3's MaxRetryError
    return isinstance(reason, NewConnectionError)


def _lost_answer_reason(
    network: str, timeout: float, error: requests.RequestException
) -> str:
    if isinstance(error, requests.Timeout):
        return f"{network} did not answer within {timeout:g} seconds."
    return f"The connection to {network} broke before its answer arrived."


def _log_lost_answer(
    method: str,
    path: str,
    timeout: float,
    error: requests.RequestException,
    network: str,
) -> None:
    logger.warning(
        "%s %s: no answer (%s, timeout %ss)",
        method,
        path,
        type(error).__name__,
        timeout,
        extra={"event": "social.request_answer_lost", "network": network},
    )


def json_body(response: requests.Response) -> Any | None:
    """The parsed JSON body, or None when the network answered something else (HTML)."""
    if "json" not in response.headers.get("content-type", "").lower():
        return None
    try:
        return response.json()
    except (ValueError, json.JSONDecodeError):
        return None


def describe_non_json(network: str, response: requests.Response) -> str:
    """A reason for staff when a network answers a web page instead of JSON."""
    content_type = response.headers.get("content-type", "no content type")
    return (
        f"{network} answered with a web page ({content_type}, HTTP "
        f"{response.status_code}) instead of its API's JSON; the API may be down or "
        "the configured base URL may be wrong."
    )
