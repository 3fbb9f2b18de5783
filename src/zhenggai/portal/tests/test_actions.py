"""The publishing actions: who may publish and withdraw, versions, codes, the whitelists, the audit."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from unittest import mock

from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import translation

from zhenggai.ledger import actions as ledger
from zhenggai.ledger.choices import ItemStatus, PlanStatus
from zhenggai.portal import actions
from zhenggai.portal.models import Kind, Publication, PublishedItem
from zhenggai.portal.snapshots import PLAN_KEYS, PROBLEM_KEYS
from zhenggai.portal.tests.world import PortalWorldTestCase, set_status
from zhenggai.progress import actions as progress
from zhenggai.progress.actions import ReportInput
from zhenggai.testing import WorldTestCase, frozen_at

TODAY = date(2026, 3, 16)


class PublishTestCase(WorldTestCase):
    """The generic ``publish``/``withdraw`` of the contract."""

    def setUp(self) -> None:
        traveller = frozen_at(TODAY)
        traveller.start()
        self.addCleanup(traveller.stop)

    def publish(self, persona: str, *, key: str = "case_batch:1", unit: str | None = "A", **extra):
        values = {
            "kind": Kind.CASE_BATCH,
            "key": key,
            "title": "第1批交办信访件办理情况",
            "payload": {"cases": 3},
            "jurisdiction": self.world.units[unit] if unit else None,
            "acting_user": self.world.users[persona],
        } | extra
        return actions.publish(**values)

    def test_who_may_publish_for_city_a(self):
        allowed = {"office_A": True, "office_P": True, "system": True}
        refused = ("office_B", "reviewer_A", "unit_A1", "supervisor_Aeco", "no_unit")
        for persona in allowed:
            with self.subTest(persona=persona):
                self.assertTrue(self.publish(persona, key=f"case_batch:{persona}").is_live)
        for persona in refused:
            with self.subTest(persona=persona), self.assertRaises(PermissionDenied):
                self.publish(persona, key=f"case_batch:{persona}")
        self.assertEqual(PublishedItem.objects.count(), len(allowed))

    def test_an_anonymous_user_may_not_publish(self):
        with self.assertRaises(PermissionDenied):
            actions.publish(
                kind=Kind.CASE_BATCH,
                key="case_batch:x",
                title="t",
                payload={},
                jurisdiction=self.world.units["A"],
                acting_user=AnonymousUser(),
            )

    def test_without_a_jurisdiction_only_an_administrator_publishes(self):
        with self.assertRaises(PermissionDenied):
            self.publish("office_P", unit=None)
        self.assertIsNone(self.publish("system", unit=None).jurisdiction)

    def test_the_same_key_makes_versions_of_one_item_with_one_code(self):
        first = self.publish("office_A")
        second = self.publish("office_A", title="第1批（更正）", payload={"cases": 4})
        self.assertEqual((first.pk, first.code), (second.pk, second.code))
        self.assertEqual(second.current_version, 2)
        versions = list(Publication.objects.filter(item=second).order_by("version").values_list("version", "payload"))
        self.assertEqual(versions, [(1, {"cases": 3}), (2, {"cases": 4})])
        self.assertEqual(second.title, "第1批（更正）")
        self.assertEqual(second.get_absolute_url(), f"/public/{second.code}/")

    def test_codes_are_unguessable_and_differ_per_key(self):
        codes = {self.publish("office_A", key=f"case_batch:{n}").code for n in range(5)}
        self.assertEqual(len(codes), 5)
        for code in codes:
            self.assertGreaterEqual(len(code), 16)
            self.assertFalse(code.isdigit())

    def test_another_city_cannot_overwrite_an_item_by_naming_its_own_unit(self):
        self.publish("office_A")
        with self.assertRaises(PermissionDenied), self.assertLogs("zhenggai.audit", level="WARNING") as logged:
            self.publish("office_B", unit="B")
        self.assertIn("refused publication of case_batch:1 by office_b", logged.output[0])
        self.assertEqual(PublishedItem.objects.get().current_version, 1)

    def test_bad_input_is_refused(self):
        cases = {
            "kind": {"kind": "secret_kind"},
            "title": {"title": "  "},
            "payload": {"payload": {"when": date(2026, 1, 1)}},
            "not a dict": {"payload": ["a"]},
            "key": {"key": ""},
        }
        for name, extra in cases.items():
            with self.subTest(name), self.assertRaises(ValidationError):
                self.publish("office_A", **extra)
        self.publish("office_A")
        with self.assertRaises(ValidationError):
            self.publish("office_A", kind=Kind.ACCOUNTABILITY)
        self.assertEqual(Publication.objects.count(), 1)

    def test_withdraw_needs_the_office_and_a_reason_and_is_recorded(self):
        self.publish("office_A")
        for persona in ("office_B", "unit_A1", "reviewer_A"):
            with self.subTest(persona=persona), self.assertRaises(PermissionDenied):
                actions.withdraw(key="case_batch:1", acting_user=self.world.users[persona], reason="错误")
        with self.assertRaises(ValidationError):
            actions.withdraw(key="case_batch:1", acting_user=self.world.users["office_A"], reason=" ")
        with self.assertLogs("zhenggai.audit", level="INFO") as logged:
            item = actions.withdraw(key="case_batch:1", acting_user=self.world.users["office_P"], reason="含个人信息")
        self.assertIn("withdrew case_batch case_batch:1", logged.output[0])
        self.assertFalse(item.is_live)
        self.assertEqual((item.withdrawn_by, item.withdrawal_reason), (self.world.users["office_P"], "含个人信息"))
        with self.assertRaises(ValidationError):
            actions.withdraw(key="case_batch:1", acting_user=self.world.users["office_A"], reason="again")
        with self.assertRaises(PublishedItem.DoesNotExist):
            actions.withdraw(key="case_batch:404", acting_user=self.world.users["office_A"], reason="x")

    def test_publishing_again_after_a_withdrawal_quotes_it_in_the_new_version(self):
        self.publish("office_A")
        actions.withdraw(key="case_batch:1", acting_user=self.world.users["office_A"], reason="含个人信息")
        item = self.publish("office_A", payload={"cases": 2})
        self.assertTrue(item.is_live)
        self.assertEqual(item.current_version, 2)
        note = Publication.objects.get(item=item, version=2).note
        self.assertIn("含个人信息", note)
        self.assertIn("office_a", note)
        # The first version is untouched (append-only).
        self.assertEqual(Publication.objects.get(item=item, version=1).payload, {"cases": 3})

    def first_lookup_misses(self):
        """The existence check answers "new key" once although the key exists: what a second publisher
        sees when the first inserts the same new key between its look-up and its insert."""
        real = actions._locked_item
        calls = []

        def lookup(key):
            calls.append(key)
            return None if len(calls) == 1 else real(key)

        return mock.patch.object(actions, "_locked_item", side_effect=lookup)

    def test_a_concurrent_first_publication_becomes_a_new_version(self):
        first = self.publish("office_A")
        with self.first_lookup_misses():
            second = self.publish("office_A", payload={"cases": 4})
        self.assertEqual((second.pk, second.code, second.current_version), (first.pk, first.code, 2))
        versions = list(Publication.objects.filter(item=first).order_by("version").values_list("version", "payload"))
        self.assertEqual(versions, [(1, {"cases": 3}), (2, {"cases": 4})])
        self.assertEqual(PublishedItem.objects.count(), 1)  # and the transaction is still usable

    def test_the_concurrent_path_still_checks_the_existing_items_office(self):
        self.publish("office_A")
        with self.first_lookup_misses(), self.assertRaises(PermissionDenied):
            self.publish("office_B", unit="B")
        with self.first_lookup_misses(), self.assertRaises(ValidationError):
            self.publish("office_A", kind=Kind.ACCOUNTABILITY)
        self.assertEqual(PublishedItem.objects.get().current_version, 1)


class PublishPlanTestCase(PortalWorldTestCase):
    """``publish_plan``: the plan, one item per task, whitelisted fields only."""

    @classmethod
    def setUpTestData(cls) -> None:
        with frozen_at(date(2026, 3, 2)):
            super().setUpTestData()
            a1 = cls.world.problems["a1"]
            ledger.update_problem(
                a1,
                acting_user=cls.world.users["system"],
                expected_version=a1.version,
                changes={"description": "河道两岸堆放垃圾", "cause": "内部原因：监管缺位（不公开）"},
            )
            progress.submit_report(
                cls.world.problems["a2"],
                ReportInput(date(2026, 2, 1), date(2026, 2, 28), "已清理河道3公里", Decimal(40)),
                acting_user=cls.world.users["unit_A2"],
            )

    def setUp(self) -> None:
        traveller = frozen_at(TODAY)
        traveller.start()
        self.addCleanup(traveller.stop)

    def test_who_may_publish_a_plan(self):
        plan = self.world.plans["A"]
        for persona in ("office_B", "unit_A1", "reviewer_A", "supervisor_Aeco", "no_unit"):
            with self.subTest(persona=persona), self.assertRaises(PermissionDenied):
                actions.publish_plan(plan, acting_user=self.world.users[persona])
        self.assertFalse(PublishedItem.objects.exists())
        self.assertEqual(actions.publish_plan(plan, acting_user=self.world.users["office_P"]).current_version, 1)

    def test_the_plan_and_each_task_are_published_with_exactly_the_whitelisted_keys(self):
        plan = self.world.plans["A"]
        item = actions.publish_plan(plan, acting_user=self.world.users["office_A"])
        payload = Publication.objects.get(item=item).payload
        self.assertEqual(set(payload), PLAN_KEYS)
        self.assertEqual(
            PLAN_KEYS, {"title", "doc_number", "issue_date", "jurisdiction", "summary", "as_of"}
        )  # the whitelist itself is pinned: widening it is a decision, not an accident
        self.assertEqual(PROBLEM_KEYS, {"number", "title", "description", "deadline", "status", "as_of", "progress"})
        self.assertEqual(
            (payload["title"], payload["jurisdiction"], payload["as_of"]), (plan.title, "甲市", "2026-03-16")
        )
        self.assertTrue(payload["summary"].startswith("截至2026年3月16日，甲市共有6项整改任务"), payload["summary"])
        tasks = {
            p.item.key: p.payload for p in Publication.objects.filter(item__kind=Kind.PROBLEM).select_related("item")
        }
        expected_keys = {
            f"problem:{self.world.problems[k].pk}" for k in ("a1", "a1dept", "a2", "coll", "land_open", "land_done")
        }
        self.assertEqual(set(tasks), expected_keys)
        for task in tasks.values():
            self.assertEqual(set(task), PROBLEM_KEYS)
        a1 = tasks[f"problem:{self.world.problems['a1'].pk}"]
        self.assertEqual((a1["number"], a1["title"], a1["description"]), ("第1项", "问题a1", "河道两岸堆放垃圾"))
        self.assertEqual(a1["deadline"], "2026年12月31日前")
        a2 = tasks[f"problem:{self.world.problems['a2'].pk}"]
        self.assertEqual(a2["progress"], "已清理河道3公里")
        self.assertEqual(a2["status"], "未达到序时进度")  # 40 % of a task overdue since 2025-06-30
        self.assertEqual(tasks[f"problem:{self.world.problems['land_done'].pk}"]["status"], "完成交账销号")
        self.assertEqual(
            tasks[f"problem:{self.world.problems['coll'].pk}"]["status"], "长期坚持"
        )  # 立行立改，长期坚持: the long-term rule
        everything = str(list(Publication.objects.values_list("payload", flat=True)))
        for secret in ("监管缺位", "措施一", "目标一", "甲一县", "unit_a2", "office_a"):
            self.assertNotIn(secret, everything)
        self.assertEqual(PublishedItem.objects.get(key=f"problem:{self.world.problems['a1'].pk}").parent, item)

    def test_publishing_again_versions_every_item_and_withdraws_tasks_no_longer_in_the_plan(self):
        plan = self.world.plans["A"]
        office = self.world.users["office_A"]
        first = actions.publish_plan(plan, acting_user=office)
        codes = dict(PublishedItem.objects.values_list("key", "code"))
        land_open = self.world.problems["land_open"]
        ledger.merge_problems(land_open, self.world.problems["a1"], acting_user=self.world.users["system"])
        second = actions.publish_plan(plan, acting_user=office)
        self.assertEqual((second.pk, second.current_version), (first.pk, 2))
        self.assertEqual(dict(PublishedItem.objects.values_list("key", "code")), codes)  # codes are stable
        gone = PublishedItem.objects.get(key=f"problem:{land_open.pk}")
        self.assertFalse(gone.is_live)
        self.assertEqual(gone.withdrawn_by, office)
        self.assertEqual(PublishedItem.objects.live().filter(kind=Kind.PROBLEM).count(), 5)
        self.assertEqual(set(PublishedItem.objects.live().values_list("current_version", flat=True)), {2})

    def test_withdrawing_the_plan_withdraws_its_tasks(self):
        actions.publish_plan(self.world.plans["A"], acting_user=self.world.users["office_A"])
        actions.withdraw(
            key=f"plan:{self.world.plans['A'].pk}", acting_user=self.world.users["office_A"], reason="重发"
        )
        self.assertFalse(PublishedItem.objects.live().exists())

    def test_a_signed_off_task_reads_as_signed_off(self):
        land_done = self.world.problems["land_done"]
        self.assertEqual(land_done.status, ItemStatus.SIGNED_OFF)
        actions.publish_plan(self.world.plans["A"], acting_user=self.world.users["office_A"])
        payload = Publication.objects.get(item__key=f"problem:{land_done.pk}").payload
        self.assertEqual(payload["status"], "完成交账销号")

    def test_a_draft_plan_is_not_published(self):
        set_status(self.world, "A", PlanStatus.DRAFT)
        refused = self.assertRaisesMessage(ValidationError, "only an approved or published plan")
        with translation.override("en"), refused:
            actions.publish_plan(self.world.plans["A"], acting_user=self.world.users["office_A"])
        self.assertFalse(PublishedItem.objects.exists())
        set_status(self.world, "A", PlanStatus.PUBLISHED)
        self.assertTrue(actions.publish_plan(self.world.plans["A"], acting_user=self.world.users["office_A"]).is_live)

    def test_a_task_withdrawn_on_its_own_is_published_again_only_by_hand(self):
        plan, office = self.world.plans["A"], self.world.users["office_A"]
        actions.publish_plan(plan, acting_user=office)
        key = f"problem:{self.world.problems['a2'].pk}"
        actions.withdraw(key=key, acting_user=office, reason="进展有误")
        self.assertTrue(PublishedItem.objects.get(key=key).withdrawn_alone)
        actions.publish_plan(plan, acting_user=office)
        task = PublishedItem.objects.get(key=key)
        self.assertEqual((task.is_live, task.current_version, task.withdrawal_reason), (False, 1, "进展有误"))
        for persona in ("office_B", "unit_A2", "reviewer_A"):
            with self.subTest(persona=persona), self.assertRaises(PermissionDenied):
                actions.publish_task(task, acting_user=self.world.users[persona])
        task = actions.publish_task(task, acting_user=office)
        self.assertEqual((task.is_live, task.current_version, task.withdrawn_alone), (True, 2, False))
        self.assertIn("进展有误", Publication.objects.get(item=task, version=2).note)
        with self.assertRaises(ValidationError):  # already live
            actions.publish_task(task, acting_user=office)

    def test_a_task_is_not_published_again_by_hand_while_its_plan_is_withdrawn(self):
        plan, office = self.world.plans["A"], self.world.users["office_A"]
        actions.publish_plan(plan, acting_user=office)
        actions.withdraw(key=f"plan:{plan.pk}", acting_user=office, reason="重发")
        task = PublishedItem.objects.get(key=f"problem:{self.world.problems['a1'].pk}")
        self.assertFalse(task.withdrawn_alone)  # withdrawn with its plan
        with self.assertRaises(ValidationError):
            actions.publish_task(task, acting_user=office)
        actions.publish_plan(plan, acting_user=office)
        self.assertTrue(PublishedItem.objects.get(pk=task.pk).is_live)  # came back with its plan
