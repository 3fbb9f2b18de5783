"""The ``zhenggai`` console script and the production settings, each run in a subprocess."""

from __future__ import annotations

import importlib.metadata
import os
import subprocess
import sys
import tempfile
from pathlib import Path

from django.test import SimpleTestCase

_CLEARED = ("ZHENGGAI_PROFILE", "SECRET_KEY", "SECRET_KEY_FILE", "DEBUG", "DATABASE_URL", "ALLOWED_HOSTS")


class SubprocessTestCase(SimpleTestCase):
    def setUp(self) -> None:
        directory = tempfile.TemporaryDirectory()
        self.addCleanup(directory.cleanup)
        self.tmp = Path(directory.name)

    def environment(self, settings: str = "zhenggai.config.settings_test", **extra: str) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if k not in _CLEARED and not k.startswith("ZHENGGAI_")}
        env.update(
            DJANGO_SETTINGS_MODULE=settings,
            DATABASE_URL=f"sqlite:///{self.tmp / 'cli.sqlite3'}",
            ZHENGGAI_VAR_DIR=str(self.tmp / "var"),
            PYTHONIOENCODING="utf-8",
        )
        env.update(extra)
        return env

    def run_python(self, *args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
        return subprocess.run(
            [sys.executable, *args], capture_output=True, text=True, encoding="utf-8", env=env, timeout=120
        )


class CliTestCase(SubprocessTestCase):
    def test_help_lists_the_commands(self):
        result = self.run_python("-m", "zhenggai.cli", "--help", env=self.environment())
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertIn("zhenggai help <subcommand>", result.stdout)
        for command in ("migrate", "load_demo", "createsuperuser", "runserver"):
            self.assertIn(f"    {command}\n", result.stdout)
        self.assertNotIn("Traceback", result.stderr)

    def test_no_arguments_prints_the_same_help(self):
        result = self.run_python("-m", "zhenggai.cli", env=self.environment())
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertIn("load_demo", result.stdout)

    def test_an_unknown_command_fails(self):
        result = self.run_python("-m", "zhenggai.cli", "no_such_command", env=self.environment())
        self.assertNotEqual(result.returncode, 0)
        self.assertIn("no_such_command", result.stderr)

    def test_the_console_script_entry_point(self):
        scripts = [ep for ep in importlib.metadata.entry_points(group="console_scripts") if ep.name == "zhenggai"]
        self.assertEqual(len(scripts), 1)
        self.assertEqual(scripts[0].value, "zhenggai.cli:main")
        from zhenggai.cli import main

        self.assertIs(scripts[0].load(), main)

    def test_the_installed_script_runs(self):
        script = Path(sys.executable).parent / "zhenggai"
        if not script.exists():
            self.skipTest(f"no console script next to {sys.executable}")
        result = subprocess.run(
            [str(script), "help", "load_demo"],
            capture_output=True,
            text=True,
            encoding="utf-8",
            env=self.environment(),
            timeout=120,
        )
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertIn("usage: zhenggai load_demo", result.stdout)


class ProductionSettingsTestCase(SubprocessTestCase):
    SNIPPET = "import django; django.setup(); from django.conf import settings; print(settings.DEBUG)"

    def setup_django(self, **extra: str) -> subprocess.CompletedProcess:
        env = self.environment("zhenggai.config.settings", **extra)
        return self.run_python("-c", self.SNIPPET, env=env)

    def test_production_without_a_secret_key_fails(self):
        result = self.setup_django(ZHENGGAI_PROFILE="production")
        self.assertNotEqual(result.returncode, 0)
        self.assertIn("ImproperlyConfigured", result.stderr)
        self.assertIn("SECRET_KEY", result.stderr)
        self.assertEqual(result.stdout, "")

    def test_production_refuses_the_development_key(self):
        result = self.setup_django(
            ZHENGGAI_PROFILE="production", SECRET_KEY="dev-only-insecure-key-do-not-use-in-production"
        )
        self.assertNotEqual(result.returncode, 0)
        self.assertIn("ImproperlyConfigured", result.stderr)

    def test_production_with_a_secret_key_starts_without_debug(self):
        result = self.setup_django(
            ZHENGGAI_PROFILE="production", SECRET_KEY="k" * 50, ALLOWED_HOSTS="zhenggai.example.cn"
        )
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertEqual(result.stdout.strip(), "False")

    def test_production_reads_the_secret_key_from_a_file(self):
        secret = self.tmp / "secret_key"
        secret.write_text("f" * 50 + "\n", encoding="utf-8")
        result = self.setup_django(
            ZHENGGAI_PROFILE="production", SECRET_KEY_FILE=str(secret), ALLOWED_HOSTS="zhenggai.example.cn"
        )
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertEqual(result.stdout.strip(), "False")

    def test_development_is_the_default_and_debugs(self):
        result = self.setup_django()
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertEqual(result.stdout.strip(), "True")

    def test_an_unknown_profile_fails(self):
        result = self.setup_django(ZHENGGAI_PROFILE="staging", SECRET_KEY="k" * 50)
        self.assertNotEqual(result.returncode, 0)
        self.assertIn("ImproperlyConfigured", result.stderr)
        self.assertIn("ZHENGGAI_PROFILE", result.stderr)
