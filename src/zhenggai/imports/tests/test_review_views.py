"""The review flow in the web UI: upload → review → confirm (one transaction) or discard."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from zhenggai.imports.models import ImportRecord, PendingImport
from zhenggai.ledger.models import Plan, Problem
from zhenggai.testing import WorldTestCase


def synthetic_plan(problems: int = 2, tag: str = "") -> bytes:
    """A small problem-list plan in the style of the seeds: 甲一县 is in the test registry, 丙丁局 is not.

    The last problem has no 整改目标 (a warning) and a deadline nobody can date (尽快).
    """
    parts = [f"甲市督察反馈问题整改方案{tag}"]
    for n in range(1, problems):
        parts += [
            f"第{'一二三四五六七八九十'[n - 1]}项，第{n}片区的污水管网建设滞后，部分生活污水直排河道。",
            "整改目标：污水全收集、全处理。",
            "整改时限：2026年年底前",
            "责任单位：甲一县、丙丁局",
            "整改措施：",
            "（一）加快管网建设，完成雨污分流改造。",
            "（二）开展入河排污口排查整治。",
        ]
    parts += [
        f"第{'一二三四五六七八九十'[problems - 1]}项，垃圾填埋场渗滤液处理不到位。",
        "整改时限：尽快",
        "责任单位：甲一县",
        "整改措施：",
        "（一）建设渗滤液处理设施。",
    ]
    return "\n".join(parts).encode()


class ReviewFlowTestCase(WorldTestCase):
    def upload(self, data: bytes, name: str = "plan.txt", **fields):
        fields.setdefault("jurisdiction", self.world.units["A"].pk)
        return self.client.post(reverse("imports:new"), {"file": SimpleUploadedFile(name, data), **fields})

    def uploaded(self, data: bytes | None = None, persona: str = "office_A") -> PendingImport:
        self.login(persona)
        response = self.upload(data or synthetic_plan())
        pending = PendingImport.objects.latest("pk")
        self.assertRedirects(response, reverse("imports:review", args=[pending.pk]))
        return pending

    def test_upload_then_review_shows_the_parse_warnings_and_unsure_fields(self):
        pending = self.uploaded()
        self.assertEqual((pending.status, pending.jurisdiction), ("pending", self.world.units["A"]))
        self.assertEqual(pending.uploaded_by, self.world.users["office_A"])
        self.assertEqual(pending.warning_count, 2)  # missing 整改目标; deadline not understood: 尽快
        response = self.client.get(reverse("imports:review", args=[pending.pk]))
        self.assertEqual(response.status_code, 200)
        page = response.content.decode()
        self.assertContains(response, "第1片区的污水管网建设滞后，部分生活污水直排河道")
        self.assertContains(response, "垃圾填埋场渗滤液处理不到位")
        self.assertContains(response, 'data-testid="warnings"')
        self.assertIn("missing 整改目标", page)
        self.assertIn("deadline not understood: 尽快", page)
        unmatched = 'data-testid="unmatched-unit" title="单位名录中未找到">'
        self.assertContains(response, unmatched + "丙丁局</span>")
        self.assertContains(response, 'data-testid="matched-unit" title="甲一县">甲一县</span>')
        self.assertNotIn(unmatched + "甲一县", page)
        self.assertContains(response, 'data-testid="unsure-deadline"', count=1)  # 尽快; 2026年年底前 is dated
        self.assertContains(response, "<li>整改时限：尽快</li>", html=True)  # the source text, left column
        self.assertContains(response, f'action="/imports/{pending.pk}/confirm/"')
        self.assertEqual(Plan.objects.filter(import_records__isnull=False).count(), 0)  # nothing imported yet
        listing = self.client.get(reverse("imports:list"))
        self.assertContains(listing, "plan.txt")
        self.assertContains(self.client.get(reverse("ledger:plan_list")), 'href="/imports/"')  # the navigation link

    def test_only_offices_and_administrators_import(self):
        self.login("unit_A1")
        self.assertEqual(self.client.get(reverse("imports:new")).status_code, 403)
        self.assertEqual(self.client.get(reverse("imports:list")).status_code, 403)
        self.assertNotContains(self.client.get(reverse("ledger:plan_list")), 'href="/imports/"')
        self.login("reviewer_A")
        self.assertEqual(self.client.get(reverse("imports:new")).status_code, 403)
        self.login("system")
        self.assertEqual(self.client.get(reverse("imports:new")).status_code, 200)
        self.client.logout()
        self.assertEqual(self.client.get(reverse("imports:new")).status_code, 302)

    def test_another_office_gets_404_and_an_administrator_sees_it(self):
        pending = self.uploaded()
        self.login("office_B")
        for name in ("review",):
            self.assertEqual(self.client.get(reverse(f"imports:{name}", args=[pending.pk])).status_code, 404)
        for name in ("confirm", "discard"):
            self.assertEqual(self.client.post(reverse(f"imports:{name}", args=[pending.pk])).status_code, 404)
        self.assertNotContains(self.client.get(reverse("imports:list")), "plan.txt")
        self.login("system")
        self.assertEqual(self.client.get(reverse("imports:review", args=[pending.pk])).status_code, 200)

    def test_the_jurisdiction_choice_is_limited_to_the_offices_scope(self):
        self.login("office_A")
        response = self.upload(synthetic_plan(), jurisdiction=self.world.units["B"].pk)
        self.assertEqual(response.status_code, 200)
        self.assertFalse(PendingImport.objects.exists())
        response = self.upload(synthetic_plan(), jurisdiction="", plan=self.world.plans["B"].pk)
        self.assertEqual(response.status_code, 200)
        self.assertFalse(PendingImport.objects.exists())

    def test_confirm_imports_in_one_go_and_a_second_confirm_is_refused(self):
        pending = self.uploaded()
        problems_before = Problem.objects.count()
        response = self.client.post(reverse("imports:confirm", args=[pending.pk]), follow=True)
        pending.refresh_from_db()
        record = ImportRecord.objects.get()
        self.assertEqual((pending.status, pending.import_record), ("imported", record))
        self.assertRedirects(response, reverse("ledger:plan_detail", args=[record.plan_id]))
        self.assertContains(response, "已导入 2 项问题、3 条措施。")
        self.assertContains(response, "丙丁局")
        self.assertEqual(Problem.objects.count() - problems_before, 2)
        self.assertEqual(record.plan.jurisdiction, self.world.units["A"])
        self.assertEqual(record.created_by, self.world.users["office_A"])

        response = self.client.post(reverse("imports:confirm", args=[pending.pk]), follow=True)
        self.assertRedirects(response, reverse("imports:review", args=[pending.pk]))
        self.assertContains(response, "该上传已导入或已放弃。")
        self.assertEqual(ImportRecord.objects.count(), 1)
        self.assertEqual(Problem.objects.count() - problems_before, 2)

    def test_confirm_into_an_existing_plan(self):
        self.login("office_A")
        plan = self.world.plans["A"]
        response = self.upload(synthetic_plan(tag="（补充）"), jurisdiction="", plan=plan.pk)
        pending = PendingImport.objects.get()
        self.assertRedirects(response, reverse("imports:review", args=[pending.pk]))
        before = plan.problems.count()
        response = self.client.post(reverse("imports:confirm", args=[pending.pk]))
        self.assertRedirects(response, reverse("ledger:plan_detail", args=[plan.pk]))
        self.assertEqual(plan.problems.count() - before, 2)

    def test_a_failing_confirm_leaves_nothing_behind(self):
        from unittest import mock

        pending = self.uploaded()
        plans, problems = Plan.objects.count(), Problem.objects.count()
        with mock.patch("zhenggai.ledger.actions.add_measure", side_effect=RuntimeError("boom")):
            with self.assertRaises(RuntimeError):
                self.client.post(reverse("imports:confirm", args=[pending.pk]))
        pending.refresh_from_db()
        self.assertEqual(pending.status, "pending")
        self.assertEqual((Plan.objects.count(), Problem.objects.count()), (plans, problems))
        self.assertFalse(ImportRecord.objects.exists())

    def test_discard(self):
        pending = self.uploaded()
        response = self.client.post(reverse("imports:discard", args=[pending.pk]))
        self.assertRedirects(response, reverse("imports:list"))
        pending.refresh_from_db()
        self.assertEqual(pending.status, "discarded")
        self.client.post(reverse("imports:confirm", args=[pending.pk]))
        self.assertFalse(ImportRecord.objects.exists())
        self.assertEqual(self.client.get(reverse("imports:review", args=[pending.pk])).status_code, 200)

    def test_unreadable_files_get_a_form_error(self):
        self.login("office_A")
        for data in (bytes(range(256)) * 8, b"%PDF-1.7 whatever", b"PK\x03\x04broken"):
            with self.subTest(data=data[:10]):
                response = self.upload(data, name="plan.bin")
                self.assertEqual(response.status_code, 200)
                self.assertContains(response, 'data-testid="field-error"')
                self.assertContains(response, "无法读取该文件")
        self.assertFalse(PendingImport.objects.exists())

    def test_a_file_already_imported_is_refused_at_upload(self):
        data = synthetic_plan()
        pending = self.uploaded(data)
        self.client.post(reverse("imports:confirm", args=[pending.pk]))
        response = self.upload(data, name="again.txt")
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "该文件已导入过（同一文件）。")
        self.assertEqual(PendingImport.objects.count(), 1)

    def test_the_review_page_queries_do_not_grow_with_the_document(self):
        """The same unit names in 2 or 9 problems: the same queries (unit matching is per distinct name)."""
        for problems in (2, 9):
            pending = self.uploaded(synthetic_plan(problems, tag=str(problems)))
            url = reverse("imports:review", args=[pending.pk])
            # session, user, the pending import (with jurisdiction, plan, record, uploader);
            # 甲一县 resolved in one query, the unknown 丙丁局 in two (registry, then the abbreviation fold)
            with self.assertNumQueries(6):
                response = self.client.get(url)
            self.assertContains(response, 'data-testid="parsed-problem"', count=problems)


@pytest.mark.usefixtures("seeds_dir")
class SeedReviewTestCase(WorldTestCase):
    def test_seed_004_reviews_and_imports(self):
        folder = Path(os.environ.get("ZHENGGAI_SEEDS", Path(__file__).resolve().parents[4].parent / "shared" / "seeds"))
        data = next(folder.glob("004_*.txt")).read_bytes()
        self.login("office_A")
        self.client.post(
            reverse("imports:new"),
            {"file": SimpleUploadedFile("004.txt", data), "jurisdiction": self.world.units["A"].pk},
        )
        pending = PendingImport.objects.get()
        response = self.client.get(reverse("imports:review", args=[pending.pk]))
        self.assertContains(response, 'data-testid="parsed-problem"', count=19)  # 17 problems, 2 aspects of 17
        self.assertContains(response, 'data-testid="unmatched-unit"')
        self.assertContains(response, 'data-testid="matched-unit" title="甲市生态环境局">市生态环境局</span>')
        response = self.client.post(reverse("imports:confirm", args=[pending.pk]))
        plan = ImportRecord.objects.get().plan
        self.assertRedirects(response, reverse("ledger:plan_detail", args=[plan.pk]))
        self.assertEqual(plan.problems.filter(parent__isnull=True).count(), 17)


class SpreadsheetReviewTestCase(WorldTestCase):
    def test_an_xlsx_upload_shows_its_sheet_rows_beside_the_parse(self):
        import io

        from django.core.files.uploadedfile import SimpleUploadedFile
        from openpyxl import Workbook

        book = Workbook()
        sheet = book.active
        sheet.title = "台账"
        sheet.append(["甲市整改台账"])
        sheet.append(["序号", "督察反馈问题", "整改时限", "责任单位", "整改措施"])
        sheet.append(
            [1, "工业园区污水处理厂超标排放。", "2026年12月31日", "甲一县", "（一）提标改造（2026年10月31日）"]
        )
        sheet.append([None, None, None, None, "（二）在线监测联网（长期坚持）"])
        sheet.merge_cells("B3:B4")
        buffer = io.BytesIO()
        book.save(buffer)
        self.login("office_A")
        self.client.post(
            reverse("imports:new"),
            {"file": SimpleUploadedFile("ledger.xlsx", buffer.getvalue()), "jurisdiction": self.world.units["A"].pk},
        )
        pending = PendingImport.objects.get()
        response = self.client.get(reverse("imports:review", args=[pending.pk]))
        self.assertContains(response, 'data-testid="source-sheets"')
        self.assertContains(
            response, '<td style="white-space: pre-line; min-width: 6em">（二）在线监测联网（长期坚持）</td>'
        )
        self.assertContains(response, 'data-testid="parsed-problem"', count=1)
