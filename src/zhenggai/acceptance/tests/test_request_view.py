"""Asking for acceptance through the page: who may, what the form sends, and refusals on the form."""

from __future__ import annotations

from django.contrib.messages import get_messages
from django.test import override_settings
from django.urls import reverse

from zhenggai.acceptance.choices import CHECKLIST
from zhenggai.acceptance.models import AcceptanceAttachment, AcceptanceRequest
from zhenggai.acceptance.tests.view_world import AcceptanceViewTestCase, pdf_upload
from zhenggai.ledger import actions as ledger

EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 48 + b"PE\x00\x00"


class RequestViewTestCase(AcceptanceViewTestCase):
    def setUp(self):
        super().setUp()
        self.url = reverse("acceptance:request_new", args=[self.problem.pk])

    def form(self, **overrides) -> dict:
        return {
            "report": "一、措施完成情况：泵站已改造。二、核查：已请第三方监测。",
            "signed_by_head": "钱县长",
            "checklist": [key for key, _label in CHECKLIST],
            **overrides,
        }

    def test_only_the_units_holding_the_problem_may_ask(self):
        self.assert_personas(
            self.url,
            {
                "unit_A1": 200,
                "office_A": 403,
                "office_P": 403,
                "reviewer_A": 403,
                "supervisor_Aeco": 403,
                "unit_B1": 404,
            },
        )

    def test_the_form_lists_the_five_standards(self):
        self.login("unit_A1")
        body = self.client.get(self.url).content.decode()
        for key, _label in CHECKLIST:
            self.assertIn(f'value="{key}"', body)
        self.assertIn('type="file"', body)
        self.assertIn("multiple", body)

    def test_a_request_with_two_files_goes_to_the_first_step(self):
        self.login("unit_A1")
        response = self.client.post(self.url, self.form(files=[pdf_upload("现场照片.pdf"), pdf_upload("监测报告.pdf")]))
        request = AcceptanceRequest.objects.get()
        self.assertRedirects(response, self.page_url() + "#requests", fetch_redirect_response=False)
        self.assertEqual((request.status, request.round, request.position), ("in_review", 1, 0))
        self.assertEqual(request.requested_by, self.user("unit_A1"))
        self.assertEqual(request.unit, self.world.units["A1"])
        self.assertEqual(request.signed_by_head, "钱县长")
        self.assertEqual(request.checklist, {key: True for key, _label in CHECKLIST})
        self.assertEqual(
            sorted(AcceptanceAttachment.objects.values_list("original_name", flat=True)),
            ["现场照片.pdf", "监测报告.pdf"],
        )

    def test_an_unticked_standard_is_refused_on_the_checklist(self):
        self.login("unit_A1")
        response = self.client.post(self.url, self.form(checklist=["measures_done"]))
        self.assertEqual(response.status_code, 200)
        self.assertIn("checklist", response.context["form"].errors)
        self.assertContains(response, 'data-testid="error-checklist"')
        self.assertFalse(AcceptanceRequest.objects.exists())

    def test_missing_head_and_report_are_field_errors(self):
        self.login("unit_A1")
        response = self.client.post(self.url, self.form(report="", signed_by_head=""))
        self.assertEqual(set(response.context["form"].errors), {"report", "signed_by_head"})
        self.assertFalse(AcceptanceRequest.objects.exists())

    @override_settings(EVIDENCE_MAX_BYTES=10 * 1024 * 1024)
    def test_a_file_of_the_wrong_type_is_refused_on_the_file_field(self):
        self.login("unit_A1")
        response = self.client.post(self.url, self.form(files=[pdf_upload("照片.pdf", EXE)]))
        self.assertIn("files", response.context["form"].errors)
        self.assertFalse(AcceptanceRequest.objects.exists())

    def test_an_open_measure_is_refused(self):
        ledger.add_measure(self.problem, acting_user=self.user("system"), text="新增措施")
        self.login("unit_A1")
        response = self.client.post(self.url, self.form())
        self.assertEqual(response.status_code, 200)
        self.assertIn("新增措施", " ".join(response.context["form"].errors["checklist"]))

    def test_a_second_request_while_one_is_under_way_goes_back_with_a_message(self):
        self.ask()
        self.login("unit_A1")
        for method in (self.client.get, self.client.post):
            with self.subTest(method=method.__name__):
                response = method(self.url, self.form())
                self.assertRedirects(response, self.page_url(), fetch_redirect_response=False)
                self.assertTrue(list(get_messages(response.wsgi_request)))
        self.assertEqual(AcceptanceRequest.objects.count(), 1)

    def test_a_signed_off_problem_cannot_be_put_up_again(self):
        self.signed_off_request()
        self.login("unit_A1")
        self.assertRedirects(self.client.get(self.url), self.page_url(), fetch_redirect_response=False)
