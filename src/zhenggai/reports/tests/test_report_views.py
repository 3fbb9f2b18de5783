"""The generated report pages (list, generate, download), per persona, on a frozen clock."""

from __future__ import annotations

import hashlib
from datetime import date
from html.parser import HTMLParser

from django.conf import settings
from django.urls import reverse

from zhenggai.reports.actions import generate_report
from zhenggai.reports.models import GeneratedReport
from zhenggai.reports.tests.world import AS_OF, ReportWorldTestCase, at
from zhenggai.reports.views import DOCX_CONTENT_TYPE, default_title

TODAY = date(2026, 3, 16)
TITLE = "甲市整改落实情况阶段性报告"


class _Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[dict[str, str]] = []

    def handle_starttag(self, tag: str, attrs) -> None:
        self.tags.append({"tag": tag, **{name: value or "" for name, value in attrs}})


def tags(content: bytes, testid: str) -> list[dict[str, str]]:
    parser = _Tags()
    parser.feed(content.decode())
    return [tag for tag in parser.tags if tag.get("data-testid") == testid]


def field_value(content: bytes, name: str) -> str:
    parser = _Tags()
    parser.feed(content.decode())
    return next(tag["value"] for tag in parser.tags if tag.get("name") == name)


class ReportViewTests(ReportWorldTestCase):
    def list_url(self, plan: str = "A") -> str:
        return reverse("reports:plan_reports", args=[self.world.plans[plan].pk])

    def login(self, persona: str):
        user = self.world.users[persona]
        self.client.force_login(user)
        return user

    def get(self, url: str):
        with at(TODAY):
            return self.client.get(url)

    def post(self, data: dict, plan: str = "A"):
        with at(TODAY):
            return self.client.post(self.list_url(plan), data)

    def make(self, count: int = 1) -> list[GeneratedReport]:
        with at(TODAY):
            return [
                generate_report(self.plan, acting_user=self.world.users["office_A"], as_of=AS_OF, title=TITLE)
                for _ in range(count)
            ]

    def download(self, report: GeneratedReport) -> bytes:
        response = self.get(reverse("reports:download", args=[report.pk]))
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response["Content-Type"], DOCX_CONTENT_TYPE)
        self.assertEqual(response["Cache-Control"], "private, no-store")
        self.assertTrue(response["Content-Disposition"].startswith("attachment"))
        self.assertIn(f"-v{report.version}.docx", response["Content-Disposition"])
        return b"".join(response.streaming_content)

    def test_office_generates_twice_and_downloads_each_version(self):
        self.login("office_A")
        page = self.get(self.list_url())
        self.assertEqual(page.status_code, 200)
        self.assertEqual(len(tags(page.content, "generate-form")), 1)
        self.assertEqual(field_value(page.content, "as_of"), "2026-03-16")
        self.assertEqual(field_value(page.content, "title"), default_title(self.plan))
        self.assertEqual(tags(page.content, "report-version"), [])

        for _ in range(2):
            response = self.post({"as_of": "2026-03-15", "title": TITLE})
            self.assertRedirects(response, self.list_url(), fetch_redirect_response=False)
        page = self.get(self.list_url())
        rows = tags(page.content, "report-version")
        self.assertEqual([row["data-version"] for row in rows], ["2", "1"])
        self.assertEqual(len(tags(page.content, "report-download")), 2)

        for report in GeneratedReport.objects.filter(plan=self.plan):
            self.assertEqual(report.created_by, self.world.users["office_A"])
            self.assertEqual(report.as_of, AS_OF)
            self.assertIn(report.sha256[:12], page.content.decode())
            self.assertEqual(hashlib.sha256(self.download(report)).hexdigest(), report.sha256)

    def test_a_date_before_the_plan_existed_is_a_form_error_and_creates_nothing(self):
        self.login("office_A")
        response = self.post({"as_of": "2026-01-09", "title": TITLE})
        self.assertEqual(response.status_code, 200)
        errors = tags(response.content, "generate-error")
        self.assertEqual([error.get("data-field") for error in errors], ["as_of"])
        self.assertFalse(GeneratedReport.objects.exists())

    def test_an_empty_title_is_a_form_error(self):
        self.login("office_A")
        response = self.post({"as_of": "2026-03-15", "title": "  "})
        self.assertEqual(response.status_code, 200)
        self.assertEqual([error.get("data-field") for error in tags(response.content, "generate-error")], ["title"])
        self.assertFalse(GeneratedReport.objects.exists())

    def test_a_unit_that_sees_the_plan_lists_and_downloads_but_may_not_generate(self):
        (report,) = self.make()
        self.login("unit_A1")
        page = self.get(self.list_url())
        self.assertEqual(page.status_code, 200)
        self.assertEqual(tags(page.content, "generate-form"), [])
        self.assertEqual([row["data-version"] for row in tags(page.content, "report-version")], ["1"])
        self.assertEqual(hashlib.sha256(self.download(report)).hexdigest(), report.sha256)
        response = self.post({"as_of": "2026-03-15", "title": TITLE})
        self.assertEqual(response.status_code, 403)
        self.assertEqual(GeneratedReport.objects.count(), 1)

    def test_another_citys_office_gets_404(self):
        (report,) = self.make()
        self.login("office_B")
        self.assertEqual(self.get(self.list_url()).status_code, 404)
        self.assertEqual(self.post({"as_of": "2026-03-15", "title": TITLE}).status_code, 404)
        self.assertEqual(self.get(reverse("reports:download", args=[report.pk])).status_code, 404)
        self.assertEqual(GeneratedReport.objects.count(), 1)

    def test_anonymous_is_sent_to_the_login_page(self):
        (report,) = self.make()
        for url in (self.list_url(), reverse("reports:download", args=[report.pk])):
            with self.subTest(url=url):
                response = self.get(url)
                self.assertEqual(response.status_code, 302)
                self.assertTrue(response["Location"].startswith(reverse(settings.LOGIN_URL)))
        with at(TODAY):
            response = self.client.post(self.list_url(), {"as_of": "2026-03-15", "title": TITLE})
        self.assertEqual(response.status_code, 302)
        self.assertFalse(GeneratedReport.objects.exclude(pk=report.pk).exists())

    def test_download_is_get_only(self):
        (report,) = self.make()
        self.login("office_A")
        with at(TODAY):
            self.assertEqual(self.client.post(reverse("reports:download", args=[report.pk])).status_code, 405)

    def test_the_plan_page_links_to_its_reports(self):
        self.login("office_A")
        page = self.get(reverse("ledger:plan_detail", args=[self.plan.pk]))
        self.assertEqual([tag["href"] for tag in tags(page.content, "plan-reports-link")], [self.list_url()])

    def test_list_query_count_does_not_grow_with_versions(self):
        self.login("office_A")
        self.get(self.list_url())  # warm the session and caches
        with self.assertNumQueries(LIST_QUERIES):
            self.get(self.list_url())
        self.make(3)
        with self.assertNumQueries(LIST_QUERIES):
            page = self.get(self.list_url())
        self.assertEqual(len(tags(page.content, "report-version")), 3)


# session, user, the user's unit, the plan with its jurisdiction (visible_to), can_generate (editable_by),
# the office's active templates with their uploaders, the versions with their creators and templates
LIST_QUERIES = 7
