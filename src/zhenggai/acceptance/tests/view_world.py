"""Shared set-up of the acceptance page tests (``test_*_view.py``).

The persona world of ``zhenggai.testing``, built on Monday 2026-03-02 at 10:00 Beijing time, with
county A1's report that measure （一） of problem a1 is completed, so a1 may be put up for acceptance.
Plan A is a city plan: its default chain is 市级验收 (city) → 公示 (the plan's office) → 省级备案销号
(province). The helpers move a request along it on fixed days: asked on 3-02, the city step on 3-03
(公示 then runs 3-03 … 3-09, five working days), objections on 3-04, closing on 3-10, sign-off on 3-11.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from zhenggai.acceptance import actions
from zhenggai.acceptance.choices import CHECKLIST
from zhenggai.progress import actions as progress
from zhenggai.progress.actions import ReportInput
from zhenggai.testing import WorldTestCase
from zhenggai.testing import frozen_at as at

SHANGHAI = ZoneInfo("Asia/Shanghai")
ALL_MET = {key: True for key, _label in CHECKLIST}
PDF_BYTES = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"
PERSONAS = ("office_A", "office_P", "reviewer_A", "unit_A1", "unit_B1", "supervisor_Aeco")

ASKED, CITY_STEP, OBJECTED, CLOSED, SIGNED = (date(2026, 3, day) for day in (2, 3, 4, 10, 11))


def pdf_upload(name: str = "验收材料.pdf", content: bytes = PDF_BYTES) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/pdf")


class AcceptanceViewTestCase(WorldTestCase):
    """The world above; each test runs on ``today`` (a class attribute) unless it travels itself."""

    today = OBJECTED

    @classmethod
    def setUpTestData(cls) -> None:
        with at(ASKED):
            super().setUpTestData()
            cls.problem = cls.world.problems["a1"]
            progress.submit_report(
                cls.problem,
                ReportInput(
                    date(2026, 2, 1), date(2026, 2, 28), "措施已全部完成", Decimal(100), claimed_status="completed"
                ),
                acting_user=cls.world.users["unit_A1"],
                measure=cls.problem.measures.get(),
            )

    def setUp(self) -> None:
        super().setUp()
        traveller = at(self.today)
        traveller.start()
        self.addCleanup(traveller.stop)

    def user(self, persona: str):
        return self.world.users[persona]

    # --- moving a request along the city chain (each on its own day; the request is refreshed) --

    def ask(self, files=None, **overrides):
        values = {
            "report": "自查：措施已完成，现场已复核。",
            "signed_by_head": "赵局长",
            "checklist": ALL_MET,
        } | overrides
        with at(ASKED):
            return actions.request_acceptance(self.problem, acting_user=self.user("unit_A1"), files=files, **values)

    def city(self, request, decision: str = "pass", opinion: str = "材料齐全，同意。"):
        with at(CITY_STEP):
            signed = actions.decide_step(
                request, acting_user=self.user("reviewer_A"), decision=decision, opinion=opinion
            )
        request.refresh_from_db()
        return signed

    def resubmit(self, request, report: str = "补充了监测报告。", files=None):
        with at(CITY_STEP):
            actions.resubmit(request, acting_user=self.user("unit_A1"), report=report, files=files)
        request.refresh_from_db()
        return request

    def object_to(self, request, text: str = "河道仍有垃圾。", ip: str = "198.51.100.7", attachment=None):
        with at(OBJECTED):
            return actions.file_objection(
                actions.current_notice(request),
                name="钱七",
                contact="13900000000",
                text=text,
                ip=ip,
                attachment=attachment,
            )

    def dismiss(self, objection, note: str = "现场复核已清理。"):
        with at(CLOSED):
            return actions.handle_objection(objection, acting_user=self.user("office_A"), uphold=False, note=note)

    def close(self, request):
        with at(CLOSED):
            signed = actions.close_notice(request, acting_user=self.user("office_A"))
        request.refresh_from_db()
        return signed

    def sign_off(self, request):
        with at(SIGNED):
            signed = actions.decide_step(
                request, acting_user=self.user("office_P"), decision="pass", opinion="同意销号"
            )
        request.refresh_from_db()
        return signed

    def signed_off_request(self, *, files=None, objections: int = 1):
        """A request passed through every step, one city return on the way; the problem is signed off."""
        request = self.ask(files=files)
        self.city(request, "return", "缺少水质监测报告")
        self.resubmit(request, files=[pdf_upload("监测报告.pdf")])
        self.city(request)
        for index in range(objections):
            self.dismiss(self.object_to(request, text=f"第{index + 1}条异议"))
        self.close(request)
        self.sign_off(request)
        request.refresh_from_db()
        return request

    # --- personas --------------------------------------------------------------------------------

    def status_as(self, persona: str | None, url: str, method: str = "get", data: dict | None = None) -> int:
        self.client.logout()
        if persona:
            self.client.force_login(self.user(persona))
        return getattr(self.client, method)(url, data or {}).status_code

    def assert_personas(self, url: str, expected: dict[str, int], method: str = "get", data: dict | None = None):
        """Each persona gets the status expected; an anonymous visitor is sent to the login page."""
        for persona, status in expected.items():
            with self.subTest(persona=persona):
                self.assertEqual(self.status_as(persona, url, method, data), status)
        self.client.logout()
        response = getattr(self.client, method)(url, data or {})
        self.assertEqual(response.status_code, 302)
        self.assertTrue(response["Location"].startswith(reverse("login")))

    def page_url(self, problem=None) -> str:
        return reverse("acceptance:problem", args=[(problem or self.problem).pk])
