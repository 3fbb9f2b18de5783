"""The charts page in real Chromium: the city office opens its plan's charts, ECharts draws every chart
(the province map too: its units carry division codes) without a script error, and a click on a bar of
the lead-unit chart lands on the rows behind it.

The clock is not frozen (the browser judges cookie expiry by the real date): the page uses today as its
as-of date, and the test compares with the engine's numbers for the same day.
"""

from __future__ import annotations

import re

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import Page, expect

from tests.browser.helpers import sign_in
from zhenggai.ledger.models import Problem
from zhenggai.organizations.models import Unit
from zhenggai.stats.engine import statistics
from zhenggai.testing import build_world

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CHARTS = ("pace", "lead_unit", "region", "province", "months", "grade")


def test_the_office_sees_every_chart_and_a_bar_leads_to_its_rows(page: Page, live_server, artifacts_dir):
    world = build_world()
    plan, office = world.plans["A"], world.users["office_A"]
    # Division codes on the province and the city put their tasks on the province map (云南 on the map).
    Unit.objects.filter(pk=world.units["P"].pk).update(region_code="530000")
    Unit.objects.filter(pk=world.units["A"].pk).update(region_code="530100")
    errors: list[str] = []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    page.on("pageerror", lambda error: errors.append(str(error)))

    charts_path = f"{reverse('stats:charts')}?plan={plan.pk}"
    sign_in(page, live_server.url, "office_a", charts_path)
    for chart_id in CHARTS:
        # ECharts draws into a <canvas> inside the container; the data table is folded once it has.
        expect(page.locator(f'[data-chart="{chart_id}"] canvas').first).to_be_visible()
        table = page.locator(f'[data-chart-id="{chart_id}"] details[data-testid="chart-table"]')
        expect(table).not_to_have_attribute("open", "")
    assert page.evaluate("Object.keys(window.zhenggaiCharts).sort()") == sorted(CHARTS)
    page.screenshot(path=str(artifacts_dir / "charts-office.png"), full_page=True)
    assert errors == []

    # The first bar of the lead-unit chart (most tasks, then by name), clicked where ECharts drew it.
    stats = statistics(Problem.objects.visible_to(office).filter(plan=plan), timezone.localdate())
    name, count = sorted(stats.tasks.by_lead_unit.items(), key=lambda entry: (-entry[1], entry[0]))[0]
    x, y = page.evaluate(
        """([count]) => {
            const chart = window.zhenggaiCharts.lead_unit;
            const bars = chart.getOption().yAxis[0].data.length;
            // The bars are drawn bottom-up (largest at the top): the first item is the last category.
            const [x, y] = chart.convertToPixel({seriesIndex: 0}, [count / 2, bars - 1]);
            const box = chart.getDom().getBoundingClientRect();
            return [box.left + x, box.top + y];
        }""",
        [count],
    )
    page.mouse.click(x, y)

    expect(page).to_have_url(re.compile(re.escape(reverse("stats:statistics")) + r"\?.*show=tasks%3Aunit%3A"))
    rows = page.get_by_test_id("rows").get_by_test_id("row")
    expected = stats.tasks.rows[f"unit:{name}"]
    expect(rows).to_have_count(len(expected))
    assert [int(pk) for pk in rows.evaluate_all("rows => rows.map(row => row.dataset.problem)")] == expected
    page.screenshot(path=str(artifacts_dir / "charts-office-rows.png"), full_page=True)
    assert errors == []


CASE_CHARTS = ("case_status", "case_findings", "case_type", "person_rank", "person_sanction")


def test_the_case_and_accountability_charts_are_drawn_and_a_bar_opens_the_case_list(
    page: Page, live_server, artifacts_dir
):
    from zhenggai.accountability import actions as accountability
    from zhenggai.accountability.choices import Rank, Sanction
    from zhenggai.cases.models import Case
    from zhenggai.cases.tests.world import build_cases

    world = build_world()
    _inspection, _batch, cases = build_cases(world)
    Case.objects.filter(pk=cases["a1"].pk).update(status="closed", findings="true", pollution_types=["air"])
    office = world.users["office_P"]
    transferred = accountability.create_transferred_problem(
        world.plans["A"].inspection, acting_user=office, number="1", title="甲市问题", handling_unit=world.units["A"]
    )
    accountability.add_person(
        transferred, acting_user=office, name="张某", post="某局局长", rank=Rank.DIVISION, sanction=Sanction.ADMONITION
    )
    errors: list[str] = []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    page.on("pageerror", lambda error: errors.append(str(error)))

    sign_in(page, live_server.url, "office_p", reverse("stats:charts"))
    for chart_id in CASE_CHARTS:
        expect(page.locator(f'[data-chart="{chart_id}"] canvas').first).to_be_visible()
    drawn = page.evaluate("Object.keys(window.zhenggaiCharts)")
    assert set(CASE_CHARTS) <= set(drawn)
    page.locator('[data-testid="cases-section"]').scroll_into_view_if_needed()
    page.screenshot(path=str(artifacts_dir / "charts-cases.png"), full_page=True)
    assert errors == []

    # The top bar of the pollution types: noise and water have 4 cases each (a1 is air only) and ties go by
    # code, so noise is on top. The chart is scrolled into view first: a click lands only inside the viewport.
    page.locator('[data-chart="case_type"]').scroll_into_view_if_needed()
    x, y = page.evaluate(
        """() => {
            const chart = window.zhenggaiCharts.case_type;
            const bars = chart.getOption().yAxis[0].data.length;
            const [x, y] = chart.convertToPixel({seriesIndex: 0}, [2, bars - 1]);
            const box = chart.getDom().getBoundingClientRect();
            return [box.left + x, box.top + y];
        }"""
    )
    page.mouse.click(x, y)
    expect(page).to_have_url(re.compile(re.escape(reverse("cases:case_list")) + r"\?type=noise$"))
    rows = page.get_by_test_id("case-list").get_by_test_id("case-row")
    expected = [cases[key].pk for key in ("co", "b1", "coll", "land")]
    expect(rows).to_have_count(len(expected))
    assert sorted(int(pk) for pk in rows.evaluate_all("rows => rows.map(row => row.dataset.case)")) == sorted(expected)
    assert errors == []
