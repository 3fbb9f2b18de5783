"""公示 leaves the portal when it closes: at the end of its period, or early when an objection is upheld
(on commit of the acceptance decision, robustly: a portal failure leaves the decision standing)."""

from __future__ import annotations

from unittest import mock

from django.utils import translation

from zhenggai.acceptance import actions as acceptance
from zhenggai.acceptance.choices import RequestStatus
from zhenggai.acceptance.models import PublicNotice
from zhenggai.acceptance.tests.view_world import CLOSED, AcceptanceViewTestCase, at
from zhenggai.portal import actions
from zhenggai.portal.models import PublishedItem


class NoticeWithdrawalTestCase(AcceptanceViewTestCase):
    def open_notice(self, *, run_hooks: bool = True) -> PublicNotice:
        request = self.ask()
        with self.captureOnCommitCallbacks(execute=run_hooks):
            self.city(request)
        return PublicNotice.objects.get(request=request)

    def item(self, notice: PublicNotice) -> PublishedItem:
        return PublishedItem.objects.get(key=f"notice:{notice.pk}")

    def test_closing_at_the_end_of_the_period_withdraws_the_notice(self):
        notice = self.open_notice()
        url = self.item(notice).get_absolute_url()
        self.assertContains(self.client.get(url), 'data-testid="portal-objection-link"')
        with translation.override("en"), self.captureOnCommitCallbacks(execute=True):
            self.close(notice.request)
        item = self.item(notice)
        self.assertFalse(item.is_live)
        self.assertEqual(
            (item.withdrawn_by, item.withdrawal_reason), (self.user("office_A"), "The public notice ended")
        )
        with at(CLOSED):
            self.assertEqual(self.client.get(url).status_code, 404)

    def test_an_upheld_objection_withdraws_the_notice_at_once(self):
        notice = self.open_notice()
        objection = self.object_to(notice.request)
        with translation.override("en"), self.captureOnCommitCallbacks(execute=True):
            acceptance.handle_objection(objection, acting_user=self.user("office_A"), uphold=True, note="现场仍有垃圾")
        notice.request.refresh_from_db()
        self.assertEqual(notice.request.status, RequestStatus.RETURNED)
        item = self.item(notice)
        self.assertFalse(item.is_live)
        self.assertEqual(item.withdrawal_reason, "Objection upheld: the public notice was ended")
        response = self.client.get(item.get_absolute_url())
        self.assertEqual(response.status_code, 404)
        self.assertNotContains(response, notice.code, status_code=404)

    def test_a_dismissed_objection_leaves_the_notice_on_the_portal(self):
        notice = self.open_notice()
        with self.captureOnCommitCallbacks(execute=True):
            self.dismiss(self.object_to(notice.request))
        self.assertTrue(self.item(notice).is_live)

    def test_a_portal_failure_is_logged_and_the_decision_stands(self):
        notice = self.open_notice()
        failing = mock.patch.object(acceptance, "withdraw_closed_notice", side_effect=RuntimeError("portal down"))
        with failing, self.assertLogs("django", "ERROR") as logs:
            with self.captureOnCommitCallbacks(execute=True):
                self.close(notice.request)
        self.assertIn("portal down", "\n".join(logs.output))  # django.test here, django.db.backends.base live
        notice.refresh_from_db()
        notice.request.refresh_from_db()
        self.assertIsNotNone(notice.closed_at)
        self.assertNotEqual(notice.request.status, RequestStatus.IN_NOTICE)  # the notice step was passed
        self.assertTrue(self.item(notice).is_live)
        # Run again by hand (what the hook would have done), then it is a no-op.
        self.assertTrue(actions.withdraw_closed_notice(notice.pk, self.user("office_A").pk))
        self.assertFalse(self.item(notice).is_live)
        self.assertFalse(actions.withdraw_closed_notice(notice.pk, self.user("office_A").pk))

    def test_closing_a_notice_never_published_is_harmless(self):
        notice = self.open_notice(run_hooks=False)
        with self.captureOnCommitCallbacks(execute=True) as hooks:
            self.close(notice.request)
        self.assertEqual(len(hooks), 1)
        self.assertFalse(PublishedItem.objects.exists())
        self.assertFalse(actions.withdraw_closed_notice(notice.pk, self.user("office_A").pk))
