"""The warning list (the current run's warnings), its filters, escalation links and query count."""

from __future__ import annotations

import re
from datetime import date
from urllib.parse import parse_qs, urlsplit

from django.urls import reverse

from zhenggai.ledger import actions as ledger
from zhenggai.progress import actions
from zhenggai.progress.jobs import run_warning_scan
from zhenggai.progress.models import WarningItem
from zhenggai.progress.tests.test_board_world import BoardTestCase

URL = reverse("progress:warning_list")


def listed(response) -> list[tuple[int, str, str]]:
    """(problem, grade, kind) of every row, in page order."""
    pattern = r'data-testid="warning-row" data-warning="\d+" data-problem="(\d+)" data-grade="(\w+)" data-kind="(\w+)"'
    return [(int(p), g, k) for p, g, k in re.findall(pattern, response.content.decode())]


def escalation_links(response) -> dict[str, str]:
    """suggested step → link, for every row offering one."""
    pattern = r'data-testid="escalate-link" data-suggested="(\w+)" href="([^"]+)"'
    return dict(re.findall(pattern, response.content.decode()))


class WarningListTestCase(BoardTestCase):
    def setUp(self):
        super().setUp()
        self.run = run_warning_scan(date(2026, 3, 15), trigger="manual")

    def problems(self, response) -> set[int]:
        return {problem for problem, _grade, _kind in listed(response)}

    def test_anonymous_visitors_are_sent_to_sign_in(self):
        self.client.logout()
        self.assertRedirects(self.client.get(URL), f"{reverse('login')}?next={URL}")

    def test_each_persona_sees_the_warnings_of_its_problems(self):
        expected = {
            "office_A": {self.pk(k) for k in ("a1dept", "a2", "coll", "land_open")},
            "office_B": {self.pk("b1")},
            "unit_A1": {self.pk("coll")},
            "unit_B1": {self.pk("b1")},
            "supervisor_Aeco": set(),  # a1 is on pace: nothing to warn about
        }
        for persona, problems in expected.items():
            with self.subTest(persona=persona):
                self.login(persona)
                response = self.client.get(URL)
                self.assertEqual(response.status_code, 200)
                self.assertEqual(self.problems(response), problems)

    def test_red_comes_first(self):
        self.login("office_A")
        grades = [grade for _problem, grade, _kind in listed(self.client.get(URL))]
        self.assertEqual(grades, ["red"] * 5 + ["yellow"] * 2)

    def test_filters(self):
        self.login("office_A")
        self.assertEqual(len(listed(self.client.get(URL, {"grade": "yellow"}))), 2)
        self.assertEqual(listed(self.client.get(URL, {"kind": "overdue"})), [(self.pk("a2"), "red", "overdue")])
        # the collective's task belongs to its member counties too
        self.assertEqual(
            self.problems(self.client.get(URL, {"unit": self.world.units["A2"].pk})), {self.pk("a2"), self.pk("coll")}
        )
        by_county = self.problems(self.client.get(URL, {"unit": self.world.units["A1"].pk}))
        self.assertEqual(by_county, {self.pk("a1dept"), self.pk("coll")})
        self.assertEqual(len(listed(self.client.get(URL, {"plan": self.world.plans["A"].pk}))), 7)

    def test_filters_cannot_reach_into_another_city(self):
        self.login("office_B")
        for params in ({"plan": self.world.plans["A"].pk}, {"unit": self.world.units["A1"].pk}):
            with self.subTest(params=params):
                self.assertEqual(self.problems(self.client.get(URL, params)), {self.pk("b1")})

    def test_only_the_current_run_is_listed(self):
        self.login("office_A")
        run_warning_scan(date(2026, 3, 15), trigger="manual")
        response = self.client.get(URL)
        self.assertEqual(len(listed(response)), 7)
        self.assertContains(response, f'data-testid="run" data-run="{self.run.pk + 1}"')

    def test_without_any_run_the_list_is_empty(self):
        WarningItem.objects.all().delete()
        self.run.delete()
        self.login("office_A")
        response = self.client.get(URL)
        self.assertContains(response, 'data-testid="no-run"')
        self.assertEqual(listed(response), [])


class EscalationSuggestionLinkTestCase(BoardTestCase):
    def setUp(self):
        super().setUp()
        run_warning_scan(date(2026, 3, 15), trigger="manual")

    def overdue_link(self) -> tuple[str, str]:
        response = self.client.get(URL, {"kind": "overdue"})
        ((step, link),) = escalation_links(response).items()
        return step, link

    def test_an_office_is_offered_the_step_the_grade_suggests(self):
        self.login("office_A")
        links = escalation_links(self.client.get(URL, {"grade": "yellow"}))
        self.assertEqual(set(links), {"supervision"})
        step, link = self.overdue_link()
        self.assertEqual(step, "circular")
        parts = urlsplit(link.replace("&amp;", "&"))
        self.assertEqual(parts.path, reverse("progress:escalation_new", args=[self.pk("a2")]))
        self.assertEqual(parse_qs(parts.query), {"suggested": ["circular"], "grade": ["red"]})

    def test_the_suggestion_climbs_after_a_circular_and_an_interview(self):
        office = self.login("office_A")
        a2 = self.world.problems["a2"]
        actions.record_escalation(a2, acting_user=office, kind="circular")
        self.assertEqual(self.overdue_link()[0], "interview")
        actions.record_escalation(a2, acting_user=office, kind="interview")
        self.assertEqual(self.overdue_link()[0], "listed")

    def test_units_are_not_offered_escalations(self):
        self.login("unit_A1")
        response = self.client.get(URL)
        self.assertTrue(listed(response))
        self.assertEqual(escalation_links(response), {})

    def test_an_office_above_the_plan_is_offered_them_too(self):
        self.login("office_P")
        body = self.client.get(URL, {"plan": self.world.plans["A"].pk}).content.decode()
        self.assertEqual(body.count('data-testid="escalate-link"'), 7)


class WarningListQueryCountTestCase(BoardTestCase):
    def test_query_count_does_not_grow_with_rows(self):
        run_warning_scan(date(2026, 3, 15), trigger="manual")
        self.login("office_A")
        # 1 session, 2 user, 3 current run, 4 user's unit (scope), 5 count, 6 page of warnings with
        # problem, parent, measure, plan and jurisdiction, 7 escalation steps of the page's problems,
        # 8 plan choices, 9 unit choices
        with self.assertNumQueries(9):
            response = self.client.get(URL)
        self.assertEqual(response.context["paginator"].count, 7)
        system = self.world.users["system"]
        for i in range(30):
            problem = ledger.create_problem(
                self.world.plans["A"], acting_user=system, title=f"追加{i}", deadline="2025年12月31日前"
            )
            ledger.assign(problem, "lead", unit=self.world.units["A2"], acting_user=system)
            ledger.add_measure(problem, acting_user=system, text=f"措施{i}", deadline="2025年10月31日前")
        run_warning_scan(date(2026, 3, 15), trigger="manual")
        with self.assertNumQueries(9):
            response = self.client.get(URL)
        self.assertEqual(response.context["paginator"].count, 7 + 30 * 2)  # overdue and no report, each
        self.assertEqual(len(response.context["warnings"]), 50)
