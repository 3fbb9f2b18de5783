"""assign / remove_assignment: roles held by units or persons."""

from django.core.exceptions import ValidationError

from zhenggai.ledger import actions
from zhenggai.ledger.models import Assignment
from zhenggai.organizations.actions import create_person
from zhenggai.testing import WorldTestCase


class AssignTestCase(WorldTestCase):
    def setUp(self):
        self.system = self.world.users["system"]
        self.problem = self.world.problems["a2"]

    def test_unit_and_person_roles(self):
        leader = create_person(acting_user=self.system, name="王某", title="副市长", unit=self.world.units["A"])
        unit_role = actions.assign(self.problem, "acceptance", unit=self.world.units["A"], acting_user=self.system)
        person_role = actions.assign(self.problem, "leader", person=leader, acting_user=self.system)
        written = actions.assign(self.problem, "person", raw_text="各县区政府主要负责人", acting_user=self.system)
        self.assertEqual(unit_role.raw_text, "甲市")
        self.assertEqual(person_role.holder_name, "王某（副市长）")
        self.assertEqual((written.unit, written.person, written.holder_name), (None, None, "各县区政府主要负责人"))

    def test_invalid_assignments_are_refused(self):
        leader = create_person(acting_user=self.system, name="李某")
        cases = [
            {"role": "lead", "person": leader},
            {"role": "leader", "unit": self.world.units["A"]},
            {"role": "lead"},
            {"role": "boss", "unit": self.world.units["A"]},
            {"role": "lead", "unit": self.world.units["A"], "measure": self.world.problems["a1"].measures.get()},
        ]
        before = Assignment.objects.count()
        for case in cases:
            role = case.pop("role")
            with self.subTest(role=role, **{k: str(v) for k, v in case.items()}), self.assertRaises(ValidationError):
                actions.assign(self.problem, role, acting_user=self.system, **case)
        self.assertEqual(Assignment.objects.count(), before)

    def test_remove_assignment_is_recorded(self):
        assignment = self.problem.assignments.get()
        pk = assignment.pk
        actions.remove_assignment(assignment, acting_user=self.world.users["office_A"])
        self.assertFalse(Assignment.objects.filter(pk=pk).exists())
        self.assertEqual(Assignment.history.filter(id=pk, history_type="-").get().history_change_reason, "unassign")
