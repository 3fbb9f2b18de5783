"""Publishing a batch's disclosure: exactly the whitelisted keys reach the portal, and its page shows them."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied

from zhenggai.cases import actions
from zhenggai.cases.choices import CaseStatus, Findings
from zhenggai.cases.disclosure import PAYLOAD_KEYS, ROW_KEYS, SUMMARY_CHARS
from zhenggai.cases.tests.world import CasesWorldTestCase
from zhenggai.portal.models import PublishedItem


class PublishBatchTests(CasesWorldTestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        case = cls.cases["a1"]
        case.content = "很长的投诉内容" * 40
        case.save()
        actions.record_handling(
            case,
            acting_user=cls.world.users["unit_A1"],
            expected_version=case.version,
            changes={
                "findings": Findings.TRUE,
                "status": CaseStatus.CLOSED,
                "investigation": "经查属实",
                "handling": "责令整改",
                "accountability": "约谈1人",
                "fine_amount": 3,
            },
        )

    def test_payload_has_exactly_the_whitelisted_keys(self):
        item = actions.publish_batch_disclosure(self.batch, acting_user=self.world.users["office_P"])
        payload = item.versions.get(version=item.current_version).payload
        self.assertEqual(set(payload), set(PAYLOAD_KEYS))
        self.assertEqual(len(payload["rows"]), 5)
        for row in payload["rows"]:
            self.assertEqual(set(row), set(ROW_KEYS))
        first = payload["rows"][0]
        self.assertEqual(first["case_number"], "D3HE202505280001")
        self.assertEqual(
            (first["findings"], first["investigation"], first["accountability"]), ("属实", "经查属实", "约谈1人")
        )
        self.assertEqual(len(first["summary"]), SUMMARY_CHARS)
        text = str(payload)
        for secret in ("a1公司", "fine_amount", "甲一县住建局", "reported_party"):
            self.assertNotIn(secret, text)
        self.assertEqual(item.key, f"case_batch:{self.batch.pk}")

    def test_the_public_page_renders_the_table(self):
        item = actions.publish_batch_disclosure(self.batch, acting_user=self.world.users["office_P"])
        self.client.logout()
        response = self.client.get(item.get_absolute_url())
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "D3HE202505280001")
        self.assertContains(response, "经查属实")
        self.assertContains(response, 'data-testid="case-batch-card"', count=5)
        self.assertNotContains(response, "a1公司")

    def test_only_the_batch_office_publishes(self):
        for persona in ("office_A", "unit_A1", "reviewer_A"):
            with self.subTest(persona=persona), self.assertRaises(PermissionDenied):
                actions.publish_batch_disclosure(self.batch, acting_user=self.world.users[persona])
        self.assertFalse(PublishedItem.objects.filter(key=f"case_batch:{self.batch.pk}").exists())

    def test_publish_button(self):
        self.login("office_P")
        response = self.client.post(f"/cases/batches/{self.batch.pk}/publish/")
        item = PublishedItem.objects.get(key=f"case_batch:{self.batch.pk}")
        self.assertRedirects(response, item.get_absolute_url(), fetch_redirect_response=False)
