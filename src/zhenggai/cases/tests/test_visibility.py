"""``Case.objects.visible_to`` / ``handleable_by`` and ``CaseBatch.objects.visible_to``."""

from zhenggai.cases.models import Case, CaseBatch
from zhenggai.cases.tests.world import EXPECTED, CasesWorldTestCase


class CaseVisibilityTests(CasesWorldTestCase):
    def keys(self, queryset) -> set[str]:
        ids = set(queryset.values_list("pk", flat=True))
        return {key for key, case in self.cases.items() if case.pk in ids}

    def test_each_persona_sees_its_cases(self):
        for persona, expected in EXPECTED.items():
            with self.subTest(persona=persona):
                self.assertEqual(self.keys(Case.objects.visible_to(self.world.users[persona])), expected)

    def test_counting_selects_the_same_cases_by_their_ids(self):
        for persona, expected in EXPECTED.items():
            with self.subTest(persona=persona):
                self.assertEqual(self.keys(Case.objects.for_counting(self.world.users[persona])), expected)

    def test_batch_is_visible_to_whoever_sees_a_case_of_it(self):
        for persona, expected in EXPECTED.items():
            with self.subTest(persona=persona):
                visible = CaseBatch.objects.visible_to(self.world.users[persona]).exists()
                self.assertEqual(visible, bool(expected))

    def test_reviewers_and_supervisors_do_not_handle(self):
        self.assertFalse(Case.objects.handleable_by(self.world.users["reviewer_A"]).exists())
        self.assertEqual(self.keys(Case.objects.handleable_by(self.world.users["unit_A2"])), {"co", "coll"})
        self.assertEqual(self.keys(Case.objects.handleable_by(self.world.users["office_A"])), EXPECTED["office_A"])

    def test_filter_by_pollution_type(self):
        self.assertEqual(Case.objects.with_pollution_type("noise").count(), 5)
        self.assertEqual(Case.objects.with_pollution_type("air").count(), 0)
