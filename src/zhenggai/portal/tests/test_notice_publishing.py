"""公示 on the portal: published when it opens (on commit of the decision), or by the office; the link
leads to the existing objection page."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import translation

from zhenggai.acceptance import actions as acceptance
from zhenggai.acceptance.models import PublicNotice
from zhenggai.acceptance.tests.view_world import CITY_STEP, CLOSED, OBJECTED, AcceptanceViewTestCase, at
from zhenggai.portal import actions
from zhenggai.portal.models import Kind, Publication, PublishedItem
from zhenggai.portal.snapshots import NOTICE_KEYS


class NoticePublishingTestCase(AcceptanceViewTestCase):
    today = OBJECTED

    def open_notice(self, *, run_hooks: bool) -> PublicNotice:
        request = self.ask()
        with self.captureOnCommitCallbacks(execute=run_hooks):
            self.city(request)
        return PublicNotice.objects.get(request=request)

    def test_a_notice_is_published_when_the_decision_opening_it_commits(self):
        with translation.override("en"):  # the version's note is written in the active language
            notice = self.open_notice(run_hooks=True)
        item = PublishedItem.objects.get(key=f"notice:{notice.pk}")
        self.assertEqual((item.kind, item.jurisdiction), (Kind.NOTICE, self.world.units["A"]))
        version = Publication.objects.get(item=item)
        self.assertEqual(set(version.payload), NOTICE_KEYS)
        self.assertEqual(
            version.payload,
            {
                "problem": "第1项 问题a1",
                "starts_on": "2026-03-03",
                "ends_on": "2026-03-09",
                "objection_url": f"/notices/{notice.code}/",
            },
        )
        self.assertEqual(version.published_by, self.user("reviewer_A"))  # whose decision opened it
        self.assertIn("automatically", version.note)

    def test_the_portal_page_links_to_the_objection_form(self):
        notice = self.open_notice(run_hooks=True)
        item = PublishedItem.objects.get(key=f"notice:{notice.pk}")
        response = self.client.get(item.get_absolute_url())
        self.assertContains(response, f'href="/notices/{notice.code}/"')
        self.assertContains(response, 'data-testid="portal-objection-link"')
        self.assertNotContains(response, "自查")  # not the unit's self-check report
        form = self.client.get(f"/notices/{notice.code}/")
        self.assertContains(form, 'data-testid="objection-form"')
        with at(CLOSED):
            ended = self.client.get(item.get_absolute_url())
        self.assertContains(ended, 'data-testid="portal-notice-ended"')
        self.assertNotContains(ended, 'data-testid="portal-objection-link"')

    def test_a_failed_hook_does_not_undo_the_decision_and_nothing_is_published_twice(self):
        notice = self.open_notice(run_hooks=False)
        self.assertFalse(PublishedItem.objects.exists())
        self.assertIsNotNone(actions.publish_opened_notice(notice.pk, self.user("reviewer_A").pk))
        self.assertIsNone(actions.publish_opened_notice(notice.pk, self.user("reviewer_A").pk))
        self.assertEqual(Publication.objects.count(), 1)

    def test_who_may_publish_a_notice_by_hand(self):
        notice = self.open_notice(run_hooks=False)
        for persona in ("office_B", "unit_A1", "reviewer_A", "supervisor_Aeco"):
            with self.subTest(persona=persona), self.assertRaises(PermissionDenied):
                actions.publish_notice(notice, acting_user=self.user(persona))
        item = actions.publish_notice(notice, acting_user=self.user("office_A"))
        self.assertEqual(item.current_version, 1)
        self.assertEqual(actions.publish_notice(notice, acting_user=self.user("office_P")).current_version, 2)

    def test_a_closed_notice_is_not_published(self):
        notice = self.open_notice(run_hooks=False)
        with at(CLOSED):
            acceptance.close_notice(notice.request, acting_user=self.user("office_A"))
            with self.assertRaises(ValidationError):
                actions.publish_notice(notice, acting_user=self.user("office_A"))
        self.assertIsNone(actions.publish_opened_notice(notice.pk, self.user("office_A").pk))
        self.assertFalse(PublishedItem.objects.exists())

    def test_the_office_page_offers_an_unpublished_open_notice(self):
        notice = self.open_notice(run_hooks=False)
        url = reverse("portal:publish_notice", args=[notice.pk])
        for persona, status in {"office_B": 404, "unit_A1": 403, "reviewer_A": 403}.items():
            self.client.force_login(self.user(persona))
            with self.subTest(persona=persona):
                self.assertEqual(self.client.post(url).status_code, status)
        self.client.force_login(self.user("office_A"))
        page = self.client.get(reverse("portal:office"))
        self.assertContains(page, 'data-testid="portal-publish-notice"')
        self.client.post(url)
        self.assertTrue(PublishedItem.objects.get(key=f"notice:{notice.pk}").is_live)
        self.assertNotContains(self.client.get(reverse("portal:office")), 'data-testid="portal-publish-notice"')

    def test_before_the_city_step_there_is_nothing_to_publish(self):
        with at(CITY_STEP):
            self.ask()
        self.assertFalse(PublicNotice.objects.exists())
        self.client.force_login(self.user("office_A"))
        self.assertEqual(self.client.get(reverse("portal:office")).context["notices"], [])
