"""Downloads of acceptance materials and objection files, through the permission checks."""

from __future__ import annotations

from django.urls import reverse

from zhenggai.acceptance.tests.view_world import OBJECTED, PDF_BYTES, PERSONAS, AcceptanceViewTestCase, pdf_upload


class AttachmentDownloadTestCase(AcceptanceViewTestCase):
    today = OBJECTED

    def setUp(self):
        super().setUp()
        self.request = self.ask(files=[pdf_upload("整改验收报告.pdf")])
        self.attachment = self.request.attachments.get()
        self.url = reverse("acceptance:attachment_download", args=[self.attachment.pk])

    def test_everyone_who_sees_the_request_downloads(self):
        self.assert_personas(self.url, {**dict.fromkeys(PERSONAS, 200), "unit_B1": 404})

    def test_the_file_comes_as_an_attachment_under_its_name(self):
        self.login("reviewer_A")
        response = self.client.get(self.url)
        self.assertEqual(b"".join(response.streaming_content), PDF_BYTES)
        self.assertTrue(response["Content-Disposition"].startswith("attachment"))
        self.assertIn("%E6%95%B4%E6%94%B9", response["Content-Disposition"])  # 整改, encoded
        self.assertEqual(response["Content-Type"], "application/pdf")
        self.assertEqual(response["X-Content-Type-Options"], "nosniff")

    def test_only_get_and_head(self):
        self.login("office_A")
        self.assertEqual(self.client.post(self.url).status_code, 405)

    def test_a_missing_file_is_a_404(self):
        self.attachment.file.delete(save=False)
        self.login("office_A")
        self.assertEqual(self.client.get(self.url).status_code, 404)


class ObjectionAttachmentTestCase(AcceptanceViewTestCase):
    today = OBJECTED

    def setUp(self):
        super().setUp()
        request = self.ask()
        self.city(request)
        self.objection = self.object_to(request, attachment=pdf_upload("举报照片.pdf"))
        self.url = reverse("acceptance:objection_attachment", args=[self.objection.pk])

    def test_those_who_rule_or_review_download_units_do_not(self):
        self.assert_personas(
            self.url,
            {
                "office_A": 200,
                "office_P": 200,
                "reviewer_A": 200,
                "unit_A1": 403,
                "supervisor_Aeco": 403,
                "unit_B1": 404,
            },
        )

    def test_an_objection_without_a_file_is_a_404(self):
        bare = self.object_to(self.objection.notice.request, text="没有附件")
        self.login("office_A")
        self.assertEqual(self.client.get(reverse("acceptance:objection_attachment", args=[bare.pk])).status_code, 404)
