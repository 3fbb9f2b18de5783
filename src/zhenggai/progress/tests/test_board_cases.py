"""The dashboard's complaint-case (信访件) and accountability (责任追究) blocks: per persona, the numbers
against ``cases.stats`` and ``accountability.stats``, where they link, and a query count that does not grow.

The world: the cases of ``cases.tests.world`` (a1, co, b1, coll, land) and the transferred problems of
``accountability.tests.world`` (A: 甲市 with two persons, B: 乙市 with one, X: the province's, none). On
2025-06-10 (``TODAY``): a1 and co are due yesterday and still in progress (overdue), b1 due today, coll
closed, land signed off. Statuses are written straight to the rows (the handling actions are tested
elsewhere).
"""

from __future__ import annotations

import re
from datetime import date, timedelta
from decimal import Decimal

from django.urls import reverse

from zhenggai.accountability import actions as accountability
from zhenggai.accountability.choices import Rank, Sanction
from zhenggai.accountability.models import TransferredProblem
from zhenggai.accountability.stats import for_problems
from zhenggai.accountability.tests.world import AccountabilityWorldTestCase
from zhenggai.accounts.choices import Role
from zhenggai.accounts.models import User
from zhenggai.cases import actions as cases
from zhenggai.cases.choices import CaseStatus, Findings
from zhenggai.cases.models import Case
from zhenggai.cases.stats import case_counts, case_list_url
from zhenggai.cases.tests.world import build_cases
from zhenggai.ledger import actions as ledger
from zhenggai.ledger.choices import InspectionKind
from zhenggai.organizations import actions as org
from zhenggai.organizations.choices import UnitLevel
from zhenggai.testing import frozen_at

URL = reverse("progress:dashboard")
TODAY = date(2025, 6, 10)
LIST = reverse("cases:case_list")


def tiles(response, testid: str) -> dict[str, int]:
    """{key: count} of the ``data-testid`` items of a block."""
    pattern = rf'data-testid="{testid}" data-key="(\w+)" data-count="(\d+)"'
    return {key: int(n) for key, n in re.findall(pattern, response.content.decode())}


class BoardCasesWorld(AccountabilityWorldTestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.case_inspection, cls.batch, cls.cases = build_cases(cls.world)
        yesterday = TODAY - timedelta(days=1)
        rows = {
            "a1": (yesterday, CaseStatus.IN_PROGRESS, Findings.TRUE),
            "co": (yesterday, CaseStatus.IN_PROGRESS, ""),
            "b1": (TODAY, CaseStatus.IN_PROGRESS, ""),
            "coll": (yesterday, CaseStatus.CLOSED, Findings.PARTLY),
            "land": (yesterday, CaseStatus.SIGNED_OFF, Findings.UNTRUE),
        }
        for key, (due, status, findings) in rows.items():
            Case.objects.filter(pk=cls.cases[key].pk).update(due_date=due, status=status, findings=findings)
        # An office of a third city: it opens the dashboard and sees neither cases nor transferred problems.
        system = cls.world.users["system"]
        city = org.create_unit(acting_user=system, name="丙市", level=UnitLevel.CITY, parent=cls.world.units["P"])
        cls.outsider = User.objects.create_user("office_c", password="x", role=Role.OFFICE, unit=city)

    def get(self, persona: str, **params):
        user = self.outsider if persona == "outsider" else self.world.users[persona]
        self.client.force_login(user)
        with frozen_at(TODAY):
            return self.client.get(URL, params)


class CaseBlockTests(BoardCasesWorld):
    def test_the_office_sees_the_numbers_of_cases_stats(self):
        user = self.world.users["office_A"]
        response = self.get("office_A")
        self.assertEqual(response.status_code, 200)
        block = response.context["cases"]
        with frozen_at(TODAY):
            expected = case_counts(Case.objects.visible_to(user))
        self.assertEqual(block["counts"].to_dict(), expected.to_dict())
        self.assertContains(response, 'data-testid="cases-block" data-total="4"')  # a1, co, coll, land
        self.assertEqual(tiles(response, "cases-count"), {"in_progress": 2, "overdue": 2, "signed_off": 1})
        rate = 'data-testid="cases-rate" data-rate="all" data-numerator="2" data-denominator="4"'
        self.assertContains(response, rate)  # coll closed, land signed off
        # 办结 over the cases found true or partly true (a1 and coll): coll
        self.assertContains(response, 'data-rate="verified_true" data-numerator="1" data-denominator="2"')

    def test_every_number_links_to_its_rows(self):
        body = self.get("office_P").content.decode()
        for url in (
            LIST,
            f"{LIST}?status=in_progress",
            f"{LIST}?overdue=1",
            f"{LIST}?status=signed_off",
            f"{LIST}?status=closed&amp;status=signed_off",
            f"{LIST}?status=closed&amp;status=signed_off&amp;findings=true&amp;findings=partly",
            f"{LIST}?findings=true&amp;findings=partly",
            reverse("cases:statistics"),
        ):
            with self.subTest(url=url):
                self.assertIn(f'href="{url}"', body)

    def test_each_tile_lists_the_cases_it_counts(self):
        response = self.get("office_P")
        expected = {"in_progress": {"a1", "co", "b1"}, "overdue": {"a1", "co"}, "signed_off": {"land"}}
        for tile in response.context["cases"]["tiles"]:
            with self.subTest(tile=tile["key"]), frozen_at(TODAY):
                listed = self.client.get(tile["url"])
                shown = {c.pk for c in listed.context["page"].object_list}
                self.assertEqual(shown, {self.cases[key].pk for key in expected[tile["key"]]})
                self.assertEqual(len(shown), tile["count"])
        self.assertEqual(case_list_url(overdue="1"), f"{LIST}?overdue=1")

    def test_the_figures_are_todays_whatever_the_as_of_date(self):
        response = self.get("office_P", as_of="2025-06-01")
        self.assertEqual(response.context["as_of"], date(2025, 6, 1))
        self.assertEqual(tiles(response, "cases-count")["overdue"], 2)

    def test_each_persona_sees_its_own_cases(self):
        expected = {
            "system": 5,
            "office_P": 5,
            "office_A": 4,
            "reviewer_A": 4,  # reviewers read the cases of their subtree
            "office_B": 1,  # b1 only: none of city A's cases
        }
        for persona, total in expected.items():
            with self.subTest(persona=persona):
                self.assertContains(self.get(persona), f'data-testid="cases-block" data-total="{total}"')
        self.assertEqual(tiles(self.get("office_B"), "cases-count"), {"in_progress": 1, "overdue": 0, "signed_off": 0})

    def test_an_office_that_sees_no_case_gets_no_block(self):
        response = self.get("outsider")
        self.assertEqual(response.status_code, 200)
        self.assertIsNone(response.context["cases"])
        self.assertNotContains(response, 'data-testid="cases-block"')

    def test_units_and_supervisors_do_not_open_the_dashboard(self):
        for persona in ("unit_A1", "unit_B1", "supervisor_Aeco"):
            with self.subTest(persona=persona):
                response = self.get(persona)
                self.assertEqual(response.status_code, 403)
                self.assertNotContains(response, "cases-block", status_code=403)


class AccountabilityBlockTests(BoardCasesWorld):
    def test_the_province_office_sees_every_person_by_rank_and_sanction(self):
        response = self.get("office_P")
        self.assertContains(response, 'data-testid="accountability-block" data-problems="3" data-persons="3"')
        self.assertEqual(tiles(response, "accountability-rank"), {"bureau": 1, "division": 1, "section": 1})
        self.assertEqual(
            tiles(response, "accountability-sanction"),
            {"disciplinary": 1, "admonition": 1, "organizational": 0, "other": 1},
        )
        numbers = for_problems(TransferredProblem.objects.visible_to(self.world.users["office_P"]))
        self.assertEqual(response.context["accountability"]["persons"], len(numbers.person_ids))

    def test_the_numbers_link_to_the_inspections_rows(self):
        response = self.get("office_A")  # problem A only: 2 persons
        self.assertContains(response, 'data-testid="accountability-block" data-problems="1" data-persons="2"')
        page = reverse("accountability:inspection_detail", args=[self.inspection.pk])
        body = response.content.decode()
        for show in ("problems", "persons", "rank:division", "sanction:admonition"):
            with self.subTest(show=show):
                self.assertIn(f'href="{page}?show={show.replace(":", "%3A")}"', body)
        # following a rank's link lists exactly the persons counted
        self.client.force_login(self.world.users["office_A"])
        section = next(t for t in response.context["accountability"]["ranks"] if t["key"] == Rank.SECTION)
        shown = self.client.get(section["url"]).context["shown_persons"]
        self.assertEqual([p.pk for p in shown], [self.person["hidden"].pk])

    def test_several_inspections_link_to_the_index(self):
        # the world has one inspection: a second one with a problem of its own
        second = ledger.create_inspection(
            acting_user=self.world.users["system"],
            team="省第二督察组",
            inspected_unit=self.world.units["P"],
            kind=InspectionKind.ROUTINE,
        )
        accountability.create_transferred_problem(
            second, acting_user=self.world.users["office_P"], number="1", title="又一问题", handling_unit_text="省纪委"
        )
        response = self.get("office_P")
        self.assertEqual(response.context["accountability"]["persons_url"], reverse("accountability:index"))

    def test_reviewers_and_outsiders_get_no_block(self):
        for persona in ("reviewer_A", "outsider"):
            with self.subTest(persona=persona):
                response = self.get(persona)
                self.assertEqual(response.status_code, 200)
                self.assertIsNone(response.context["accountability"])
                self.assertNotContains(response, 'data-testid="accountability-block"')

    def test_the_other_city_sees_only_its_problem(self):
        response = self.get("office_B")
        self.assertContains(response, 'data-testid="accountability-block" data-problems="1" data-persons="1"')
        self.assertEqual(tiles(response, "accountability-rank"), {"bureau": 1, "division": 0, "section": 0})


class BlockQueryCountTests(BoardCasesWorld):
    def test_the_blocks_cost_the_same_however_many_rows(self):
        self.get("office_P")  # signed in, session warm
        # 1 session, 2 user, 3 user's unit (scope),
        # 4–11 ledger_state: problems, measures, schedules, plans, history of the signed-off problem,
        # extensions then, revisions then, reports then,
        # 12 current run, 13 lead units, 14 plans with their schedules and inspections (the inspection's
        # feedback date starts a plan without a schedule or issue date: read with the plan, not once per
        # plan), 15 first submissions, 16 latest run (job health),
        # 17 the units of the office's subtree, 18 the ids of the cases it sees, 19 those cases counted,
        # 20 the transferred problems it sees (counted), 21 their persons (counted)
        with frozen_at(TODAY), self.assertNumQueries(21):
            self.client.get(URL)
        office, u = self.world.users["office_P"], self.world.units
        for i in range(4):
            cases.add_case(
                self.batch,
                acting_user=office,
                number=f"D3HE2025052801{i:02d}",
                content=f"追加{i}",
                units=[(u["A1"], Decimal("0.5")), (u["A2"], Decimal("0.5"))],
                region=u["A1"],
            )
            accountability.add_person(
                self.tp["X"],
                acting_user=office,
                name=f"追加{i}",
                post="某局",
                rank=Rank.SECTION,
                sanction=Sanction.OTHER,
            )
        with frozen_at(TODAY), self.assertNumQueries(21):
            more = self.client.get(URL)
        self.assertContains(more, 'data-testid="cases-block" data-total="9"')
        self.assertContains(more, 'data-persons="7"')
