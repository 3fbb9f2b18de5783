"""The demo data set: what it contains, who sees what, and that loading is idempotent."""

from __future__ import annotations

from datetime import date
from io import StringIO

from django.core.management import call_command
from django.test import TestCase, override_settings

from zhenggai.accounts.models import User
from zhenggai.demo.data import DEMO_USERS, DemoError, load_demo
from zhenggai.ledger.models import Assignment, Measure, Plan, PlanRevision, Problem, Target
from zhenggai.organizations.models import Person, Unit

FAST_HASHER = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@override_settings(PASSWORD_HASHERS=FAST_HASHER)
class LoadDemoTests(TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        cls.result = load_demo()

    def user(self, username: str) -> User:
        return User.objects.get(username=username)

    def test_result_lists_every_login_and_counts(self) -> None:
        self.assertTrue(self.result.created)
        self.assertEqual([login.username for login in self.result.logins], [u[0] for u in DEMO_USERS])
        self.assertEqual(self.result.counts["problems"], Problem.objects.count())
        self.assertEqual(self.result.counts["measures"], Measure.objects.count())

    def test_every_deadline_kind_is_present(self) -> None:
        rows = [*Problem.objects.all(), *Target.objects.all(), *Measure.objects.all()]
        self.assertEqual({r.due_precision for r in rows if r.due_date}, {"day", "month", "year"})
        self.assertTrue(any(r.due_immediate for r in rows))
        self.assertTrue(any(r.due_long_term for r in rows))
        self.assertTrue(any(r.due_conditional for r in rows))
        self.assertTrue(any(r.due_recurrence == "quarterly" for r in rows))
        self.assertFalse(any(r.due_ambiguous for r in rows), "every demo deadline should parse cleanly")
        problems = Problem.objects.all()
        self.assertTrue(problems.filter(due_immediate=True, due_long_term=True).exists())
        self.assertTrue(problems.filter(due_date__isnull=False, due_long_term=True).exists())
        self.assertTrue(problems.filter(due_date__isnull=False, due_conditional=True).exists())

    def test_city_plan_structure(self) -> None:
        plan = Plan.objects.get(title="青岚市贯彻落实中央生态环境保护督察反馈问题整改实施方案")
        self.assertEqual(plan.status, "published")
        self.assertEqual(plan.doc_number, "青办字〔2025〕31号")
        self.assertEqual(plan.parent_plan.level, "province")
        top_level = plan.problems.filter(parent__isnull=True)
        self.assertEqual(plan.declared_problem_count, top_level.count())
        self.assertEqual(sum(c.declared_count for c in plan.categories.all()), top_level.count())
        self.assertTrue(plan.problems.filter(parent__isnull=False).count() >= 2)
        self.assertTrue(plan.problems.filter(merged_into__isnull=False).exists())
        self.assertEqual(
            set(plan.issuing_units.values_list("name", flat=True)), {"中共青岚市委办公室", "青岚市人民政府办公室"}
        )
        statuses = set(plan.problems.values_list("status", flat=True))
        self.assertLessEqual({"not_started", "in_progress", "completed"}, statuses)
        self.assertTrue(plan.problems.overdue(date(2026, 11, 22)).exists())

    def test_amendment_keeps_before_and_after(self) -> None:
        revision = PlanRevision.objects.get(doc_number="青办字〔2025〕45号")
        self.assertEqual(revision.review_reference, "云整改函〔2025〕9号")
        fields = {change.field: change for change in revision.changes.all()}
        self.assertEqual(set(fields), {"deadline", "description"})
        self.assertEqual(fields["deadline"].before, "2026年年底前")
        self.assertEqual(fields["deadline"].problem.due_raw, fields["deadline"].after)
        self.assertTrue(all(change.opinion for change in fields.values()))
        self.assertEqual(revision.plan.current_revision, 1)

    def test_succession_hands_the_open_task_to_the_successor(self) -> None:
        old = Unit.objects.get(name="青岚市国土资源局")
        new = Unit.objects.get(name="青岚市自然资源局")
        self.assertFalse(old.is_active)
        self.assertEqual(old.successor, new)
        self.assertEqual(old.succeeded_on, date(2019, 2, 15))
        inherited = Assignment.objects.filter(inherited_from=old)
        self.assertTrue(inherited.exists())
        self.assertTrue(all(a.unit_id == new.pk for a in inherited))
        self.assertFalse(Assignment.objects.filter(unit=old).exists())
        visible = Problem.objects.visible_to(self.user("ziranziyuan"))
        self.assertTrue(visible.filter(pk__in=inherited.values("problem_id")).exists())

    def test_hand_over_moves_only_open_tasks(self) -> None:
        old = Person.objects.get(name="林书远")
        self.assertFalse(old.is_active)
        self.assertEqual(old.successor.name, "周启明")
        self.assertFalse(Assignment.objects.filter(person=old, problem__status__in=["not_started", "in_progress"]))
        self.assertTrue(Assignment.objects.filter(person=old, problem__status="completed").exists())
        self.assertTrue(Assignment.objects.filter(person__name="周启明").exists())

    def test_collectives_have_members(self) -> None:
        counties = Unit.objects.get(name="各县区政府")
        self.assertEqual(
            set(counties.members.values_list("name", flat=True)), {"溪山县人民政府", "松原区人民政府", "白石县人民政府"}
        )
        self.assertTrue(Unit.objects.get(name="青岚市水污染防治工作领导小组成员单位").members.count() >= 3)
        self.assertEqual(Unit.objects.resolve("市发改委").name, "青岚市发展和改革委员会")
        self.assertEqual(set(Unit.objects.values_list("level", flat=True)) >= {"province", "city", "county"}, True)
        self.assertTrue(Unit.objects.filter(level="township").exists())

    def test_every_demo_user_can_log_in(self) -> None:
        for username, password, role, _unit, _name in DEMO_USERS:
            with self.subTest(username=username):
                self.assertTrue(self.client.login(username=username, password=password))
                self.assertEqual(self.user(username).role, role)
                self.client.logout()
        self.assertTrue(self.user("admin").is_superuser)

    def test_county_users_see_different_sets(self) -> None:
        baishi_only = Problem.objects.get(title__startswith="白石山自然保护区")
        collective = Problem.objects.filter(assignments__unit__name="各县区政府", plan__level="city").first()
        xishan = Problem.objects.visible_to(self.user("xishan"))
        baishi = Problem.objects.visible_to(self.user("baishi"))
        self.assertNotIn(baishi_only, xishan)
        self.assertIn(baishi_only, baishi)
        self.assertIn(collective, xishan)
        self.assertIn(collective, baishi)
        self.assertNotEqual(set(xishan), set(baishi))

    def test_supervisor_sees_some_but_not_all(self) -> None:
        duban = Problem.objects.visible_to(self.user("duban"))
        self.assertTrue(duban.exists())
        self.assertLess(duban.count(), Problem.objects.count())
        office = Problem.objects.visible_to(self.user("office"))
        self.assertEqual(
            office.filter(plan__jurisdiction__name="青岚市").count(),
            Problem.objects.filter(plan__jurisdiction__name="青岚市").count(),
        )

    def test_history_rows_name_the_acting_user(self) -> None:
        self.assertGreater(Problem.history.count(), 0)
        self.assertFalse(Problem.history.filter(history_user__isnull=True).exists())
        self.assertFalse(Assignment.history.filter(history_user__isnull=True).exists())
        self.assertTrue(Unit.history.filter(history_change_reason="succession").exists())

    def test_loading_twice_is_idempotent(self) -> None:
        before = (Problem.objects.count(), Unit.objects.count(), User.objects.count())
        again = load_demo()
        self.assertFalse(again.created)
        self.assertEqual(len(again.logins), len(DEMO_USERS))
        self.assertEqual((Problem.objects.count(), Unit.objects.count(), User.objects.count()), before)
        with self.assertRaises(DemoError):
            load_demo(reset=True)

    def test_command_prints_logins_and_summary(self) -> None:
        out = StringIO()
        call_command("load_demo", stdout=out)
        text = out.getvalue()
        self.assertIn("demo-office-2026", text)
        self.assertIn("问题 (problems)", text)
        quiet = StringIO()
        call_command("load_demo", "--quiet", stdout=quiet)
        self.assertNotIn("demo-office-2026", quiet.getvalue())


@override_settings(PASSWORD_HASHERS=FAST_HASHER)
class LoadDemoRefusalTests(TestCase):
    def test_refuses_a_database_with_a_non_demo_admin(self) -> None:
        User.objects.create_user("admin", password="x")
        with self.assertRaises(DemoError):
            load_demo()
        self.assertFalse(Problem.objects.exists())
