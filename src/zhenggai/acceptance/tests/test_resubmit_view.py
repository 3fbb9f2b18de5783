"""Resubmitting a returned request: the unit revises its report, adds files, and the chain starts again."""

from __future__ import annotations

from django.urls import reverse

from zhenggai.acceptance.models import AcceptanceAttachment
from zhenggai.acceptance.tests.view_world import CITY_STEP, AcceptanceViewTestCase, pdf_upload


class ResubmitViewTestCase(AcceptanceViewTestCase):
    today = CITY_STEP

    def setUp(self):
        super().setUp()
        self.request = self.ask(files=[pdf_upload("原材料.pdf")])
        self.city(self.request, "return", "请补充整改前后对比照片")
        self.url = reverse("acceptance:resubmit", args=[self.request.pk])

    def test_only_the_unit_resubmits(self):
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

    def test_the_form_shows_the_return_and_keeps_the_report(self):
        self.login("unit_A1")
        response = self.client.get(self.url)
        self.assertContains(response, 'data-testid="return-opinion"')
        self.assertContains(response, "请补充整改前后对比照片")
        self.assertEqual(response.context["form"].initial["report"], self.request.report)

    def test_resubmitting_starts_round_two_with_the_new_file(self):
        self.login("unit_A1")
        response = self.client.post(self.url, {"report": "已补充对比照片。", "files": [pdf_upload("对比照片.pdf")]})
        self.assertRedirects(response, self.page_url() + f"#request-{self.request.pk}", fetch_redirect_response=False)
        self.request.refresh_from_db()
        self.assertEqual((self.request.status, self.request.round, self.request.position), ("in_review", 2, 0))
        self.assertEqual(self.request.report, "已补充对比照片。")
        self.assertEqual(
            list(AcceptanceAttachment.objects.order_by("pk").values_list("original_name", flat=True)),
            ["原材料.pdf", "对比照片.pdf"],
        )

    def test_a_request_not_returned_sends_the_user_back(self):
        self.resubmit(self.request)
        self.login("unit_A1")
        self.assertRedirects(self.client.get(self.url), self.page_url(), fetch_redirect_response=False)
        self.request.refresh_from_db()
        self.assertEqual(self.request.round, 2)
