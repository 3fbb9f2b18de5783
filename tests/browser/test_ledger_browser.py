"""The ledger in real Chromium: a county unit user signs in and sees its own tasks only."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from zhenggai.testing import PASSWORD, build_world

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_county_user_sees_own_tasks_not_another_countys(page: Page, live_server, artifacts_dir):
    world = build_world()
    page.goto(f"{live_server.url}/ledger/problems/")
    expect(page).to_have_url(f"{live_server.url}/login/?next=/ledger/problems/")

    page.fill("#id_username", "unit_a1")
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")

    ledger = page.get_by_test_id("ledger")
    expect(ledger).to_be_visible()
    expect(page.get_by_test_id("current-user")).to_contain_text("甲一县")
    expect(ledger).to_contain_text("问题a1")
    expect(ledger).to_contain_text("问题coll")  # assigned to the collective 各县区政府, of which 甲一县 is a member
    expect(ledger).not_to_contain_text("问题a2")  # the other county's task
    expect(ledger).not_to_contain_text("问题b1")  # another city's task
    # Chinese UI by default
    expect(page.locator("h1")).to_have_text("整改台账")
    page.screenshot(path=str(artifacts_dir / "ledger-county-user.png"), full_page=True)

    # A problem of the other county answers 404, even typed into the address bar.
    response = page.goto(f"{live_server.url}/ledger/problems/{world.problems['a2'].pk}/")
    assert response is not None and response.status == 404
