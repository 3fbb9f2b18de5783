"""The public pages: no login, codes not ids, current versions only, cache headers, pinned query counts."""

from __future__ import annotations

from datetime import date

from django.urls import reverse

from zhenggai.portal import actions
from zhenggai.portal.models import Kind, Publication, PublishedItem
from zhenggai.portal.tests.world import PortalWorldTestCase
from zhenggai.portal.views import PAGE_SIZE
from zhenggai.testing import frozen_at

PUBLISHED_ON = date(2026, 3, 16)
PERSONAS = (None, "office_A", "office_B", "unit_A1", "no_unit")


class PublicViewTestCase(PortalWorldTestCase):
    """Plan A published by its office on 2026-03-16 (the plan and its six tasks); plan B not published."""

    @classmethod
    def setUpTestData(cls) -> None:
        with frozen_at(PUBLISHED_ON):
            super().setUpTestData()
            cls.plan_item = actions.publish_plan(cls.world.plans["A"], acting_user=cls.world.users["office_A"])
        cls.task_item = PublishedItem.objects.get(key=f"problem:{cls.world.problems['a1'].pk}")

    def setUp(self) -> None:
        traveller = frozen_at(date(2026, 3, 17))
        traveller.start()
        self.addCleanup(traveller.stop)

    def as_persona(self, persona: str | None):
        self.client.logout()
        if persona:
            self.client.force_login(self.world.users[persona])

    def test_every_persona_and_anonymous_visitors_read_the_same_public_pages(self):
        urls = [reverse("portal:home"), self.plan_item.get_absolute_url(), self.task_item.get_absolute_url()]
        for persona in PERSONAS:
            self.as_persona(persona)
            for url in urls:
                with self.subTest(persona=persona, url=url):
                    response = self.client.get(url)
                    self.assertEqual(response.status_code, 200)
                    self.assertNotContains(response, "/ledger/")  # no way into the internal pages
                    self.assertNotContains(response, "csrfmiddlewaretoken")

    def test_home_lists_plans_not_tasks_and_a_kind_tab_lists_tasks(self):
        with self.assertNumQueries(2):  # the page's count; the page of items
            response = self.client.get(reverse("portal:home"))
        self.assertEqual([item.pk for item in response.context["page"].object_list], [self.plan_item.pk])
        with self.assertNumQueries(2):  # the same two, for one kind
            response = self.client.get(reverse("portal:home"), {"kind": Kind.PROBLEM})
        self.assertEqual(len(response.context["page"].object_list), 6)
        self.assertContains(response, self.task_item.get_absolute_url())

    def test_home_pages_newest_first(self):
        with frozen_at(date(2026, 3, 18)):
            for n in range(PAGE_SIZE + 1):
                actions.publish(
                    kind=Kind.NOTICE,
                    key=f"notice:test{n}",
                    title=f"公示{n:02d}",
                    payload={},
                    jurisdiction=self.world.units["A1"],
                    acting_user=self.world.users["office_A"],
                )
        first = self.client.get(reverse("portal:home"))
        titles = [item.title for item in first.context["page"].object_list]
        self.assertEqual(titles[0], f"公示{PAGE_SIZE:02d}")  # the newest
        self.assertContains(first, "?page=2")
        with self.assertNumQueries(2):
            second = self.client.get(reverse("portal:home"), {"page": 2})
        self.assertEqual([item.title for item in second.context["page"].object_list], ["公示00", self.plan_item.title])

    def test_the_plan_page_lists_its_published_tasks(self):
        with self.assertNumQueries(2):  # the current version with its item (and parent); the tasks' versions
            response = self.client.get(self.plan_item.get_absolute_url())
        self.assertTemplateUsed(response, "portal/kinds/plan.html")
        self.assertEqual(len(response.context["parts"]), 6)
        self.assertContains(response, "截至2026年3月16日，甲市共有6项整改任务")
        self.assertContains(response, self.task_item.get_absolute_url())
        self.assertContains(response, "完成交账销号")

    def test_a_task_page_links_back_to_its_plan(self):
        with self.assertNumQueries(1):  # the current version with its item and parent
            response = self.client.get(self.task_item.get_absolute_url())
        self.assertTemplateUsed(response, "portal/kinds/problem.html")
        self.assertContains(response, "问题a1")
        self.assertContains(response, "2026年12月31日前")
        self.assertContains(response, self.plan_item.get_absolute_url())

    def test_the_page_shows_the_current_version(self):
        a1 = self.world.problems["a1"]
        from zhenggai.ledger import actions as ledger

        ledger.update_problem(
            a1, acting_user=self.world.users["system"], expected_version=a1.version, changes={"title": "问题a1（新）"}
        )
        self.assertNotContains(self.client.get(self.task_item.get_absolute_url()), "问题a1（新）")  # not published
        actions.publish_plan(self.world.plans["A"], acting_user=self.world.users["office_A"])
        response = self.client.get(self.task_item.get_absolute_url())
        self.assertContains(response, "问题a1（新）")
        self.assertEqual(response.context["version"].version, 2)

    def test_item_pages_are_cacheable_with_validators(self):
        response = self.client.get(self.task_item.get_absolute_url())
        self.assertEqual(response["Cache-Control"], "public, max-age=300")
        self.assertIn("Cookie", response["Vary"])
        self.assertTrue(response["ETag"].startswith('"'))
        self.assertIn("2026", response["Last-Modified"])
        self.assertNotIn("X-Robots-Tag", response)
        with self.assertNumQueries(1):
            again = self.client.get(self.task_item.get_absolute_url(), HTTP_IF_NONE_MATCH=response["ETag"])
        self.assertEqual(again.status_code, 304)
        self.assertEqual(again["Cache-Control"], "public, max-age=300")
        # A new version changes the validator.
        actions.publish_plan(self.world.plans["A"], acting_user=self.world.users["office_A"])
        fresh = self.client.get(self.task_item.get_absolute_url(), HTTP_IF_NONE_MATCH=response["ETag"])
        self.assertEqual(fresh.status_code, 200)
        self.assertNotEqual(fresh["ETag"], response["ETag"])

    def test_a_new_task_version_changes_the_plan_page_validator(self):
        etag = self.client.get(self.plan_item.get_absolute_url())["ETag"]
        actions.publish(
            kind=Kind.PROBLEM,
            key=self.task_item.key,
            title="问题a1",
            payload=Publication.objects.get(item=self.task_item).payload | {"progress": "新进展"},
            jurisdiction=self.world.units["A"],
            acting_user=self.world.users["office_A"],
            parent=self.plan_item,
        )
        response = self.client.get(self.plan_item.get_absolute_url(), HTTP_IF_NONE_MATCH=etag)
        self.assertEqual(response.status_code, 200)

    def test_unknown_withdrawn_and_sequential_addresses_are_404(self):
        actions.withdraw(key=self.task_item.key, acting_user=self.world.users["office_A"], reason="更正")
        for url in (
            self.task_item.get_absolute_url(),
            reverse("portal:item", args=["AAAAAAAAAAAAAAAA"]),
            f"/public/{self.task_item.pk}/",
            f"/public/{self.plan_item.pk}/",
            f"/public/{self.world.plans['A'].public_code}/",
        ):
            with self.subTest(url=url):
                self.assertEqual(self.client.get(url).status_code, 404)
        plan_page = self.client.get(self.plan_item.get_absolute_url())
        self.assertEqual(len(plan_page.context["parts"]), 5)
        self.assertNotContains(plan_page, self.task_item.code)

    def test_search_finds_published_titles_only(self):
        with self.assertNumQueries(2):  # the count; the page
            response = self.client.get(reverse("portal:search"), {"q": "问题 a1"})
        self.assertEqual(
            {item.pk for item in response.context["page"].object_list},
            {
                self.task_item.pk,
                PublishedItem.objects.get(key=f"problem:{self.world.problems['a1dept'].pk}").pk,
            },
        )
        self.assertEqual(response["X-Robots-Tag"], "noindex")
        self.assertEqual(response["Cache-Control"], "public, max-age=300")
        self.assertEqual(self.client.get(reverse("portal:search"), {"q": "问题b1"}).context["page"].paginator.count, 0)
        with self.assertNumQueries(0):
            empty = self.client.get(reverse("portal:search"), {"q": "  "})
        self.assertIsNone(empty.context["page"])

    def test_sitemap_lists_live_items(self):
        actions.withdraw(key=self.task_item.key, acting_user=self.world.users["office_A"], reason="更正")
        with self.assertNumQueries(1):  # the live items
            response = self.client.get(reverse("portal:sitemap"))
        self.assertEqual(response["Content-Type"], "application/xml")
        body = response.content.decode()
        self.assertEqual(body.count("<url>"), 6)
        self.assertIn(f"http://testserver{self.plan_item.get_absolute_url()}", body)
        self.assertNotIn(self.task_item.code, body)

    def test_a_notice_page_is_not_stale_on_if_modified_since_after_its_period_ends(self):
        notice = actions.publish(
            kind=Kind.NOTICE,
            key="notice:period",
            title="第1项 问题a1",
            payload={
                "problem": "第1项 问题a1",
                "starts_on": "2026-03-16",
                "ends_on": "2026-03-17",
                "objection_url": "/x/",
            },
            jurisdiction=self.world.units["A"],
            acting_user=self.world.users["office_A"],
        )
        url = notice.get_absolute_url()
        open_page = self.client.get(url)
        self.assertContains(open_page, 'data-testid="portal-objection-link"')
        since = open_page["Last-Modified"]
        self.assertEqual(self.client.get(url, HTTP_IF_MODIFIED_SINCE=since).status_code, 304)  # the same day
        with frozen_at(date(2026, 3, 18)):
            ended = self.client.get(url, HTTP_IF_MODIFIED_SINCE=since)
        self.assertEqual(ended.status_code, 200)
        self.assertContains(ended, 'data-testid="portal-notice-ended"')
        self.assertNotContains(ended, 'data-testid="portal-objection-link"')
        self.assertNotEqual(ended["Last-Modified"], since)
