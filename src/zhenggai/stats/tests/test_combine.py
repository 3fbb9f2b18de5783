"""combine(): the statistics of whole plans added up are exactly the engine's on their union — every
number, every id list and the order of every breakdown (compared as JSON text, which keeps key order).

The world's plans A and B, plus a plan C of the same city whose problems are led by A's units (so units,
categories and regions meet across plans), with an aspect led by a unit that has no task in C, measures
completed in different months, and a problem closed without measures.
"""

from __future__ import annotations

import json
from datetime import date

from django.test import TestCase

from zhenggai.ledger import actions as ledger
from zhenggai.ledger.choices import ItemStatus, PlanLevel
from zhenggai.ledger.models import Plan, Problem
from zhenggai.stats.combine import combine, from_dict
from zhenggai.stats.engine import statistics
from zhenggai.testing import build_world, frozen_at

DATES = (date(2025, 3, 1), date(2026, 2, 28), date(2026, 3, 15), date(2027, 1, 1))


def as_json(stats) -> str:
    return json.dumps(stats.to_dict(), ensure_ascii=False)


class CombineTestCase(TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        with frozen_at(date(2025, 1, 10)):
            cls.world = build_world()
        system, units, plan_a = cls.world.users["system"], cls.world.units, cls.world.plans["A"]
        with frozen_at(date(2025, 1, 12)):
            plan_c = ledger.create_plan(
                acting_user=system,
                inspection=plan_a.inspection,
                title="甲市第二轮整改方案",
                jurisdiction=units["A"],
                level=PlanLevel.CITY,
            )
            category = ledger.add_category(plan_c, acting_user=system, title="水污染防治")
            shared = ledger.create_problem(
                plan_c, acting_user=system, title="共性问题", deadline="2026年1月31日前", category=category
            )
            ledger.assign(shared, "lead", unit=units["A1"], acting_user=system)
            ledger.assign(shared, "lead", unit=units["A2"], acting_user=system)
            done = ledger.add_measure(shared, acting_user=system, text="措施一", deadline="2025年6月30日前")
            ledger.add_measure(shared, acting_user=system, text="措施二", deadline="2026年1月31日前")
            aspect = ledger.create_problem(plan_c, acting_user=system, title="分项", parent=shared, deadline="长期坚持")
            ledger.assign(aspect, "lead", unit=units["Aland"], acting_user=system)
            ledger.add_measure(aspect, acting_user=system, text="分项措施", deadline="长期坚持")
            bare = ledger.create_problem(plan_c, acting_user=system, title="无措施问题", deadline="2025年12月31日前")
            ledger.assign(bare, "lead", unit=units["A1dept"], acting_user=system)
        with frozen_at(date(2025, 5, 20)):
            ledger.update_measure(done, acting_user=system, changes={"status": ItemStatus.COMPLETED})
        with frozen_at(date(2025, 11, 3)):
            bare.refresh_from_db()
            ledger.update_problem(
                bare, acting_user=system, expected_version=bare.version, changes={"status": ItemStatus.COMPLETED}
            )
        a1dept = cls.world.problems["a1dept"]
        with frozen_at(date(2026, 2, 10)):
            ledger.update_problem(
                a1dept, acting_user=system, expected_version=a1dept.version, changes={"status": ItemStatus.COMPLETED}
            )

    def parts(self, day: date) -> list:
        return [statistics(Problem.objects.filter(plan=plan), day) for plan in Plan.objects.order_by("pk")]

    def test_whole_plans_add_up_to_the_engine_on_their_union(self):
        self.assertEqual(Plan.objects.count(), 3)
        for day in DATES:
            with self.subTest(day=day):
                union = statistics(Problem.objects.all(), day)
                self.assertEqual(as_json(combine(self.parts(day))), as_json(union))

    def test_units_meet_across_plans(self):
        union = combine(self.parts(date(2026, 3, 15)))
        by_name = {unit.unit_name: unit for unit in union.units}
        a1 = by_name["甲一县"]
        self.assertEqual(a1.tasks, 2)  # a1 in plan A, the shared problem in plan C
        self.assertEqual(union.tasks.by_category["水污染防治"], 1)
        # 自然资源局 leads no task in plan C, only the aspect: plan C's units leave it out, its measure counts
        land = self.world.units["Aland"].pk
        plan_c = self.parts(date(2026, 3, 15))[-1]
        self.assertNotIn(land, [unit.unit_id for unit in plan_c.units])
        self.assertEqual(plan_c.measures_by_unit[land], [1, 0])
        self.assertEqual(next(unit.measures for unit in union.units if unit.unit_id == land), 1)

    def test_a_stored_part_reads_back_as_it_was_written(self):
        for part in self.parts(date(2026, 3, 15)):
            text = as_json(part)
            self.assertEqual(as_json(from_dict(json.loads(text))), text)

    def test_nothing_to_combine_is_an_error(self):
        with self.assertRaises(ValueError):
            combine([])
