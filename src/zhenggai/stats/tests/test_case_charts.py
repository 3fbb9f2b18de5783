"""The charts page's complaint-case and accountability charts: the chart dicts (no database), then the page —
numbers against ``cases.stats`` / ``accountability.stats``, every bar and slice opening exactly the rows it
counts, personas, a query count that does not grow.

The page's world: the cases of ``cases.tests.world`` and the transferred problems of
``accountability.tests.world``; statuses, findings and pollution types written straight to the rows
(the handling actions are tested elsewhere). Requests run on 2025-06-10.
"""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal
from urllib.parse import urlsplit

from django.test import SimpleTestCase
from django.urls import reverse
from django.utils import translation

from zhenggai.accountability import actions as accountability
from zhenggai.accountability.choices import Rank, Sanction
from zhenggai.accountability.models import TransferredProblem
from zhenggai.accountability.stats import AccountabilityStats, for_problems
from zhenggai.accountability.tests.world import AccountabilityWorldTestCase
from zhenggai.cases import actions as cases
from zhenggai.cases.choices import CaseStatus, Findings
from zhenggai.cases.models import Case
from zhenggai.cases.stats import CaseStatistics, case_list_url, case_statistics
from zhenggai.cases.tests.world import build_cases
from zhenggai.stats.chart_views import case_link
from zhenggai.stats.charts import (
    CASE_STATUS_COLORS,
    FINDINGS_COLORS,
    GradeCounts,
    accountability_charts,
    case_charts,
    chart_data,
)
from zhenggai.testing import frozen_at

URL = reverse("stats:charts")
TODAY = date(2025, 6, 10)
LIST = reverse("cases:case_list")
PINNED = 22  # the page's queries with cases and accountability (named in the query-count test)


def values(chart: dict) -> dict[str, int]:
    return {item["key"]: item["value"] for item in chart["items"]}


def by_id(charts: list[dict]) -> dict[str, dict]:
    return {chart["id"]: chart for chart in charts}


class CaseChartDictTests(SimpleTestCase):
    def stats(self) -> CaseStatistics:
        stats = CaseStatistics(as_of=TODAY, total=6)
        stats.by_status.update(in_progress=3, closed=2, signed_off=1)
        stats.by_findings.update({"": 2, "true": 3, "untrue": 1})
        stats.by_pollution_type.update(water=4, air=4, noise=1)
        return stats

    def test_status_findings_and_types_zeros_left_out_with_list_links(self):
        charts = by_id(case_charts(self.stats(), case_link))
        self.assertEqual(
            values(charts["case_status"]),
            {"cases:status:in_progress": 3, "cases:status:closed": 2, "cases:status:signed_off": 1},
        )
        self.assertEqual(
            values(charts["case_findings"]),
            {"cases:findings:none": 2, "cases:findings:true": 3, "cases:findings:untrue": 1},
        )
        # most cases first, then by code; a case of two types counts under both
        self.assertEqual(
            [(i["key"], i["value"]) for i in charts["case_type"]["items"]],
            [("cases:type:air", 4), ("cases:type:water", 4), ("cases:type:noise", 1)],
        )
        self.assertEqual({c["total"] for c in charts.values()}, {6})
        self.assertEqual(charts["case_status"]["items"][0]["url"], f"{LIST}?status=in_progress")
        self.assertEqual(charts["case_findings"]["items"][0]["url"], f"{LIST}?findings=none")
        self.assertEqual(charts["case_type"]["items"][0]["url"], f"{LIST}?type=air")

    def test_colours_and_labels(self):
        charts = by_id(case_charts(self.stats(), case_link))
        self.assertEqual(charts["case_status"]["items"][0]["color"], CASE_STATUS_COLORS[CaseStatus.IN_PROGRESS])
        self.assertEqual(charts["case_findings"]["items"][0]["color"], FINDINGS_COLORS[""])
        with translation.override("zh-hans"):
            charts = by_id(case_charts(self.stats(), case_link))
        self.assertEqual(charts["case_status"]["items"][0]["label"], "正在办理")
        self.assertEqual(charts["case_findings"]["items"][0]["label"], "尚未核查")
        with translation.override("en"):
            charts = by_id(case_charts(self.stats(), case_link))
        self.assertEqual(charts["case_type"]["items"][0]["label"], "Air")
        self.assertEqual(charts["case_status"]["title"], "Cases by handling status")

    def test_no_case_gives_empty_charts(self):
        charts = case_charts(CaseStatistics(as_of=TODAY), case_link)
        self.assertEqual([c["items"] for c in charts], [[], [], []])

    def test_the_case_link_is_the_lists_own_filter(self):
        self.assertEqual(case_link("cases:status:closed"), case_list_url(status="closed"))
        self.assertEqual(case_link("cases:findings:none"), f"{LIST}?findings=none")


class AccountabilityChartDictTests(SimpleTestCase):
    def numbers(self, inspections: list[int]) -> AccountabilityStats:
        numbers = AccountabilityStats(problem_ids=[1, 2], inspection_ids=inspections, person_ids=[10, 11, 12])
        numbers.by_rank.update(bureau=[10], section=[11, 12])
        numbers.by_sanction.update(disciplinary=[10, 11], other=[12])
        return numbers

    def test_ranks_without_zeros_sanctions_all_four_in_order(self):
        charts = by_id(accountability_charts(self.numbers([7])))
        self.assertEqual(values(charts["person_rank"]), {"persons:rank:bureau": 1, "persons:rank:section": 2})
        self.assertEqual(
            [(i["key"], i["value"]) for i in charts["person_sanction"]["items"]],
            [
                ("persons:sanction:disciplinary", 2),
                ("persons:sanction:admonition", 0),
                ("persons:sanction:organizational", 0),
                ("persons:sanction:other", 1),
            ],
        )
        self.assertEqual({c["total"] for c in charts.values()}, {3})

    def test_one_inspection_links_to_its_rows_several_to_the_index(self):
        page = reverse("accountability:inspection_detail", args=[7])
        chart = by_id(accountability_charts(self.numbers([7])))["person_rank"]
        self.assertEqual(chart["items"][0]["url"], f"{page}?show=rank%3Abureau")
        chart = by_id(accountability_charts(self.numbers([7, 8])))["person_sanction"]
        self.assertEqual({i["url"] for i in chart["items"]}, {reverse("accountability:index")})

    def test_no_person_gives_empty_charts(self):
        charts = accountability_charts(AccountabilityStats(problem_ids=[1], inspection_ids=[7]))
        self.assertEqual([c["items"] for c in charts], [[], []])


class CaseChartsPageWorld(AccountabilityWorldTestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.case_inspection, cls.batch, cls.cases = build_cases(cls.world)
        rows = {
            "a1": (CaseStatus.IN_PROGRESS, Findings.TRUE, ["air"]),
            "co": (CaseStatus.IN_PROGRESS, "", ["noise", "water"]),
            "b1": (CaseStatus.STAGE_CLOSED, Findings.PARTLY, ["water"]),
            "coll": (CaseStatus.CLOSED, Findings.PARTLY, ["water", "air"]),
            "land": (CaseStatus.SIGNED_OFF, Findings.UNTRUE, ["ecology"]),
        }
        for key, (status, findings, types) in rows.items():
            Case.objects.filter(pk=cls.cases[key].pk).update(status=status, findings=findings, pollution_types=types)

    def get(self, persona: str, url: str = URL, **params):
        self.client.force_login(self.world.users[persona])
        with frozen_at(TODAY):
            return self.client.get(url, params)

    def follow(self, url: str):
        parts = urlsplit(url)
        with frozen_at(TODAY):
            return self.client.get(f"{parts.path}?{parts.query}")

    def sections(self, response) -> dict[str, dict]:
        data = response.context["chart_data"]
        return {
            name: {chart_id: data["charts"][chart_id] for chart_id in ids} for name, ids in data["sections"].items()
        }


class CaseChartsPageTests(CaseChartsPageWorld):
    def test_the_case_charts_are_the_statistics_of_the_visible_cases(self):
        response = self.get("office_A", as_of="2025-06-10")
        self.assertEqual(response.status_code, 200)
        with frozen_at(TODAY):
            stats = case_statistics(Case.objects.visible_to(self.world.users["office_A"]))
        charts = self.sections(response)["cases"]
        self.assertEqual(
            values(charts["case_status"]), {f"cases:status:{k}": n for k, n in stats.by_status.items() if n}
        )
        self.assertEqual(
            values(charts["case_findings"]),
            {f"cases:findings:{k or 'none'}": n for k, n in stats.by_findings.items() if n},
        )
        self.assertEqual(
            values(charts["case_type"]), {f"cases:type:{k}": n for k, n in stats.by_pollution_type.items() if n}
        )
        self.assertEqual(stats.total, 4)  # a1, co, coll, land: not b1
        self.assertEqual(charts["case_status"]["total"], 4)

    def test_every_bar_and_slice_lists_the_cases_it_counts(self):
        user = self.world.users["office_P"]
        response = self.get("office_P")
        visible = list(Case.objects.visible_to(user))
        for chart in self.sections(response)["cases"].values():
            for item in chart["items"]:
                _cases, parameter, value = item["key"].split(":", 2)
                if parameter == "status":
                    expected = {c.pk for c in visible if c.status == value}
                elif parameter == "findings":
                    expected = {c.pk for c in visible if c.findings == ("" if value == "none" else value)}
                else:
                    expected = {c.pk for c in visible if value in c.pollution_types}
                with self.subTest(key=item["key"]):
                    listed = self.follow(item["url"])
                    self.assertEqual(listed.resolver_match.view_name, "cases:case_list")
                    self.assertEqual({c.pk for c in listed.context["page"].object_list}, expected)
                    self.assertEqual(len(expected), item["value"])

    def test_the_accountability_charts_and_their_rows(self):
        user = self.world.users["office_P"]
        response = self.get("office_P")
        numbers = for_problems(TransferredProblem.objects.visible_to(user))
        charts = self.sections(response)["accountability"]
        self.assertEqual(
            values(charts["person_rank"]), {f"persons:rank:{k}": len(v) for k, v in numbers.by_rank.items() if v}
        )
        self.assertEqual(
            values(charts["person_sanction"]), {f"persons:sanction:{k}": len(v) for k, v in numbers.by_sanction.items()}
        )
        for chart in charts.values():
            for item in chart["items"]:
                show = item["key"].removeprefix("persons:")
                with self.subTest(key=item["key"]):
                    shown = self.follow(item["url"]).context["shown_persons"]
                    self.assertEqual([p.pk for p in shown], numbers.rows(show))
                    self.assertEqual(len(shown), item["value"])

    def test_the_page_embeds_the_charts_and_a_table_of_their_numbers(self):
        response = self.get("office_P")
        html = response.content.decode()
        embedded = html.split('<script id="chart-data" type="application/json">', 1)[1].split("</script>", 1)[0]
        self.assertEqual(json.loads(embedded), json.loads(json.dumps(response.context["chart_data"])))
        self.assertContains(response, 'data-testid="cases-section"')
        self.assertContains(response, 'data-testid="accountability-section"')
        for chart in [*response.context["case_charts"], *response.context["accountability_charts"]]:
            for item in chart["items"]:
                self.assertContains(response, f'data-key="{item["key"]}" data-value="{item["value"]}"')
        # the problem charts are where they were
        self.assertEqual(response.context["chart_data"]["order"][0], "pace")
        self.assertNotIn("case_status", response.context["chart_data"]["order"])

    def test_the_plan_and_date_do_not_narrow_the_case_charts(self):
        every = self.sections(self.get("office_P"))["cases"]
        narrowed = self.sections(self.get("office_P", plan=self.world.plans["A"].pk, as_of="2025-01-01"))["cases"]
        self.assertEqual(every, narrowed)

    def test_chart_data_keeps_sections_apart_from_the_order(self):
        response = self.get("office_P")
        data = response.context["chart_data"]
        self.assertEqual(data["sections"]["cases"], ["case_status", "case_findings", "case_type"])
        self.assertEqual(data["sections"]["accountability"], ["person_rank", "person_sanction"])
        # without sections (the charts of problems only) the payload is as before
        plain = chart_data(response.context["stats"], GradeCounts(), stats_link=str, rows_link=str)
        self.assertEqual(plain["sections"], {})
        self.assertEqual(set(plain["charts"]), set(plain["order"]))


class CaseChartsPersonaTests(CaseChartsPageWorld):
    def test_a_unit_user_charts_its_cases_and_no_accountability(self):
        response = self.get("unit_A1")  # a1, co, coll
        sections = self.sections(response)
        self.assertEqual(sum(values(sections["cases"]["case_status"]).values()), 3)
        self.assertNotIn("accountability", sections)
        self.assertNotContains(response, 'data-testid="accountability-section"')

    def test_a_reviewer_charts_the_cases_of_its_subtree_and_no_accountability(self):
        sections = self.sections(self.get("reviewer_A"))
        self.assertEqual(sections["cases"]["case_status"]["total"], 4)
        self.assertNotIn("accountability", sections)

    def test_the_other_city_sees_only_its_own(self):
        sections = self.sections(self.get("office_B"))
        self.assertEqual(values(sections["cases"]["case_status"]), {"cases:status:stage_closed": 1})
        self.assertEqual(sections["accountability"]["person_rank"]["total"], 1)

    def test_an_outsider_sees_neither_section(self):
        response = self.get("supervisor_Aeco")  # sees no case and no transferred problem
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.context["chart_data"]["sections"], {})
        self.assertNotContains(response, 'data-testid="cases-section"')


class CaseChartsQueryCountTests(CaseChartsPageWorld):
    def test_the_sections_cost_the_same_however_many_rows(self):
        self.get("office_P")  # signed in, session warm
        # 1 session, 2 user, 3 user's unit (scope); 4–15 statistics() over every visible problem:
        # ledger_state — problems, measures, schedules, plans, history of the signed-off problem,
        # extensions, revisions, reports (8) —, problem rows, lead assignments, their regions, first
        # completions (4); 16 the current warning run; 17 the regions' division codes; 18 the cases the
        # office sees (their columns, no units); 19 the transferred problems it sees, 20 their persons;
        # 21 the form's plan choices, 22 its unit choices.
        with frozen_at(TODAY), self.assertNumQueries(PINNED):
            self.client.get(URL)
        office, u = self.world.users["office_P"], self.world.units
        for i in range(4):
            cases.add_case(
                self.batch,
                acting_user=office,
                number=f"D3HE2025052801{i:02d}",
                content=f"追加{i}",
                units=[(u["A1"], Decimal("0.5")), (u["A2"], Decimal("0.5"))],
                region=u["A1"],
                pollution_types=["soil"],
            )
            accountability.add_person(
                self.tp["X"],
                acting_user=office,
                name=f"追加{i}",
                post="某局",
                rank=Rank.BUREAU,
                sanction=Sanction.OTHER,
            )
        with frozen_at(TODAY), self.assertNumQueries(PINNED):
            more = self.client.get(URL)
        sections = self.sections(more)
        self.assertEqual(sections["cases"]["case_status"]["total"], 9)
        self.assertEqual(values(sections["cases"]["case_type"])["cases:type:soil"], 4)
        self.assertEqual(sections["accountability"]["person_rank"]["total"], 7)
