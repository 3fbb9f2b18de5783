"""The production profile: ``check --deploy`` clean, start-up refused without SECRET_KEY or ALLOWED_HOSTS,
the HTTPS settings, gunicorn serving it, the proxy's client address, and the deploy/ helpers.

Settings are read once per process, so every production case runs ``zhenggai`` in a subprocess with the
environment a systemd unit would give it (docs/deployment.md).
"""

from __future__ import annotations

import configparser
import importlib.util
import json
import os
import re
import runpy
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path
from unittest import mock

from django.core.exceptions import MiddlewareNotUsed
from django.http import HttpResponse
from django.test import RequestFactory, SimpleTestCase, override_settings

from zhenggai.config.proxy import RealIPMiddleware

REPO = Path(__file__).resolve().parents[4]
DEPLOY = REPO / "deploy"
IN_CI = os.environ.get("CI") == "true"
# DJANGO_ALLOW_ASYNC_UNSAFE: the test suite's own (conftest.py, for Playwright), never production's.
_CLEARED = (
    "SECRET_KEY",
    "SECRET_KEY_FILE",
    "DEBUG",
    "DATABASE_URL",
    "ALLOWED_HOSTS",
    "EVIDENCE_ROOT",
    "STATIC_ROOT",
    "DJANGO_ALLOW_ASYNC_UNSAFE",
)
# Production-profile variables a test may set; none of them may leak in from the developer's shell.
_PRODUCTION_KNOBS = (
    "BEHIND_TLS_PROXY",
    "SECURE_SSL_REDIRECT",
    "SECURE_HSTS_SECONDS",
    "SECURE_HSTS_INCLUDE_SUBDOMAINS",
    "SECURE_HSTS_PRELOAD",
    "SESSION_COOKIE_SECURE",
    "CSRF_COOKIE_SECURE",
    "REAL_IP_HEADER",
    "STATIC_MANIFEST",
    "DB_CONN_MAX_AGE",
)

SETTINGS_AS_JSON = """
import django, json
django.setup()
from django.conf import settings as s
print(json.dumps({
    "DEBUG": s.DEBUG, "SECURE_SSL_REDIRECT": s.SECURE_SSL_REDIRECT,
    "SECURE_PROXY_SSL_HEADER": s.SECURE_PROXY_SSL_HEADER,
    "SECURE_HSTS_SECONDS": s.SECURE_HSTS_SECONDS, "SECURE_HSTS_INCLUDE_SUBDOMAINS": s.SECURE_HSTS_INCLUDE_SUBDOMAINS,
    "SECURE_HSTS_PRELOAD": s.SECURE_HSTS_PRELOAD, "SESSION_COOKIE_SECURE": s.SESSION_COOKIE_SECURE,
    "CSRF_COOKIE_SECURE": s.CSRF_COOKIE_SECURE, "X_FRAME_OPTIONS": s.X_FRAME_OPTIONS,
    "SECURE_REFERRER_POLICY": s.SECURE_REFERRER_POLICY, "REAL_IP_HEADER": s.REAL_IP_HEADER,
    "STATICFILES": s.STORAGES["staticfiles"]["BACKEND"], "CONN_MAX_AGE": s.DATABASES["default"]["CONN_MAX_AGE"],
}))
"""


class ProductionProcessTestCase(SimpleTestCase):
    """Runs the project in a subprocess with a production environment in a temporary folder."""

    def setUp(self) -> None:
        directory = tempfile.TemporaryDirectory()
        self.addCleanup(directory.cleanup)
        self.tmp = Path(directory.name)

    def environment(self, profile: str = "production", **extra: str) -> dict[str, str]:
        env = {
            k: v
            for k, v in os.environ.items()
            if k not in _CLEARED and k not in _PRODUCTION_KNOBS and not k.startswith("ZHENGGAI_")
        }
        env.update(
            DJANGO_SETTINGS_MODULE="zhenggai.config.settings",
            ZHENGGAI_PROFILE=profile,
            DATABASE_URL=f"sqlite:///{self.tmp / 'prod.sqlite3'}",
            ZHENGGAI_VAR_DIR=str(self.tmp / "var"),
            STATIC_ROOT=str(self.tmp / "static"),
            PYTHONIOENCODING="utf-8",
        )
        if profile == "production":
            # A key like `python -c "import secrets; print(secrets.token_urlsafe(50))"` makes.
            env.update(SECRET_KEY=secrets.token_urlsafe(50), ALLOWED_HOSTS="zhenggai.example.gov.cn")
        env.update(extra)
        return {k: v for k, v in env.items() if v is not None}

    def run_python(self, *args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
        return subprocess.run(
            [sys.executable, *args], capture_output=True, text=True, encoding="utf-8", env=env, timeout=300
        )

    def zhenggai(self, *args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
        return self.run_python("-m", "zhenggai.cli", *args, env=env)

    def settings_of(self, env: dict[str, str]) -> dict:
        result = self.run_python("-c", SETTINGS_AS_JSON, env=env)
        self.assertEqual(result.returncode, 0, result.stderr)
        return json.loads(result.stdout)


class CheckDeployTestCase(ProductionProcessTestCase):
    def test_check_deploy_is_clean_in_production(self):
        result = self.zhenggai("check", "--deploy", "--fail-level", "WARNING", env=self.environment())
        self.assertEqual(result.returncode, 0, result.stdout + result.stderr)
        self.assertIn("System check identified no issues (0 silenced).", result.stdout)

    def test_the_example_environment_file_passes_check_deploy(self):
        # deploy/zhenggai.env.example through deploy/manage.sh, as an administrator would run it (only the
        # paths moved into the temporary folder; check --deploy does not connect to the database).
        manage = DEPLOY / "manage.sh"
        if not (REPO / ".venv" / "bin" / "zhenggai").exists():
            self.skipTest("deploy/manage.sh runs the checkout's .venv/bin/zhenggai, which is not there")
        example = (DEPLOY / "zhenggai.env.example").read_text(encoding="utf-8")
        for path in ("/etc/zhenggai", "/var/lib/zhenggai", "/srv/zhenggai", "/var/log/zhenggai"):
            example = example.replace(path, str(self.tmp / path.strip("/").replace("/", "_")))
        (self.tmp / "etc_zhenggai").mkdir()
        (self.tmp / "etc_zhenggai" / "secret_key").write_text(secrets.token_urlsafe(50), encoding="utf-8")
        (self.tmp / "etc_zhenggai" / "smtp_password").write_text("x", encoding="utf-8")
        env_file = self.tmp / "zhenggai.env"
        env_file.write_text(example, encoding="utf-8")
        env = {k: v for k, v in self.environment().items() if k not in ("SECRET_KEY", "ALLOWED_HOSTS")}
        env.pop("DJANGO_SETTINGS_MODULE")
        env["ZHENGGAI_ENV_FILE"] = str(env_file)
        result = subprocess.run(
            ["bash", str(manage), "check", "--deploy", "--fail-level", "WARNING"],
            capture_output=True,
            text=True,
            encoding="utf-8",
            env=env,
            timeout=300,
        )
        self.assertEqual(result.returncode, 0, result.stdout + result.stderr)
        self.assertIn("System check identified no issues (0 silenced).", result.stdout)

    def test_check_deploy_does_check(self):
        # The same check in the development profile names what production turns on.
        result = self.zhenggai("check", "--deploy", "--fail-level", "WARNING", env=self.environment("development"))
        self.assertNotEqual(result.returncode, 0)
        for code in ("security.W004", "security.W008", "security.W012", "security.W016", "security.W018"):
            self.assertIn(code, result.stderr)

    def test_production_refuses_to_start_without_a_secret_key(self):
        for secret in (None, "", "dev-only-insecure-key-do-not-use-in-production"):
            with self.subTest(secret=secret):
                result = self.zhenggai("check", env=self.environment(SECRET_KEY=secret))
                self.assertNotEqual(result.returncode, 0)
                self.assertIn("ImproperlyConfigured: SECRET_KEY must be set", result.stderr)

    def test_production_refuses_to_start_without_allowed_hosts(self):
        for hosts in (None, "", " , "):
            with self.subTest(hosts=hosts):
                result = self.zhenggai("check", env=self.environment(ALLOWED_HOSTS=hosts))
                self.assertNotEqual(result.returncode, 0)
                self.assertIn("ImproperlyConfigured: ALLOWED_HOSTS must be set", result.stderr)

    def test_production_settings(self):
        values = self.settings_of(self.environment())
        self.assertEqual(
            values,
            {
                "DEBUG": False,
                "SECURE_SSL_REDIRECT": True,
                "SECURE_PROXY_SSL_HEADER": ["HTTP_X_FORWARDED_PROTO", "https"],
                "SECURE_HSTS_SECONDS": 31_536_000,
                "SECURE_HSTS_INCLUDE_SUBDOMAINS": True,
                "SECURE_HSTS_PRELOAD": True,
                "SESSION_COOKIE_SECURE": True,
                "CSRF_COOKIE_SECURE": True,
                "X_FRAME_OPTIONS": "DENY",
                "SECURE_REFERRER_POLICY": "same-origin",
                "REAL_IP_HEADER": "X-Real-IP",
                "STATICFILES": "django.contrib.staticfiles.storage.ManifestStaticFilesStorage",
                "CONN_MAX_AGE": 60,
            },
        )

    def test_each_production_default_can_be_changed(self):
        env = self.environment(
            SECURE_HSTS_SECONDS="3600",
            SECURE_HSTS_PRELOAD="0",
            BEHIND_TLS_PROXY="0",
            SECURE_SSL_REDIRECT="0",
            STATIC_MANIFEST="0",
            DB_CONN_MAX_AGE="0",
        )
        values = self.settings_of(env)
        self.assertEqual(values["SECURE_HSTS_SECONDS"], 3600)
        self.assertIs(values["SECURE_HSTS_PRELOAD"], False)
        self.assertIsNone(values["SECURE_PROXY_SSL_HEADER"])
        self.assertEqual(values["REAL_IP_HEADER"], "")
        self.assertIs(values["SECURE_SSL_REDIRECT"], False)
        self.assertEqual(values["STATICFILES"], "django.contrib.staticfiles.storage.StaticFilesStorage")
        self.assertEqual(values["CONN_MAX_AGE"], 0)

    def test_development_keeps_plain_http(self):
        values = self.settings_of(self.environment("development"))
        self.assertIs(values["DEBUG"], True)
        self.assertIs(values["SECURE_SSL_REDIRECT"], False)
        self.assertEqual(values["SECURE_HSTS_SECONDS"], 0)
        self.assertIsNone(values["SECURE_PROXY_SSL_HEADER"])
        self.assertEqual(values["REAL_IP_HEADER"], "")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class GunicornTestCase(ProductionProcessTestCase):
    def test_the_config_reads_the_environment(self):
        with mock.patch.dict(
            os.environ, {"WEB_CONCURRENCY": "5", "GUNICORN_BIND": "127.0.0.1:9000", "GUNICORN_MAX_REQUESTS": "500"}
        ):
            config = runpy.run_path(str(DEPLOY / "gunicorn.conf.py"))
        self.assertEqual(config["workers"], 5)
        self.assertEqual(config["bind"], ["127.0.0.1:9000"])
        self.assertEqual((config["max_requests"], config["max_requests_jitter"]), (500, 50))
        self.assertIs(config["preload_app"], True)
        self.assertEqual(config["wsgi_app"], "zhenggai.config.wsgi:application")
        self.assertIn("%(M)sms", config["access_log_format"])  # request time

    def test_gunicorn_serves_the_production_profile(self):
        gunicorn = Path(sys.executable).parent / "gunicorn"
        if not gunicorn.exists():
            if IN_CI:
                self.fail(f"gunicorn is not installed next to {sys.executable} (it is in pyproject's dependencies)")
            self.skipTest("gunicorn is not installed")
        port = free_port()
        env = self.environment(GUNICORN_BIND=f"127.0.0.1:{port}", WEB_CONCURRENCY="2")
        for command in (("migrate", "--noinput"), ("collectstatic", "--noinput")):
            result = self.zhenggai(*command, env=env)
            self.assertEqual(result.returncode, 0, result.stderr)
        log = (self.tmp / "gunicorn.log").open("w+", encoding="utf-8")
        self.addCleanup(log.close)
        server = subprocess.Popen(
            [str(gunicorn), "-c", str(DEPLOY / "gunicorn.conf.py")], env=env, stdout=log, stderr=subprocess.STDOUT
        )
        self.addCleanup(server.wait, 30)
        self.addCleanup(server.terminate)

        def get(path: str, **headers: str) -> tuple[int, dict, str]:
            request = urllib.request.Request(
                f"http://127.0.0.1:{port}{path}", headers={"Host": "zhenggai.example.gov.cn", **headers}
            )
            opener = urllib.request.build_opener(NoRedirect)
            try:
                with opener.open(request, timeout=10) as response:
                    return response.status, dict(response.headers), response.read().decode("utf-8", "replace")
            except urllib.error.HTTPError as error:
                return error.code, dict(error.headers), ""

        deadline = time.monotonic() + 60
        while True:
            try:
                status, headers, body = get("/login/", **{"X-Forwarded-Proto": "https"})
                break
            except OSError:
                if time.monotonic() > deadline or server.poll() is not None:
                    log.seek(0)
                    self.fail(f"gunicorn did not answer:\n{log.read()}")
                time.sleep(0.2)
        self.assertEqual(status, 200)
        self.assertEqual(headers["Strict-Transport-Security"], "max-age=31536000; includeSubDomains; preload")
        self.assertEqual(headers["X-Frame-Options"], "DENY")
        self.assertIn("Secure", headers["Set-Cookie"])
        # Hashed static names from the manifest; the files themselves are nginx's to serve.
        css = re.search(r"/static/zhenggai/app\.[0-9a-f]{12}\.css", body)
        self.assertIsNotNone(css, body[:500])
        self.assertTrue((self.tmp / "static" / css.group(0).removeprefix("/static/")).is_file())
        self.assertEqual(get(css.group(0), **{"X-Forwarded-Proto": "https"})[0], 404)

        status, _headers, _body = get("/public/", **{"X-Forwarded-Proto": "https"})
        self.assertEqual(status, 200)
        status, headers, _body = get("/login/")  # plain HTTP reaching Django: sent to HTTPS
        self.assertEqual((status, headers["Location"]), (301, "https://zhenggai.example.gov.cn/login/"))
        server.terminate()
        self.assertEqual(server.wait(30), 0)
        log.seek(0)
        self.assertRegex(log.read(), r'"GET /login/ HTTP/1\.[01]" 200 \d+ \d+ms')


class NoRedirect(urllib.request.HTTPRedirectHandler):
    """Report a redirect instead of following it."""

    def redirect_request(self, *args, **kwargs):
        return None


def passthrough(request) -> HttpResponse:
    return HttpResponse(request.META["REMOTE_ADDR"])


class RealIPMiddlewareTestCase(SimpleTestCase):
    @override_settings(REAL_IP_HEADER="X-Real-IP")
    def test_the_proxy_header_becomes_remote_addr(self):
        middleware = RealIPMiddleware(passthrough)
        for sent, seen in (
            ("203.0.113.7", "203.0.113.7"),
            ("2001:db8::1", "2001:db8::1"),
            (" 198.51.100.2 ", "198.51.100.2"),
        ):
            with self.subTest(sent=sent):
                request = RequestFactory().get("/", HTTP_X_REAL_IP=sent, REMOTE_ADDR="127.0.0.1")
                self.assertEqual(middleware(request).content.decode(), seen)

    @override_settings(REAL_IP_HEADER="X-Real-IP")
    def test_a_missing_or_malformed_header_keeps_remote_addr(self):
        middleware = RealIPMiddleware(passthrough)
        for headers in ({}, {"HTTP_X_REAL_IP": ""}, {"HTTP_X_REAL_IP": "1.2.3.4, 5.6.7.8"}, {"HTTP_X_REAL_IP": "x"}):
            with self.subTest(headers=headers):
                request = RequestFactory().get("/", REMOTE_ADDR="127.0.0.1", **headers)
                self.assertEqual(middleware(request).content.decode(), "127.0.0.1")

    @override_settings(REAL_IP_HEADER="")
    def test_without_a_proxy_the_middleware_is_not_used(self):
        with self.assertRaises(MiddlewareNotUsed):
            RealIPMiddleware(passthrough)


def load_pgenv():
    spec = importlib.util.spec_from_file_location("zhenggai_deploy_pgenv", DEPLOY / "pgenv.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


class DeployFilesTestCase(SimpleTestCase):
    def test_pgenv_turns_a_database_url_into_libpq_variables(self):
        pg_environment = load_pgenv().pg_environment
        self.assertEqual(
            pg_environment("postgresql://zg:p%40ss%3Aw@db.internal:5433/zhenggai?sslmode=require&conn_max_age=60"),
            {
                "PGDATABASE": "zhenggai",
                "PGHOST": "db.internal",
                "PGPORT": "5433",
                "PGUSER": "zg",
                "PGPASSWORD": "p@ss:w",
                "PGSSLMODE": "require",
            },
        )
        self.assertEqual(
            pg_environment("postgres://%2Fvar%2Frun%2Fpostgresql/zhenggai"),
            {"PGDATABASE": "zhenggai", "PGHOST": "/var/run/postgresql"},
        )
        for url in ("sqlite:///var/zhenggai.sqlite3", "postgres://db.internal/"):
            with self.subTest(url=url), self.assertRaises(ValueError):
                pg_environment(url)

    def test_the_scripts_are_valid_bash(self):
        bash = shutil.which("bash")
        for script in ("backup.sh", "restore.sh", "manage.sh"):
            with self.subTest(script=script):
                self.assertTrue(os.access(DEPLOY / script, os.X_OK), f"{script} is not executable")
                result = subprocess.run([bash, "-n", str(DEPLOY / script)], capture_output=True, text=True)
                self.assertEqual(result.returncode, 0, result.stderr)

    def test_nginx_serves_static_files_and_never_the_private_files(self):
        text = (DEPLOY / "nginx.conf").read_text(encoding="utf-8")
        active = "\n".join(line.split("#", 1)[0] for line in text.splitlines())
        self.assertNotIn("/var/lib/zhenggai", active)  # EVIDENCE_ROOT only in comments
        self.assertIn("alias /srv/zhenggai/static/;", active)
        for header in ("X-Forwarded-Proto $scheme", "X-Real-IP $remote_addr", "Host $host"):
            self.assertIn(f"proxy_set_header {header};", active)
        body_mb = int(re.search(r"client_max_body_size (\d+)m;", active).group(1))
        self.assertGreaterEqual(body_mb, 20)  # at least one evidence file of the default EVIDENCE_MAX_MB

    def test_the_units_run_the_web_server_the_worker_and_the_daily_jobs(self):
        def service(name: str) -> configparser.SectionProxy:
            parser = configparser.ConfigParser(strict=False, interpolation=None)
            parser.optionxform = str
            parser.read(DEPLOY / name, encoding="utf-8")
            return parser["Service"]

        self.assertIn(
            "gunicorn -c /srv/zhenggai/app/deploy/gunicorn.conf.py", service("zhenggai-web.service")["ExecStart"]
        )
        worker = (DEPLOY / "zhenggai-worker.service").read_text(encoding="utf-8")
        self.assertIn("ExecStart=/srv/zhenggai/app/.venv/bin/zhenggai db_worker --no-reload", worker)
        for job in ("warnings --schedule", "snapshots --schedule"):
            self.assertIn(f"ExecStartPre=/srv/zhenggai/app/.venv/bin/zhenggai {job}", worker)
        self.assertEqual(service("zhenggai-backup.service")["ExecStart"], "/srv/zhenggai/app/deploy/backup.sh")
