"""Django settings for Zhenggai.

Everything that differs between a laptop and production comes from environment
variables read through ``zhenggai.config.env``; README.md ("Configuration") lists
them all. Defaults are safe for local development: SQLite under ``var/``, DEBUG on.
``ZHENGGAI_PROFILE=production`` turns DEBUG off, requires a real SECRET_KEY and ALLOWED_HOSTS, and
switches on the HTTPS protections ``zhenggai check --deploy`` asks for (docs/deployment.md).
"""

from __future__ import annotations

from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from zhenggai.config.env import env_bool, env_choice, env_int, env_list, env_secret, env_str

PACKAGE_DIR = Path(__file__).resolve().parent.parent
BASE_DIR = PACKAGE_DIR.parent.parent
VAR_DIR = Path(env_str("ZHENGGAI_VAR_DIR", str(BASE_DIR / "var")))

PROFILE = env_choice("ZHENGGAI_PROFILE", ("development", "production"), "development")
PRODUCTION = PROFILE == "production"
DEBUG = env_bool("DEBUG", not PRODUCTION)

_DEV_SECRET = "dev-only-insecure-key-do-not-use-in-production"
SECRET_KEY = env_secret("SECRET_KEY", "" if PRODUCTION else _DEV_SECRET)
if PRODUCTION and (not SECRET_KEY or SECRET_KEY == _DEV_SECRET):
    raise ImproperlyConfigured("SECRET_KEY must be set when ZHENGGAI_PROFILE=production")

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", [] if PRODUCTION else ["127.0.0.1", "localhost", "[::1]", "testserver"])
if PRODUCTION and not ALLOWED_HOSTS:
    # Refused at start-up: with an empty list every request would be a 400, found only after deployment.
    raise ImproperlyConfigured("ALLOWED_HOSTS must be set when ZHENGGAI_PROFILE=production (comma-separated)")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "simple_history",
    "django_tasks_db",
    "zhenggai.core",
    "zhenggai.accounts",
    "zhenggai.organizations",
    "zhenggai.ledger",
    "zhenggai.imports",
    "zhenggai.progress",
    "zhenggai.acceptance",
    "zhenggai.exports",
    "zhenggai.stats",
    "zhenggai.reports",
    "zhenggai.cases",
    "zhenggai.accountability",
    "zhenggai.portal",
    "zhenggai.demo",
    "zhenggai.synthetic",
]

MIDDLEWARE = [
    # Behind nginx: REMOTE_ADDR becomes the visitor's address from X-Real-IP (REAL_IP_HEADER).
    "zhenggai.config.proxy.RealIPMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "zhenggai.core.middleware.ChosenLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Records request.user as the author of every history row written during the request.
    "simple_history.middleware.HistoryRequestMiddleware",
]

ROOT_URLCONF = "zhenggai.config.urls"
WSGI_APPLICATION = "zhenggai.config.wsgi.application"
ASGI_APPLICATION = "zhenggai.config.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PACKAGE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

# --- database ---------------------------------------------------------------
# DATABASE_URL selects the database; without it a SQLite file under var/ is used.
VAR_DIR.mkdir(parents=True, exist_ok=True)
DATABASE_URL = env_str("DATABASE_URL", f"sqlite:///{VAR_DIR / 'zhenggai.sqlite3'}")
# Production keeps a connection per gunicorn worker for a minute (a new PostgreSQL connection costs ~4.6 ms,
# bench/RESULTS.md) and checks it is alive before reusing it after a database restart.
DATABASES = {
    "default": dj_database_url.parse(
        DATABASE_URL, conn_max_age=env_int("DB_CONN_MAX_AGE", 60 if PRODUCTION else 0), conn_health_checks=True
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers run while one writer writes; IMMEDIATE takes the write lock
    # at BEGIN so two writers queue instead of failing with "database is locked"
    # half-way through a transaction (measured in shared/docs/stack-notes.md).
    # Django turns PRAGMA foreign_keys on for every SQLite connection itself.
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "ledger:problem_list"
LOGOUT_REDIRECT_URL = "login"

# --- language and time --------------------------------------------------------
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("Simplified Chinese")), ("en", _("English"))]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
TIME_ZONE = env_str("TIME_ZONE", "Asia/Shanghai")
USE_I18N = True
USE_TZ = True

# --- static files -------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = Path(env_str("STATIC_ROOT", str(VAR_DIR / "static")))
STATICFILES_DIRS = [PACKAGE_DIR / "static"]
# Production: ``zhenggai collectstatic`` writes hashed names (app.3f2a….css) and a manifest into STATIC_ROOT,
# which nginx serves with a long cache lifetime; Django serves no static files when DEBUG is off.
STATIC_MANIFEST = env_bool("STATIC_MANIFEST", PRODUCTION)

# --- security (production profile) --------------------------------------------
# Production runs behind nginx, which terminates TLS and overwrites X-Forwarded-Proto (deploy/nginx.conf);
# gunicorn listens on loopback only, so no client can send that header to Django itself. Each default
# below is what ``check --deploy`` wants in production and off in development (plain http://127.0.0.1).
BEHIND_TLS_PROXY = env_bool("BEHIND_TLS_PROXY", PRODUCTION)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if BEHIND_TLS_PROXY else None
# The header in which the proxy names the visitor's address (zhenggai.config.proxy); empty: REMOTE_ADDR as is.
REAL_IP_HEADER = env_str("REAL_IP_HEADER", "X-Real-IP" if BEHIND_TLS_PROXY else "")
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", PRODUCTION)
# HSTS: browsers refuse plain HTTP to this host for this long once they have seen it over HTTPS. One year
# in production; lower it (e.g. 3600) for the first days of a new domain, and set INCLUDE_SUBDOMAINS or
# PRELOAD off when sibling hosts under the name still need plain HTTP.
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31_536_000 if PRODUCTION else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", PRODUCTION)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", PRODUCTION)
SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", PRODUCTION)
CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", PRODUCTION)
SESSION_COOKIE_HTTPONLY = True
# A signed-in session lasts this long (Django's default: two weeks).
SESSION_COOKIE_AGE = env_int("SESSION_COOKIE_AGE", 14 * 24 * 3600)
SECURE_CONTENT_TYPE_NOSNIFF = True
# Links to other sites carry no path (ledger URLs name plans and problems); same-origin keeps the full URL.
SECURE_REFERRER_POLICY = env_str("SECURE_REFERRER_POLICY", "same-origin")
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# --- REST API -----------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": env_int("API_PAGE_SIZE", 50),
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Zhenggai API",
    "DESCRIPTION": "整改台账 REST API: inspections, plans, problems, measures, units, progress reports, "
    "warnings, deadline extensions.",
    "VERSION": "0.1.0",
    "SERVE_INCLUDE_SCHEMA": False,
    # Swagger UI served from the vendored sidecar package: the machine is offline.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # Stable enum names: two "kind" fields (inspection, warning) would otherwise rename each other.
    "ENUM_NAME_OVERRIDES": {
        "InspectionKindEnum": "zhenggai.ledger.choices.InspectionKind",
        "WarningKindEnum": "zhenggai.progress.choices.WarningKind",
        "EscalationKindEnum": "zhenggai.progress.choices.EscalationKind",
        "ItemStatusEnum": "zhenggai.ledger.choices.ItemStatus",
        "PlanStatusEnum": "zhenggai.ledger.choices.PlanStatus",
        "ExtensionStatusEnum": "zhenggai.progress.choices.ExtensionStatus",
        "RunStatusEnum": "zhenggai.progress.choices.RunStatus",
        "RequestStatusEnum": "zhenggai.acceptance.choices.RequestStatus",
        "PlanLevelEnum": "zhenggai.ledger.choices.PlanLevel",
    },
}

# Evidence files live outside the web root and are only served by a permission-checked view.
EVIDENCE_ROOT = Path(env_str("EVIDENCE_ROOT", str(VAR_DIR / "evidence")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.ManifestStaticFilesStorage"
        if STATIC_MANIFEST
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
    "evidence": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": str(EVIDENCE_ROOT), "base_url": None},
    },
}

# Background jobs: Django's tasks framework with django-tasks-db's database queue (no extra service;
# production runs ``zhenggai db_worker``). TASKS_BACKEND=immediate runs tasks in the request instead.
TASKS = {
    "default": {
        "BACKEND": {
            "database": "django_tasks_db.DatabaseBackend",
            "immediate": "django.tasks.backends.immediate.ImmediateBackend",
        }[env_choice("TASKS_BACKEND", ("database", "immediate"), "database")]
    }
}

# E-mail (Django 6.1 MAILERS): the console in development, SMTP in production.
_SMTP = PRODUCTION or env_bool("EMAIL_SMTP", False)
MAILERS = {
    "default": {
        "BACKEND": "django.core.mail.backends.smtp.EmailBackend"
        if _SMTP
        else "django.core.mail.backends.console.EmailBackend",
        "OPTIONS": {
            "host": env_str("EMAIL_HOST", "localhost"),
            "port": env_int("EMAIL_PORT", 25),
            "username": env_str("EMAIL_HOST_USER", ""),
            "password": env_secret("EMAIL_HOST_PASSWORD", ""),
            "use_tls": env_bool("EMAIL_USE_TLS", False),
        }
        if _SMTP
        else {},
    }
}
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "zhenggai@localhost")
SITE_URL = env_str("SITE_URL", "http://127.0.0.1:8000")

# --- application settings -----------------------------------------------------
LEDGER_PAGE_SIZE = env_int("LEDGER_PAGE_SIZE", 50)
EVIDENCE_MAX_BYTES = env_int("EVIDENCE_MAX_MB", 20) * 1024 * 1024
# A ledger download of more data rows (measures) than this is built by a background job (exports.ExportJob).
EXPORT_SYNC_MAX_ROWS = env_int("EXPORT_SYNC_MAX_ROWS", 2000)
# The warning job runs daily at this local hour (the worker re-enqueues the next run).
WARNING_SCAN_HOUR = env_int("WARNING_SCAN_HOUR", 6)
# A flag is stale when the last successful warning run is older than this many hours.
WARNING_STALE_HOURS = env_int("WARNING_STALE_HOURS", 26)

# Refused transitions (skipped levels, double approvals, sign-off during 公示 …), succession moves and
# look-back campaigns are logged on "zhenggai.audit", which also goes to its own file.
AUDIT_LOG = env_str("AUDIT_LOG", str(VAR_DIR / "audit.log"))
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"audit": {"format": "%(asctime)s %(levelname)s %(message)s"}},
    "handlers": {
        "console": {"class": "logging.StreamHandler"},
        # Watched: every gunicorn worker and the task worker append to the file; after logrotate moves it
        # each process reopens the new one (deploy/logrotate-zhenggai) instead of writing to the moved file.
        "audit_file": {
            "class": "logging.handlers.WatchedFileHandler",
            "filename": AUDIT_LOG,
            "formatter": "audit",
            "delay": True,
        },
    },
    "loggers": {"zhenggai.audit": {"handlers": ["audit_file"], "level": "INFO"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
}
