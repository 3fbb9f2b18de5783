"""The typed environment readers used by the settings."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from unittest import mock

from django.core.exceptions import ImproperlyConfigured
from django.test import SimpleTestCase

from zhenggai.config.env import env_bool, env_choice, env_int, env_list, env_secret, env_str

NAME = "ZHENGGAI_TEST_VARIABLE"


def environ(**values: str):
    """Patch os.environ for the block, with NAME and NAME_FILE removed unless given."""
    patcher = mock.patch.dict(os.environ, values)
    patcher.start()
    for key in (NAME, f"{NAME}_FILE"):
        if key not in values:
            os.environ.pop(key, None)
    return patcher


class EnvTestCase(SimpleTestCase):
    def env(self, **values: str) -> None:
        self.addCleanup(environ(**values).stop)


class EnvStrTestCase(EnvTestCase):
    def test_it_reads_the_value_or_the_default(self):
        self.env()
        self.assertEqual(env_str(NAME), "")
        self.assertEqual(env_str(NAME, "fallback"), "fallback")
        self.env(**{NAME: " 原样 "})
        self.assertEqual(env_str(NAME, "fallback"), " 原样 ")


class EnvBoolTestCase(EnvTestCase):
    def test_true_values(self):
        for raw in ("1", "true", "TRUE", "Yes", "on", " on "):
            with self.subTest(raw=raw):
                self.env(**{NAME: raw})
                self.assertIs(env_bool(NAME, False), True)

    def test_false_values(self):
        for raw in ("0", "false", "False", "no", "OFF", ""):
            with self.subTest(raw=raw):
                self.env(**{NAME: raw})
                self.assertIs(env_bool(NAME, True), False)

    def test_unset_gives_the_default(self):
        self.env()
        self.assertIs(env_bool(NAME), False)
        self.assertIs(env_bool(NAME, True), True)

    def test_invalid_values_raise(self):
        for raw in ("maybe", "2", "y", "enabled"):
            with self.subTest(raw=raw):
                self.env(**{NAME: raw})
                with self.assertRaises(ImproperlyConfigured) as ctx:
                    env_bool(NAME)
                self.assertIn(NAME, str(ctx.exception))


class EnvIntTestCase(EnvTestCase):
    def test_integers(self):
        for raw, value in (("42", 42), (" 7 ", 7), ("-3", -3), ("0", 0)):
            with self.subTest(raw=raw):
                self.env(**{NAME: raw})
                self.assertEqual(env_int(NAME, 99), value)

    def test_unset_or_blank_gives_the_default(self):
        self.env()
        self.assertEqual(env_int(NAME, 50), 50)
        self.env(**{NAME: "  "})
        self.assertEqual(env_int(NAME, 50), 50)

    def test_invalid_values_raise(self):
        for raw in ("4x", "4.5", "fifty", "1e3"):
            with self.subTest(raw=raw):
                self.env(**{NAME: raw})
                with self.assertRaises(ImproperlyConfigured) as ctx:
                    env_int(NAME, 1)
                self.assertIn(NAME, str(ctx.exception))


class EnvListTestCase(EnvTestCase):
    def test_comma_separated_items_are_trimmed_and_empty_ones_dropped(self):
        self.env(**{NAME: " zhenggai.example.org, ,localhost,,127.0.0.1 "})
        self.assertEqual(env_list(NAME), ["zhenggai.example.org", "localhost", "127.0.0.1"])

    def test_unset_gives_a_copy_of_the_default(self):
        self.env()
        default = ["a", "b"]
        value = env_list(NAME, default)
        self.assertEqual(value, ["a", "b"])
        value.append("c")
        self.assertEqual(default, ["a", "b"])
        self.assertEqual(env_list(NAME), [])

    def test_set_but_empty_gives_an_empty_list(self):
        self.env(**{NAME: ""})
        self.assertEqual(env_list(NAME, ["default"]), [])


class EnvChoiceTestCase(EnvTestCase):
    CHOICES = ("development", "production")

    def test_a_choice_is_normalised(self):
        self.env(**{NAME: " Production "})
        self.assertEqual(env_choice(NAME, self.CHOICES, "development"), "production")

    def test_unset_gives_the_default(self):
        self.env()
        self.assertEqual(env_choice(NAME, self.CHOICES, "development"), "development")

    def test_invalid_values_raise(self):
        for raw in ("staging", "", "prod"):
            with self.subTest(raw=raw):
                self.env(**{NAME: raw})
                with self.assertRaises(ImproperlyConfigured) as ctx:
                    env_choice(NAME, self.CHOICES, "development")
                self.assertIn(NAME, str(ctx.exception))
                self.assertIn("production", str(ctx.exception))


class EnvSecretTestCase(EnvTestCase):
    def secret_file(self, content: str) -> str:
        directory = tempfile.TemporaryDirectory()
        self.addCleanup(directory.cleanup)
        path = Path(directory.name) / "secret"
        path.write_text(content, encoding="utf-8")
        return str(path)

    def test_it_reads_the_variable(self):
        self.env(**{NAME: "s3cret"})
        self.assertEqual(env_secret(NAME, "default"), "s3cret")

    def test_unset_gives_the_default(self):
        self.env()
        self.assertEqual(env_secret(NAME, "default"), "default")
        self.assertEqual(env_secret(NAME), "")

    def test_it_reads_the_file_named_by_name_file(self):
        self.env(**{f"{NAME}_FILE": self.secret_file("  密钥-from-file\n")})
        self.assertEqual(env_secret(NAME, "default"), "密钥-from-file")

    def test_the_file_wins_over_the_variable(self):
        self.env(**{NAME: "from-variable", f"{NAME}_FILE": self.secret_file("from-file")})
        self.assertEqual(env_secret(NAME), "from-file")

    def test_an_empty_name_file_is_ignored(self):
        self.env(**{NAME: "from-variable", f"{NAME}_FILE": ""})
        self.assertEqual(env_secret(NAME), "from-variable")

    def test_a_missing_file_fails_loudly(self):
        directory = tempfile.TemporaryDirectory()
        self.addCleanup(directory.cleanup)
        self.env(**{NAME: "from-variable", f"{NAME}_FILE": str(Path(directory.name) / "missing")})
        with self.assertRaises((OSError, ImproperlyConfigured)):
            env_secret(NAME, "default")
