"""Unit model helpers: collective expansion, succession chains, ancestors."""

from datetime import date

from zhenggai.organizations import actions
from zhenggai.testing import WorldTestCase


class UnitModelTestCase(WorldTestCase):
    def test_a_collective_expands_to_its_members_and_a_unit_to_itself(self):
        units = self.world.units
        self.assertEqual(units["Acounties"].expand(), [units["A1"], units["A2"]])
        self.assertEqual(units["A1"].expand(), [units["A1"]])

    def test_expansion_follows_successors(self):
        units, system = self.world.units, self.world.users["system"]
        merged = actions.create_unit(acting_user=system, name="甲一县（合并后）", level="county", parent=units["A"])
        actions.record_succession(units["A1"], merged, on=date(2026, 1, 1), reason="撤县设区", acting_user=system)
        self.assertEqual(units["Acounties"].expand(), [merged, units["A2"]])
        units["A1"].refresh_from_db()
        self.assertEqual(units["A1"].current(), merged)

    def test_ancestors_root_first(self):
        units = self.world.units
        self.assertEqual(list(units["A1dept"].ancestors()), [units["P"], units["A"], units["A1"]])
        self.assertEqual(units["A1dept"].depth, 3)


class OpenMeasureSuccessionTestCase(WorldTestCase):
    def test_an_open_measure_of_a_completed_problem_passes_to_the_successor(self):
        from zhenggai.ledger import actions as ledger
        from zhenggai.ledger.models import Measure

        units, system = self.world.units, self.world.users["system"]
        problem = self.world.problems["land_done"]  # signed off, but one measure is still open
        old = actions.create_unit(acting_user=system, name="甲市旧局", level="department", parent=units["A"])
        new = actions.create_unit(acting_user=system, name="甲市新局", level="department", parent=units["A"])
        # A measure it had before sign-off (add_measure refuses a signed-off problem).
        measure = Measure.objects.create(problem=problem, text="长效机制建设", status="in_progress")
        on_measure = ledger.assign(problem, "lead", unit=old, measure=measure, acting_user=system)
        on_problem = ledger.assign(problem, "cooperating", unit=old, acting_user=system)
        moved = actions.record_succession(old, new, on=date(2026, 1, 1), reason="职能调整", acting_user=system)
        self.assertEqual(moved, 1)
        on_measure.refresh_from_db()
        on_problem.refresh_from_db()
        self.assertEqual((on_measure.unit, on_measure.inherited_from), (new, old))
        self.assertEqual(on_problem.unit, old)


class UnitPathTestCase(WorldTestCase):
    def test_changing_the_parent_by_save_rewrites_the_subtree_paths(self):
        from zhenggai.organizations.models import Unit

        units = self.world.units
        a1 = Unit.objects.get(pk=units["A1"].pk)
        a1.parent = units["B"]  # what an administrator does in the admin
        a1.save()
        dept = Unit.objects.get(pk=units["A1dept"].pk)
        b = Unit.objects.get(pk=units["B"].pk)
        self.assertTrue(dept.path.startswith(b.path))
        self.assertEqual((a1.depth, dept.depth), (2, 3))
        self.assertIn(units["A1dept"], Unit.objects.subtree(b))
        self.assertNotIn(units["A1dept"], Unit.objects.subtree(Unit.objects.get(pk=units["A"].pk)))

    def test_moving_under_a_stale_parent_object_uses_the_parents_current_path(self):
        from zhenggai.organizations.models import Unit

        units, system = self.world.units, self.world.users["system"]
        a1, a2 = units["A1"], units["A2"]  # objects loaded before the first move
        actions.move_unit(a1, units["B"], acting_user=system)
        actions.move_unit(a2, a1, acting_user=system)  # a1 in memory still has its old path
        a1_now, a2_now = Unit.objects.get(pk=a1.pk), Unit.objects.get(pk=a2.pk)
        self.assertTrue(a2_now.path.startswith(a1_now.path))
        self.assertEqual(a2_now.depth, a1_now.depth + 1)

    def test_a_unit_cannot_be_moved_under_its_own_subtree(self):
        from django.core.exceptions import ValidationError

        from zhenggai.organizations.models import Unit

        units = self.world.units
        with self.assertRaises(ValidationError):
            actions.move_unit(units["A"], units["A1dept"], acting_user=self.world.users["system"])
        a = Unit.objects.get(pk=units["A"].pk)
        a.parent = units["A1"]
        with self.assertRaises(ValidationError):
            a.save()
        self.assertEqual(Unit.objects.get(pk=units["A"].pk).parent_id, units["P"].pk)


class AbolishedSuccessorTestCase(WorldTestCase):
    def test_tasks_cannot_pass_to_an_abolished_unit_or_a_person_out_of_office(self):
        from django.core.exceptions import ValidationError

        units, system = self.world.units, self.world.users["system"]
        with self.assertRaises(ValidationError):  # 国土资源局 was itself replaced by 自然资源局
            actions.record_succession(units["A2"], units["Aland"], on=date(2026, 1, 1), reason="x", acting_user=system)
        old = actions.create_person(acting_user=system, name="甲")
        gone = actions.create_person(acting_user=system, name="乙")
        actions.hand_over_person(gone, old, on=date(2026, 1, 1), acting_user=system)
        with self.assertRaises(ValidationError):
            actions.hand_over_person(old, gone, on=date(2026, 2, 1), acting_user=system)
