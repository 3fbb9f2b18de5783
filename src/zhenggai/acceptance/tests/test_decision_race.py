"""Two reviewers deciding the same step at the same moment (PostgreSQL): one decision is signed, the
other reviewer is refused, and the request moves on by exactly one step."""

from __future__ import annotations

import threading
from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.db import connection
from django.test import TransactionTestCase

from zhenggai.acceptance import actions
from zhenggai.acceptance.choices import CHECKLIST
from zhenggai.acceptance.models import AcceptanceChain, ChainStep, StepDecision
from zhenggai.accounts.choices import Role
from zhenggai.accounts.models import User
from zhenggai.core.errors import ConflictError
from zhenggai.progress import actions as progress
from zhenggai.progress.actions import ReportInput
from zhenggai.testing import build_world

NOW = datetime(2026, 3, 2, 10, tzinfo=ZoneInfo("Asia/Shanghai"))


@pytest.mark.postgres_only
class SameStepRaceTestCase(TransactionTestCase):
    def setUp(self):
        if connection.vendor != "postgresql":
            self.skipTest("concurrent writers are only meaningful on PostgreSQL; SQLite serialises them")
        self.world = build_world()
        w = self.world
        problem = w.problems["a1"]
        # A TransactionTestCase flushes the tables, the default chains of the data migration included:
        # the plan gets its own chain (the same steps as the city default).
        chain = AcceptanceChain.objects.create(name="市级验收销号流程", plan=problem.plan)
        for position, (name, kind, level) in enumerate(
            [
                ("市级验收", "review", "city"),
                ("公示", "notice", "plan_office"),
                ("省级备案销号", "sign_off", "province"),
            ]
        ):
            ChainStep.objects.create(chain=chain, position=position, name=name, kind=kind, actor_level=level)
        self.second_reviewer = User.objects.create_user(
            "reviewer_a2", password="x", role=Role.REVIEWER, unit=w.units["A"]
        )
        with time_machine.travel(NOW, tick=False):
            progress.submit_report(
                problem,
                ReportInput(date(2026, 2, 1), date(2026, 2, 28), "全部完成", Decimal(100), claimed_status="completed"),
                acting_user=w.users["unit_A1"],
                measure=problem.measures.get(),
            )
            self.request = actions.request_acceptance(
                problem,
                acting_user=w.users["unit_A1"],
                report="自查：已整改到位",
                signed_by_head="吴十",
                checklist={key: True for key, _label in CHECKLIST},
            )

    def test_one_of_two_simultaneous_decisions_is_signed(self):
        barrier = threading.Barrier(2)
        outcomes: list[str] = []
        errors: list[BaseException] = []

        def decide(user, opinion: str) -> None:
            from django.db import connections

            try:
                with time_machine.travel(NOW, tick=False):
                    barrier.wait()
                    actions.decide_step(self.request, acting_user=user, decision="pass", opinion=opinion)
                outcomes.append("signed")
            except ConflictError:
                outcomes.append("conflict")
            except ValidationError:
                outcomes.append("moved on")  # the row lock made it wait; by then the step was decided
            except BaseException as exc:  # reported by the assertion below
                errors.append(exc)
            finally:
                connections.close_all()

        threads = [
            threading.Thread(target=decide, args=(self.world.users["reviewer_A"], "甲审核通过")),
            threading.Thread(target=decide, args=(self.second_reviewer, "乙审核通过")),
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        self.assertEqual(errors, [])
        self.assertEqual(outcomes.count("signed"), 1, outcomes)
        self.assertEqual(len(outcomes), 2)
        self.assertEqual(StepDecision.objects.filter(request=self.request).count(), 1)
        self.request.refresh_from_db()
        self.assertEqual((self.request.position, self.request.status), (1, "in_notice"))
        self.assertEqual(self.request.notices.count(), 1)
