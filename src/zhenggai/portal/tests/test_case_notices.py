"""公示 of complaint cases on the office's portal page, beside those of problems: an open notice not on the
portal is listed to its office — for a case the office over the case's batch (``CaseBatch.objects.manageable_by``),
not the city office of the case's region — labelled with the case's number, and that office publishes it by
hand (any other office: 404). The page's queries do not grow with the notices of either kind.

The world: the cases world (``cases.tests.world``, a batch handed to 甲省) on top of the acceptance page
world (``acceptance.tests.view_world``, problem a1 of city plan A ready for acceptance). Problem a1 and the
city case ``land`` pass their city step on 2026-03-03 (公示 3-03 … 3-09); the tests run on 3-04. The
decisions' automatic publication runs on commit, which a test case never reaches: the notices stay off the
portal, as when that publication failed.
"""

from __future__ import annotations

from django.conf import settings
from django.urls import reverse

from zhenggai.acceptance import actions as acceptance
from zhenggai.acceptance.models import PublicNotice
from zhenggai.acceptance.tests.view_world import ALL_MET, ASKED, CITY_STEP, AcceptanceViewTestCase
from zhenggai.cases import actions as cases
from zhenggai.cases.tests.world import CasesWorldTestCase, put_to_acceptance
from zhenggai.portal.models import Kind, PublishedItem
from zhenggai.testing import frozen_at as at


class CaseNoticeTestCase(CasesWorldTestCase, AcceptanceViewTestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        users = cls.world.users
        with at(ASKED):
            problem_request = acceptance.request_acceptance(
                cls.problem,
                acting_user=users["unit_A1"],
                report="自查：措施已完成。",
                signed_by_head="赵局长",
                checklist=ALL_MET,
            )
        with at(CITY_STEP):
            acceptance.decide_step(problem_request, acting_user=users["reviewer_A"], decision="pass")
        cls.problem_notice = PublicNotice.objects.get(request=problem_request)
        cls.land = cls.cases["land"]
        cls.case_notice = cls.open_case_notice(cls.land)

    @classmethod
    def open_case_notice(cls, case) -> PublicNotice:
        """Put the city case to acceptance and pass its city step: its 公示 opens on 3-03."""
        request = put_to_acceptance(cls.world, case, "unit_Anat")
        with at(CITY_STEP):
            acceptance.decide_step(request, acting_user=cls.world.users["reviewer_A"], decision="pass")
        return PublicNotice.objects.get(request=request)

    def add_city_case_notice(self, n: int) -> PublicNotice:
        u = self.world.units
        case = cases.add_case(
            self.batch,
            acting_user=self.user("office_P"),
            number=f"第一批-{10 + n}",
            content=f"反映工地{n}夜间施工噪声",
            units=[u["Aland"]],
            region=u["A"],
        )
        return self.open_case_notice(case)

    def office_page(self, persona: str):
        self.login(persona)
        return self.client.get(reverse("portal:office"))

    def publish(self, notice: PublicNotice):
        return self.client.post(reverse("portal:publish_notice", args=[notice.pk]))


class OfficePageTests(CaseNoticeTestCase):
    def test_each_office_is_offered_the_notices_it_is_the_office_of(self):
        expected = {
            "office_P": {self.problem_notice, self.case_notice},  # over plan A, and the batch's office
            "system": {self.problem_notice, self.case_notice},
            "office_A": {self.problem_notice},  # plan A's office; the case's region only, not its batch
            "office_B": set(),
        }
        for persona, notices in expected.items():
            with self.subTest(persona=persona):
                response = self.office_page(persona)
                self.assertEqual(response.status_code, 200)
                self.assertEqual(set(response.context["notices"]), notices)
                self.assertContains(response, 'data-testid="portal-publish-notice"', count=len(notices))
        for persona in ("unit_Anat", "reviewer_A"):
            with self.subTest(persona=persona):
                self.assertEqual(self.office_page(persona).status_code, 403)

    def test_a_notice_is_labelled_with_its_case_or_problem(self):
        for persona in ("office_P", "system"):  # the administrator saw a blank label for a case
            with self.subTest(persona=persona):
                response = self.office_page(persona)
                label = f"{self.land.number} {self.land.reported_party} · 2026-03-03 – 2026-03-09"
                self.assertContains(response, label)
                self.assertContains(response, f"{self.problem.label} {self.problem.title} · 2026-03-03")

    def test_the_page_s_queries_do_not_grow_with_the_notices(self):
        self.login("office_P")
        self.publish(self.problem_notice)  # one publication, so that the page of them is read too
        # 1 session, 2 user, 3 the user's unit (scope), 4 the count of the office's publications, 5 their page
        # (withdrawn_by and parent joined), 6 the open notices of the plans and batches the office has (one
        # pk IN (… UNION …)) with each request's problem or case, 7 which of them are on the portal
        with self.assertNumQueries(7):
            response = self.client.get(reverse("portal:office"))
        self.assertEqual(response.context["notices"], [self.case_notice])
        for n in range(3):
            self.add_city_case_notice(n)
        with self.assertNumQueries(7):
            response = self.client.get(reverse("portal:office"))
        self.assertEqual(len(response.context["notices"]), 4)
        self.assertContains(response, "第一批-12 ")


class PublishByHandTests(CaseNoticeTestCase):
    def test_the_batch_office_publishes_a_case_notice_by_hand(self):
        for persona, status in {"office_B": 404, "office_A": 404, "unit_Anat": 403, "reviewer_A": 403}.items():
            with self.subTest(persona=persona):
                self.login(persona)
                self.assertEqual(self.publish(self.case_notice).status_code, status)
        self.assertFalse(PublishedItem.objects.filter(key=f"notice:{self.case_notice.pk}").exists())
        self.login("office_P")
        self.assertRedirects(self.publish(self.case_notice), reverse("portal:office"))
        item = PublishedItem.objects.get(key=f"notice:{self.case_notice.pk}")
        self.assertEqual((item.kind, item.current_version, item.is_live), (Kind.NOTICE, 1, True))
        self.assertIn(self.land.number, item.title)
        self.assertEqual(set(self.office_page("office_P").context["notices"]), {self.problem_notice})
        self.login("system")
        self.publish(self.case_notice)
        item.refresh_from_db()
        self.assertEqual(item.current_version, 2)

    def test_the_public_page_of_a_case_notice_speaks_of_an_item(self):
        self.login("office_P")
        self.publish(self.case_notice)
        self.publish(self.problem_notice)
        self.client.logout()
        self.client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
        for notice in (self.case_notice, self.problem_notice):
            with self.subTest(notice=notice.pk):
                item = PublishedItem.objects.get(key=f"notice:{notice.pk}")
                response = self.client.get(item.get_absolute_url())
                self.assertContains(response, "This item has been rectified and passed acceptance.")
                self.assertNotContains(response, "This task")
                self.assertContains(response, f'href="/notices/{notice.code}/"')
        case_page = self.client.get(PublishedItem.objects.get(key=f"notice:{self.case_notice.pk}").get_absolute_url())
        self.assertContains(case_page, self.land.number)
        self.assertNotContains(case_page, self.land.reported_party)  # the public notice names the case only
