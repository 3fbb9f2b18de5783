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
