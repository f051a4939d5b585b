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

from .base import TransientNetworkError

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

    Raises:
        TransientNetworkError: no answer within `timeout`, or no connection.
    """
    path = urlsplit(url).path
    started = time.monotonic()
    try:
        response = session.request(method, url, timeout=timeout, **kwargs)
    except requests.Timeout:
        logger.warning(
            "%s %s timed out after %ss",
            method,
            path,
            timeout,
            extra={"event": "social.request_timeout", "network": network},
        )
        raise TransientNetworkError(
            f"{network} did not answer within {timeout:g} seconds."
        ) from None
    except requests.ConnectionError:
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
