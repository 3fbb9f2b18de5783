"""Every cases page as each persona: office, assigned unit, other unit (404), outsider (404), anonymous (login)."""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.urls import reverse

from zhenggai.acceptance import actions as acceptance
from zhenggai.cases import actions
from zhenggai.cases.choices import CaseStatus
from zhenggai.cases.models import Case
from zhenggai.cases.tests.world import EXPECTED, CasesWorldTestCase, put_to_acceptance
from zhenggai.testing import frozen_at


class CasePagePersonaTests(CasesWorldTestCase):
    def case_url(self, key: str, name: str = "cases:case_detail") -> str:
        return reverse(name, args=[self.cases[key].pk])

    def test_case_detail_as_each_persona(self):
        for persona, visible in EXPECTED.items():
            self.login(persona)
            for key in self.cases:
                with self.subTest(persona=persona, case=key):
                    status = self.client.get(self.case_url(key)).status_code
                    self.assertEqual(status, 200 if key in visible else 404)

    def test_batch_pages_as_each_persona(self):
        batch_url = reverse("cases:batch_detail", args=[self.batch.pk])
        for persona, visible in EXPECTED.items():
            with self.subTest(persona=persona):
                self.login(persona)
                response = self.client.get(batch_url)
                self.assertEqual(response.status_code, 200 if visible else 404)
                if visible:
                    shown = {c.pk for c in response.context["cases"]}
                    self.assertEqual(shown, {self.cases[k].pk for k in visible})
                listed = self.client.get(reverse("cases:batch_list"))
                self.assertEqual(listed.status_code, 200)
                self.assertEqual([b.case_count for b in listed.context["batches"]], [len(visible)] if visible else [])
                rows = self.client.get(reverse("cases:case_list"))
                self.assertEqual(rows.context["page"].paginator.count, len(visible))
                stats = self.client.get(reverse("cases:statistics"))
                self.assertEqual(stats.context["stats"].total, len(visible))

    def test_anonymous_is_sent_to_login(self):
        urls = [
            reverse("cases:batch_list"),
            reverse("cases:batch_create"),
            reverse("cases:batch_detail", args=[self.batch.pk]),
            reverse("cases:batch_import", args=[self.batch.pk]),
            reverse("cases:disclosure_download", args=[self.batch.pk]),
            reverse("cases:case_list"),
            reverse("cases:statistics"),
            self.case_url("a1"),
        ]
        for url in urls:
            with self.subTest(url=url):
                response = self.client.get(url)
                self.assertEqual(response.status_code, 302)
                self.assertTrue(response["Location"].startswith(reverse("login")))
        response = self.client.post(self.case_url("a1", "cases:case_handle"), {})
        self.assertEqual(response.status_code, 302)

    def test_batch_management_is_the_batch_office_s(self):
        urls = [
            reverse("cases:batch_import", args=[self.batch.pk]),
            reverse("cases:disclosure_download", args=[self.batch.pk]),
        ]
        for persona, expected in [
            ("office_P", 200),
            ("system", 200),
            ("office_A", 403),
            ("unit_A1", 403),
            ("unit_B1", 403),
            ("supervisor_Aeco", 404),
        ]:
            self.login(persona)
            for url in urls:
                with self.subTest(persona=persona, url=url):
                    self.assertEqual(self.client.get(url).status_code, expected)
        self.login("unit_A1")
        self.assertEqual(self.client.get(reverse("cases:batch_create")).status_code, 403)
        self.assertEqual(self.client.post(reverse("cases:batch_publish", args=[self.batch.pk])).status_code, 403)

    def test_handling_form_shown_to_assigned_unit_not_to_reviewer(self):
        self.login("unit_A2")
        self.assertIsNotNone(self.client.get(self.case_url("co")).context["handling_form"])
        self.login("reviewer_A")
        response = self.client.get(self.case_url("co"))
        self.assertIsNone(response.context["handling_form"])
        self.assertEqual(self.client.post(self.case_url("co", "cases:case_handle"), {}).status_code, 403)

    def test_other_unit_gets_404_on_posts(self):
        self.login("unit_B1")
        self.assertEqual(self.client.post(self.case_url("a1", "cases:case_handle"), {}).status_code, 404)

    def test_disclosure_download_holds_the_disclosure_columns(self):
        import io

        from openpyxl import load_workbook

        self.login("office_P")
        response = self.client.get(reverse("cases:disclosure_download", args=[self.batch.pk]))
        sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
        rows = list(sheet.iter_rows(values_only=True))
        self.assertEqual(
            rows[1],
            ("序号", "受理编号", "行政区域", "信访内容摘要", "调查核实情况", "处理和整改情况", "问责情况", "是否属实"),
        )
        self.assertEqual(len(rows), 2 + Case.objects.filter(batch=self.batch).count())
        self.assertNotIn("a1公司", str(rows))  # the reported party is not disclosed


class CaseDetailLinkTests(CasesWorldTestCase):
    """What the case page says of its repeat link: the repeated case's number only to a reader who may open
    it, and the link to change it only while the case may change."""

    def detail(self, key: str):
        return self.client.get(reverse("cases:case_detail", args=[self.cases[key].pk]))

    def test_the_repeated_case_is_named_only_to_readers_who_may_open_it(self):
        a1 = self.cases["a1"]
        actions.mark_repeat(self.cases["b1"], a1, acting_user=self.world.users["office_P"])  # b1 repeats a1
        a1_href = f'href="{reverse("cases:case_detail", args=[a1.pk])}"'
        for persona, shown in [("office_P", True), ("system", True), ("unit_B1", False), ("office_B", False)]:
            with self.subTest(persona=persona):
                self.login(persona)
                self.client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
                response = self.detail("b1")
                self.assertEqual(response.status_code, 200)
                self.assertEqual(response.context["case"].repeat_of_visible, shown)
                content = response.content.decode()
                self.assertEqual(a1.number in content, shown)
                self.assertEqual(a1_href in content, shown)
                self.assertEqual('data-testid="case-repeat-of-hidden"' in content, not shown)
                self.assertEqual("a case you may not open" in content, not shown)
        self.login("unit_A1")  # a case repeating nothing
        response = self.detail("a1")
        self.assertFalse(response.context["case"].repeat_of_visible)
        self.assertNotContains(response, 'data-testid="case-repeat-of')

    def test_the_repeat_link_is_offered_only_while_the_case_may_change(self):
        land = self.cases["land"]
        self.login("unit_Anat")
        self.assertTrue(self.detail("land").context["can_link_repeat"])
        request = put_to_acceptance(self.world, land, "unit_Anat")
        for persona in ("unit_Anat", "office_P"):
            with self.subTest(persona=persona, state="under acceptance"):
                self.login(persona)
                response = self.detail("land")
                self.assertFalse(response.context["can_link_repeat"])
                self.assertNotContains(response, 'data-testid="case-repeat-link"')
        with frozen_at(date(2026, 3, 3)):
            acceptance.decide_step(request, acting_user=self.world.users["reviewer_A"], decision="return", opinion="补")
        response = self.detail("land")  # returned: the case may change again
        self.assertTrue(response.context["can_link_repeat"])
        self.assertContains(response, 'data-testid="case-repeat-link"')
        Case.objects.filter(pk=land.pk).update(status=CaseStatus.SIGNED_OFF)  # as the chain leaves it
        self.assertFalse(self.detail("land").context["can_link_repeat"])
        self.login("reviewer_A")  # sees, never handles
        Case.objects.filter(pk=land.pk).update(status=CaseStatus.CLOSED)
        self.assertFalse(self.detail("land").context["can_link_repeat"])


class CasePageQueryCountTests(CasesWorldTestCase):
    def test_case_detail_queries(self):
        self.login("unit_A1")
        url = reverse("cases:case_detail", args=[self.cases["co"].pk])
        # 1 session, 2 user, 3 the user's unit, 4 its predecessors (scope), 5 its collectives, 6 the case with
        # batch, inspection, region and repeat_of (and whether the reader sees repeat_of), 7 its latest
        # acceptance requests, 8 may handle (may manage the batch costs nothing for a unit user: an empty
        # query set), 9 assignments with units and successors, 10 history with users
        with self.assertNumQueries(10):
            self.assertEqual(self.client.get(url).status_code, 200)

    def test_batch_detail_and_list_queries_do_not_grow_with_cases(self):
        self.login("office_P")
        url = reverse("cases:batch_detail", args=[self.batch.pk])
        # 1 session, 2 user, 3 the user's unit (scope), 4 the batch with inspection and jurisdiction, 5 count,
        # 6 may manage, 7 the page of cases with regions, 8 their assignments with units
        with self.assertNumQueries(8):
            self.client.get(url)
        for n in range(30):
            actions.add_case(
                self.batch,
                acting_user=self.world.users["office_P"],
                number=f"D3HE20250527{n:04d}",
                content="废气",
                units=[self.world.units["A1"], self.world.units["A2"]],
                region=self.world.units["A1"],
            )
        with self.assertNumQueries(8):
            response = self.client.get(url)
        self.assertEqual(len(response.context["cases"]), 35)
        # 1 session, 2 user, 3 the user's unit, 4 the count, 5 the page of cases with batch and region,
        # 6 their assignments
        with self.assertNumQueries(6):
            self.client.get(reverse("cases:case_list"))
        # 1 session, 2 user, 3 the user's unit, 4 the batches with their visible case counts
        with self.assertNumQueries(4):
            self.client.get(reverse("cases:batch_list"))
        # 1 session, 2 user, 3 the user's unit, 4 cases, 5 assignments, 6 the batches of the filter
        with self.assertNumQueries(6):
            self.client.get(reverse("cases:statistics"))
