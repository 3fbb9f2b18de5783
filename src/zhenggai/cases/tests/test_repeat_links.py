"""Repeat complaints (重复举报): ``mark_repeat`` (rules, version, the race of two opposite links on
PostgreSQL) and the page ``/cases/<pk>/repeat/`` as each persona, with its query count pinned."""

from __future__ import annotations

import threading
from datetime import date

import pytest
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test import TransactionTestCase
from django.urls import reverse
from django.utils import translation

from zhenggai.acceptance import actions as acceptance
from zhenggai.cases import actions
from zhenggai.cases.choices import CaseStatus
from zhenggai.cases.link_views import repeat_chain
from zhenggai.cases.models import Case
from zhenggai.cases.tests.world import CasesWorldTestCase, build_cases, put_to_acceptance
from zhenggai.core.errors import ConflictError
from zhenggai.ledger import actions as ledger
from zhenggai.ledger.choices import InspectionKind
from zhenggai.testing import build_world, frozen_at


def no_cycle(inspection_id: int) -> bool:
    """Whether every chain of repeat links of the inspection ends (no case reached twice)."""
    links = dict(Case.objects.filter(inspection_id=inspection_id).values_list("pk", "repeat_of_id"))
    for start in links:
        seen, pk = set(), start
        while pk is not None:
            if pk in seen:
                return False
            seen.add(pk)
            pk = links[pk]
    return True


class MarkRepeatTests(CasesWorldTestCase):
    def setUp(self):
        for case in self.cases.values():
            case.refresh_from_db()

    def test_link_and_unlink_write_a_version_and_history(self):
        co, a1, office = self.cases["co"], self.cases["a1"], self.world.users["office_P"]
        linked = actions.mark_repeat(co, a1, acting_user=office, expected_version=co.version)
        self.assertEqual((linked.repeat_of_id, linked.version), (a1.pk, 2))
        self.assertEqual(co.version, 2)  # the caller's object is refreshed
        last = co.history.latest("history_date", "history_id")
        self.assertEqual((last.history_change_reason, last.history_user), ("mark repeat", office))
        again = actions.mark_repeat(co, a1, acting_user=office, expected_version=2)
        self.assertEqual(again.version, 2)  # the same link again changes nothing
        unlinked = actions.mark_repeat(co, None, acting_user=office, expected_version=2)
        self.assertEqual((unlinked.repeat_of_id, unlinked.version), (None, 3))
        self.assertEqual(co.history.latest("history_date", "history_id").history_change_reason, "unmark repeat")

    def test_a_signed_off_case_keeps_its_link(self):
        co, a1, office = self.cases["co"], self.cases["a1"], self.world.users["office_P"]
        actions.mark_repeat(co, a1, acting_user=office)
        Case.objects.filter(pk=co.pk).update(status=CaseStatus.SIGNED_OFF)  # as the acceptance chain leaves it
        for target in (None, self.cases["coll"]):
            with (
                self.subTest(target=target),
                translation.override("en"),
                self.assertRaisesMessage(ValidationError, "signed off; its repeat link can no longer change"),
            ):
                actions.mark_repeat(co, target, acting_user=office)
        self.assertEqual(Case.objects.get(pk=co.pk).repeat_of_id, a1.pk)

    def test_the_link_waits_while_the_case_is_under_acceptance_and_frees_on_a_return(self):
        land, a1, office = self.cases["land"], self.cases["a1"], self.world.users["office_P"]
        request = put_to_acceptance(self.world, land, "unit_Anat")
        for persona in ("office_P", "unit_Anat"):
            with (
                self.subTest(persona=persona),
                translation.override("en"),
                self.assertRaisesMessage(ValidationError, "under acceptance; its repeat link waits"),
            ):
                actions.mark_repeat(land, a1, acting_user=self.world.users[persona])
        self.assertIsNone(Case.objects.get(pk=land.pk).repeat_of_id)
        with frozen_at(date(2026, 3, 3)):
            acceptance.decide_step(request, acting_user=self.world.users["reviewer_A"], decision="return", opinion="补")
        self.assertEqual(actions.mark_repeat(land, a1, acting_user=office).repeat_of_id, a1.pk)

    def test_an_assigned_unit_links_its_case_to_a_case_it_sees(self):
        unit = self.world.users["unit_A1"]
        actions.mark_repeat(self.cases["co"], self.cases["a1"], acting_user=unit)
        self.assertEqual(Case.objects.get(pk=self.cases["co"].pk).repeat_of_id, self.cases["a1"].pk)

    def test_a_cycle_is_refused(self):
        office = self.world.users["office_P"]
        actions.mark_repeat(self.cases["co"], self.cases["a1"], acting_user=office)
        actions.mark_repeat(self.cases["b1"], self.cases["co"], acting_user=office)  # b1 → co → a1
        for target in ("co", "b1"):
            with self.subTest(target=target), self.assertRaises(ValidationError) as caught:
                actions.mark_repeat(self.cases["a1"], self.cases[target], acting_user=office)
            self.assertIn("repeat_of", caught.exception.message_dict)
        with self.assertRaises(ValidationError):
            actions.mark_repeat(self.cases["a1"], self.cases["a1"], acting_user=office)
        self.assertTrue(no_cycle(self.inspection.pk))

    def test_a_case_of_another_inspection_is_refused(self):
        system = self.world.users["system"]
        other = ledger.create_inspection(
            acting_user=system, team="省第二督察组", inspected_unit=self.world.units["A"], kind=InspectionKind.ROUTINE
        )
        batch = actions.create_batch(
            acting_user=system,
            inspection=other,
            number=1,
            handed_over_on=date(2025, 5, 29),
            jurisdiction=other.inspected_unit,
        )
        foreign = actions.add_case(
            batch, acting_user=system, number="D3HE202505280001", content="废水", units=[self.world.units["A1"]]
        )
        with self.assertRaises(ValidationError) as caught:
            actions.mark_repeat(self.cases["a1"], foreign, acting_user=self.world.users["office_P"])
        self.assertIn("repeat_of", caught.exception.message_dict)

    def test_a_case_the_user_does_not_see_is_refused(self):
        with self.assertRaises(PermissionDenied):  # unit_A1 handles a1 but does not see b1
            actions.mark_repeat(self.cases["a1"], self.cases["b1"], acting_user=self.world.users["unit_A1"])
        for persona in ("unit_B1", "reviewer_A", "supervisor_Aeco"):  # may not handle a1
            with self.subTest(persona=persona), self.assertRaises(PermissionDenied):
                actions.mark_repeat(self.cases["a1"], self.cases["co"], acting_user=self.world.users[persona])
        self.assertIsNone(Case.objects.get(pk=self.cases["a1"].pk).repeat_of_id)

    def test_a_stale_version_is_a_conflict(self):
        co = self.cases["co"]
        actions.record_handling(co, acting_user=self.world.users["office_P"], expected_version=1, changes={})
        with self.assertRaises(ConflictError):
            actions.mark_repeat(co, self.cases["a1"], acting_user=self.world.users["office_P"], expected_version=1)
        self.assertIsNone(Case.objects.get(pk=co.pk).repeat_of_id)

    def test_the_page_s_chain_walk_stops_on_a_loop_that_got_in_somehow(self):
        a1, co = self.cases["a1"], self.cases["co"]
        Case.objects.filter(pk=a1.pk).update(repeat_of=co)  # written past the action, as old data could be
        Case.objects.filter(pk=co.pk).update(repeat_of=a1)
        a1.refresh_from_db()
        self.assertEqual(repeat_chain(a1), ([co.pk], [co.pk]))


@pytest.mark.postgres_only
class OppositeLinksRaceTestCase(TransactionTestCase):
    """A→B and B→A at the same moment: each alone passes the cycle check; together they would loop."""

    def setUp(self):
        if connection.vendor != "postgresql":
            self.skipTest("concurrent writers are only meaningful on PostgreSQL; SQLite serialises them")
        self.world = build_world()
        self.inspection, self.batch, self.cases = build_cases(self.world)

    def race(self, pairs: list[tuple[str, str]]) -> list[str]:
        barrier = threading.Barrier(len(pairs))
        outcomes: list[str] = []
        errors: list[BaseException] = []

        def link(source: str, target: str) -> None:
            from django.db import connections

            try:
                barrier.wait()
                actions.mark_repeat(
                    Case.objects.get(pk=self.cases[source].pk),
                    Case.objects.get(pk=self.cases[target].pk),
                    acting_user=self.world.users["office_P"],
                )
                outcomes.append("linked")
            except ValidationError:
                outcomes.append("refused")  # waited on the inspection lock, then saw the other link
            except BaseException as exc:  # reported by the assertion below
                errors.append(exc)
            finally:
                connections.close_all()

        threads = [threading.Thread(target=link, args=pair) for pair in pairs]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        self.assertEqual(errors, [])
        return outcomes

    def test_one_of_two_opposite_links_wins(self):
        outcomes = self.race([("a1", "co"), ("co", "a1")])
        self.assertEqual(sorted(outcomes), ["linked", "refused"])
        self.assertEqual(Case.objects.filter(repeat_of__isnull=False).count(), 1)
        self.assertTrue(no_cycle(self.inspection.pk))

    def test_two_links_closing_a_longer_loop_do_not_both_win(self):
        # b1 → co and land → a1 exist; a1 → b1 and co → land together would close a1 → b1 → co → land → a1,
        # though the two links share no case (locking only the linked cases would let both through).
        office = self.world.users["office_P"]
        actions.mark_repeat(self.cases["b1"], self.cases["co"], acting_user=office)
        actions.mark_repeat(self.cases["land"], self.cases["a1"], acting_user=office)
        outcomes = self.race([("a1", "b1"), ("co", "land")])
        self.assertEqual(sorted(outcomes), ["linked", "refused"])
        self.assertTrue(no_cycle(self.inspection.pk))


class RepeatPageTests(CasesWorldTestCase):
    def url(self, key: str) -> str:
        return reverse("cases:case_repeat", args=[self.cases[key].pk])

    def post(self, key: str, **data):
        version = Case.objects.get(pk=self.cases[key].pk).version
        return self.client.post(self.url(key), {"version": version, **data})

    def test_personas(self):
        office = self.world.users["office_P"]
        actions.mark_repeat(self.cases["co"], self.cases["a1"], acting_user=office)
        for persona, status, can_handle in [
            ("office_P", 200, True),
            ("unit_A1", 200, True),  # assigned to co
            ("reviewer_A", 200, False),  # sees, may not change
            ("unit_B1", 404, None),
            ("supervisor_Aeco", 404, None),
        ]:
            with self.subTest(persona=persona):
                self.login(persona)
                response = self.client.get(self.url("co"), {"q": "D3HE"})
                self.assertEqual(response.status_code, status)
                if status == 200:
                    self.assertEqual(response.context["can_handle"], can_handle)
                    self.assertEqual([c.pk for _pk, c in response.context["chain"]], [self.cases["a1"].pk])
                    self.assertEqual(response.context["results"] is not None, can_handle)
                post = self.post("co", unlink="1")
                self.assertEqual(post.status_code, {200: 302 if can_handle else 403, 404: 404}[status])
                if post.status_code == 302:
                    actions.mark_repeat(self.cases["co"], self.cases["a1"], acting_user=office)
        self.client.logout()
        self.assertEqual(self.client.get(self.url("co")).status_code, 302)

    def test_search_link_and_unlink(self):
        self.login("unit_A1")
        response = self.client.get(self.url("co"), {"q": " d3he 2025"})  # normalised like case numbers
        # unit_A1 sees a1, co and coll; b1 matches the number but is not seen, co is the case itself
        self.assertEqual([c.number for c in response.context["results"]], ["D3HE202505280001"])
        response = self.post("co", repeat_of=self.cases["a1"].pk)
        self.assertRedirects(response, self.url("co"))
        self.assertEqual(Case.objects.get(pk=self.cases["co"].pk).repeat_of_id, self.cases["a1"].pk)
        page = self.client.get(self.url("a1"))
        self.assertEqual([c.pk for c in page.context["repeats"]], [self.cases["co"].pk])
        self.assertRedirects(self.post("co", unlink="1"), self.url("co"))
        self.assertIsNone(Case.objects.get(pk=self.cases["co"].pk).repeat_of_id)

    def test_refusals(self):
        self.login("unit_A1")
        self.client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"  # the messages in English
        hidden = self.post("co", repeat_of=self.cases["b1"].pk)  # not seen by unit_A1
        self.assertContains(hidden, "Choose a case of the same inspection that you see.", status_code=400)
        self.assertEqual(self.post("co").status_code, 400)  # neither a case nor unlink
        actions.mark_repeat(self.cases["a1"], self.cases["co"], acting_user=self.world.users["unit_A1"])
        loop = self.post("co", repeat_of=self.cases["a1"].pk)
        self.assertContains(loop, "the links would go round", status_code=400)
        Case.objects.filter(pk=self.cases["co"].pk).update(version=5)  # saved by someone else meanwhile
        stale = self.client.post(self.url("co"), {"version": 1, "repeat_of": self.cases["coll"].pk})
        self.assertEqual(stale.status_code, 409)
        self.assertIsNone(Case.objects.get(pk=self.cases["co"].pk).repeat_of_id)

    def test_a_case_under_acceptance_shows_why_instead_of_the_forms(self):
        office = self.world.users["office_P"]
        actions.mark_repeat(self.cases["land"], self.cases["a1"], acting_user=office)
        put_to_acceptance(self.world, self.cases["land"], "unit_Anat")
        for persona in ("office_P", "unit_Anat"):
            with self.subTest(persona=persona):
                self.login(persona)
                self.client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
                response = self.client.get(self.url("land"), {"q": "2025"})
                self.assertEqual(response.status_code, 200)
                self.assertFalse(response.context["can_handle"])
                self.assertIsNone(response.context["results"])  # no search either
                self.assertContains(response, 'data-testid="repeat-frozen"')
                self.assertContains(response, "This case is under acceptance; its repeat link waits")
                for form in ("repeat-search", "unlink-form"):
                    self.assertNotContains(response, f'data-testid="{form}"')
                self.assertEqual([pk for pk, _c in response.context["chain"]], [self.cases["a1"].pk])
                refused = self.post("land", unlink="1")
                self.assertContains(refused, "under acceptance", status_code=400)
        self.assertEqual(Case.objects.get(pk=self.cases["land"].pk).repeat_of_id, self.cases["a1"].pk)
        self.login("reviewer_A")  # reads only: no forms, and nothing to explain
        response = self.client.get(self.url("land"))
        self.assertEqual(response.status_code, 200)
        self.assertNotContains(response, 'data-testid="repeat-frozen"')

    def test_a_chain_case_the_reader_may_not_open_shows_without_its_number(self):
        office = self.world.users["office_P"]
        actions.mark_repeat(self.cases["co"], self.cases["b1"], acting_user=office)  # co → b1
        actions.mark_repeat(self.cases["b1"], self.cases["a1"], acting_user=office)  # b1 → a1
        actions.mark_repeat(self.cases["land"], self.cases["co"], acting_user=office)  # land → co
        self.login("unit_A1")
        response = self.client.get(self.url("co"))
        chain = [(pk, c.number if c else None) for pk, c in response.context["chain"]]
        self.assertEqual(chain, [(self.cases["b1"].pk, None), (self.cases["a1"].pk, "D3HE202505280001")])
        self.assertNotContains(response, "D3HE202505280003")  # b1's number
        self.assertEqual((response.context["repeats"], response.context["hidden_repeats"]), ([], 1))

    def test_queries(self):
        office = self.world.users["office_P"]
        actions.mark_repeat(self.cases["co"], self.cases["a1"], acting_user=office)
        actions.mark_repeat(self.cases["b1"], self.cases["co"], acting_user=office)
        actions.mark_repeat(self.cases["land"], self.cases["co"], acting_user=office)
        self.login("office_P")
        # 1 session, 2 user, 3 the user's unit (scope), 4 the case with its batch, 5 may handle, 6 the
        # inspection's repeat links, 7 the chain's and the repeats' cases with batches, 8 the search
        with self.assertNumQueries(8):
            response = self.client.get(self.url("co"), {"q": "2025"})
        self.assertEqual(len(response.context["repeats"]), 2)
        # b1 repeats co: linking co to it would go round, so it has no button
        loops = {c.number: c.loops for c in response.context["results"]}
        self.assertEqual(loops, {"D3HE202505280001": False, "D3HE202505280003": True, "W3HE202505280004": False})
        self.assertContains(response, f'data-testid="loops-{self.cases["b1"].pk}"')
        self.assertNotContains(response, f'data-testid="link-{self.cases["b1"].pk}"')
        # a longer chain costs no more: b1 → co → a1 from b1
        with self.assertNumQueries(8):
            response = self.client.get(self.url("b1"), {"q": "2025"})
        self.assertEqual(len(response.context["chain"]), 2)
        # 1 session, 2 user, 3 the user's unit, 4 its predecessors (scope), 5 its collectives, 6 the case,
        # 7 may handle, 8 the links, 9 the chain's and repeats' cases (no search without a query)
        self.login("unit_A1")
        with self.assertNumQueries(9):
            self.client.get(self.url("co"))
