"""Correcting a parsed item on the review page before the import, per persona."""

from __future__ import annotations

from django.urls import reverse

from zhenggai.imports.models import ImportRecord, PendingImport
from zhenggai.imports.tests.test_review_views import synthetic_plan
from zhenggai.ledger.models import Problem
from zhenggai.testing import WorldTestCase


class ItemEditViewTestCase(WorldTestCase):
    def setUp(self) -> None:
        self.login("office_A")
        response = self.client.post(
            reverse("imports:new"),
            {"file": _upload(synthetic_plan(problems=2)), "jurisdiction": self.world.units["A"].pk},
        )
        self.pending = PendingImport.objects.latest("pk")
        self.assertRedirects(response, reverse("imports:review", args=[self.pending.pk]))
        self.url = reverse("imports:edit_item", args=[self.pending.pk, "p1"])

    def form_data(self, **overrides) -> dict:
        data = {
            "number_text": "第二项",
            "title": "垃圾填埋场渗滤液处理不到位",
            "description": "垃圾填埋场渗滤液处理不到位。",
            "cause": "",
            "deadline": "2026年9月30日前",
            "responsible_units": "甲一县\n丙丁局",
            "cooperating_units": "",
            "supervising_units": "",
            "responsible_leaders": "",
            "responsible_persons": "",
            "measures-TOTAL_FORMS": "2",
            "measures-INITIAL_FORMS": "1",
            "measures-0-source": "0",
            "measures-0-number_text": "（一）",
            "measures-0-text": "建设渗滤液处理设施",
            "measures-0-deadline": "2026年8月31日",
            "measures-0-responsible_units": "",
            "measures-1-source": "",
            "measures-1-number_text": "（二）",
            "measures-1-text": "委托第三方定期监测渗滤液",
            "measures-1-deadline": "每季度",
            "measures-1-responsible_units": "甲一县",
        }
        return data | overrides

    def test_the_uploader_corrects_an_item_and_the_import_uses_the_correction(self):
        page = self.client.get(self.url)
        self.assertEqual(page.status_code, 200)
        self.assertContains(page, 'value="尽快"')  # the deadline as parsed
        self.assertContains(self.client.get(reverse("imports:review", args=[self.pending.pk])), self.url)
        response = self.client.post(self.url, self.form_data(), follow=True)
        self.assertRedirects(response, reverse("imports:review", args=[self.pending.pk]) + "#p1")
        self.assertContains(response, 'data-testid="edits"')
        self.assertContains(response, "2026年9月30日前")
        self.pending.refresh_from_db()
        fields = [edit["field"] for edit in self.pending.edits]
        self.assertEqual(fields, ["responsible_units", "deadline", "measures"])
        self.assertEqual({edit["by"] for edit in self.pending.edits}, {self.world.users["office_A"].username})

        self.client.post(reverse("imports:confirm", args=[self.pending.pk]))
        record = ImportRecord.objects.get()
        problem = Problem.objects.get(plan=record.plan, number=2)
        self.assertEqual(problem.due_date.isoformat(), "2026-09-30")
        measures = list(problem.measures.order_by("position"))
        self.assertEqual([m.text for m in measures], ["建设渗滤液处理设施", "委托第三方定期监测渗滤液"])
        self.assertEqual((measures[1].due_recurrence, measures[0].due_date.isoformat()), ("quarterly", "2026-08-31"))
        self.assertEqual(
            sorted(problem.assignments.filter(role="lead", measure=None).values_list("raw_text", flat=True)),
            ["丙丁局", "甲一县"],
        )
        self.assertEqual(record.parsed["problems"][1]["deadline"]["raw"], "2026年9月30日前")

    def test_an_item_left_out_is_not_imported(self):
        self.client.post(self.url, self.form_data(remove="on"))
        self.client.post(reverse("imports:confirm", args=[self.pending.pk]))
        record = ImportRecord.objects.get()
        self.assertEqual(list(Problem.objects.filter(plan=record.plan).values_list("number", flat=True)), [1])

    def test_invalid_input_shows_the_form_again_and_changes_nothing(self):
        response = self.client.post(self.url, self.form_data(title=""))
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "invalid-feedback")
        self.pending.refresh_from_db()
        self.assertEqual(self.pending.edits, [])

    def test_personas(self):
        self.login("office_B")  # another office: the upload does not exist for it
        self.assertEqual(self.client.get(self.url).status_code, 404)
        self.assertEqual(self.client.post(self.url, self.form_data()).status_code, 404)
        self.login("unit_A1")
        self.assertEqual(self.client.get(self.url).status_code, 403)
        self.login("system")
        self.assertEqual(self.client.get(self.url).status_code, 200)
        self.client.logout()
        self.assertEqual(self.client.get(self.url).status_code, 302)
        self.pending.refresh_from_db()
        self.assertEqual(self.pending.edits, [])

    def test_unknown_items_and_closed_uploads_answer_404(self):
        self.assertEqual(self.client.get(reverse("imports:edit_item", args=[self.pending.pk, "p9"])).status_code, 404)
        self.assertEqual(self.client.get(reverse("imports:edit_item", args=[self.pending.pk, "zz"])).status_code, 404)
        self.client.post(reverse("imports:discard", args=[self.pending.pk]))
        self.assertEqual(self.client.get(self.url).status_code, 404)
        self.assertEqual(self.client.post(self.url, self.form_data()).status_code, 404)

    def test_confirm_checks_the_right_to_the_jurisdiction_again(self):
        user = self.world.users["office_A"]
        user.unit = self.world.units["B"]  # moved to another office after uploading
        user.save(update_fields=["unit"])
        response = self.client.post(reverse("imports:confirm", args=[self.pending.pk]))
        self.assertEqual(response.status_code, 403)
        self.assertFalse(ImportRecord.objects.exists())


def _upload(data: bytes):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile("plan.txt", data)


class ImportAdminTestCase(WorldTestCase):
    def test_administrators_browse_imports_read_only(self):
        from zhenggai.imports.tests.test_review_views import synthetic_plan as plan_text

        self.login("office_A")
        self.client.post(
            reverse("imports:new"), {"file": _upload(plan_text()), "jurisdiction": self.world.units["A"].pk}
        )
        pending = PendingImport.objects.get()
        user = self.world.users["system"]
        user.is_staff = user.is_superuser = True
        user.save(update_fields=["is_staff", "is_superuser"])
        self.login("system")
        for url in (
            reverse("admin:imports_pendingimport_changelist"),
            reverse("admin:imports_pendingimport_change", args=[pending.pk]),
            reverse("admin:imports_importrecord_changelist"),
        ):
            self.assertEqual(self.client.get(url).status_code, 200, url)
        self.assertEqual(self.client.get(reverse("admin:imports_pendingimport_add")).status_code, 403)
