"""The reports admin: administrators browse templates (with their history) and versions, and change nothing."""

from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from zhenggai.reports.actions import retire_template, upload_template
from zhenggai.reports.tests.world import ReportWorldTestCase, make_template


class ReportsAdminTests(ReportWorldTestCase):
    def test_templates_are_view_only_with_their_history(self):
        template = upload_template(
            SimpleUploadedFile("t.docx", make_template("{{ summary }}")),
            acting_user=self.world.users["office_A"],
            name="甲市模板",
            plan=self.plan,
        )
        retire_template(template, acting_user=self.world.users["office_A"], reason="换新版")
        self.client.force_login(self.world.users["system"])
        changelist = self.client.get(reverse("admin:reports_reporttemplate_changelist"))
        self.assertContains(changelist, "甲市模板")
        history = self.client.get(reverse("admin:reports_reporttemplate_history", args=[template.pk]))
        self.assertContains(history, "换新版")
        self.assertEqual(self.client.get(reverse("admin:reports_reporttemplate_add")).status_code, 403)
        self.assertEqual(self.client.get(reverse("admin:reports_generatedreport_changelist")).status_code, 200)
