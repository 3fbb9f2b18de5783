"""A transferred problem's page and its forms (create, edit): personas, the action behind each POST, queries."""

from __future__ import annotations

from django.urls import reverse

from zhenggai.accountability.choices import InvestigationStatus
from zhenggai.accountability.models import TransferredProblem
from zhenggai.accountability.tests.pages import tags
from zhenggai.accountability.tests.world import HIDDEN_NAME, AccountabilityWorldTestCase

HIDDEN = ("unit_A1", "reviewer_A", "supervisor_Aeco", "no_unit", "office_B")


class ProblemDetailTests(AccountabilityWorldTestCase):
    def url(self, key: str = "A") -> str:
        return reverse("accountability:problem_detail", args=[self.tp[key].pk])

    def test_office_sees_persons_names_findings_and_linked_problem(self):
        for persona, queries in {"office_A": 6, "system": 5}.items():
            with self.subTest(persona=persona):
                self.login(persona)
                # session, user, [unit: offices], the transferred problem, its persons, the linked problems seen
                with self.assertNumQueries(queries):
                    page = self.client.get(self.url())
                self.assertEqual(page.status_code, 200)
                text = page.content.decode()
                self.assertIn(HIDDEN_NAME, text)  # the internal page shows every name
                self.assertIn("内部调查结论", text)
                self.assertEqual(len(tags(page.content, "person")), 2)
                self.assertEqual(len(tags(page.content, "linked-problem")), 1)
                self.assertEqual(len(tags(page.content, "document")), 1)

    def test_hidden_is_404_anonymous_is_sent_to_login(self):
        for persona in HIDDEN:
            for url in (self.url(), reverse("accountability:problem_edit", args=[self.tp["A"].pk])):
                with self.subTest(persona=persona, url=url):
                    self.login(persona)
                    self.assertEqual(self.client.get(url).status_code, 404)
                    if url.endswith("/edit/"):  # the detail page answers GET only
                        self.assertEqual(self.client.post(url, {"title": "改"}).status_code, 404)
        self.tp["A"].refresh_from_db()
        self.assertEqual(self.tp["A"].title, "甲市违规审批问题")
        self.client.logout()
        self.assertRedirects(self.client.get(self.url()), f"{reverse('login')}?next={self.url()}")


class ProblemFormTests(AccountabilityWorldTestCase):
    def data(self, **extra) -> dict:
        return {
            "number": "7",
            "title": "新移交问题",
            "status": InvestigationStatus.INVESTIGATING,
            "handling_unit": self.world.units["A1"].pk,
            "problems": [self.world.problems["a1"].pk],
        } | extra

    def test_office_creates_through_the_action(self):
        self.login("office_A")
        url = reverse("accountability:problem_create", args=[self.inspection.pk])
        self.assertEqual(self.client.get(url).status_code, 200)
        response = self.client.post(url, self.data())
        created = TransferredProblem.objects.get(inspection=self.inspection, number="7")
        self.assertRedirects(response, reverse("accountability:problem_detail", args=[created.pk]))
        self.assertEqual(list(created.problems.all()), [self.world.problems["a1"]])
        self.assertEqual(created.history.first().history_user, self.world.users["office_A"])

    def test_refusals_are_form_errors(self):
        self.login("office_A")
        url = reverse("accountability:problem_create", args=[self.inspection.pk])
        for data, field in (
            (self.data(handling_unit=""), "handling_unit"),  # city A alone may not record a province problem
            (self.data(number="1"), "number"),  # taken
            (self.data(handling_unit=self.world.units["B"].pk), "handling_unit"),  # not in its choices
        ):
            with self.subTest(field=field):
                response = self.client.post(url, data)
                self.assertEqual(response.status_code, 200)
                self.assertIn(field, [e.get("data-field") for e in tags(response.content, "form-error")])
        self.assertFalse(TransferredProblem.objects.filter(number="7").exists())

    def test_units_may_not_open_the_form(self):
        self.login("unit_A1")
        url = reverse("accountability:problem_create", args=[self.inspection.pk])
        self.assertEqual(self.client.get(url).status_code, 404)
        self.assertEqual(self.client.post(url, self.data()).status_code, 404)

    def test_edit_records_reason(self):
        self.login("office_A")
        tp = self.tp["A"]
        url = reverse("accountability:problem_edit", args=[tp.pk])
        page = self.client.get(url)
        self.assertEqual(page.status_code, 200)
        self.assertIn("甲市违规审批问题", page.content.decode())
        data = self.data(number="1", title="改后的标题", status=InvestigationStatus.CONCLUDED, reason="补充")
        data["handling_unit"] = self.world.units["A"].pk
        response = self.client.post(url, data)
        self.assertRedirects(response, reverse("accountability:problem_detail", args=[tp.pk]))
        tp.refresh_from_db()
        self.assertEqual((tp.title, tp.status), ("改后的标题", InvestigationStatus.CONCLUDED))
        self.assertEqual(tp.history.first().history_change_reason, "补充")
