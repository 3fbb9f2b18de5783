"""The template part of a plan's report page (upload, list, retire, download, generate with a template), per persona."""

from __future__ import annotations

import hashlib
from datetime import date

from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from zhenggai.reports.actions import upload_template
from zhenggai.reports.models import GeneratedReport, ReportTemplate
from zhenggai.reports.template_context import REFERENCE
from zhenggai.reports.tests.test_report_views import tags
from zhenggai.reports.tests.world import ReportWorldTestCase, at, docx_text, make_template

TODAY = date(2026, 3, 16)
TITLE = "甲市整改落实情况阶段性报告"
GOOD = make_template("{{ summary }}", "任务{{ tasks_total }}项")


class TemplateViewTests(ReportWorldTestCase):
    def page_url(self, plan: str = "A") -> str:
        return reverse("reports:plan_reports", args=[self.world.plans[plan].pk])

    def upload_url(self, plan: str = "A") -> str:
        return reverse("reports:template_upload", args=[self.world.plans[plan].pk])

    def login(self, persona: str) -> None:
        self.client.force_login(self.world.users[persona])
        # The page in English (the header's language switch), so messages are checked whatever the catalogue says.
        self.client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"

    def get(self, url: str):
        with at(TODAY):
            return self.client.get(url)

    def post(self, url: str, data: dict | None = None):
        with at(TODAY):
            return self.client.post(url, data or {})

    def post_upload(self, data: bytes = GOOD, applies_to: str = "plan", name: str = "季度模板", plan: str = "A"):
        upload = SimpleUploadedFile("季度模板.docx", data)
        return self.post(self.upload_url(plan), {"name": name, "applies_to": applies_to, "file": upload})

    def make(self, data: bytes = GOOD, **scope) -> ReportTemplate:
        return upload_template(
            SimpleUploadedFile("t.docx", data),
            acting_user=self.world.users["office_A"],
            name="甲市模板",
            **(scope or {"jurisdiction": self.world.units["A"]}),
        )

    def retire_url(self, template: ReportTemplate, plan: str = "A") -> str:
        return reverse("reports:template_retire", args=[self.world.plans[plan].pk, template.pk])

    def download_url(self, template: ReportTemplate, plan: str = "A") -> str:
        return reverse("reports:template_download", args=[self.world.plans[plan].pk, template.pk])

    def test_office_uploads_sees_the_reference_and_generates_with_the_template(self):
        self.login("office_A")
        page = self.get(self.page_url())
        self.assertEqual(len(tags(page.content, "upload-template-form")), 1)
        self.assertEqual(len(tags(page.content, "no-templates")), 1)
        names = [tag["data-name"] for tag in tags(page.content, "reference-name")]
        self.assertEqual(names, [entry.name for entry in REFERENCE])

        response = self.post_upload(applies_to="jurisdiction")
        self.assertRedirects(response, self.page_url(), fetch_redirect_response=False)
        template = ReportTemplate.objects.get()
        self.assertEqual(
            (template.jurisdiction, template.plan, template.name), (self.world.units["A"], None, "季度模板")
        )
        self.assertEqual(template.original_name, "季度模板.docx")

        page = self.get(self.page_url())
        self.assertEqual([row["data-template"] for row in tags(page.content, "report-template")], [str(template.pk)])
        self.assertIn("甲市", page.content.decode())
        self.assertIn(f'<option value="{template.pk}">季度模板</option>', page.content.decode())

        response = self.post(self.page_url(), {"as_of": "2026-03-15", "title": TITLE, "template": str(template.pk)})
        self.assertRedirects(response, self.page_url(), fetch_redirect_response=False)
        report = GeneratedReport.objects.get()
        self.assertEqual(report.template, template)
        page = self.get(self.page_url())
        (layout,) = tags(page.content, "report-layout")
        self.assertEqual(layout["data-template"], str(template.pk))
        download = self.get(reverse("reports:download", args=[report.pk]))
        data = b"".join(download.streaming_content)
        self.assertEqual(hashlib.sha256(data).hexdigest(), report.sha256)
        self.assertEqual(docx_text(data).splitlines(), [report.summary, "任务6项"])

    def test_the_built_in_layout_is_the_default_choice(self):
        self.make()
        self.login("office_A")
        response = self.post(self.page_url(), {"as_of": "2026-03-15", "title": TITLE, "template": ""})
        self.assertEqual(response.status_code, 302)
        self.assertIsNone(GeneratedReport.objects.get().template)

    def test_upload_errors_are_shown_on_the_form_and_nothing_is_stored(self):
        self.login("office_A")
        for data, field, expected in [
            (make_template("{{ summary }}{{ foo }}"), "file", "{{ foo }}"),
            (make_template("{% if summary %}"), "file", "syntax error"),
            (b"plain text, not a document", "file", "not a Word document"),
        ]:
            with self.subTest(expected=expected):
                response = self.post_upload(data)
                self.assertEqual(response.status_code, 200)
                errors = tags(response.content, "upload-error")
                self.assertEqual([error.get("data-field") for error in errors], [field])
                self.assertIn(expected, response.content.decode().replace("&#x27;", "'"))
                self.assertEqual(len(tags(response.content, "template-reference")), 1)
        self.assertFalse(ReportTemplate.objects.exists())

    def test_a_template_failing_on_the_data_is_a_generate_form_error(self):
        template = self.make(make_template("{{ overdue[0].title }}"))
        self.login("office_A")
        response = self.post(self.page_url(), {"as_of": "2026-03-15", "title": TITLE, "template": str(template.pk)})
        self.assertEqual(response.status_code, 200)
        self.assertEqual([error.get("data-field") for error in tags(response.content, "generate-error")], ["template"])
        self.assertFalse(GeneratedReport.objects.exists())

    def test_office_retires_a_template_and_can_still_download_it(self):
        template = self.make()
        self.login("office_A")
        response = self.post(self.retire_url(template))
        self.assertRedirects(response, self.page_url(), fetch_redirect_response=False)
        template.refresh_from_db()
        self.assertFalse(template.is_active)
        page = self.get(self.page_url())
        self.assertEqual(tags(page.content, "report-template"), [])
        self.assertEqual(self.post(self.retire_url(template)).status_code, 404)  # no longer offered
        response = self.post(self.page_url(), {"as_of": "2026-03-15", "title": TITLE, "template": str(template.pk)})
        self.assertEqual(response.status_code, 200)  # not a choice any more
        self.assertFalse(GeneratedReport.objects.exists())
        download = self.get(self.download_url(template))
        self.assertEqual(download.status_code, 200)
        self.assertEqual(hashlib.sha256(b"".join(download.streaming_content)).hexdigest(), template.sha256)

    def test_a_unit_that_sees_the_plan_gets_no_template_part_and_403(self):
        template = self.make()
        self.login("unit_A1")
        page = self.get(self.page_url())
        self.assertEqual(page.status_code, 200)
        for testid in ("upload-template-form", "report-template", "template-reference", "generate-form"):
            self.assertEqual(tags(page.content, testid), [], testid)
        self.assertEqual(self.post_upload().status_code, 403)
        self.assertEqual(self.post(self.retire_url(template)).status_code, 403)
        self.assertEqual(self.get(self.download_url(template)).status_code, 403)
        self.assertEqual(ReportTemplate.objects.count(), 1)
        self.assertTrue(ReportTemplate.objects.get().is_active)

    def test_another_citys_office_gets_404(self):
        template = self.make()
        self.login("office_B")
        self.assertEqual(self.get(self.page_url()).status_code, 404)
        self.assertEqual(self.post_upload().status_code, 404)
        self.assertEqual(self.post(self.retire_url(template)).status_code, 404)
        self.assertEqual(self.get(self.download_url(template)).status_code, 404)
        # Through its own plan, city A's template is not there either.
        self.assertEqual(self.post(self.retire_url(template, plan="B")).status_code, 404)
        self.assertEqual(self.get(self.download_url(template, plan="B")).status_code, 404)
        response = self.post(self.page_url("B"), {"as_of": "2026-03-15", "title": TITLE, "template": str(template.pk)})
        self.assertEqual(response.status_code, 200)  # not a valid choice for plan B
        self.assertFalse(GeneratedReport.objects.exists())
        self.assertTrue(ReportTemplate.objects.get().is_active)

    def test_anonymous_is_sent_to_the_login_page(self):
        template = self.make()
        for response in (
            self.post_upload(),
            self.post(self.retire_url(template)),
            self.get(self.download_url(template)),
        ):
            self.assertEqual(response.status_code, 302)
        self.assertEqual(ReportTemplate.objects.count(), 1)

    def test_retire_and_upload_are_post_only(self):
        template = self.make()
        self.login("office_A")
        self.assertEqual(self.get(self.retire_url(template)).status_code, 405)
        self.assertEqual(self.get(self.upload_url()).status_code, 405)
        self.assertEqual(self.post(self.download_url(template)).status_code, 405)

    def test_page_query_count_does_not_grow_with_templates(self):
        for persona, expected in (("office_A", OFFICE_QUERIES), ("unit_A1", UNIT_QUERIES)):
            with self.subTest(persona=persona):
                self.login(persona)
                self.get(self.page_url())  # warm the session and caches
                with self.assertNumQueries(expected):
                    self.get(self.page_url())
        self.make()
        self.make(make_template("{{ title }}"), plan=self.plan)
        self.login("office_A")
        with self.assertNumQueries(OFFICE_QUERIES):
            page = self.get(self.page_url())
        self.assertEqual(len(tags(page.content, "report-template")), 2)


# session, user, the user's unit, the plan with its jurisdiction (visible_to), can_generate (editable_by),
# the active templates of the plan and its jurisdiction with their uploaders (read once for the list and
# the layout choice), the versions with their creators and templates
OFFICE_QUERIES = 7
# a unit user: session, user, its unit, the units it succeeded, the collectives it belongs to (its scope),
# the plan (visible_to), the versions; can_generate answers without a query and no template is read
UNIT_QUERIES = 7
