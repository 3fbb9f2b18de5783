"""gunicorn settings for Zhenggai in production: ``gunicorn -c deploy/gunicorn.conf.py``.

Read by deploy/zhenggai-web.service; docs/deployment.md explains the numbers. Every value can be
changed from the environment (the systemd unit's EnvironmentFile) without editing this file:

    GUNICORN_BIND          127.0.0.1:8000   where nginx sends requests (loopback or a unix:/run/… socket)
    WEB_CONCURRENCY        2 × cores + 1    worker processes (5 on the 2-core reference machine)
    GUNICORN_THREADS       1                threads per worker (> 1 switches to the gthread worker)
    GUNICORN_TIMEOUT       60               seconds a request may run before its worker is killed
    GUNICORN_MAX_REQUESTS  1000             requests after which a worker is replaced (± jitter)
"""

from __future__ import annotations

import multiprocessing
import os


def _int(name: str, default: int) -> int:
    raw = os.environ.get(name, "").strip()
    return int(raw) if raw else default


wsgi_app = "zhenggai.config.wsgi:application"
bind = [item.strip() for item in os.environ.get("GUNICORN_BIND", "127.0.0.1:8000").split(",") if item.strip()]

# Requests are short and mostly wait on PostgreSQL: (2 × cores) + 1 sync workers keep both cores busy
# while some wait. Each worker holds one database connection (DB_CONN_MAX_AGE), so workers × machines
# must stay below PostgreSQL's max_connections with room for the task worker and psql.
workers = _int("WEB_CONCURRENCY", 2 * multiprocessing.cpu_count() + 1)
threads = _int("GUNICORN_THREADS", 1)

# Load Django once in the master and fork: workers share its memory pages and start in milliseconds,
# so max_requests recycling is cheap. Consequence: new code needs a restart, not a HUP.
preload_app = True

# A report or a synchronous export may take tens of seconds; anything longer is a bug or a job for the
# task worker. nginx waits a little longer (proxy_read_timeout 75s) so that gunicorn's timeout wins.
timeout = _int("GUNICORN_TIMEOUT", 60)
graceful_timeout = 30
# Behind nginx the sync worker closes each connection; keep-alive is between the browser and nginx.
keepalive = 5

# Replace a worker after about this many requests (jitter keeps them from restarting all at once): a
# memory leak in any library stays bounded.
max_requests = _int("GUNICORN_MAX_REQUESTS", 1000)
max_requests_jitter = max(max_requests // 10, 1) if max_requests else 0

# Access log on stdout (journald under systemd): client (the visitor's address: Django's RealIPMiddleware
# has set it from nginx's X-Real-IP by the time the line is written), user, time, request, status, bytes,
# request duration in milliseconds, referer, user agent.
accesslog = "-"
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
access_log_format = '%(h)s %(u)s %(t)s "%(r)s" %(s)s %(b)s %(M)sms "%(f)s" "%(a)s"'

# Only nginx on this machine may set X-Forwarded-Proto / X-Forwarded-For (Django trusts the former
# through SECURE_PROXY_SSL_HEADER; see settings.BEHIND_TLS_PROXY).
forwarded_allow_ips = os.environ.get("GUNICORN_FORWARDED_ALLOW_IPS", "127.0.0.1,::1")

# The workers' heartbeat files in memory, not on a disk that may stall under a backup.
worker_tmp_dir = "/dev/shm" if os.path.isdir("/dev/shm") else None
# gunicorn 27's control socket is not used; systemd signals the master.
control_socket_disable = True


def when_ready(server) -> None:
    """Import every view (the URL map) and the translation catalogues once in the master, so the first
    request of each worker does not pay ~0.5 s for it."""
    from django.urls import get_resolver
    from django.utils import translation

    get_resolver().url_patterns  # noqa: B018 - the property imports the views
    for code in ("zh-hans", "en"):
        with translation.override(code):
            translation.gettext("Plan")


def pre_fork(server, worker) -> None:
    """Never hand a database connection opened in the master to a worker (two processes, one socket)."""
    from django.db import connections

    connections.close_all()
