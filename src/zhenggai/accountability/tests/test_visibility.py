"""Who sees transferred problems and persons: admins, offices (inspected jurisdiction or handling unit), no one else."""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser

from zhenggai.accountability.models import AccountablePerson, TransferredProblem
from zhenggai.accountability.tests.world import AccountabilityWorldTestCase

EXPECTED = {
    "system": {"A", "B", "X"},
    "office_P": {"A", "B", "X"},  # the inspected jurisdiction (甲省) is its own
    "office_A": {"A"},  # investigated by 甲市
    "office_B": {"B"},
    "reviewer_A": set(),  # personnel matters: reviewers see none
    "unit_A1": set(),  # not even the problem its unit holds in the ledger (a1 is linked to A)
    "unit_B1": set(),
    "supervisor_Aeco": set(),
    "no_unit": set(),
}


class VisibilityTests(AccountabilityWorldTestCase):
    def keys(self, ids) -> set[str]:
        return {key for key, tp in self.tp.items() if tp.pk in set(ids)}

    def test_transferred_problems_per_persona(self):
        for persona, expected in EXPECTED.items():
            with self.subTest(persona=persona):
                user = self.world.users[persona]
                visible = TransferredProblem.objects.visible_to(user).values_list("pk", flat=True)
                self.assertEqual(self.keys(visible), expected)
                editable = TransferredProblem.objects.editable_by(user).values_list("pk", flat=True)
                self.assertEqual(self.keys(editable), expected)

    def test_persons_follow_their_problem(self):
        for persona, expected in EXPECTED.items():
            with self.subTest(persona=persona):
                persons = AccountablePerson.objects.visible_to(self.world.users[persona])
                # X has nobody recorded
                self.assertEqual(self.keys(persons.values_list("transferred_problem_id", flat=True)), expected - {"X"})
                wanted = AccountablePerson.objects.filter(transferred_problem__in=[self.tp[k].pk for k in expected])
                self.assertEqual(set(persons.values_list("pk", flat=True)), set(wanted.values_list("pk", flat=True)))

    def test_anonymous_sees_nothing(self):
        self.assertFalse(TransferredProblem.objects.visible_to(AnonymousUser()).exists())
        self.assertFalse(AccountablePerson.objects.visible_to(AnonymousUser()).exists())

    def test_visibility_is_one_query(self):
        user = self.world.users["office_A"]
        user.refresh_from_db()  # no cached scope: the unit's path is read with the user
        user = type(user).objects.select_related("unit").get(pk=user.pk)
        with self.assertNumQueries(1):  # the rows, with the unit subquery inline
            list(TransferredProblem.objects.visible_to(user))
