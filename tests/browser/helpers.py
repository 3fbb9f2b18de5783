"""What the browser tests share: signing in, and the default acceptance chains."""

from __future__ import annotations

import importlib
import re

from django.apps import apps as django_apps
from playwright.sync_api import Page, expect

from zhenggai.acceptance.models import AcceptanceChain
from zhenggai.testing import PASSWORD


def sign_in(page: Page, base_url: str, username: str, next_path: str) -> None:
    """Start a fresh session as ``username`` and land on ``next_path``."""
    page.context.clear_cookies()
    page.goto(f"{base_url}/login/?next={next_path}")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    expect(page).to_have_url(re.compile(re.escape(next_path)))


def default_chains() -> None:
    """The default chains are written by a data migration, and a transactional test that ran earlier in
    the same process flushed them: write them again with the migration's own function if so."""
    if not AcceptanceChain.objects.filter(plan=None, subject="problem").exists():
        importlib.import_module("zhenggai.acceptance.migrations.0002_default_chains").create(django_apps, None)
    if not AcceptanceChain.objects.filter(plan=None, subject="case").exists():
        importlib.import_module("zhenggai.acceptance.migrations.0005_default_case_chains").create(django_apps, None)
