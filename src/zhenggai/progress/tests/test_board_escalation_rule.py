"""The escalation step a warning suggests (``progress.dashboard.suggest_escalation``): a pure rule."""

from django.test import SimpleTestCase

from zhenggai.progress.dashboard import suggest_escalation


class SuggestEscalationTestCase(SimpleTestCase):
    def test_the_grade_gives_the_first_step(self):
        self.assertEqual(suggest_escalation("blue"), "reminder")
        self.assertEqual(suggest_escalation("yellow"), "supervision")
        self.assertEqual(suggest_escalation("red"), "circular")

    def test_reminders_and_supervisions_before_do_not_raise_it(self):
        self.assertEqual(suggest_escalation("blue", ["reminder", "supervision", "reminder"]), "reminder")
        self.assertEqual(suggest_escalation("red", ["supervision"]), "circular")

    def test_after_a_circular_comes_an_interview(self):
        self.assertEqual(suggest_escalation("red", ["circular"]), "interview")
        self.assertEqual(suggest_escalation("blue", ["reminder", "circular"]), "interview")

    def test_after_an_interview_comes_listed_supervision_which_is_the_last_step(self):
        self.assertEqual(suggest_escalation("red", ["circular", "interview"]), "listed")
        self.assertEqual(suggest_escalation("yellow", ["interview"]), "listed")
        self.assertEqual(suggest_escalation("red", ["listed", "circular"]), "listed")

    def test_the_order_of_earlier_steps_does_not_matter(self):
        self.assertEqual(suggest_escalation("red", ["interview", "circular", "reminder"]), "listed")

    def test_unknown_earlier_kinds_are_ignored_and_an_unknown_grade_is_an_error(self):
        self.assertEqual(suggest_escalation("yellow", ["phone call"]), "supervision")
        with self.assertRaises(ValueError):
            suggest_escalation("green")
