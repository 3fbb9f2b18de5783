"""Recording an escalation step (督办) on a problem: who may, the prefilled step, the record written."""

from __future__ import annotations

from django.urls import reverse

from zhenggai.progress.models import Escalation
from zhenggai.progress.tests.test_board_world import BoardTestCase


class EscalationCreateTestCase(BoardTestCase):
    def url(self, key: str = "a1") -> str:
        return reverse("progress:escalation_new", args=[self.pk(key)])

    def test_anonymous_visitors_are_sent_to_sign_in(self):
        self.assertRedirects(self.client.get(self.url()), f"{reverse('login')}?next={self.url()}")

    def test_who_may_open_the_form(self):
        expected = {
            "office_A": 200,
            "supervisor_Aeco": 200,
            "system": 200,
            "unit_A1": 403,  # sees the problem, may not escalate
            "reviewer_A": 403,
            "office_B": 404,  # another city's problem does not exist for it
            "unit_B1": 404,
        }
        for persona, status in expected.items():
            with self.subTest(persona=persona):
                self.login(persona)
                self.assertEqual(self.client.get(self.url()).status_code, status)

    def test_a_supervisor_cannot_reach_a_problem_it_does_not_supervise(self):
        self.login("supervisor_Aeco")
        self.assertEqual(self.client.get(self.url("a2")).status_code, 404)

    def test_the_suggested_step_is_prefilled(self):
        self.login("office_A")
        response = self.client.get(self.url("a2"), {"suggested": "circular", "grade": "red"})
        form = response.context["form"]
        self.assertEqual(form.initial["kind"], "circular")
        self.assertEqual((form.initial["suggested"], form.initial["grade"]), ("circular", "red"))
        self.assertContains(response, 'data-testid="escalation-form"')

    def test_recording_the_suggested_step_remembers_the_grade(self):
        office = self.login("office_A")
        a2 = self.world.problems["a2"]
        response = self.client.post(
            self.url("a2"),
            {
                "kind": "circular",
                "suggested": "circular",
                "grade": "red",
                "to_unit": self.world.units["A2"].pk,
                "doc_reference": "甲整改办〔2026〕3号",
                "note": "逾期未完成",
            },
        )
        self.assertRedirects(response, reverse("progress:escalation_list", args=[a2.pk]))
        escalation = Escalation.objects.get(problem=a2)
        self.assertEqual(
            (escalation.kind, escalation.suggested_by_grade, escalation.to_unit, escalation.created_by),
            ("circular", "red", self.world.units["A2"], office),
        )
        self.assertEqual(escalation.doc_reference, "甲整改办〔2026〕3号")

    def test_another_step_than_the_suggested_one_is_not_credited_to_the_grade(self):
        self.login("office_A")
        self.client.post(self.url("a2"), {"kind": "interview", "suggested": "circular", "grade": "red"})
        self.assertEqual(Escalation.objects.get().suggested_by_grade, "")

    def test_the_addressee_must_hold_a_role_on_the_problem(self):
        self.login("office_A")
        response = self.client.post(self.url("a1"), {"kind": "reminder", "to_unit": self.world.units["A2"].pk})
        self.assertEqual(response.status_code, 200)
        self.assertIn("to_unit", response.context["form"].errors)
        self.assertFalse(Escalation.objects.exists())
        holders = set(response.context["form"].fields["to_unit"].queryset)
        self.assertEqual(holders, {self.world.units["A1"], self.world.units["Aeco"]})

    def test_a_measure_of_another_problem_is_refused(self):
        self.login("office_A")
        response = self.client.post(self.url("a2"), {"kind": "reminder", "measure": self.a1_measure.pk})
        self.assertIn("measure", response.context["form"].errors)
        self.assertFalse(Escalation.objects.exists())

    def test_a_supervising_unit_records_a_reminder_on_a_measure(self):
        supervisor = self.login("supervisor_Aeco")
        self.client.post(self.url("a1"), {"kind": "reminder", "measure": self.a1_measure.pk})
        escalation = Escalation.objects.get()
        self.assertEqual((escalation.measure, escalation.created_by), (self.a1_measure, supervisor))

    def test_refused_users_write_nothing(self):
        for persona in ("unit_A1", "office_B"):
            with self.subTest(persona=persona):
                self.login(persona)
                self.assertIn(self.client.post(self.url(), {"kind": "reminder"}).status_code, (403, 404))
        self.assertFalse(Escalation.objects.exists())
