"""``zhenggai generate --scale small`` on the test database: sizes, consistency, signatures, visibility, refusal.

One generation per class (``setUpTestData``); the data set's own dates are fixed (``DEFAULT_AS_OF``), so no
clock is frozen — only the portal's publication stamps today's date, which nothing here reads.
"""

from __future__ import annotations

import hashlib
from decimal import Decimal
from io import StringIO

from django.core.management import call_command
from django.db import transaction
from django.db.models import Count, F, Q, Sum
from django.test import TestCase

from zhenggai.acceptance.models import AcceptanceRequest, Objection, StepDecision
from zhenggai.acceptance.signatures import verify
from zhenggai.accountability.models import AccountablePerson
from zhenggai.accounts.models import User
from zhenggai.cases.models import Case, CaseAssignment
from zhenggai.ledger.models import Assignment, Measure, Problem
from zhenggai.organizations.models import Unit, UnitMembership
from zhenggai.portal.models import PublishedItem
from zhenggai.progress.models import ProgressReport
from zhenggai.synthetic.dates import parsed_deadline
from zhenggai.synthetic.runner import GenerationRefused, generate
from zhenggai.synthetic.scales import SCALES

SMALL = SCALES["small"]


class SmallDataSetTests(TestCase):
    """The small data set, generated once with seed 7."""

    @classmethod
    def setUpTestData(cls) -> None:
        cls.result = generate(SMALL, seed=7, progress_stream=False)
        cls.personas = {p.role: p for p in cls.result.personas}

    def test_counts_are_the_scales(self) -> None:
        self.assertEqual(Problem.objects.count(), SMALL.problems)
        self.assertEqual(Measure.objects.count(), SMALL.measures)
        self.assertEqual(Case.objects.count(), SMALL.cases)
        self.assertEqual(AccountablePerson.objects.count(), SMALL.accountable_persons)
        reports = ProgressReport.objects.count()
        self.assertGreater(reports, SMALL.reports * 0.85)
        self.assertLess(reports, SMALL.reports * 1.15)
        counts = Measure.objects.values("problem").annotate(n=Count("pk")).values_list("n", flat=True)
        self.assertGreaterEqual(min(counts), SMALL.measures_per_problem[0])
        self.assertLessEqual(max(counts), SMALL.measures_per_problem[1])
        self.assertGreater(Unit.objects.count(), 100)
        self.assertEqual(
            set(User.objects.values_list("role", flat=True)), {"admin", "office", "reviewer", "supervisor", "unit"}
        )

    def test_every_status_and_deadline_kind_occurs(self) -> None:
        statuses = set(Problem.objects.values_list("status", flat=True))
        self.assertTrue({"in_progress", "completed", "signed_off"} <= statuses)
        measures = Measure.objects
        self.assertTrue(measures.filter(due_immediate=True, due_date__isnull=True).exists())  # 立行立改
        self.assertTrue(measures.filter(due_long_term=True, due_date__isnull=True).exists())  # 长期坚持
        self.assertTrue(measures.filter(due_long_term=True, due_date__isnull=False).exists())  # combined
        self.assertTrue(measures.filter(due_conditional=True).exists())
        self.assertTrue(measures.exclude(due_recurrence="").exists())
        self.assertFalse(measures.filter(due_ambiguous=True).exists())
        for measure in measures.order_by("pk")[:200]:  # the parsed columns are the project parser's
            parsed = parsed_deadline(measure.due_raw)
            self.assertEqual({name: getattr(measure, name) for name in parsed}, parsed)

    def test_reports_belong_to_their_measure_and_one_is_current(self) -> None:
        reports = ProgressReport.objects
        self.assertFalse(reports.exclude(problem_id=F("measure__problem_id")).exists())
        self.assertFalse(reports.filter(measure__isnull=True).exists())
        twice = (
            reports.filter(is_current=True).values("measure_id", "period_start").annotate(n=Count("pk")).filter(n__gt=1)
        )
        self.assertFalse(twice.exists())
        # Every measure-period reported has its current version; an old version is corrected by a newer one.
        periods = reports.values("measure_id", "period_start").distinct().count()
        self.assertEqual(reports.filter(is_current=True).count(), periods)
        stale = reports.filter(is_current=False)
        self.assertTrue(stale.exists())
        self.assertFalse(stale.filter(corrected_by__isnull=True).exists())
        # A unit reports for itself: the reporter's unit is the reporting unit, one of the problem's.
        self.assertFalse(reports.exclude(reporter__unit_id=F("unit_id")).exists())
        after_sign_off = reports.filter(problem__status="signed_off", submitted_at__gt=F("problem__updated_at"))
        self.assertFalse(after_sign_off.exists())

    def test_case_shares_sum_to_one_and_some_are_co_handled(self) -> None:
        sums = CaseAssignment.objects.values("case_id").annotate(total=Sum("share"))
        self.assertEqual({row["total"] for row in sums}, {Decimal(1)})
        self.assertEqual(sums.count(), SMALL.cases)
        self.assertTrue(CaseAssignment.objects.values("case_id").annotate(n=Count("pk")).filter(n__gt=1).exists())
        untrue = Case.objects.filter(findings="untrue").count() / Case.objects.exclude(findings="").count()
        self.assertGreater(untrue, 0.02)
        self.assertLess(untrue, 0.2)

    def test_acceptance_at_every_stage(self) -> None:
        statuses = set(AcceptanceRequest.objects.values_list("status", flat=True))
        self.assertTrue({"signed_off", "in_review"} <= statuses)
        self.assertTrue(AcceptanceRequest.objects.filter(case__isnull=False).exists())
        self.assertTrue(Objection.objects.exists())
        # A signed-off request's problem is signed off, and its last decision signed it.
        for request in AcceptanceRequest.objects.filter(status="signed_off", problem__isnull=False)[:20]:
            self.assertEqual(request.problem.status, "signed_off")
            last = request.decisions.order_by("-round", "-position").first()
            self.assertEqual((last.decision, last.position), ("pass", request.chain.steps.count() - 1))
        self.assertFalse(StepDecision.objects.filter(actor_id=F("request__requested_by_id")).exists())

    def test_generated_decisions_verify(self) -> None:
        for kind in (Q(request__problem__isnull=False), Q(request__case__isnull=False)):
            decisions = list(StepDecision.objects.filter(kind).order_by("pk")[:15])
            self.assertTrue(decisions)
            for decision in decisions:
                check = verify(decision)
                self.assertTrue(check.ok, (decision.pk, check.changes, check.record_intact))

    def test_county_unit_user_sees_only_its_problems(self) -> None:
        persona = self.personas["county unit user"]
        user = User.objects.select_related("unit").get(username=persona.username)
        collectives = UnitMembership.objects.filter(member=user.unit).values_list("collective_id", flat=True)
        held = set(
            Assignment.objects.filter(unit_id__in=[user.unit_id, *collectives]).values_list("problem_id", flat=True)
        )
        seen = set(Problem.objects.visible_to(user).values_list("pk", flat=True))
        self.assertTrue(held)
        self.assertEqual(seen, held)
        self.assertEqual(persona.visible_problems, len(seen))
        self.assertLess(len(seen), Problem.objects.count())

    def test_offices_see_their_subtree(self) -> None:
        province = User.objects.get(username=self.personas["province office"].username)
        city = User.objects.select_related("unit").get(username=self.personas["city office"].username)
        self.assertEqual(Problem.objects.visible_to(province).count(), SMALL.problems)  # one province
        city_seen = Problem.objects.visible_to(city)
        self.assertTrue(city_seen.filter(plan__jurisdiction=city.unit).exists())  # its own plan
        self.assertLess(city_seen.count(), SMALL.problems)
        under = Q(region__path__startswith=city.unit.path) | Q(assignments__unit__path__startswith=city.unit.path)
        cases = Case.objects.visible_to(city)
        self.assertTrue(cases.exists())
        self.assertEqual(cases.count(), Case.objects.filter(under).distinct().count())

    def test_portal_publishes_the_latest_plans(self) -> None:
        self.assertTrue(PublishedItem.objects.filter(kind="plan").exists())
        self.assertTrue(PublishedItem.objects.filter(kind="problem").exists())

    def test_a_second_run_is_refused(self) -> None:
        with self.assertRaises(GenerationRefused):
            generate(SMALL, seed=8, progress_stream=False)
        self.assertEqual(Problem.objects.count(), SMALL.problems)


class _Rollback(Exception):
    pass


def fingerprint() -> str:
    """A digest of the generated rows (keys included), the portal's excepted: its keys come from sequences."""
    digest = hashlib.sha256()
    for queryset in (
        Unit.objects.order_by("pk").values_list("pk", "name", "path", "level"),
        User.objects.order_by("pk").values_list("pk", "username", "role", "unit_id"),
        Problem.objects.order_by("pk").values_list("pk", "title", "due_raw", "status", "created_at"),
        Measure.objects.order_by("pk").values_list("pk", "problem_id", "text", "due_raw", "status"),
        ProgressReport.objects.order_by("pk").values_list("pk", "measure_id", "period_start", "percent", "is_current"),
        Case.objects.order_by("pk").values_list("pk", "number", "status", "findings", "region_id"),
        StepDecision.objects.order_by("pk").values_list("pk", "content_hash"),
    ):
        for row in queryset.iterator():
            digest.update(repr(row).encode())
    return digest.hexdigest()


class DeterminismTests(TestCase):
    def generated(self, seed: int) -> str:
        try:
            with transaction.atomic():
                generate(SMALL, seed=seed, progress_stream=False, tokens=False, publish=False)
                print_ = fingerprint()
                raise _Rollback
        except _Rollback:
            return print_

    def test_the_same_seed_gives_the_same_data(self) -> None:
        first = self.generated(3)
        self.assertFalse(Problem.objects.exists())  # rolled back
        self.assertEqual(self.generated(3), first)
        self.assertNotEqual(self.generated(4), first)


class CommandTests(TestCase):
    def test_command_prints_counts_and_personas(self) -> None:
        out = StringIO()
        call_command("generate", "--scale", "small", "--no-progress", "--no-publish", stdout=out)
        text = out.getvalue()
        self.assertIn("ledger_problem", text)
        self.assertIn("zhenggai-synthetic-2026", text)
        self.assertIn("office-p01c01", text)
        self.assertTrue(User.objects.get(username="office-p01").check_password("zhenggai-synthetic-2026"))
