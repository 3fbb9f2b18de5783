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

        units, system = self.world.units, self.world.users["system"]
        problem = self.world.problems["land_done"]  # signed off, but one measure is still open
        old = actions.create_unit(acting_user=system, name="甲市旧局", level="department", parent=units["A"])
        new = actions.create_unit(acting_user=system, name="甲市新局", level="department", parent=units["A"])
        measure = ledger.add_measure(problem, acting_user=system, text="长效机制建设", deadline="长期坚持")
        on_measure = ledger.assign(problem, "lead", unit=old, measure=measure, acting_user=system)
        on_problem = ledger.assign(problem, "cooperating", unit=old, acting_user=system)
        moved = actions.record_succession(old, new, on=date(2026, 1, 1), reason="职能调整", acting_user=system)
        self.assertEqual(moved, 1)
        on_measure.refresh_from_db()
        on_problem.refresh_from_db()
        self.assertEqual((on_measure.unit, on_measure.inherited_from), (new, old))
        self.assertEqual(on_problem.unit, old)
