"""``zhenggai warnings --as-of`` on the demo data gives the items the demo's stories describe."""

from __future__ import annotations

import json
from datetime import datetime
from io import StringIO
from zoneinfo import ZoneInfo

import time_machine
from django.core.management import call_command
from django.test import TestCase, override_settings

from zhenggai.demo.data import load_demo
from zhenggai.ledger.models import Measure, Plan

FAST_HASHER = ["django.contrib.auth.hashers.MD5PasswordHasher"]
DEMO_DAY = datetime(2026, 11, 22, 9, tzinfo=ZoneInfo("Asia/Shanghai"))


@override_settings(PASSWORD_HASHERS=FAST_HASHER)
class DemoWarningsTests(TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        with time_machine.travel(DEMO_DAY, tick=False):
            load_demo()
        cls.plan = Plan.objects.get(title="青岚市贯彻落实中央生态环境保护督察反馈问题整改实施方案")

    def warnings(self, as_of: str) -> dict:
        out = StringIO()
        with time_machine.travel(DEMO_DAY, tick=False):
            call_command("warnings", "--as-of", as_of, "--format", "json", "--plan", str(self.plan.pk), stdout=out)
        return json.loads(out.getvalue())

    def measure(self, problem_number: str, position: int) -> int:
        problems = self.plan.problems.filter(number_text=problem_number)
        return Measure.objects.filter(problem__in=problems).order_by("position", "pk")[position].pk

    def items_of(self, payload: dict, measure_pk: int) -> set[tuple[str, str, str]]:
        return {(i["kind"], i["grade"], i["reason"]) for i in payload["items"] if i["measure"] == measure_pk}

    def test_the_demo_day_shows_each_story_with_its_grade(self):
        payload = self.warnings("2026-11-22")
        self.assertEqual(payload["counts"], {"blue": 0, "yellow": 3, "red": 8})
        self.assertEqual(self.items_of(payload, self.measure("第五项", 1)), {("overdue", "red", "逾期53天")})
        self.assertEqual(
            self.items_of(payload, self.measure("第二项", 1)), {("behind", "yellow", "落后序时进度26.8个百分点")}
        )
        self.assertEqual(
            self.items_of(payload, self.measure("第二项", 2)),
            {("behind", "yellow", "落后序时进度21.8个百分点"), ("no_report", "red", "连续2期未报送进展")},
        )
        claimed = self.plan.problems.get(number_text="（一）")
        self.assertIn(
            ("evidence_missing", "yellow", "申报完成但未上传佐证材料"),
            self.items_of(payload, claimed.measures.order_by("position")[1].pk),
        )
        self.assertEqual(self.items_of(payload, self.measure("第二项", 0)), set())  # claimed done, with evidence

    def test_an_earlier_date_gives_that_dates_picture(self):
        june = self.warnings("2026-06-15")
        self.assertEqual(june["counts"], {"blue": 6, "yellow": 1, "red": 10})
        # 第二项（一） was finished and proved only in October: in June it was overdue and unreported.
        self.assertEqual(
            {kind for kind, _grade, _reason in self.items_of(june, self.measure("第二项", 0))}, {"overdue", "no_report"}
        )
