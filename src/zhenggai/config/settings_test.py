"""Settings for the test suite: the project's settings plus a fast password hasher."""

from zhenggai.config.settings import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
