"""The demo's acceptance stories: one problem through the whole city chain, one in 公示."""

from __future__ import annotations

from django.test import TestCase, override_settings
from django.utils import timezone

from zhenggai.acceptance.models import AcceptanceRequest, StepDecision
from zhenggai.acceptance.signatures import verify
from zhenggai.demo.data import load_demo


@override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"])
class DemoAcceptanceTests(TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        load_demo()

    def test_one_signed_off_with_three_intact_signatures_and_one_in_notice(self):
        signed = AcceptanceRequest.objects.get(status="signed_off")
        self.assertEqual(signed.problem.status, "signed_off")
        decisions = StepDecision.objects.filter(request=signed).order_by("position")
        self.assertEqual([d.step.name for d in decisions], ["市级验收", "公示", "省级备案销号"])
        self.assertTrue(all(verify(d).ok for d in decisions))
        waiting = AcceptanceRequest.objects.get(status="in_notice")
        self.assertTrue(waiting.notices.get().is_open_on(timezone.localdate()) or timezone.localdate().weekday() >= 5)
