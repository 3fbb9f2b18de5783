"""The load generator: simulated users on threads, each with its own session, talking HTTP/1.1 to gunicorn.

Standard library only (``http.client``): the client shares the 2 cores with gunicorn and PostgreSQL, and
a thread per user that mostly waits on its socket costs less CPU than locust's gevent machinery; the
runner reports the client's own CPU time so that its share is known.

Every request goes out as nginx would forward it (``X-Forwarded-Proto: https``, ``X-Real-IP``), so the
production profile's HTTPS protections (SSL redirect, secure cookies, CSRF origin check) apply unchanged.
Pages are used like a browser does: the login form (CSRF token from the page), forms fetched before
they are posted. The API is used with a DRF token from ``/api/token/``.

``personas.py`` says what each kind of user does; this module only sends, times and records.
"""

from __future__ import annotations

import http.client
import json
import re
import threading
import time
import uuid
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from typing import Any
from urllib.parse import urlencode

TIMEOUT = 30.0
_CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
_HIDDEN = re.compile(r"<input[^>]*>")
_ATTR = re.compile(r'(\w[\w-]*)="([^"]*)"')


@dataclass(slots=True)
class Sample:
    """One request: what it was, when it started (seconds into the window), how long it took, how it ended."""

    kind: str
    start: float
    ms: float
    status: int
    outcome: str  # "ok", "expected_409", or an error class (http_404, http_500, form_rejected, timeout …)
    user: int


@dataclass
class Budget:
    """The run's bounds: a fixed duration and a fixed number of requests, whichever comes first. An action
    already begun may finish (a form's POST after its GET), so at most one action per user runs over."""

    max_requests: int
    duration: float
    started: float = 0.0
    sent: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def start(self) -> None:
        self.started = time.monotonic()

    def take(self, *, finishing: bool = False) -> bool:
        with self.lock:
            if not finishing and (self.sent >= self.max_requests or self.elapsed() >= self.duration):
                return False
            self.sent += 1
            return True

    def spent(self) -> bool:
        with self.lock:
            return self.sent >= self.max_requests or self.elapsed() >= self.duration

    def elapsed(self) -> float:
        return time.monotonic() - self.started


class Response:
    """Status, headers and body of one response."""

    def __init__(self, status: int, headers: http.client.HTTPMessage, body: bytes) -> None:
        self.status = status
        self.headers = headers
        self.body = body

    @property
    def location(self) -> str:
        return self.headers.get("Location", "")

    def text(self) -> str:
        return self.body.decode("utf-8", "replace")

    def json(self) -> Any:
        return json.loads(self.body or b"null")


class Session:
    """One simulated user's connection state: cookies, CSRF token, API token, samples."""

    def __init__(self, host: str, port: int, number: int, budget: Budget) -> None:
        self.host, self.port, self.number = host, port, number
        self.origin = f"https://{host}:{port}"
        self.cookies: dict[str, str] = {}
        self.token = ""
        self.budget = budget
        self.samples: list[Sample] = []  # requests of the measured window
        self.setup_samples: list[Sample] = []  # signing in, before the window
        self.window = False  # True once the measured window has started
        self.stopped = False  # True once a request was not sent because the budget is spent
        # Each simulated user comes from its own address, as nginx would report it.
        self.address = f"10.{number // 250}.{number % 250}.{1 + number % 200}"

    # --- sending ---------------------------------------------------------------------------------------

    def send(
        self,
        kind: str,
        method: str,
        path: str,
        *,
        body: bytes | None = None,
        content_type: str = "",
        api: bool = False,
        expect: tuple[int, ...] = (200,),
        finishing: bool = False,
    ) -> Response | None:
        """Send one request if the budget allows; time it and record it. None when the budget is spent or
        the connection failed (recorded)."""
        if self.window and not self.budget.take(finishing=finishing):
            self.stopped = True  # not sent: the run's bounds are reached
            return None
        headers = {
            "Host": f"{self.host}:{self.port}",
            "X-Forwarded-Proto": "https",
            "X-Forwarded-For": self.address,
            "X-Real-IP": self.address,
            "User-Agent": f"zhenggai-loadtest/{self.number}",
            "Accept-Language": "zh-CN,zh;q=0.9",
            "Connection": "close",
        }
        if api:
            headers["Accept"] = "application/json"
            if self.token:
                headers["Authorization"] = f"Token {self.token}"
        else:
            headers["Accept"] = "text/html"
            if self.cookies:
                headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        if method == "POST":
            headers["Origin"] = self.origin
            headers["Referer"] = self.origin + path
            headers["Content-Type"] = content_type
            headers["Content-Length"] = str(len(body or b""))
        started = time.monotonic()
        offset = started - self.budget.started
        connection = http.client.HTTPConnection(self.host, self.port, timeout=TIMEOUT)
        try:
            connection.request(method, path, body=body, headers=headers)
            raw = connection.getresponse()
            response = Response(raw.status, raw.headers, raw.read())
        except TimeoutError:
            self._record(kind, offset, started, 0, "timeout")
            return None
        except (OSError, http.client.HTTPException) as exc:
            self._record(kind, offset, started, 0, f"connection_{type(exc).__name__}")
            return None
        finally:
            connection.close()
        for value in response.headers.get_all("Set-Cookie") or []:
            jar = SimpleCookie()
            jar.load(value)
            for name, morsel in jar.items():
                self.cookies[name] = morsel.value
        outcome = "ok" if response.status in expect else f"http_{response.status}"
        self._record(kind, offset, started, response.status, outcome)
        return response

    def _record(self, kind: str, offset: float, started: float, status: int, outcome: str) -> None:
        ms = (time.monotonic() - started) * 1000
        target = self.samples if self.window else self.setup_samples
        target.append(Sample(kind, offset, ms, status, outcome, self.number))

    def relabel(self, outcome: str) -> None:
        """The last request answered with an expected status but the wrong content (a form shown again)."""
        (self.samples if self.window else self.setup_samples)[-1].outcome = outcome

    def get(self, kind: str, path: str, **kwargs) -> Response | None:
        return self.send(kind, "GET", path, **kwargs)

    def post_form(self, kind: str, path: str, fields: dict[str, str], **kwargs) -> Response | None:
        body = urlencode(fields).encode()
        return self.send(kind, "POST", path, body=body, content_type="application/x-www-form-urlencoded", **kwargs)

    def post_multipart(self, kind: str, path: str, fields: dict[str, str], **kwargs) -> Response | None:
        """A form with a file input (enctype multipart/form-data), sent as a browser sends it with no file."""
        boundary = "----zhenggai" + uuid.uuid4().hex
        parts = []
        for name, value in fields.items():
            parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n')
        parts.append(
            f'--{boundary}\r\nContent-Disposition: form-data; name="files"; filename=""\r\n'
            "Content-Type: application/octet-stream\r\n\r\n\r\n"
        )
        parts.append(f"--{boundary}--\r\n")
        body = "".join(parts).encode()
        return self.send(
            kind, "POST", path, body=body, content_type=f"multipart/form-data; boundary={boundary}", **kwargs
        )

    def post_json(self, kind: str, path: str, data: dict[str, Any], **kwargs) -> Response | None:
        body = json.dumps(data, ensure_ascii=False).encode()
        return self.send(kind, "POST", path, body=body, content_type="application/json", api=True, **kwargs)

    # --- signing in ------------------------------------------------------------------------------------

    def login(self, username: str, password: str) -> bool:
        """The login page, as a browser: GET the form (CSRF cookie and token), POST it, follow nothing."""
        page = self.get("login_form", "/login/")
        if page is None or page.status != 200:
            return False
        token = form_token(page.text())
        done = self.post_form(
            "login",
            "/login/",
            {"csrfmiddlewaretoken": token, "username": username, "password": password},
            expect=(302,),
        )
        return bool(done and done.status == 302 and "/login/" not in done.location and "sessionid" in self.cookies)

    def api_token(self, username: str, password: str) -> bool:
        done = self.post_json("api_token", "/api/token/", {"username": username, "password": password})
        if done is None or done.status != 200:
            return False
        self.token = done.json()["token"]
        return True


def form_token(html: str) -> str:
    found = _CSRF.search(html)
    return found.group(1) if found else ""


def hidden_fields(html: str, prefix: str) -> dict[str, str]:
    """The hidden inputs whose name starts with ``prefix`` (a formset's management form)."""
    fields = {}
    for tag in _HIDDEN.findall(html):
        attrs = dict(_ATTR.findall(tag))
        if attrs.get("type") == "hidden" and attrs.get("name", "").startswith(prefix):
            fields[attrs["name"]] = attrs.get("value", "")
    return fields
