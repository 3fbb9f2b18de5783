"""Django admin of complaint cases and of accountability: administrators browse every row and its history;
only the cases' deadline rule is edited (through its action); the changelists' query counts are pinned."""

from __future__ import annotations

from datetime import date

from django.contrib import admin
from django.test import TestCase
from django.urls import reverse

from zhenggai.accountability.models import AccountablePerson
from zhenggai.accountability.tests.world import AccountabilityWorldTestCase
from zhenggai.cases import actions
from zhenggai.cases.models import CaseRule
from zhenggai.cases.tests.world import build_cases
from zhenggai.testing import build_world

CASE_MODELS = ("casebatch", "case", "caseassignment", "caseimportjob")
ACCOUNTABILITY_MODELS = ("transferredproblem", "accountableperson")


class AdminPagesMixin:
    """Open each model's changelist (with a pinned query count), change page and history page."""

    APP = ""
    # model → queries of its changelist for a superuser, each named where the subclass sets it.
    CHANGELIST_QUERIES: dict[str, int] = {}

    def changelist(self, model: str):
        return self.client.get(reverse(f"admin:{self.APP}_{model}_changelist"))

    def test_every_changelist_opens_with_rows_in_a_fixed_number_of_queries(self):
        for model, queries in self.CHANGELIST_QUERIES.items():
            with self.subTest(model=model), self.assertNumQueries(queries):
                response = self.changelist(model)
            self.assertEqual(response.status_code, 200)
            self.assertGreaterEqual(response.context["cl"].result_count, 1)

    def test_every_change_and_history_page_opens_read_only(self):
        for model in self.CHANGELIST_QUERIES:
            pk = self.changelist(model).context["cl"].result_list[0].pk
            with self.subTest(model=model):
                change = self.client.get(reverse(f"admin:{self.APP}_{model}_change", args=[pk]))
                self.assertEqual(change.status_code, 200)
                self.assertNotContains(change, 'name="_save"')
                self.assertEqual(
                    self.client.post(reverse(f"admin:{self.APP}_{model}_change", args=[pk])).status_code, 403
                )
                self.assertEqual(self.client.get(reverse(f"admin:{self.APP}_{model}_add")).status_code, 403)
                delete = reverse(f"admin:{self.APP}_{model}_delete", args=[pk])
                self.assertEqual(self.client.post(delete, {"post": "yes"}).status_code, 403)
                if model != "caseimportjob":  # import jobs keep no history rows
                    history = self.client.get(reverse(f"admin:{self.APP}_{model}_history", args=[pk]))
                    self.assertEqual(history.status_code, 200)


class CasesAdminTestCase(AdminPagesMixin, TestCase):
    APP = "cases"
    # Each: the session (1) + the user (1) + the count (1) + the rows with their related rows and, for
    # batches, their case counts (1). Batches and import jobs also count all rows for the "N total" link (1)
    # (cases and assignments skip it: show_full_result_count), and batches list their filter's inspections (1).
    CHANGELIST_QUERIES = {"casebatch": 6, "case": 4, "caseassignment": 4, "caseimportjob": 5}

    @classmethod
    def setUpTestData(cls) -> None:
        cls.world = build_world()
        cls.inspection, cls.batch, cls.cases = build_cases(cls.world)
        cls.job = actions.request_import(
            cls.batch, b"PK\x03\x04 not really a workbook", acting_user=cls.world.users["office_P"]
        )

    def setUp(self) -> None:
        self.client.force_login(self.world.users["system"])

    def test_a_case_shows_its_units_and_shares(self):
        response = self.client.get(reverse("admin:cases_case_change", args=[self.cases["co"].pk]))
        self.assertContains(response, "甲一县")
        self.assertContains(response, "甲二县")
        self.assertContains(response, "0.5000")

    def test_an_import_job_names_its_file_without_linking_into_the_storage(self):
        response = self.client.get(reverse("admin:cases_caseimportjob_change", args=[self.job.pk]))
        self.assertContains(response, self.job.file.name)
        self.assertNotContains(response, f'href="/media/{self.job.file.name}"')

    def test_the_deadline_rule_is_saved_through_its_action(self):
        response = self.client.post(
            reverse("admin:cases_caserule_add"), {"inspection": self.inspection.pk, "deadline_days": "7"}
        )
        self.assertEqual(response.status_code, 302, response.content)
        rule = CaseRule.objects.get(inspection=self.inspection)
        self.assertEqual((rule.deadline_days, rule.working_days), (7, False))
        latest = rule.history.latest()
        self.assertEqual(
            (latest.history_user, latest.history_change_reason), (self.world.users["system"], "set case rule")
        )
        self.assertEqual(actions.batch_due_date(self.inspection, date(2025, 6, 1)), date(2025, 6, 8))
        change = reverse("admin:cases_caserule_change", args=[rule.pk])
        self.assertNotContains(self.client.get(change), 'name="inspection"')  # the rule stays with its inspection
        self.assertEqual(self.client.post(change, {"deadline_days": "5", "working_days": "on"}).status_code, 302)
        rule.refresh_from_db()
        self.assertEqual((rule.deadline_days, rule.working_days, rule.history.count()), (5, True, 3))
        self.assertEqual(self.client.get(reverse("admin:cases_caserule_delete", args=[rule.pk])).status_code, 403)

    def test_sign_off_decisions_are_not_in_the_admin(self):
        registered = {model._meta.model_name for model in admin.site._registry if model._meta.app_label == "cases"}
        self.assertEqual(registered, {*CASE_MODELS, "caserule"})

    def test_non_staff_users_are_sent_to_the_admin_login(self):
        self.client.force_login(self.world.users["office_P"])
        response = self.client.get(reverse("admin:cases_case_changelist"))
        self.assertEqual(response.status_code, 302)
        self.assertIn(reverse("admin:login"), response["Location"])


class AccountabilityAdminTestCase(AdminPagesMixin, AccountabilityWorldTestCase):
    APP = "accountability"
    # Each: the session (1) + the user (1) + the count (1) + the full count for the "N total" link (1) + the
    # rows with their related rows (1). Transferred problems also list their filter's inspections (1).
    CHANGELIST_QUERIES = {"transferredproblem": 6, "accountableperson": 5}

    def setUp(self) -> None:
        self.client.force_login(self.world.users["system"])

    def test_a_decision_document_links_to_its_checked_page_not_the_storage(self):
        person: AccountablePerson = self.person["published"]
        download = reverse("accountability:document", args=[person.pk])
        for url in (
            reverse("admin:accountability_accountableperson_change", args=[person.pk]),
            reverse("admin:accountability_transferredproblem_change", args=[person.transferred_problem_id]),
        ):
            with self.subTest(url=url):
                response = self.client.get(url)
                self.assertContains(response, f'href="{download}"')
                self.assertNotContains(response, person.document.name)
