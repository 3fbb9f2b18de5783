"""/api/progress-reports/: who reads which report, submitting through the API, corrections, and
the list's fixed query count. The clock stands at 2026-03-15 10:00 in Shanghai."""

from __future__ import annotations

import hashlib
from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile

from zhenggai.progress import actions
from zhenggai.progress.actions import IndicatorInput, ReportInput
from zhenggai.progress.models import PlanSchedule, ProgressReport
from zhenggai.testing import ApiWorldTestCase

URL = "/api/progress-reports/"
NOW = datetime(2026, 3, 15, 10, tzinfo=ZoneInfo("Asia/Shanghai"))
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + b"\x00" * 64


def detail(report) -> str:
    return f"{URL}{report.pk}/"


def body(problem, **extra) -> dict:
    data = {
        "problem": problem.pk,
        "period_start": "2026-02-01",
        "period_end": "2026-02-28",
        "narrative": "完成排查，制定整治清单",
        "percent": "25.00",
        "indicators": [{"name": "整治加油站", "unit": "座", "target": "172", "achieved": "40"}],
    }
    data.update(extra)
    return data


@time_machine.travel(NOW, tick=False)
class ReportApiTestCase(ApiWorldTestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        w = cls.world
        PlanSchedule.objects.create(plan=w.plans["A"], starts_on=date(2026, 1, 1))
        cls.m1 = w.problems["a1"].measures.get()
        cls.png = SimpleUploadedFile("site-photo.png", PNG, content_type="image/png")
        cls.a1_jan = actions.submit_report(
            w.problems["a1"],
            ReportInput(
                date(2026, 1, 1),
                date(2026, 1, 31),
                "一月完成方案",
                percent=Decimal(10),
                indicators=[IndicatorInput("整治加油站", "座", Decimal(12), target=Decimal(172))],
                files=[cls.png],
            ),
            acting_user=w.users["unit_A1"],
            measure=cls.m1,
        )
        cls.b1_jan = actions.submit_report(
            w.problems["b1"],
            ReportInput(date(2026, 1, 1), date(2026, 1, 31), "乙一县一月进展"),
            acting_user=w.users["unit_B1"],
        )

    def post(self, persona: str, url: str, data: dict):
        return self.client.post(url, data, content_type="application/json", **self.auth(persona))


class ReportReadTestCase(ReportApiTestCase):
    def test_each_persona_lists_the_reports_of_the_problems_it_sees(self):
        a1, b1 = self.a1_jan.pk, self.b1_jan.pk
        expected = {
            "system": {a1, b1},
            "office_P": {a1, b1},
            "office_A": {a1},
            "office_B": {b1},
            "unit_A1": {a1},
            "unit_A2": set(),
            "unit_B1": {b1},
            "supervisor_Aeco": {a1},
            "no_unit": set(),
        }
        for persona, ids in expected.items():
            with self.subTest(persona=persona):
                self.assertEqual(self.list_ids(persona, URL), ids)

    def test_the_detail_carries_indicators_and_evidence_metadata(self):
        response = self.get("unit_A1", detail(self.a1_jan))
        self.assertEqual(response.status_code, 200, response.content)
        data = response.json()
        self.assertEqual((data["problem"], data["measure"]), (self.world.problems["a1"].pk, self.m1.pk))
        self.assertEqual(data["unit"], {"id": self.world.units["A1"].pk, "name": "甲一县"})
        self.assertEqual(data["reporter"]["id"], self.world.users["unit_A1"].pk)
        self.assertEqual((data["version"], data["is_current"], data["corrected_by"]), (1, True, None))
        self.assertEqual(data["percent"], "10.00")
        self.assertEqual(
            data["indicators"],
            [{"name": "整治加油站", "unit": "座", "target": "172.00", "achieved": "12.00", "note": ""}],
        )
        [evidence] = data["evidence"]
        stored = self.a1_jan.evidence.get()
        self.assertEqual(evidence["id"], stored.pk)
        self.assertEqual(evidence["name"], "site-photo.png")
        self.assertEqual(evidence["content_type"], "image/png")
        self.assertEqual(evidence["size"], len(PNG))
        self.assertEqual(evidence["sha256"], hashlib.sha256(PNG).hexdigest())
        self.assertEqual(evidence["download_url"], f"/progress/evidence/{stored.pk}/")

    def test_a_report_outside_the_callers_scope_is_404(self):
        for persona in ("unit_B1", "unit_A2", "office_B", "no_unit"):
            with self.subTest(persona=persona):
                self.assertEqual(self.get(persona, detail(self.a1_jan)).status_code, 404)
        self.assertEqual(self.get("unit_A1", detail(self.b1_jan)).status_code, 404)
        self.assertEqual(self.get("system", f"{URL}999999/").status_code, 404)

    def test_anonymous_callers_are_asked_to_authenticate(self):
        self.assertEqual(self.client.get(URL).status_code, 401)
        self.assertEqual(self.client.get(detail(self.a1_jan)).status_code, 401)
        self.assertEqual(self.client.post(URL, body(self.world.problems["a1"]), "application/json").status_code, 401)

    def test_filters(self):
        a1, b1 = self.world.problems["a1"], self.world.problems["b1"]
        self.assertEqual(self.list_ids("system", URL, {"problem": b1.pk}), {self.b1_jan.pk})
        self.assertEqual(self.list_ids("system", URL, {"measure": self.m1.pk}), {self.a1_jan.pk})
        self.assertEqual(self.list_ids("system", URL, {"period_start": "2026-01-01"}), {self.a1_jan.pk, self.b1_jan.pk})
        self.assertEqual(self.list_ids("system", URL, {"period_start": "2026-02-01"}), set())
        self.assertEqual(self.list_ids("office_A", URL, {"problem": a1.pk, "is_current": "true"}), {self.a1_jan.pk})
        self.assertEqual(self.list_ids("office_A", URL, {"is_current": "false"}), set())

    def test_filtering_by_a_problem_the_caller_cannot_see_is_refused(self):
        response = self.get("unit_B1", URL, {"problem": self.world.problems["a1"].pk})
        self.assertEqual(response.status_code, 400)
        self.assertIn("problem", response.json())

    def test_reports_cannot_be_changed_or_deleted(self):
        url = detail(self.a1_jan)
        for method in ("put", "patch", "delete"):
            with self.subTest(method=method):
                response = getattr(self.client, method)(
                    url, {"narrative": "改写"}, content_type="application/json", **self.auth("system")
                )
                self.assertEqual(response.status_code, 405)
        self.assertEqual(ProgressReport.objects.get(pk=self.a1_jan.pk).narrative, "一月完成方案")


class ReportListQueriesTestCase(ReportApiTestCase):
    URL = URL
    # Independent of the number of reports (unit, reporter and the correcting version come in the page query):
    #   system: 1 token + user, 2 COUNT(*) for the paginator, 3 the page of reports joined with unit and
    #           reporter, the id of a correction as a subquery
    #   office_A: 1 token + user, 2 the user's unit (scope_for), then 2-3 above -> 4
    #   unit_A1: 1 token + user, 2 the user's unit, 3 its predecessors (none), 4 its collectives, then 2-3 -> 6
    LIST_QUERIES = {"system": 3, "office_A": 4, "unit_A1": 6}

    def test_the_list_costs_the_same_number_of_queries_for_more_reports(self):
        self.assertEqual(self.assert_list_queries(), {"system": 2, "office_A": 1, "unit_A1": 1})
        w = self.world
        coll = w.problems["coll"]
        for month in (2, 3):
            start = date(2026, month, 1)
            actions.submit_report(
                coll, ReportInput(start, start.replace(day=28), f"{month}月进展"), acting_user=w.users["unit_A1"]
            )
            actions.submit_report(
                w.problems["a2"], ReportInput(start, start.replace(day=28), "进展"), acting_user=w.users["unit_A2"]
            )
        actions.correct_report(
            self.a1_jan,
            ReportInput(date(2026, 1, 1), date(2026, 1, 31), "一月完成方案（更正）"),
            acting_user=w.users["unit_A1"],
            reason="数字有误",
        )
        # + 2 reports on the collective's problem, 2 on A2's, 1 correction (A1 does not see A2's)
        self.assertEqual(self.assert_list_queries(), {"system": 7, "office_A": 6, "unit_A1": 4})


class ReportCreateTestCase(ReportApiTestCase):
    def test_a_unit_submits_a_report_and_it_is_stored(self):
        a1 = self.world.problems["a1"]
        response = self.post("unit_A1", URL, body(a1, measure=self.m1.pk, milestones="清单印发"))
        self.assertEqual(response.status_code, 201, response.content)
        data = response.json()
        report = ProgressReport.objects.get(pk=data["id"])
        self.assertEqual((report.problem_id, report.measure_id), (a1.pk, self.m1.pk))
        self.assertEqual((report.period_start, report.period_end), (date(2026, 2, 1), date(2026, 2, 28)))
        self.assertEqual(report.reporter, self.world.users["unit_A1"])
        self.assertEqual(report.unit, self.world.units["A1"])
        self.assertEqual((report.percent, report.milestones, report.version), (Decimal(25), "清单印发", 1))
        self.assertTrue(report.is_current)
        self.assertEqual(
            list(report.indicators.values_list("name", "unit", "target", "achieved")),
            [("整治加油站", "座", Decimal(172), Decimal(40))],
        )
        self.assertEqual(data["indicators"][0]["achieved"], "40.00")
        self.assertEqual(data["evidence"], [])

    def test_a_report_on_the_whole_problem_needs_no_measure(self):
        response = self.post("unit_A2", URL, body(self.world.problems["coll"], indicators=[]))
        self.assertEqual(response.status_code, 201, response.content)
        self.assertIsNone(ProgressReport.objects.get(pk=response.json()["id"]).measure)

    def test_an_office_may_report_for_its_plan(self):
        response = self.post("office_A", URL, body(self.world.problems["a2"]))
        self.assertEqual(response.status_code, 201, response.content)

    def test_the_same_period_twice_is_a_conflict(self):
        a1 = self.world.problems["a1"]
        first = self.post("unit_A1", URL, body(a1, measure=self.m1.pk))
        self.assertEqual(first.status_code, 201)
        second = self.post("unit_A1", URL, body(a1, measure=self.m1.pk, narrative="又报一次"))
        self.assertEqual(second.status_code, 409)
        self.assertTrue(second.json()["detail"])
        self.assertEqual(ProgressReport.objects.filter(measure=self.m1, period_start=date(2026, 2, 1)).count(), 1)

    def test_personas_who_see_but_may_not_report_are_forbidden(self):
        a1 = self.world.problems["a1"]
        for persona in ("supervisor_Aeco", "reviewer_A"):
            with self.subTest(persona=persona):
                self.assertEqual(self.post(persona, URL, body(a1)).status_code, 403)
        self.assertFalse(ProgressReport.objects.filter(period_start=date(2026, 2, 1)).exists())

    def test_a_hidden_problem_reads_like_an_unknown_one(self):
        hidden = self.post("unit_B1", URL, body(self.world.problems["a1"]))
        unknown = self.post("unit_B1", URL, {**body(self.world.problems["a1"]), "problem": 999999})
        self.assertEqual((hidden.status_code, unknown.status_code), (400, 400))
        pk = str(self.world.problems["a1"].pk)
        self.assertEqual(
            hidden.json()["problem"][0].replace(pk, "ID"), unknown.json()["problem"][0].replace("999999", "ID")
        )
        self.assertFalse(ProgressReport.objects.filter(period_start=date(2026, 2, 1)).exists())

    def test_rules_of_the_action_come_back_as_field_errors(self):
        a1, a2 = self.world.problems["a1"], self.world.problems["a2"]
        cases = {
            "period_end": body(a1, period_end="2026-01-15"),  # ends before it starts
            "period_start": body(a1, period_start="2026-04-01", period_end="2026-04-30"),  # not begun yet
            "measure": body(a2, measure=self.m1.pk),  # a measure of another problem (office_A sees both)
            "indicators": body(a1, indicators=[{"name": "整治加油站", "unit": "座", "achieved": "-1"}]),
            "percent": body(a1, percent="120"),
            "narrative": body(a1, narrative="   "),
        }
        for field, data in cases.items():
            with self.subTest(field=field):
                response = self.post("office_A", URL, data)
                self.assertEqual(response.status_code, 400, response.content)
                self.assertIn(field, response.json())
        signed_off = self.post("office_A", URL, body(self.world.problems["land_done"]))
        self.assertEqual(signed_off.status_code, 400)
        self.assertIn("problem", signed_off.json())
        self.assertFalse(ProgressReport.objects.filter(period_start__in=[date(2026, 2, 1), date(2026, 4, 1)]).exists())

    def test_an_indicator_needs_its_unit_of_measure(self):
        response = self.post(
            "unit_A1", URL, body(self.world.problems["a1"], indicators=[{"name": "x", "achieved": "1"}])
        )
        self.assertEqual(response.status_code, 400)
        self.assertIn("unit", response.json()["indicators"]["0"])  # errors keyed by the item's index

    def test_form_posts_are_not_accepted(self):
        response = self.client.post(URL, {"problem": self.world.problems["a1"].pk}, **self.auth("unit_A1"))
        self.assertEqual(response.status_code, 415)


class ReportCorrectionTestCase(ReportApiTestCase):
    def correct_url(self, report) -> str:
        return f"{detail(report)}correct/"

    def correction(self, **extra) -> dict:
        data = body(self.world.problems["a1"], period_start="2026-01-01", period_end="2026-01-31")
        data.update(percent="15", correction_reason="完成数量统计有误", **extra)
        return data

    def test_a_correction_is_a_new_current_version(self):
        response = self.post("unit_A1", self.correct_url(self.a1_jan), self.correction())
        self.assertEqual(response.status_code, 201, response.content)
        data = response.json()
        self.assertEqual((data["version"], data["supersedes"], data["is_current"]), (2, self.a1_jan.pk, True))
        self.assertEqual((data["percent"], data["correction_reason"]), ("15.00", "完成数量统计有误"))
        self.assertEqual(data["measure"], self.m1.pk)
        self.assertEqual(len(data["evidence"]), 1)  # the file is carried forward
        self.assertEqual(data["evidence"][0]["sha256"], hashlib.sha256(PNG).hexdigest())
        old = self.get("unit_A1", detail(self.a1_jan)).json()
        self.assertEqual((old["is_current"], old["corrected_by"]), (False, data["id"]))
        self.assertEqual(self.list_ids("unit_A1", URL, {"is_current": "true"}), {data["id"]})

    def test_correcting_a_version_that_is_no_longer_current_is_a_conflict(self):
        self.assertEqual(self.post("unit_A1", self.correct_url(self.a1_jan), self.correction()).status_code, 201)
        again = self.post("office_A", self.correct_url(self.a1_jan), self.correction())
        self.assertEqual(again.status_code, 409)
        self.assertEqual(ProgressReport.objects.filter(problem=self.world.problems["a1"]).count(), 2)

    def test_a_correction_needs_a_reason_and_keeps_its_problem(self):
        data = self.correction()
        del data["correction_reason"]
        missing = self.post("unit_A1", self.correct_url(self.a1_jan), data)
        self.assertEqual(missing.status_code, 400)
        self.assertIn("correction_reason", missing.json())
        moved = self.post(
            "unit_A1", self.correct_url(self.a1_jan), self.correction(problem=self.world.problems["coll"].pk)
        )
        self.assertEqual(moved.status_code, 400)
        self.assertIn("problem", moved.json())
        self.assertTrue(ProgressReport.objects.get(pk=self.a1_jan.pk).is_current)

    def test_who_may_correct(self):
        self.assertEqual(
            self.post("supervisor_Aeco", self.correct_url(self.a1_jan), self.correction()).status_code, 403
        )
        self.assertEqual(self.post("unit_B1", self.correct_url(self.a1_jan), self.correction()).status_code, 404)
        self.assertEqual(self.post("unit_A2", self.correct_url(self.a1_jan), self.correction()).status_code, 404)
        self.assertTrue(ProgressReport.objects.get(pk=self.a1_jan.pk).is_current)
