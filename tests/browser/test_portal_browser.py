"""The public portal in real Chromium: the office publishes its plan from the plan page; a task passes
the city's acceptance step, so its 公示 opens and appears on the portal by itself; an anonymous visitor
on a phone-sized screen opens the portal, follows the notice to its objection form and objects; the
city office sees the objection on the task's acceptance page.

The clock is the real one (Chromium judges session cookies by the real date). 公示 starts on the next
working day; when today is not one, the notice's dates are moved to today in the database and the
office publishes the notice again, so the form is open (see the comments there).
"""

from __future__ import annotations

import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import Page, expect

from tests.browser.helpers import default_chains, sign_in
from zhenggai.acceptance import actions as acceptance
from zhenggai.acceptance.choices import CHECKLIST
from zhenggai.acceptance.models import Objection, PublicNotice
from zhenggai.ledger import actions as ledger
from zhenggai.portal import actions as portal
from zhenggai.portal.models import Kind, PublishedItem
from zhenggai.progress import actions as progress
from zhenggai.progress.forms import offered_periods
from zhenggai.testing import build_world

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}


def test_office_publishes_visitor_objects_to_a_notice_from_the_portal(page: Page, live_server, artifacts_dir):
    default_chains()
    world = build_world()
    plan, problem = world.plans["A"], world.problems["a1"]
    ledger.update_problem(
        problem,
        acting_user=world.users["system"],
        expected_version=problem.version,
        changes={"title": "城区河道黑臭水体整治", "description": "城区河道沿线生活污水直排，水体黑臭。"},
    )

    ledger.set_plan_status(plan, "approved", acting_user=world.users["system"])  # drafts are not published

    # The city office publishes its plan from the plan page.
    sign_in(page, live_server.url, "office_a", reverse("ledger:plan_detail", args=[plan.pk]))
    page.get_by_test_id("portal-publish-plan").click()
    expect(page).to_have_url(re.compile(re.escape(reverse("portal:office"))))
    expect(page.get_by_test_id("portal-office-row")).to_have_count(7)
    plan_item = PublishedItem.objects.get(key=f"plan:{plan.pk}")

    # The county reports the measure done and asks for acceptance; the city reviewer passes the city
    # step, which opens 公示 — and publishes it when the decision commits.
    period = offered_periods(plan)[1]  # a period that has surely started
    progress.submit_report(
        problem,
        progress.ReportInput(period.start, period.end, "河道清淤完成", Decimal(100), claimed_status="completed"),
        acting_user=world.users["unit_A1"],
        measure=problem.measures.get(),
    )
    request = acceptance.request_acceptance(
        problem,
        acting_user=world.users["unit_A1"],
        report="河道已清淤，排污口已截污纳管。",
        signed_by_head="钱县长",
        checklist={key: True for key, _label in CHECKLIST},
    )
    acceptance.decide_step(request, acting_user=world.users["reviewer_A"], decision="pass", opinion="同意。")
    notice = PublicNotice.objects.get(request=request)
    notice_item = PublishedItem.objects.get(key=f"notice:{notice.pk}", kind=Kind.NOTICE)
    today = timezone.localdate()
    if notice.starts_on > today:  # opened on a day off: 公示 starts on the next working day
        PublicNotice.objects.filter(pk=notice.pk).update(starts_on=today, ends_on=today + timedelta(days=7))
        portal.publish_notice(notice, acting_user=world.users["office_A"])

    # An anonymous visitor on a phone: the portal's home lists the plan and the notice.
    page.context.clear_cookies()
    page.set_viewport_size(PHONE)
    page.goto(f"{live_server.url}{reverse('portal:home')}")
    links = page.get_by_test_id("portal-item-link")
    expect(links).to_have_count(2)
    expect(page.locator('[data-kind="plan"]')).to_have_attribute("href", plan_item.get_absolute_url())
    page.screenshot(path=str(artifacts_dir / "portal-home-mobile.png"), full_page=True)
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]  # no sideways scrolling

    # The plan page lists the published tasks with their public status.
    page.locator('[data-kind="plan"]').click()
    expect(page.get_by_test_id("portal-task-link")).to_have_count(6)
    expect(page.get_by_test_id("portal-plan-tasks")).to_contain_text("城区河道黑臭水体整治")
    page.screenshot(path=str(artifacts_dir / "portal-plan-mobile.png"), full_page=True)

    # The notice leads to the objection form of the acceptance app.
    page.get_by_test_id("portal-home-link").click()
    page.locator('[data-kind="notice"]').click()
    expect(page).to_have_url(re.compile(re.escape(notice_item.get_absolute_url())))
    expect(page.get_by_test_id("portal-notice")).to_contain_text("第1项 城区河道黑臭水体整治")
    page.screenshot(path=str(artifacts_dir / "portal-notice-mobile.png"), full_page=True)
    page.get_by_test_id("portal-objection-link").click()
    expect(page).to_have_url(re.compile(re.escape(f"/notices/{notice.code}/")))
    page.fill("#id_name", "孙女士")
    page.fill("#id_contact", "13700000000")
    page.fill("#id_text", "河道下游靠近桥头处仍有异味。")
    page.get_by_test_id("objection-submit").click()
    expect(page.locator(".alert-success")).to_be_visible()
    objection = Objection.objects.get(notice=notice)
    assert objection.text == "河道下游靠近桥头处仍有异味。"

    # The city office sees the objection on the task's acceptance page.
    page.set_viewport_size({"width": 1280, "height": 900})
    sign_in(page, live_server.url, "office_a", reverse("acceptance:problem", args=[problem.pk]))
    expect(page.get_by_test_id("objection")).to_have_count(1)
    expect(page.get_by_test_id("objection")).to_contain_text("河道下游靠近桥头处仍有异味。")
    page.screenshot(path=str(artifacts_dir / "portal-office-objection.png"), full_page=True)
