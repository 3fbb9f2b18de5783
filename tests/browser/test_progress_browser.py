"""Progress reports in real Chromium: a county reports on a measure with an indicator and a PDF, corrects
the report, and the city office reads both versions in the report history.

The clock is not frozen here: the browser judges cookie expiry by the real date, and the form's default
period (the one being reported on today) is all the flow needs.
"""

from __future__ import annotations

import re

import pytest
from django.urls import reverse
from playwright.sync_api import Page, expect

from tests.browser.helpers import sign_in
from zhenggai.progress.models import ProgressReport
from zhenggai.testing import build_world

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"


def test_county_reports_corrects_and_the_office_reads_both_versions(page: Page, live_server, artifacts_dir, tmp_path):
    world = build_world()
    problem = world.problems["a1"]
    measure = problem.measures.get()
    evidence_path = tmp_path / "泵站改造验收单.pdf"
    evidence_path.write_bytes(PDF)
    history_path = reverse("progress:report_history", args=[problem.pk])

    # The county opens the report form of the measure (through the login page).
    form_path = reverse("progress:report_submit", args=[problem.pk]) + f"?measure={measure.pk}"
    sign_in(page, live_server.url, "unit_a1", form_path)
    expect(page.get_by_test_id("report-measure")).to_contain_text("措施一")
    page.fill("#id_narrative", "已完成160座站点改造，其余12座正在施工。")
    page.fill("#id_percent", "60")
    page.fill("#id_indicators-0-name", "改造站点")
    page.fill("#id_indicators-0-unit", "座")
    page.fill("#id_indicators-0-target", "172")
    page.fill("#id_indicators-0-achieved", "160")
    page.set_input_files("#id_files", str(evidence_path))
    page.screenshot(path=str(artifacts_dir / "progress-report-form.png"), full_page=True)
    page.get_by_test_id("report-submit").click()

    expect(page).to_have_url(re.compile(re.escape(history_path) + r"#report-\d+$"))
    first = page.locator('[data-testid="report"][data-version="1"]')
    expect(first).to_have_attribute("data-current", "true")
    expect(first.get_by_test_id("report-percent")).to_have_text("60%")
    expect(first.get_by_test_id("indicator")).to_contain_text("改造站点")
    expect(first.get_by_test_id("indicator")).to_contain_text("160")
    expect(first.get_by_test_id("indicator")).to_contain_text("172")
    expect(first.get_by_test_id("indicator")).to_contain_text("座")
    expect(first.get_by_test_id("evidence-link")).to_have_text("泵站改造验收单.pdf")

    # The file comes back as a download under its own name.
    with page.expect_download() as download:
        first.get_by_test_id("evidence-link").click()
    assert download.value.suggested_filename == "泵站改造验收单.pdf"

    # The county corrects the percent, giving a reason; the form comes prefilled.
    first.get_by_test_id("report-correct").click()
    expect(page.locator("#id_indicators-0-achieved")).to_have_value("160.00")
    expect(page.get_by_test_id("carried-evidence")).to_contain_text("泵站改造验收单.pdf")
    page.fill("#id_percent", "65")
    page.fill("#id_reason", "上次少算了已通过验收的站点")
    page.get_by_test_id("report-submit").click()
    expect(page.locator('[data-testid="report"][data-version="2"]')).to_have_attribute("data-current", "true")

    rows = list(ProgressReport.objects.order_by("version").values_list("version", "percent", "is_current"))
    assert [(v, int(p), c) for v, p, c in rows] == [(1, 60, False), (2, 65, True)]

    # The city office reads the history: both versions, the correction's reason, the evidence on each.
    sign_in(page, live_server.url, "office_a", history_path)
    reports = page.get_by_test_id("report")
    expect(reports).to_have_count(2)
    expect(reports.nth(0)).to_have_attribute("data-version", "2")
    expect(reports.nth(1)).to_have_attribute("data-version", "1")
    expect(reports.nth(0).get_by_test_id("report-percent")).to_have_text("65%")
    expect(reports.nth(0).get_by_test_id("report-corrects")).to_contain_text("上次少算了已通过验收的站点")
    expect(page.get_by_test_id("evidence-row")).to_have_count(2)
    expect(page.get_by_test_id("report-correct")).to_have_count(1)
    page.screenshot(path=str(artifacts_dir / "progress-report-history.png"), full_page=True)

    # The office dashboard lists the problem among the overdue ones once its measure's deadline (end of
    # March 2026) has passed; a fixed as-of date keeps that true whatever today is.
    page.goto(f"{live_server.url}{reverse('progress:dashboard')}?as_of=2027-01-31")
    row = page.get_by_test_id("overdue-list").locator(f'[data-testid="problem-row"][data-problem="{problem.pk}"]')
    expect(row).to_contain_text("问题a1")
    page.screenshot(path=str(artifacts_dir / "progress-dashboard-office.png"), full_page=True)
