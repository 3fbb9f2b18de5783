"""Acceptance and sign-off (验收销号) in real Chromium, through three review levels.

A county plan of 甲一县 runs the default county chain: the county unit asks for acceptance →
县级初验 (a county reviewer) → 市级核查认定 (the city reviewer) → 省级复核 (the province office) →
公示, during which an anonymous visitor objects on the public page and the city office dismisses the
objection → the office closes the notice → 销号 → the problem is signed off → the office reopens it.

The clock is the real one: Chromium judges session-cookie expiry by the real date, so a frozen
clock would log everyone out. Where the flow needs another date, the notice's dates are moved in
the database instead (see the comments there).
"""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import Page, expect

from tests.browser.helpers import default_chains, sign_in
from zhenggai.acceptance.models import (
    AcceptanceRequest,
    Objection,
    PublicNotice,
    Reopening,
    StepDecision,
)
from zhenggai.accounts.models import User
from zhenggai.ledger import actions as ledger
from zhenggai.ledger.models import Problem
from zhenggai.progress import actions as progress
from zhenggai.progress.forms import offered_periods
from zhenggai.testing import PASSWORD, build_world

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"


def county_problem(world) -> Problem:
    """A county-level plan of 甲一县 with one problem, held by the county, whose measure is reported done."""
    system, county = world.users["system"], world.units["A1"]
    plan = ledger.create_plan(
        acting_user=system,
        inspection=world.plans["A"].inspection,
        title="甲一县生态环境保护督察反馈问题整改方案",
        jurisdiction=county,
        level="county",
    )
    problem = ledger.create_problem(
        plan, acting_user=system, title="城区河道黑臭水体", number_text="第1项", deadline="2026年12月31日前"
    )
    ledger.assign(problem, "lead", unit=county, acting_user=system)
    measure = ledger.add_measure(problem, acting_user=system, text="完成河道清淤和截污纳管", number_text="（一）")
    period = offered_periods(plan)[1]  # a period that has surely started
    progress.submit_report(
        problem,
        progress.ReportInput(
            period.start, period.end, "清淤和截污纳管均已完成", Decimal(100), claimed_status="completed"
        ),
        acting_user=world.users["unit_A1"],
        measure=measure,
    )
    return problem


def decide(page: Page, opinion: str) -> None:
    """On the acceptance page: open the step waiting, pass it with ``opinion``."""
    page.get_by_test_id("decide").click()
    page.check("input[name=decision][value=pass]")
    page.fill("#id_opinion", opinion)
    page.get_by_test_id("decide-submit").click()


def test_three_review_levels_notice_objection_sign_off_and_reopening(page: Page, live_server, artifacts_dir, tmp_path):
    default_chains()
    world = build_world()
    User.objects.create_user("reviewer_a1", password=PASSWORD, role="reviewer", unit=world.units["A1"])
    problem = county_problem(world)
    page_path = reverse("acceptance:problem", args=[problem.pk])
    report_file = tmp_path / "河道整治验收自查报告.pdf"
    report_file.write_bytes(PDF)

    # The county unit asks for acceptance from the problem's ledger page.
    sign_in(page, live_server.url, "unit_a1", reverse("ledger:problem_detail", args=[problem.pk]))
    page.get_by_test_id("acceptance-link").click()
    expect(page.get_by_test_id("chain-step")).to_have_count(5)
    page.get_by_test_id("request-new").click()
    page.fill("#id_report", "河道已完成清淤4.2公里，沿线12个排污口全部截污纳管，第三方监测水质达标。")
    page.fill("#id_signed_by_head", "钱县长")
    for box in page.locator("input[name=checklist]").all():
        box.check()
    page.set_input_files("#id_files", str(report_file))
    page.screenshot(path=str(artifacts_dir / "acceptance-request-form.png"), full_page=True)
    page.get_by_test_id("request-submit").click()
    request_row = page.get_by_test_id("request")
    expect(request_row).to_have_attribute("data-status", "in_review")
    expect(page.get_by_test_id("attachment-link")).to_have_text("河道整治验收自查报告.pdf")
    request = AcceptanceRequest.objects.get(problem=problem)

    # Three review levels, each by its own reviewer: county, city, province.
    levels = (
        ("reviewer_a1", "县级初验：材料齐全，现场核查属实。"),
        ("reviewer_a", "市级核查认定：同意。"),
        ("office_p", "省级复核：同意公示。"),
    )
    for done, (username, opinion) in enumerate(levels, start=1):
        sign_in(page, live_server.url, username, page_path)
        decide(page, opinion)
        expect(page.get_by_test_id("decision")).to_have_count(done)
    expect(request_row).to_have_attribute("data-status", "in_notice")
    assert list(request.decisions.order_by("position").values_list("actor__username", flat=True)) == [
        "reviewer_a1",
        "reviewer_a",
        "office_p",
    ]

    # 公示 opens on the next working day; today may be a weekend. Start it today so the public form shows.
    today = timezone.localdate()
    PublicNotice.objects.filter(request=request).update(starts_on=today, ends_on=today + timedelta(days=7))
    notice = PublicNotice.objects.get(request=request)

    # Anyone, without an account, objects on the public page.
    page.context.clear_cookies()
    page.goto(f"{live_server.url}{reverse('notices:notice', args=[notice.code])}")
    expect(page.get_by_test_id("notice-text")).to_contain_text("城区河道黑臭水体")
    page.fill("#id_name", "孙女士")
    page.fill("#id_contact", "13700000000")
    page.fill("#id_text", "河道下游靠近桥头处仍有异味。")
    page.screenshot(path=str(artifacts_dir / "acceptance-public-notice.png"), full_page=True)
    page.get_by_test_id("objection-submit").click()
    expect(page.locator(".alert-success")).to_be_visible()
    objection = Objection.objects.get(notice=notice)
    assert objection.submitted_ip == "127.0.0.1"

    # The city office rules: dismissed after a check on site.
    sign_in(page, live_server.url, "office_a", page_path)
    page.get_by_test_id("objection-handle").click()
    page.check("input[name=outcome][value=dismiss]")
    page.fill("#id_note", "经现场复核，异味来自桥下临时堆放物，已当场清理，不属于整改问题反弹。")
    page.get_by_test_id("objection-submit").click()
    expect(page.get_by_test_id("objection")).to_have_attribute("data-status", "dismissed")

    # The notice may only be closed after its last day. The browser runs on the real clock (a frozen
    # clock breaks Chromium's session cookies), so the window is moved into the past in the database.
    yesterday = today - timedelta(days=1)
    PublicNotice.objects.filter(pk=notice.pk).update(starts_on=yesterday - timedelta(days=6), ends_on=yesterday)
    page.reload()
    page.get_by_test_id("close-notice").click()
    expect(request_row).to_have_attribute("data-status", "in_review")
    expect(page.get_by_test_id("waiting-step")).to_have_text("销号")

    # 销号 by the city office, which closed 公示 (closing the notice is not a level of acceptance; the
    # province office, which passed 省级复核 just before, may not pass the next level too).
    decide(page, "同意销号。")
    expect(page.get_by_test_id("problem-status")).to_have_attribute("data-status", "signed_off")
    expect(request_row).to_have_attribute("data-status", "signed_off")
    decisions = page.get_by_test_id("decision")
    expect(decisions).to_have_count(5)
    for index in range(5):
        expect(decisions.nth(index)).to_have_attribute("data-verified", "intact")
    expect(page.get_by_test_id("tampered")).to_have_count(0)
    page.screenshot(path=str(artifacts_dir / "acceptance-signed-off.png"), full_page=True)
    problem.refresh_from_db()
    assert problem.status == "signed_off"
    assert StepDecision.objects.filter(request=request).count() == 5

    # The problem rebounds: the city office reopens it with the reason.
    sign_in(page, live_server.url, "office_a", page_path)
    page.get_by_test_id("reopen").click()
    page.fill("#id_reason", "群众再次反映河道出现黑臭，经核实问题反弹。")
    page.get_by_test_id("reopen-submit").click()
    expect(page.get_by_test_id("reopening")).to_have_count(1)
    expect(page.get_by_test_id("problem-status")).to_have_attribute("data-status", "in_progress")
    page.screenshot(path=str(artifacts_dir / "acceptance-reopened.png"), full_page=True)
    assert Reopening.objects.get(problem=problem).reason.startswith("群众再次反映")
    assert problem.history.filter(status="signed_off").exists()
