"""/api/warnings/ (the current run's warnings per persona), /api/warning-runs/ (the job's health, for
offices and administrators) and /api/extensions/ (request, decide). Clock: 2026-03-15 10:00 Shanghai."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import time_machine
from django.utils import timezone

from zhenggai.ledger import actions as ledger
from zhenggai.ledger.choices import AssignmentRole
from zhenggai.ledger.models import Problem
from zhenggai.progress.choices import ExtensionStatus, RunStatus
from zhenggai.progress.jobs import run_warning_scan
from zhenggai.progress.models import DeadlineExtension, PlanSchedule, WarningItem, WarningRun
from zhenggai.testing import ApiWorldTestCase

SHANGHAI = ZoneInfo("Asia/Shanghai")
NOW = datetime(2026, 3, 15, 10, tzinfo=SHANGHAI)
WARNINGS = "/api/warnings/"
RUNS = "/api/warning-runs/"
EXTENSIONS = "/api/extensions/"


@time_machine.travel(NOW, tick=False)
class WarningApiTestCase(ApiWorldTestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        w = cls.world
        for plan in w.plans.values():
            PlanSchedule.objects.create(plan=plan, starts_on=date(2026, 1, 1))
        # Yesterday's run, a failed run in the night, then this morning's run (the current one).
        with time_machine.travel(NOW - timedelta(days=1), tick=False):
            cls.old_run = run_warning_scan(date(2026, 3, 14))
        cls.failed_run = WarningRun.objects.create(
            as_of=date(2026, 3, 15),
            status=RunStatus.FAILED,
            started_at=NOW - timedelta(hours=4),
            finished_at=NOW - timedelta(hours=4) + timedelta(seconds=2),
            error="Traceback (most recent call last):\n  ...\nOperationalError: database is locked",
        )
        cls.current = run_warning_scan(date(2026, 3, 15))

    def keys(self, persona: str, params: dict | None = None) -> set[str]:
        response = self.get(persona, WARNINGS, params)
        self.assertEqual(response.status_code, 200, response.content)
        by_id = {problem.pk: key for key, problem in self.world.problems.items()}
        return {by_id[row["problem"]] for row in response.json()["results"]}


class WarningListTestCase(WarningApiTestCase):
    def test_each_persona_gets_the_warnings_of_the_problems_it_sees(self):
        # On 2026-03-15 every open problem with a dated or long-term deadline is behind or unreported.
        expected = {
            "system": {"a1", "a1dept", "a2", "coll", "land_open", "b1"},
            "office_A": {"a1", "a1dept", "a2", "coll", "land_open"},
            "office_B": {"b1"},
            "unit_A1": {"a1", "coll"},
            "unit_A2": {"a2", "coll"},
            "unit_B1": {"b1"},
            "unit_Anat": {"land_open"},
            "supervisor_Aeco": {"a1"},
            "no_unit": set(),
        }
        for persona, keys in expected.items():
            with self.subTest(persona=persona):
                self.assertEqual(self.keys(persona), keys)

    def test_rows_name_the_current_run_and_its_date(self):
        response = self.get("unit_A1", WARNINGS)
        rows = response.json()["results"]
        self.assertEqual(
            response.json()["count"],
            WarningItem.objects.filter(
                run=self.current, problem__in=[self.world.problems["a1"], self.world.problems["coll"]]
            ).count(),
        )
        self.assertEqual({(row["run"], row["as_of"]) for row in rows}, {(self.current.pk, "2026-03-15")})
        a1 = [row for row in rows if row["problem"] == self.world.problems["a1"].pk]
        self.assertEqual({(row["kind"], row["grade"]) for row in a1}, {("behind", "red"), ("no_report", "red")})
        self.assertEqual(a1[0]["problem_number"], "第1项")
        self.assertEqual(a1[0]["measure"], self.world.problems["a1"].measures.get().pk)

    def test_the_most_severe_come_first(self):
        grades = [row["grade"] for row in self.get("system", WARNINGS).json()["results"]]
        self.assertEqual(grades, sorted(grades, key=["red", "yellow", "blue"].index))
        self.assertIn("yellow", grades)

    def test_a_warning_of_an_older_run_or_of_a_hidden_problem_is_404(self):
        old_item = self.old_run.items.first()
        self.assertEqual(self.get("system", f"{WARNINGS}{old_item.pk}/").status_code, 404)
        a1_item = self.current.items.filter(problem=self.world.problems["a1"]).first()
        self.assertEqual(self.get("unit_A1", f"{WARNINGS}{a1_item.pk}/").status_code, 200)
        self.assertEqual(self.get("unit_B1", f"{WARNINGS}{a1_item.pk}/").status_code, 404)

    def test_filters(self):
        p = self.world.problems
        self.assertEqual(self.keys("system", {"grade": "yellow"}), {"a1dept", "land_open", "b1"})
        self.assertEqual(self.keys("system", {"kind": "overdue"}), {"a2"})
        self.assertEqual(self.keys("system", {"plan": self.world.plans["B"].pk}), {"b1"})
        self.assertEqual(self.keys("office_A", {"problem": p["coll"].pk}), {"coll"})
        self.assertEqual(self.get("office_A", WARNINGS, {"plan": self.world.plans["B"].pk}).status_code, 400)
        self.assertEqual(self.get("system", WARNINGS, {"grade": "purple"}).status_code, 400)

    def test_before_the_first_successful_run_there_are_no_warnings(self):
        WarningRun.objects.filter(status=RunStatus.SUCCEEDED).delete()
        self.assertEqual(self.get("system", WARNINGS).json()["count"], 0)

    def test_anonymous_callers_are_asked_to_authenticate(self):
        self.assertEqual(self.client.get(WARNINGS).status_code, 401)
        self.assertEqual(self.client.get(RUNS).status_code, 401)
        self.assertEqual(self.client.get(EXTENSIONS).status_code, 401)

    URL = WARNINGS
    # Independent of the number of warnings; the current run is a subquery of the page query:
    #   system: 1 token + user, 2 COUNT(*) for the paginator, 3 the page joined with run and problem
    #   office_A: 1 token + user, 2 the user's unit (scope_for), then 2-3 -> 4
    #   unit_A1: 1 token + user, 2 the user's unit, 3 its predecessors (none), 4 its collectives, then 2-3 -> 6
    LIST_QUERIES = {"system": 3, "office_A": 4, "unit_A1": 6}

    def test_the_list_costs_the_same_number_of_queries_for_more_warnings(self):
        small = self.assert_list_queries()
        system = self.world.users["system"]
        for i in range(6):
            problem = ledger.create_problem(
                self.world.plans["A"], acting_user=system, title=f"追加{i}", deadline="2026年12月31日前"
            )
            ledger.assign(problem, AssignmentRole.LEAD, unit=self.world.units["Acounties"], acting_user=system)
        run_warning_scan(date(2026, 3, 15))
        large = self.assert_list_queries()
        for persona in ("system", "office_A", "unit_A1"):
            self.assertGreater(large[persona], small[persona])


class WarningRunApiTestCase(WarningApiTestCase):
    def test_offices_and_administrators_see_the_runs_newest_first(self):
        for persona in ("system", "office_A", "office_B"):
            with self.subTest(persona=persona):
                rows = self.get(persona, RUNS).json()["results"]
                self.assertEqual([row["id"] for row in rows], [self.current.pk, self.failed_run.pk, self.old_run.pk])
        rows = {row["id"]: row for row in self.get("office_A", RUNS).json()["results"]}
        failed = rows[self.failed_run.pk]
        self.assertEqual((failed["status"], failed["duration_seconds"]), ("failed", 2.0))
        self.assertIn("database is locked", failed["error"])
        current = rows[self.current.pk]
        self.assertEqual((current["status"], current["as_of"], current["error"]), ("succeeded", "2026-03-15", ""))
        self.assertEqual(current["item_count"], self.current.items.count())
        self.assertEqual(current["trigger"], "schedule")

    def test_the_status_filter(self):
        self.assertEqual(self.list_ids("system", RUNS, {"status": "failed"}), {self.failed_run.pk})

    def test_other_roles_are_forbidden(self):
        for persona in ("unit_A1", "supervisor_Aeco", "reviewer_A", "no_unit"):
            with self.subTest(persona=persona):
                self.assertEqual(self.get(persona, RUNS).status_code, 403)
                self.assertEqual(self.get(persona, f"{RUNS}{self.current.pk}/").status_code, 403)

    def test_runs_are_read_only(self):
        response = self.client.post(RUNS, {}, content_type="application/json", **self.auth("system"))
        self.assertEqual(response.status_code, 405)


class ExtensionApiTestCase(WarningApiTestCase):
    def post(self, persona: str, url: str, data: dict):
        return self.client.post(url, data, content_type="application/json", **self.auth(persona))

    def ask(self, persona: str = "unit_A1", key: str = "a1", **extra):
        data = {"problem": self.world.problems[key].pk, "requested_raw": "2027年6月30日前", "reasons": "资金未到位"}
        return self.post(persona, EXTENSIONS, {**data, **extra})

    def test_a_unit_asks_and_the_office_approves(self):
        asked = self.ask()
        self.assertEqual(asked.status_code, 201, asked.content)
        data = asked.json()
        self.assertEqual((data["status"], data["requested_raw"]), ("pending", "2027年6月30日前"))
        self.assertEqual(data["requested_by"]["id"], self.world.users["unit_A1"].pk)
        decided = self.post("office_A", f"{EXTENSIONS}{data['id']}/decide/", {"approve": True, "note": "同意"})
        self.assertEqual(decided.status_code, 200, decided.content)
        result = decided.json()
        self.assertEqual((result["status"], result["previous_raw"]), ("approved", "2026年12月31日前"))
        self.assertEqual(result["decided_by"]["id"], self.world.users["office_A"].pk)
        problem = Problem.objects.get(pk=self.world.problems["a1"].pk)
        self.assertEqual((problem.due_raw, problem.due_date), ("2027年6月30日前", date(2027, 6, 30)))

    def test_a_second_pending_request_and_a_second_decision_are_conflicts(self):
        first = self.ask().json()
        self.assertEqual(self.ask(requested_raw="2027年3月31日前").status_code, 409)
        url = f"{EXTENSIONS}{first['id']}/decide/"
        self.assertEqual(self.post("office_A", url, {"approve": False, "note": "理由不充分"}).status_code, 200)
        self.assertEqual(self.post("office_A", url, {"approve": True}).status_code, 409)
        self.assertEqual(DeadlineExtension.objects.get(pk=first["id"]).status, ExtensionStatus.REJECTED)

    def test_a_rejection_needs_a_note(self):
        pk = self.ask().json()["id"]
        response = self.post("office_A", f"{EXTENSIONS}{pk}/decide/", {"approve": False})
        self.assertEqual(response.status_code, 400)
        self.assertIn("note", response.json())
        self.assertEqual(DeadlineExtension.objects.get(pk=pk).status, ExtensionStatus.PENDING)

    def test_input_errors(self):
        self.assertIn("requested_raw", self.ask(requested_raw="尽快").json())
        self.assertIn("reasons", self.ask(reasons=" ").json())
        hidden = self.ask("unit_B1")
        self.assertEqual(hidden.status_code, 400)
        self.assertIn("problem", hidden.json())
        self.assertFalse(DeadlineExtension.objects.exists())

    def test_who_may_ask_and_who_may_decide(self):
        self.assertEqual(self.ask("supervisor_Aeco").status_code, 403)
        pk = self.ask().json()["id"]
        url = f"{EXTENSIONS}{pk}/decide/"
        self.assertEqual(self.post("unit_A1", url, {"approve": True}).status_code, 403)
        self.assertEqual(self.post("office_B", url, {"approve": True}).status_code, 404)
        self.assertEqual(self.post("unit_B1", url, {"approve": True}).status_code, 404)
        self.assertEqual(DeadlineExtension.objects.get(pk=pk).status, ExtensionStatus.PENDING)

    def test_visibility_of_requests(self):
        a1 = self.ask().json()["id"]
        b1 = self.ask("unit_B1", "b1").json()["id"]
        self.assertEqual(self.list_ids("system", EXTENSIONS), {a1, b1})
        self.assertEqual(self.list_ids("office_A", EXTENSIONS), {a1})
        self.assertEqual(self.list_ids("unit_A2", EXTENSIONS), set())
        self.assertEqual(self.list_ids("office_A", EXTENSIONS, {"status": "pending"}), {a1})
        self.assertEqual(self.get("unit_B1", f"{EXTENSIONS}{a1}/").status_code, 404)
        self.assertEqual(self.get("supervisor_Aeco", f"{EXTENSIONS}{a1}/").status_code, 200)

    def test_requests_cannot_be_changed_or_deleted(self):
        pk = self.ask().json()["id"]
        for method in ("put", "patch", "delete"):
            with self.subTest(method=method):
                response = getattr(self.client, method)(
                    f"{EXTENSIONS}{pk}/", {"reasons": "改"}, content_type="application/json", **self.auth("system")
                )
                self.assertEqual(response.status_code, 405)
        self.assertEqual(timezone.localdate(), date(2026, 3, 15))  # the clock the deadlines were checked against
