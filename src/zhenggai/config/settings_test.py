"""Settings for the test suite: the project's settings plus a fast password hasher."""

from zhenggai.config.settings import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

# Tasks run synchronously inside the test; evidence goes to a throw-away folder.
TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
import tempfile  # noqa: E402

EVIDENCE_ROOT = tempfile.mkdtemp(prefix="zhenggai-evidence-")
STORAGES["evidence"]["OPTIONS"]["location"] = EVIDENCE_ROOT  # noqa: F405
