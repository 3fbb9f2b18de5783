"""A case's responsible units and shares after import: ``set_case_units`` (who, which units, shares,
frozen cases, versions, history) and the page ``/cases/<pk>/units/`` as each persona, queries pinned."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from zhenggai.cases import actions
from zhenggai.cases.choices import CaseStatus
from zhenggai.cases.models import Case, CaseAssignment
from zhenggai.cases.tests.world import CasesWorldTestCase, put_to_acceptance
from zhenggai.core.errors import ConflictError


def units_of(case: Case) -> list[tuple[str, Decimal]]:
    return [(a.unit.name, a.share) for a in CaseAssignment.objects.filter(case=case).select_related("unit")]


class CaseUnitsWorldTestCase(CasesWorldTestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        # A batch of city A's (the world's batch is the province's, where every unit is inside).
        cls.city_batch = actions.create_batch(
            acting_user=cls.world.users["office_A"],
            inspection=cls.inspection,
            number=2,
            handed_over_on=date(2025, 5, 29),
            jurisdiction=cls.world.units["A"],
        )
        cls.city_case = actions.add_case(
            cls.city_batch,
            acting_user=cls.world.users["office_A"],
            number="D3HE202505280009",
            content="扬尘",
            units=[cls.world.units["A1"]],
        )

    def setUp(self):
        for case in [*self.cases.values(), self.city_case]:
            case.refresh_from_db()


class SetCaseUnitsTests(CaseUnitsWorldTestCase):
    def test_shares_given_replace_the_units_keeping_rows_of_units_kept(self):
        u, co, office = self.world.units, self.cases["co"], self.world.users["office_P"]
        kept = CaseAssignment.objects.get(case=co, unit=u["A1"])
        gone = CaseAssignment.objects.get(case=co, unit=u["A2"])
        result = actions.set_case_units(
            co,
            [(u["A1"], Decimal("0.3")), (u["Acounties"], Decimal("0.7"))],
            acting_user=office,
            expected_version=1,
        )
        self.assertEqual((result.version, co.version), (2, 2))
        self.assertEqual(units_of(co), [("甲一县", Decimal("0.3")), ("各县区政府", Decimal("0.7"))])
        self.assertTrue(CaseAssignment.objects.filter(pk=kept.pk, share=Decimal("0.3")).exists())
        self.assertFalse(CaseAssignment.objects.filter(pk=gone.pk).exists())
        last = co.history.latest("history_date", "history_id")
        self.assertEqual((last.history_change_reason, last.history_user, last.version), ("set case units", office, 2))
        deleted = CaseAssignment.history.filter(id=gone.pk, history_type="-").get()
        self.assertEqual((deleted.history_user, deleted.history_change_reason), (office, "set case units"))
        self.assertEqual(kept.history.latest("history_date", "history_id").share, Decimal("0.3"))

    def test_no_shares_means_equal_shares(self):
        u = self.world.units
        actions.set_case_units(
            self.cases["a1"],
            [u["A1"], u["A2"], u["Acounties"]],
            acting_user=self.world.users["system"],
            expected_version=1,
        )
        self.assertEqual(
            units_of(self.cases["a1"]),
            [("甲一县", Decimal("0.3334")), ("甲二县", Decimal("0.3333")), ("各县区政府", Decimal("0.3333"))],
        )
        actions.set_case_units(
            self.cases["b1"],
            [(u["B1"], None), (u["A2"], None)],
            acting_user=self.world.users["system"],
            expected_version=1,
        )
        self.assertEqual(units_of(self.cases["b1"]), [("乙一县", Decimal("0.5")), ("甲二县", Decimal("0.5"))])

    def test_the_same_units_again_change_nothing(self):
        u, co = self.world.units, self.cases["co"]
        same = actions.set_case_units(
            co, [u["A2"], u["A1"]], acting_user=self.world.users["office_P"], expected_version=1
        )  # equal shares, 0.5 each: as now
        self.assertEqual(same.version, 1)
        self.assertEqual(co.history.count(), 1)

    def test_shares_must_be_positive_at_most_four_places_and_sum_to_one(self):
        u, office = self.world.units, self.world.users["office_P"]
        for pairs in [
            [(u["A1"], Decimal("0.5")), (u["A2"], Decimal("0.4"))],  # 0.9
            [(u["A1"], Decimal("1")), (u["A2"], Decimal("0"))],  # a zero share
            [(u["A1"], Decimal("1.5")), (u["A2"], Decimal("-0.5"))],
            [(u["A1"], Decimal("0.33333")), (u["A2"], Decimal("0.66667"))],  # 5 places
            [(u["A1"], Decimal("1")), (u["A2"], None)],  # some given, some not
            [(u["A1"], Decimal("0.5")), (u["A1"], Decimal("0.5"))],  # the same unit twice
            [],
        ]:
            with self.subTest(pairs=pairs), self.assertRaises(ValidationError) as caught:
                actions.set_case_units(self.cases["co"], pairs, acting_user=office, expected_version=1)
            self.assertIn("units", caught.exception.message_dict)
        self.assertEqual(units_of(self.cases["co"]), [("甲一县", Decimal("0.5")), ("甲二县", Decimal("0.5"))])
        self.assertEqual(Case.objects.get(pk=self.cases["co"].pk).version, 1)

    def test_a_unit_outside_the_batch_jurisdiction_is_refused(self):
        u = self.world.units
        with self.assertRaises(ValidationError) as caught:
            actions.set_case_units(
                self.city_case, [u["A2"], u["B1"]], acting_user=self.world.users["office_A"], expected_version=1
            )
        self.assertIn("units", caught.exception.message_dict)
        with self.assertRaises(ValidationError):
            actions.set_case_units(
                self.city_case, [u["P"]], acting_user=self.world.users["office_A"], expected_version=1
            )
        actions.set_case_units(self.city_case, [u["A2"]], acting_user=self.world.users["office_A"], expected_version=1)
        self.assertEqual(units_of(self.city_case), [("甲二县", Decimal("1"))])

    def test_only_an_office_over_the_batch(self):
        u = self.world.units
        # office_A sees a1 (its county's) but the batch is the province's; unit_A1 handles a1; the others
        # do not see it at all.
        for persona in ("office_A", "reviewer_A", "unit_A1", "unit_B1", "office_B", "supervisor_Aeco", "no_unit"):
            with self.subTest(persona=persona), self.assertRaises(PermissionDenied):
                actions.set_case_units(
                    self.cases["a1"], [u["A2"]], acting_user=self.world.users[persona], expected_version=1
                )
        self.assertEqual(units_of(self.cases["a1"]), [("甲一县", Decimal("1"))])
        actions.set_case_units(self.city_case, [u["A2"]], acting_user=self.world.users["office_P"], expected_version=1)

    def test_a_signed_off_case_is_frozen(self):
        Case.objects.filter(pk=self.cases["a1"].pk).update(status=CaseStatus.SIGNED_OFF)  # as the chain leaves it
        with self.assertRaises(ValidationError):
            actions.set_case_units(
                self.cases["a1"], [self.world.units["A2"]], acting_user=self.world.users["office_P"], expected_version=1
            )
        self.assertEqual(units_of(self.cases["a1"]), [("甲一县", Decimal("1"))])

    def test_a_stale_version_is_a_conflict(self):
        a1, office = self.cases["a1"], self.world.users["office_P"]
        actions.record_handling(a1, acting_user=office, expected_version=1, changes={"handling": "已核查"})
        with self.assertRaises(ConflictError):
            actions.set_case_units(a1, [self.world.units["A2"]], acting_user=office, expected_version=1)
        self.assertEqual(units_of(a1), [("甲一县", Decimal("1"))])


class CaseUnitsPageTests(CaseUnitsWorldTestCase):
    def url(self, case: Case) -> str:
        return reverse("cases:case_units", args=[case.pk])

    def data(self, rows: list[tuple], *, version: int = 1, total: int | None = None) -> dict:
        data = {"version": version, "units-TOTAL_FORMS": total or len(rows), "units-INITIAL_FORMS": 0}
        for i, (unit, share) in enumerate(rows):
            data[f"units-{i}-unit"] = "" if unit is None else unit.pk
            data[f"units-{i}-share"] = "" if share is None else str(share)
        return data

    def test_personas(self):
        a1 = self.cases["a1"]
        for persona, status in [
            ("office_P", 200),  # the batch's office
            ("system", 200),
            ("office_A", 403),  # sees a1 (its county's), not over the province's batch
            ("unit_A1", 403),  # the assigned unit: sees and handles, but units are the office's
            ("reviewer_A", 403),
            ("unit_B1", 404),
            ("supervisor_Aeco", 404),
            ("no_unit", 404),
        ]:
            with self.subTest(persona=persona):
                self.login(persona)
                self.assertEqual(self.client.get(self.url(a1)).status_code, status)
                post = self.client.post(self.url(a1), self.data([(self.world.units["A2"], None)]))
                self.assertEqual(post.status_code, 302 if status == 200 else status)
                if post.status_code == 302:  # put back for the next persona
                    self.client.post(self.url(a1), self.data([(self.world.units["A1"], None)], version=2))
                    Case.objects.filter(pk=a1.pk).update(version=1)
        self.login("office_A")
        self.assertEqual(self.client.get(self.url(self.city_case)).status_code, 200)
        self.client.logout()
        self.assertEqual(self.client.get(self.url(a1)).status_code, 302)

    def test_the_form_shows_the_units_now_and_picks_from_the_jurisdiction(self):
        self.login("office_A")
        response = self.client.get(self.url(self.city_case))
        formset = response.context["formset"]
        self.assertEqual(len(formset.forms), 3)  # the unit now and two empty rows
        self.assertEqual(formset.forms[0].initial["unit"], self.world.units["A1"].pk)
        offered = {label.strip("\u3000") for pk, label in formset.forms[0].fields["unit"].choices if pk}
        u = self.world.units
        self.assertIn(u["A"].name, offered)
        self.assertIn(u["Acounties"].name, offered)
        self.assertNotIn(u["Aland"].name, offered)  # succeeded (inactive): not offered for new rows
        self.assertNotIn(u["B1"].name, offered)
        self.assertNotIn(u["P"].name, offered)

    def test_save_with_shares_and_with_an_empty_row(self):
        u = self.world.units
        self.login("office_P")
        rows = [(u["A2"], Decimal("0.25")), (None, None), (u["A1dept"], Decimal("0.75"))]
        response = self.client.post(self.url(self.cases["co"]), self.data(rows))
        self.assertRedirects(response, self.url(self.cases["co"]))
        self.assertEqual(units_of(self.cases["co"]), [("甲二县", Decimal("0.25")), ("甲一县住建局", Decimal("0.75"))])
        self.assertEqual(Case.objects.get(pk=self.cases["co"].pk).version, 2)

    def test_refusals(self):
        u, co = self.world.units, self.cases["co"]
        self.login("office_P")
        self.client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
        twice = self.client.post(self.url(co), self.data([(u["A1"], None), (u["A1"], None)]))
        self.assertContains(twice, "A unit is named more than once.", status_code=400)
        empty = self.client.post(self.url(co), self.data([(None, None)]))
        self.assertContains(empty, "Name at least one responsible unit.", status_code=400)
        no_unit = self.client.post(self.url(co), self.data([(u["A1"], "1"), (None, "0.5")]))
        self.assertContains(no_unit, "Choose the unit of this share.", status_code=400)
        sums = self.client.post(self.url(co), self.data([(u["A1"], "0.5"), (u["A2"], "0.4")]))
        self.assertContains(sums, "must add up to 1", status_code=400)  # the action's message
        mixed = self.client.post(self.url(co), self.data([(u["A1"], "1"), (u["A2"], None)]))
        self.assertContains(mixed, "or none for equal shares", status_code=400)
        self.assertEqual(self.client.post(self.url(co), self.data([(u["A1"], None)], version=0)).status_code, 400)
        self.assertEqual(units_of(co), [("甲一县", Decimal("0.5")), ("甲二县", Decimal("0.5"))])
        self.login("office_A")
        foreign = self.client.post(self.url(self.city_case), self.data([(u["B1"], None)]))
        self.assertEqual(foreign.status_code, 400)  # not a choice of city A's picker
        self.assertEqual(units_of(self.city_case), [("甲一县", Decimal("1"))])

    def test_a_stale_form_is_a_conflict(self):
        self.login("office_P")
        actions.record_handling(
            self.cases["a1"], acting_user=self.world.users["unit_A1"], expected_version=1, changes={"handling": "x"}
        )
        response = self.client.post(self.url(self.cases["a1"]), self.data([(self.world.units["A2"], None)]))
        self.assertEqual(response.status_code, 409)
        self.assertEqual(units_of(self.cases["a1"]), [("甲一县", Decimal("1"))])
        self.assertEqual(response.context["formset"].forms[0].initial["unit"], self.world.units["A1"].pk)

    def test_a_signed_off_case_shows_no_form(self):
        Case.objects.filter(pk=self.cases["a1"].pk).update(status=CaseStatus.SIGNED_OFF)
        self.login("office_P")
        response = self.client.get(self.url(self.cases["a1"]))
        self.assertIsNone(response.context["formset"])
        self.assertContains(response, 'data-testid="case-units-frozen"')
        post = self.client.post(self.url(self.cases["a1"]), self.data([(self.world.units["A2"], None)]))
        self.assertEqual(post.status_code, 400)
        self.assertEqual(units_of(self.cases["a1"]), [("甲一县", Decimal("1"))])

    def test_a_case_under_acceptance_shows_why_and_refuses_a_post(self):
        land = self.cases["land"]
        put_to_acceptance(self.world, land, "unit_Anat")
        before = units_of(land)
        self.login("office_P")
        self.client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
        # 1 session, 2 user, 3 the user's unit (scope), 4 the case with batch, jurisdiction and whether it is
        # under acceptance, 5 may manage the batch, 6 the assignments with units (no picker: no form)
        with self.assertNumQueries(6):
            response = self.client.get(self.url(land))
        self.assertIsNone(response.context["formset"])
        self.assertContains(response, 'data-testid="case-units-frozen"')
        self.assertContains(response, "This case is under acceptance; its units wait until the request returns.")
        self.assertNotContains(response, 'data-testid="case-units-form"')
        version = Case.objects.get(pk=land.pk).version
        post = self.client.post(self.url(land), self.data([(self.world.units["Anat"], None)], version=version))
        self.assertContains(post, 'data-testid="case-units-frozen"', status_code=400)
        self.assertEqual(units_of(land), before)
        self.assertEqual(Case.objects.get(pk=land.pk).version, version)

    def test_queries(self):
        self.login("office_P")
        # 1 session, 2 user, 3 the user's unit (scope), 4 the case with batch and jurisdiction (and whether it
        # is under acceptance), 5 may manage the batch, 6 the assignments with units, 7 the picker's units
        # (once for every row)
        with self.assertNumQueries(7):
            response = self.client.get(self.url(self.cases["co"]))
        self.assertEqual(len(response.context["formset"].forms), 4)
        u = self.world.units
        actions.set_case_units(
            self.cases["co"],
            [u["A1"], u["A2"], u["B1"], u["A1dept"], u["Aeco"]],
            acting_user=self.world.users["office_P"],
            expected_version=1,
        )
        with self.assertNumQueries(7):  # more units, more rows: no more queries
            response = self.client.get(self.url(self.cases["co"]))
        self.assertEqual(len(response.context["formset"].forms), 7)
