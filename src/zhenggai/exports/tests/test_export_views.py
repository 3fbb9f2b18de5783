"""The ledger download and upload pages, per persona."""

from __future__ import annotations

import io
import zipfile
from html.parser import HTMLParser

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from zhenggai.exports.forms import MAX_UPLOAD_BYTES
from zhenggai.exports.ledger_xlsx import SHEET_TITLE
from zhenggai.exports.views import XLSX_CONTENT_TYPE
from zhenggai.ledger import actions as ledger
from zhenggai.ledger.models import Problem
from zhenggai.testing import WorldTestCase

ID_COLUMN, CAUSE_COLUMN = 15, 3


class _Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[dict[str, str]] = []

    def handle_starttag(self, tag: str, attrs) -> None:
        self.tags.append({"tag": tag, **{name: value or "" for name, value in attrs}})


class Page:
    """The start tags of an HTML page, to look up by data-testid or name."""

    def __init__(self, content: bytes) -> None:
        parser = _Tags()
        parser.feed(content.decode())
        self.tags = parser.tags

    def __call__(self, testid: str) -> list[dict[str, str]]:
        return [tag for tag in self.tags if tag.get("data-testid") == testid]

    def fingerprint(self) -> str:
        return next(tag["value"] for tag in self.tags if tag.get("name") == "fingerprint")


class ExportViewTests(WorldTestCase):
    def download_url(self, plan: str = "A") -> str:
        return reverse("exports:ledger_download", args=[self.world.plans[plan].pk])

    def upload_url(self, plan: str = "A") -> str:
        return reverse("exports:ledger_upload", args=[self.world.plans[plan].pk])

    def download(self, persona: str, plan: str = "A") -> bytes:
        self.login(persona)
        response = self.client.get(self.download_url(plan))
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response["Content-Type"], XLSX_CONTENT_TYPE)
        self.assertTrue(response["Content-Disposition"].startswith("attachment"))
        self.assertIn(".xlsx", response["Content-Disposition"])
        return b"".join(response.streaming_content)

    def ids(self, data: bytes) -> set[str]:
        sheet = load_workbook(io.BytesIO(data))[SHEET_TITLE]
        return {sheet.cell(row, ID_COLUMN).value for row in range(3, sheet.max_row + 1)} - {None}

    def expected_ids(self, persona: str) -> set[str]:
        user = self.world.users[persona]
        ids = set()
        for problem in Problem.objects.visible_to(user).filter(plan=self.world.plans["A"]):
            measures = list(problem.measures.all())
            ids |= {f"P{problem.pk}/M{m.pk}" for m in measures} if measures else {f"P{problem.pk}"}
        return ids

    def upload(self, data: bytes, name: str = "ledger.xlsx", plan: str = "A"):
        return self.client.post(self.upload_url(plan), {"file": SimpleUploadedFile(name, data, XLSX_CONTENT_TYPE)})

    def with_cause(self, data: bytes, cause: str) -> bytes:
        """The workbook with a1's 原因分析 cell rewritten."""
        a1 = self.world.problems["a1"]
        workbook = load_workbook(io.BytesIO(data))
        sheet = workbook[SHEET_TITLE]
        row = next(
            r for r in range(3, sheet.max_row + 1) if str(sheet.cell(r, ID_COLUMN).value).startswith(f"P{a1.pk}/")
        )
        sheet.cell(row, CAUSE_COLUMN).value = cause
        out = io.BytesIO()
        workbook.save(out)
        return out.getvalue()

    # download ---------------------------------------------------------------------------

    def test_office_downloads_every_row_and_a_unit_only_its_own(self) -> None:
        office = self.ids(self.download("office_A"))
        unit = self.ids(self.download("unit_A1"))
        self.assertEqual(office, self.expected_ids("office_A"))
        self.assertEqual(unit, self.expected_ids("unit_A1"))
        self.assertIn(f"P{self.world.problems['a1'].pk}/M{self.world.problems['a1'].measures.get().pk}", unit)
        self.assertNotIn(f"P{self.world.problems['a2'].pk}", unit)
        self.assertLess(unit, office)

    def test_download_refused_outside_the_plan(self) -> None:
        self.login("office_B")
        self.assertEqual(self.client.get(self.download_url()).status_code, 404)
        self.assertEqual(self.client.get(reverse("exports:ledger_download", args=[999999])).status_code, 404)

    def test_anonymous_is_sent_to_login(self) -> None:
        for url in (self.download_url(), self.upload_url()):
            response = self.client.get(url)
            self.assertEqual(response.status_code, 302)
            self.assertTrue(response["Location"].startswith(reverse("login")))

    def test_plan_page_links_to_the_download(self) -> None:
        self.login("office_A")
        page = Page(self.client.get(reverse("ledger:plan_detail", args=[self.world.plans["A"].pk])).content)
        self.assertEqual([tag["href"] for tag in page("ledger-export-link")], [self.download_url()])

    # upload -----------------------------------------------------------------------------

    def test_upload_page_personas(self) -> None:
        for persona, status in (("office_A", 200), ("system", 200), ("unit_A1", 403), ("reviewer_A", 403)):
            with self.subTest(persona=persona):
                self.login(persona)
                self.assertEqual(self.client.get(self.upload_url()).status_code, status)
        self.login("office_B")
        self.assertEqual(self.client.get(self.upload_url()).status_code, 404)
        self.login("unit_A1")
        self.assertEqual(self.upload(b"whatever").status_code, 403)

    def test_dry_run_then_confirm(self) -> None:
        a1 = self.world.problems["a1"]
        data = self.with_cause(self.download("office_A"), "宣传不到位")
        response = self.upload(data)
        self.assertEqual(response.status_code, 200)
        page = Page(response.content)
        self.assertEqual(len(page("import-errors")), 0)
        rows = page("import-change")
        self.assertEqual([(r["data-object"], r["data-field"]) for r in rows], [(str(a1.pk), "cause")])
        self.assertEqual(Problem.objects.get(pk=a1.pk).cause, "")  # a dry run writes nothing
        fingerprint = page.fingerprint()

        response = self.client.post(self.upload_url(), {"confirm": "1", "fingerprint": fingerprint})
        self.assertRedirects(response, reverse("ledger:plan_detail", args=[self.world.plans["A"].pk]))
        problem = Problem.objects.get(pk=a1.pk)
        self.assertEqual(problem.cause, "宣传不到位")
        self.assertEqual(problem.history.latest().history_user, self.world.users["office_A"])
        # The file is gone from the session: a second confirmation applies nothing.
        response = self.client.post(self.upload_url(), {"confirm": "1", "fingerprint": fingerprint})
        self.assertRedirects(response, self.upload_url())
        self.assertEqual(Problem.objects.get(pk=a1.pk).version, problem.version)

    def test_confirm_after_someone_else_edited_shows_the_new_plan(self) -> None:
        a1 = self.world.problems["a1"]
        data = self.with_cause(self.download("office_A"), "宣传不到位")
        page = Page(self.upload(data).content)
        fingerprint = page.fingerprint()
        current = Problem.objects.get(pk=a1.pk)
        ledger.update_problem(
            current, acting_user=self.world.users["system"], expected_version=current.version, changes={"cause": "别人"}
        )
        response = self.client.post(self.upload_url(), {"confirm": "1", "fingerprint": fingerprint})
        self.assertEqual(response.status_code, 200)
        rows = Page(response.content)("import-change")
        self.assertEqual(len(rows), 1)
        self.assertEqual(Problem.objects.get(pk=a1.pk).cause, "别人")

    def test_file_with_errors_offers_no_confirmation(self) -> None:
        done = self.world.problems["land_done"]
        workbook = load_workbook(io.BytesIO(self.download("office_A")))
        sheet = workbook[SHEET_TITLE]
        row = next(r for r in range(3, sheet.max_row + 1) if sheet.cell(r, ID_COLUMN).value == f"P{done.pk}")
        sheet.cell(row, CAUSE_COLUMN).value = "已销号后补写"
        out = io.BytesIO()
        workbook.save(out)
        page = Page(self.upload(out.getvalue()).content)
        self.assertEqual([e["data-id"] for e in page("import-error")], [f"P{done.pk}"])
        self.assertEqual(len(page("confirm-form")), 0)
        self.assertNotIn(f"exports.ledger_import.{self.world.plans['A'].pk}", self.client.session)

    def test_unchanged_file(self) -> None:
        page = Page(self.upload(self.download("office_A")).content)
        self.assertEqual(len(page("import-no-changes")), 1)
        self.assertEqual(len(page("confirm-form")), 0)

    def test_malformed_or_foreign_files_change_nothing(self) -> None:
        data = self.download("office_A")
        archive = io.BytesIO()
        with zipfile.ZipFile(archive, "w") as zipped:
            zipped.writestr("readme.txt", "not a workbook")
        foreign = Workbook()
        foreign.active.append(["姓名", "年龄"])
        foreign_bytes = io.BytesIO()
        foreign.save(foreign_bytes)
        versions = dict(Problem.objects.values_list("pk", "version"))
        for name, bad in (
            ("zip", archive.getvalue()),
            ("truncated", data[: len(data) // 2]),
            ("foreign", foreign_bytes.getvalue()),
        ):
            with self.subTest(file=name):
                response = self.upload(bad)
                self.assertEqual(response.status_code, 200)
                page = Page(response.content)
                self.assertEqual(len(page("upload-error")), 1)
                self.assertEqual(len(page("import-preview")), 0)
                self.assertNotIn(f"exports.ledger_import.{self.world.plans['A'].pk}", self.client.session)
                # confirming now applies nothing
                response = self.client.post(self.upload_url(), {"confirm": "1", "fingerprint": "x"})
                self.assertRedirects(response, self.upload_url())
        self.assertEqual(dict(Problem.objects.values_list("pk", "version")), versions)

    def test_bad_and_large_files_are_form_errors(self) -> None:
        self.login("office_A")
        for data in (b"plain text", b"x" * (MAX_UPLOAD_BYTES + 1)):
            with self.subTest(size=len(data)):
                response = self.upload(data)
                self.assertEqual(response.status_code, 200)
                page = Page(response.content)
                self.assertEqual(len(page("upload-error")), 1)
                self.assertEqual(len(page("import-preview")), 0)
