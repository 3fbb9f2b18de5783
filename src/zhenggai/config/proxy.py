"""The client's address behind the reverse proxy.

gunicorn sees nginx as its only client, so without this every request's ``REMOTE_ADDR`` is 127.0.0.1
and anything keyed on it — the per-address limit on public objections (acceptance/views/public.py) —
would count all visitors as one. nginx overwrites ``X-Real-IP`` with the address it saw
(deploy/nginx.conf), and gunicorn listens on loopback only, so the header is the proxy's word, trusted
exactly as far as ``X-Forwarded-Proto`` is (``BEHIND_TLS_PROXY``).
"""

from __future__ import annotations

import ipaddress
from collections.abc import Callable

from django.conf import settings
from django.core.exceptions import MiddlewareNotUsed
from django.http import HttpRequest, HttpResponse

__all__ = ["RealIPMiddleware", "client_address"]


def client_address(meta: dict, header: str) -> str | None:
    """The address named by ``header`` (a WSGI key such as ``HTTP_X_REAL_IP``) if it is one IP address."""
    raw = (meta.get(header) or "").strip()
    try:
        return str(ipaddress.ip_address(raw)) if raw else None
    except ValueError:
        return None


class RealIPMiddleware:
    """Replace ``REMOTE_ADDR`` by the address the proxy reports (``REAL_IP_HEADER``; off when empty)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        name = settings.REAL_IP_HEADER
        if not name:
            raise MiddlewareNotUsed  # development: no proxy, REMOTE_ADDR is the client
        self.header = "HTTP_" + name.upper().replace("-", "_")

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if address := client_address(request.META, self.header):
            request.META["REMOTE_ADDR"] = address
        return self.get_response(request)
