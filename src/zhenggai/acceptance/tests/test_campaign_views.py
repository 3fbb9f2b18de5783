"""The look-back pages (回头看): campaigns listed with their counts, started from a form, findings recorded.

Reviewers get 403 like every role but offices and administrators: the campaign actions accept only
those two (see ``views.campaigns``).
"""

from __future__ import annotations

from datetime import date
from html.parser import HTMLParser
from unittest import mock

from django.urls import reverse

from zhenggai.acceptance.campaign_forms import finding_prefix
from zhenggai.acceptance.campaigns import campaign_counts, create_campaign, record_finding
from zhenggai.acceptance.choices import FindingResult, ReopenKind
from zhenggai.acceptance.models import LookbackCampaign, LookbackFinding, Reopening
from zhenggai.acceptance.tests.view_world import ASKED, AcceptanceViewTestCase, at
from zhenggai.acceptance.views.campaigns import campaigns_with_counts
from zhenggai.core.errors import ConflictError
from zhenggai.ledger import actions as ledger
from zhenggai.ledger.choices import AssignmentRole, ItemStatus

LOOKBACK = date(2026, 3, 12)  # the day after the chain helpers sign a1 off
LIST_URL = reverse("acceptance:campaign_list")
NEW_URL = reverse("acceptance:campaign_new")


def tagged(response, testid: str) -> list[dict[str, str]]:
    """The attributes of each element of the page with ``data-testid=testid``, in document order."""
    found: list[dict[str, str]] = []
    parser = HTMLParser()
    parser.handle_starttag = lambda tag, attrs: found.append({name: value or "" for name, value in attrs})
    parser.feed(response.content.decode())
    return [attrs for attrs in found if attrs.get("data-testid") == testid]


def counts_of(attrs: dict[str, str]) -> dict[str, int]:
    return {key: int(attrs[f"data-{key}"]) for key in ("checked", "passed", "failed", "pending", "reopened")}


class CampaignViewTestCase(AcceptanceViewTestCase):
    today = LOOKBACK

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        w = cls.world
        system = w.users["system"]
        with at(ASKED):
            # A category of plan A with one problem of its own (lead: county A2).
            cls.category = ledger.add_category(w.plans["A"], acting_user=system, title="专项督察反馈问题")
            cls.cat1 = ledger.create_problem(w.plans["A"], acting_user=system, title="问题cat1", category=cls.category)
            ledger.assign(cls.cat1, AssignmentRole.LEAD, unit=w.units["A2"], acting_user=system)
            # Signed off directly, not through the acceptance chain: a campaign only needs signed-off
            # items, and driving five problems through the chain would make every test pay for it.
            # a1 goes through the chain (``signed_off_request``) in the test that reopens it.
            for problem in (cls.cat1, *(w.problems[key] for key in ("a2", "coll", "a1dept", "b1"))):
                ledger.sign_off_problem(problem, acting_user=system, reason="setup")
        # With land_done (signed off in the world), city A has five signed-off problems, city B one.

    def campaign(self, persona: str = "office_A", jurisdiction: str = "A", **filters) -> LookbackCampaign:
        units = self.world.units
        return create_campaign(
            acting_user=self.user(persona), name="回头看", jurisdiction=units[jurisdiction], **filters
        )

    def detail_url(self, campaign: LookbackCampaign) -> str:
        return reverse("acceptance:campaign_detail", args=[campaign.pk])

    def record_url(self, finding: LookbackFinding) -> str:
        return reverse("acceptance:finding_record", args=[finding.pk])

    def record_data(self, finding: LookbackFinding, result: str, text: str = "") -> dict[str, str]:
        prefix = finding_prefix(finding.pk)
        return {f"{prefix}-result": result, f"{prefix}-finding": text}

    def finding_of(self, campaign: LookbackCampaign, problem) -> LookbackFinding:
        return campaign.findings.get(problem=problem)


class PersonaTestCase(CampaignViewTestCase):
    def test_the_list_and_the_form_are_for_offices_and_administrators(self):
        expected = dict.fromkeys(("office_A", "office_P", "office_B", "system"), 200) | dict.fromkeys(
            ("reviewer_A", "unit_A1", "unit_B1", "supervisor_Aeco", "no_unit"), 403
        )
        self.assert_personas(LIST_URL, expected)
        self.assert_personas(NEW_URL, expected)

    def test_a_campaign_is_seen_by_the_offices_over_its_jurisdiction(self):
        expected = dict.fromkeys(("office_A", "office_P", "system"), 200) | {"office_B": 404}
        expected |= dict.fromkeys(("unit_A1", "reviewer_A", "supervisor_Aeco"), 403)
        self.assert_personas(self.detail_url(self.campaign()), expected)
        self.assertEqual(self.status_as("office_A", reverse("acceptance:campaign_detail", args=[999999])), 404)
        self.assertEqual(self.status_as("office_A", self.detail_url(self.campaign("office_P", "P"))), 404)

    def test_only_those_offices_record_findings(self):
        finding = self.finding_of(self.campaign(), self.world.problems["a2"])
        data = self.record_data(finding, FindingResult.PASSED)
        self.assert_personas(
            self.record_url(finding),
            {"office_B": 404, "unit_A1": 403, "reviewer_A": 403, "supervisor_Aeco": 403},
            method="post",
            data=data,
        )
        finding.refresh_from_db()
        self.assertEqual(finding.result, FindingResult.PENDING)
        self.assertEqual(self.status_as("office_A", self.record_url(finding)), 405)  # POST only

    def test_the_inbox_links_to_the_campaigns_for_offices_and_administrators(self):
        for persona, shown in {"office_A": 1, "system": 1, "reviewer_A": 0, "unit_A1": 0}.items():
            with self.subTest(persona=persona):
                self.client.force_login(self.user(persona))
                response = self.client.get(reverse("acceptance:inbox"))
                self.assertEqual(len(tagged(response, "campaigns-link")), shown)


class ListTestCase(CampaignViewTestCase):
    def listed(self, persona: str) -> list[int]:
        self.client.force_login(self.user(persona))
        response = self.client.get(LIST_URL)
        self.assertEqual(response.status_code, 200)
        return [int(row["data-campaign"]) for row in tagged(response, "campaign-row")]

    def test_each_office_lists_the_campaigns_of_its_jurisdiction_newest_first(self):
        city_a, city_b, province = self.campaign(), self.campaign("office_B", "B"), self.campaign("office_P", "P")
        self.assertEqual(self.listed("office_A"), [city_a.pk])
        self.assertEqual(self.listed("office_B"), [city_b.pk])
        self.assertEqual(self.listed("office_P"), [province.pk, city_b.pk, city_a.pk])
        self.assertEqual(self.listed("system"), [province.pk, city_b.pk, city_a.pk])

    def test_the_counts_in_one_query_agree_with_campaign_counts(self):
        office = self.user("office_A")
        first, second = self.campaign(), self.campaign(unit=self.world.units["A2"])
        empty_of_checks = self.campaign("office_P", "P", plan=self.world.plans["B"])

        for problem, result in (("a2", FindingResult.FAILED), ("coll", FindingResult.PASSED)):
            finding = self.finding_of(first, self.world.problems[problem])
            record_finding(finding, acting_user=office, result=result, text="现场复查")
        record_finding(self.finding_of(second, self.cat1), acting_user=office, result=FindingResult.FAILED, text="反弹")
        annotated = {
            c.pk: {k: getattr(c, k) for k in ("checked", "passed", "failed", "pending", "reopened")}
            for c in campaigns_with_counts(LookbackCampaign.objects.all())
        }
        for campaign in (first, second, empty_of_checks):
            with self.subTest(campaign=campaign.name):
                self.assertEqual(annotated[campaign.pk], campaign_counts(campaign))
        self.assertEqual(annotated[first.pk], {"checked": 2, "passed": 1, "failed": 1, "pending": 3, "reopened": 1})

        self.client.force_login(self.user("office_P"))
        # session, user, the user's unit (scope), the page count, the campaigns with their counts
        with self.assertNumQueries(5):
            response = self.client.get(LIST_URL)
        rows = {int(row["data-campaign"]): counts_of(row) for row in tagged(response, "campaign-row")}
        self.assertEqual(rows, {c.pk: campaign_counts(c) for c in (first, second, empty_of_checks)})
        for _ in range(3):
            self.campaign()
        with self.assertNumQueries(5):  # more campaigns, the same queries
            self.client.get(LIST_URL)


class CreateTestCase(CampaignViewTestCase):
    def post(self, persona: str = "office_A", **values):
        self.client.force_login(self.user(persona))
        data = {"name": "2026年回头看", "jurisdiction": self.world.units["A"].pk} | values
        return self.client.post(NEW_URL, {k: v for k, v in data.items() if v is not None})

    def test_a_campaign_with_a_sample_and_a_seed(self):
        response = self.post(sample=2, seed=20260302)
        campaign = LookbackCampaign.objects.get()
        self.assertRedirects(response, self.detail_url(campaign), fetch_redirect_response=False)
        self.assertEqual(
            (campaign.name, campaign.jurisdiction, campaign.created_by),
            ("2026年回头看", self.world.units["A"], self.user("office_A")),
        )
        self.assertEqual(campaign.selection, {"sample": 2, "seed": 20260302})
        drawn = set(campaign.findings.values_list("problem_id", flat=True))
        self.assertEqual(len(drawn), 2)
        again = self.campaign(sample=2, seed=20260302)  # the same seed draws the same problems
        self.assertEqual(set(again.findings.values_list("problem_id", flat=True)), drawn)
        page = self.client.get(self.detail_url(campaign))
        [selection] = tagged(page, "selection")
        self.assertEqual((selection["data-sample"], selection["data-seed"]), ("2", "20260302"))
        self.assertEqual({int(row["data-problem"]) for row in tagged(page, "finding")}, drawn)
        self.assertEqual(counts_of(tagged(page, "counts")[0])["pending"], 2)

    def test_narrowed_by_plan_unit_and_category(self):
        self.post(plan=self.world.plans["A"].pk, unit=self.world.units["A2"].pk, category=self.category.pk)
        campaign = LookbackCampaign.objects.get()
        self.assertEqual(list(campaign.findings.values_list("problem_id", flat=True)), [self.cat1.pk])
        self.assertEqual(
            campaign.selection,
            {"plan": self.world.plans["A"].pk, "unit": self.world.units["A2"].pk, "category": self.category.pk},
        )
        [selection] = tagged(self.client.get(self.detail_url(campaign)), "selection")
        self.assertEqual(selection["data-category"], str(self.category.pk))

    def test_refusals_are_shown_on_the_form(self):
        cases = {
            "name": {"name": " "},
            "seed": {"seed": 7},  # a seed without a sample
            "sample": {"sample": 0},
            "jurisdiction": {"jurisdiction": self.world.units["P"].pk},  # above the office
            "plan": {"plan": self.world.plans["B"].pk},  # not a plan of city A's office
        }
        for field, values in cases.items():
            with self.subTest(field=field):
                response = self.post(**values)
                self.assertEqual(response.status_code, 200)
                self.assertIn(field, response.context["form"].errors)
                self.assertTrue(tagged(response, f"error-{field}"))
        # The action's refusals: a category of another plan (on the field), nothing to look back on (above).
        response = self.post("system", plan=self.world.plans["B"].pk, category=self.category.pk)
        self.assertIn("category", response.context["form"].errors)
        response = self.post(jurisdiction=self.world.units["A1"].pk)  # no plan of the county's own
        self.assertTrue(response.context["form"].non_field_errors())
        self.assertTrue(tagged(response, "form-errors"))
        self.assertFalse(LookbackCampaign.objects.exists())


class FindingTestCase(CampaignViewTestCase):
    def test_a_failed_finding_reopens_the_problem_signed_off_through_the_chain(self):
        self.signed_off_request()
        self.problem.refresh_from_db()
        self.assertEqual(self.problem.status, ItemStatus.SIGNED_OFF)
        campaign = self.campaign(unit=self.world.units["A1"])  # a1 and a1dept
        finding = self.finding_of(campaign, self.problem)
        self.login("office_A")
        response = self.client.post(self.record_url(finding), self.record_data(finding, "failed", "河道再次出现黑臭"))
        self.assertRedirects(
            response, f"{self.detail_url(campaign)}#finding-{finding.pk}", fetch_redirect_response=False
        )
        finding.refresh_from_db()
        self.assertEqual(
            (finding.result, finding.finding, finding.checked_by),
            (FindingResult.FAILED, "河道再次出现黑臭", self.user("office_A")),
        )
        reopening = Reopening.objects.get(problem=self.problem)
        self.assertEqual((reopening.kind, reopening.finding), (ReopenKind.LOOKBACK, finding))
        self.problem.refresh_from_db()
        self.assertEqual(self.problem.status, ItemStatus.IN_PROGRESS)

        page = self.client.get(self.detail_url(campaign))
        rows = {int(row["data-finding"]): row for row in tagged(page, "finding")}
        self.assertEqual((rows[finding.pk]["data-result"], rows[finding.pk]["data-reopened"]), ("failed", "yes"))
        self.assertEqual(len(tagged(page, "finding-reopened")), 1)
        self.assertEqual(counts_of(tagged(page, "counts")[0]), campaign_counts(campaign))
        self.assertEqual(
            campaign_counts(campaign), {"checked": 1, "passed": 0, "failed": 1, "pending": 1, "reopened": 1}
        )
        links = {row["href"] for row in tagged(page, "finding-acceptance")}
        self.assertIn(reverse("acceptance:problem", args=[self.problem.pk]) + "#reopenings", links)
        self.assertEqual(
            [int(row["data-finding"]) for row in tagged(page, "finding-form-row")],
            [pk for pk in rows if pk != finding.pk],
        )  # a form for the pending one only

    def test_a_finding_that_holds(self):
        campaign = self.campaign()
        finding = self.finding_of(campaign, self.world.problems["coll"])
        self.login("office_P")  # the province's office checks the city's campaign too
        response = self.client.post(self.record_url(finding), self.record_data(finding, "passed", "成效巩固"))
        self.assertEqual(response.status_code, 302)
        finding.refresh_from_db()
        self.assertEqual((finding.result, finding.checked_by), (FindingResult.PASSED, self.user("office_P")))
        self.assertFalse(Reopening.objects.exists())
        page = self.client.get(self.detail_url(campaign))
        self.assertEqual(counts_of(tagged(page, "counts")[0])["passed"], 1)
        self.assertEqual({row["data-reopened"] for row in tagged(page, "finding")}, {"no"})

    def test_refusals(self):
        campaign = self.campaign()
        finding = self.finding_of(campaign, self.world.problems["a2"])
        url = self.record_url(finding)
        self.login("office_A")
        response = self.client.post(url, self.record_data(finding, "failed", "  "))  # failed needs a text
        self.assertEqual(response.status_code, 200)
        self.assertTrue(tagged(response, "error-finding"))
        response = self.client.post(url, self.record_data(finding, "pending"))
        self.assertTrue(tagged(response, "error-result"))
        finding.refresh_from_db()
        self.assertEqual(finding.result, FindingResult.PENDING)

        self.client.post(url, self.record_data(finding, "passed"))
        response = self.client.post(url, self.record_data(finding, "failed", "再查发现反弹"))  # once only
        self.assertRedirects(
            response, f"{self.detail_url(campaign)}#finding-{finding.pk}", fetch_redirect_response=False
        )
        finding.refresh_from_db()
        self.assertEqual(finding.result, FindingResult.PASSED)
        self.assertFalse(Reopening.objects.exists())

        other = self.finding_of(campaign, self.world.problems["coll"])
        raced = "zhenggai.acceptance.views.campaigns.record_finding"
        with mock.patch(raced, side_effect=ConflictError("recorded meanwhile")):  # recorded between load and save
            response = self.client.post(self.record_url(other), self.record_data(other, "passed"))
        self.assertRedirects(response, f"{self.detail_url(campaign)}#finding-{other.pk}", fetch_redirect_response=False)

    def test_the_campaign_page_reads_the_same_queries_whatever_the_findings(self):
        small, large = self.campaign(sample=1, seed=1), self.campaign()
        by_category = self.campaign(category=self.category)
        self.assertEqual([c.findings.count() for c in (small, large, by_category)], [1, 5, 1])
        finding = self.finding_of(large, self.world.problems["a2"])
        record_finding(finding, acting_user=self.user("office_A"), result=FindingResult.FAILED, text="反弹")
        self.login("office_A")
        for campaign in (small, large):
            # session, user, the user's unit (scope), the campaign, the findings (with problem, parent,
            # checker and reopening), the counts
            with self.subTest(findings=campaign.findings.count()), self.assertNumQueries(6):
                response = self.client.get(self.detail_url(campaign))
        self.assertEqual(len(tagged(response, "finding")), 5)
        self.assertEqual(len(tagged(response, "finding-form")), 4)
        with self.assertNumQueries(7):  # and one for each plan, unit or category the selection names
            self.client.get(self.detail_url(by_category))
