"""The office's publishing pages: the plan page's button, publish, the list of publications, withdraw."""

from __future__ import annotations

from datetime import date

from django.urls import reverse

from zhenggai.ledger.choices import PlanStatus
from zhenggai.portal import actions
from zhenggai.portal.models import PublishedItem
from zhenggai.portal.tests.world import PortalWorldTestCase, set_status
from zhenggai.testing import frozen_at

OFFICES = ("office_A", "office_P", "system")
NOT_OFFICES = ("reviewer_A", "unit_A1", "supervisor_Aeco", "no_unit")


class OfficeViewTestCase(PortalWorldTestCase):
    def setUp(self) -> None:
        traveller = frozen_at(date(2026, 3, 16))
        traveller.start()
        self.addCleanup(traveller.stop)

    def as_persona(self, persona: str | None) -> None:
        self.client.logout()
        if persona:
            self.client.force_login(self.world.users[persona])

    def publish_url(self, plan: str = "A") -> str:
        return reverse("portal:publish_plan", args=[self.world.plans[plan].pk])

    def test_the_plan_page_shows_the_publish_button_to_the_plans_offices_only(self):
        url = reverse("ledger:plan_detail", args=[self.world.plans["A"].pk])
        for persona, shown in {"office_A": True, "office_P": True, "system": True, "reviewer_A": False}.items():
            self.as_persona(persona)
            with self.subTest(persona=persona):
                response = self.client.get(url)
                self.assertEqual(response.status_code, 200)
                self.assertEqual('data-testid="portal-publish-plan"' in response.content.decode(), shown)

    def test_publishing_a_plan_by_persona(self):
        expected = {"office_A": 302, "office_P": 302, "system": 302, "office_B": 404}
        expected |= dict.fromkeys(NOT_OFFICES, 403)
        for persona, status in expected.items():
            self.as_persona(persona)
            with self.subTest(persona=persona):
                self.assertEqual(self.client.post(self.publish_url()).status_code, status)
        self.assertEqual(PublishedItem.objects.get(key=f"plan:{self.world.plans['A'].pk}").current_version, 3)
        self.as_persona(None)
        response = self.client.post(self.publish_url())
        self.assertTrue(response["Location"].startswith(reverse("login")))
        self.as_persona("office_A")
        self.assertEqual(self.client.get(self.publish_url()).status_code, 405)

    def test_publishing_reports_the_public_address(self):
        self.as_persona("office_A")
        response = self.client.post(self.publish_url(), follow=True)
        item = PublishedItem.objects.get(key=f"plan:{self.world.plans['A'].pk}")
        self.assertContains(response, f"http://testserver/public/{item.code}/")
        self.assertContains(response, 'data-testid="portal-office-row"', count=7)
        self.assertEqual(response.redirect_chain[-1][0], reverse("portal:office"))

    def test_the_list_shows_each_office_its_own_publications(self):
        actions.publish_plan(self.world.plans["A"], acting_user=self.world.users["office_A"])
        actions.publish_plan(self.world.plans["B"], acting_user=self.world.users["office_B"])
        expected = {"office_A": 7, "office_B": 2, "office_P": 9, "system": 9}
        for persona, rows in expected.items():
            self.as_persona(persona)
            with self.subTest(persona=persona):
                response = self.client.get(reverse("portal:office"))
                self.assertEqual(response.status_code, 200)
                self.assertEqual(response.context["page"].paginator.count, rows)
                self.assertEqual(response["X-Robots-Tag"], "noindex, nofollow")
                self.assertIn("private", response["Cache-Control"])
        for persona in NOT_OFFICES:
            self.as_persona(persona)
            with self.subTest(persona=persona):
                self.assertEqual(self.client.get(reverse("portal:office")).status_code, 403)
        self.as_persona(None)
        self.assertTrue(self.client.get(reverse("portal:office"))["Location"].startswith(reverse("login")))

    def test_the_list_query_count_does_not_grow_with_rows(self):
        actions.publish_plan(self.world.plans["A"], acting_user=self.world.users["office_A"])
        self.as_persona("office_A")
        # session; user; the user's unit (scope); count; page (withdrawn_by and parent joined); the open notices;
        # (no published-key lookup: no open notice); messages read nothing from the database
        with self.assertNumQueries(6):
            response = self.client.get(reverse("portal:office"))
        self.assertEqual(len(response.context["page"].object_list), 7)

    def test_withdraw_by_persona(self):
        item = actions.publish_plan(self.world.plans["A"], acting_user=self.world.users["office_A"])
        url = reverse("portal:withdraw", args=[item.code])
        for persona, status in {"office_B": 404, **dict.fromkeys(NOT_OFFICES, 403)}.items():
            self.as_persona(persona)
            with self.subTest(persona=persona):
                self.assertEqual(self.client.post(url, {"reason": "x"}).status_code, status)
        self.as_persona("office_A")
        response = self.client.post(url, {"reason": " "}, follow=True)
        self.assertEqual(len(response.context["messages"]), 1)
        item.refresh_from_db()
        self.assertTrue(item.is_live)
        self.client.post(url, {"reason": "方案已修订"})
        item.refresh_from_db()
        self.assertEqual((item.is_live, item.withdrawal_reason), (False, "方案已修订"))
        self.assertFalse(PublishedItem.objects.live().exists())  # its tasks too
        self.assertEqual(self.client.get(item.get_absolute_url()).status_code, 404)

    def test_a_draft_plan_offers_no_publish_button_and_is_refused(self):
        set_status(self.world, "A", PlanStatus.DRAFT)
        self.as_persona("office_A")
        page = self.client.get(reverse("ledger:plan_detail", args=[self.world.plans["A"].pk]))
        self.assertEqual(page.status_code, 200)
        self.assertNotContains(page, 'data-testid="portal-publish-plan"')
        response = self.client.post(self.publish_url(), follow=True)
        self.assertEqual(response.redirect_chain[-1][0], reverse("ledger:plan_detail", args=[self.world.plans["A"].pk]))
        self.assertEqual(len(response.context["messages"]), 1)
        self.assertFalse(PublishedItem.objects.exists())
        set_status(self.world, "A", PlanStatus.PUBLISHED)
        page = self.client.get(reverse("ledger:plan_detail", args=[self.world.plans["A"].pk]))
        self.assertContains(page, 'data-testid="portal-publish-plan"')

    def test_a_task_withdrawn_on_its_own_can_be_published_again_from_the_list(self):
        actions.publish_plan(self.world.plans["A"], acting_user=self.world.users["office_A"])
        task = PublishedItem.objects.get(key=f"problem:{self.world.problems['a2'].pk}")
        actions.withdraw(key=task.key, acting_user=self.world.users["office_A"], reason="进展有误")
        url = reverse("portal:publish_task", args=[task.code])
        for persona, status in {"office_B": 404, **dict.fromkeys(NOT_OFFICES, 403)}.items():
            self.as_persona(persona)
            with self.subTest(persona=persona):
                self.assertEqual(self.client.post(url).status_code, status)
        self.as_persona("office_A")
        page = self.client.get(reverse("portal:office"))
        self.assertContains(page, 'data-testid="portal-publish-task"', count=1)
        response = self.client.post(url, follow=True)
        self.assertContains(response, f"http://testserver/public/{task.code}/")
        self.assertTrue(PublishedItem.objects.get(pk=task.pk).is_live)
        self.assertNotContains(response, 'data-testid="portal-publish-task"')
        self.assertEqual(self.client.get(url).status_code, 405)
