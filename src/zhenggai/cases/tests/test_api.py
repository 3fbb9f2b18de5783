"""/api/case-batches/ and /api/cases/: who reads which batch and case, the case's fields (units and shares,
overdue, a repeat link only when visible), the filters, recording the handling through PATCH, the lists'
fixed query counts, and the schema. The clock stands at 2025-06-09 10:00 in Shanghai: the first batch was
due on 06-08, the second is due on 06-15."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import time_machine
from django.conf import settings
from drf_spectacular.drainage import GENERATOR_STATS
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.validation import validate_schema

from zhenggai.cases import actions
from zhenggai.cases.actions import HANDLING_TEXT_FIELDS
from zhenggai.cases.api.serializers import CaseHandlingSerializer
from zhenggai.cases.models import PENALTY_FIELDS, Case
from zhenggai.cases.tests.world import EXPECTED, build_cases
from zhenggai.testing import ApiWorldTestCase, frozen_at

URL = "/api/cases/"
BATCHES = "/api/case-batches/"
NOW = datetime(2025, 6, 9, 10, tzinfo=ZoneInfo("Asia/Shanghai"))

# The world's five cases plus ``a2`` (second batch, city A, unit 甲二县).
SEES = {persona: set(keys) for persona, keys in EXPECTED.items()}
for _persona in ("system", "office_P", "office_A", "reviewer_A", "unit_A2"):
    SEES[_persona].add("a2")


def detail(case) -> str:
    return f"{URL}{case.pk}/"


@time_machine.travel(NOW, tick=False)
class CasesApiTestCase(ApiWorldTestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        w = cls.world
        cls.inspection, cls.batch, cls.cases = build_cases(w)
        cls.batch2 = actions.create_batch(
            acting_user=w.users["office_A"],
            inspection=cls.inspection,
            number=2,
            handed_over_on=date(2025, 6, 5),
            jurisdiction=w.units["A"],
        )
        cls.cases["a2"] = actions.add_case(
            cls.batch2,
            acting_user=w.users["office_A"],
            number="N3HE202506040001",
            content="反映甲二县某厂废气扰民",
            units=[w.units["A2"]],
            region=w.units["A2"],
            pollution_types=["air"],
        )
        # b1 is closed (true); co repeats b1, which unit_A1 does not see.
        actions.record_handling(
            cls.cases["b1"],
            acting_user=w.users["unit_B1"],
            expected_version=1,
            changes={"findings": "true", "status": "closed", "handling": "已责令整改", "ordered_to_correct": 1},
        )
        actions.mark_repeat(cls.cases["co"], cls.cases["b1"], acting_user=w.users["system"])

    def key_ids(self, *keys: str) -> set[int]:
        return {self.cases[key].pk for key in keys}

    def patch(self, persona: str, case, body: dict):
        return self.client.patch(detail(case), body, content_type="application/json", **self.auth(persona))


class CaseReadTestCase(CasesApiTestCase):
    def test_each_persona_lists_the_cases_it_sees(self):
        for persona, keys in SEES.items():
            with self.subTest(persona=persona):
                self.assertEqual(self.list_ids(persona, URL), self.key_ids(*keys))

    def test_anonymous_callers_are_asked_to_authenticate(self):
        for url in (URL, detail(self.cases["a1"]), BATCHES, f"{BATCHES}{self.batch.pk}/"):
            with self.subTest(url=url):
                self.assertEqual(self.client.get(url).status_code, 401)

    def test_a_case_outside_the_callers_scope_is_404(self):
        for persona in ("unit_B1", "unit_A2", "office_B", "supervisor_Aeco", "no_unit"):
            with self.subTest(persona=persona):
                self.assertEqual(self.get(persona, detail(self.cases["a1"])).status_code, 404)
        self.assertEqual(self.get("system", f"{URL}999999/").status_code, 404)

    def test_a_case_with_its_units_shares_and_handling(self):
        w = self.world
        data = self.get("office_A", detail(self.cases["co"])).json()
        self.assertEqual(
            data["assignments"],
            [
                {"unit": {"id": w.units["A1"].pk, "name": "甲一县"}, "share": "0.5000"},
                {"unit": {"id": w.units["A2"].pk, "name": "甲二县"}, "share": "0.5000"},
            ],
        )
        self.assertEqual((data["number"], data["number_valid"], data["channel"]), ("X3HE202505280002", True, "letter"))
        self.assertEqual((data["batch"], data["inspection"], data["position"]), (self.batch.pk, self.inspection.pk, 2))
        self.assertEqual(data["region"], {"id": w.units["A1"].pk, "name": "甲一县"})
        self.assertEqual(data["pollution_types"], ["noise", "water"])
        self.assertEqual((data["status"], data["findings"], data["due_date"]), ("in_progress", "", "2025-06-08"))
        self.assertEqual((data["version"], data["is_key"], data["fine_amount"]), (2, False, "0.0000"))  # repeat: v2
        self.assertTrue(set(PENALTY_FIELDS) | set(HANDLING_TEXT_FIELDS) <= set(data))
        self.assertNotIn("decisions", data)  # sign-off decisions are not part of the API

    def test_overdue_means_past_the_due_date_and_still_being_handled(self):
        rows = {row["id"]: row for row in self.get("system", URL).json()["results"]}
        overdue = {key for key, case in self.cases.items() if rows[case.pk]["overdue"]}
        self.assertEqual(overdue, {"a1", "co", "coll", "land"})  # b1 is closed; a2 is due on 06-15
        with frozen_at(date(2025, 6, 8)):  # the due day itself is not late
            self.assertFalse(self.get("system", detail(self.cases["a1"])).json()["overdue"])
        Case.objects.filter(pk=self.cases["a1"].pk).update(status="stage_closed")
        self.assertFalse(self.get("system", detail(self.cases["a1"])).json()["overdue"])

    def test_a_repeat_link_shows_only_when_the_caller_sees_the_repeated_case(self):
        self.assertEqual(self.get("office_P", detail(self.cases["co"])).json()["repeat_of"], self.cases["b1"].pk)
        self.assertIsNone(self.get("unit_A1", detail(self.cases["co"])).json()["repeat_of"])
        listed = {row["id"]: row["repeat_of"] for row in self.get("unit_A1", URL).json()["results"]}
        self.assertIsNone(listed[self.cases["co"].pk])
        self.assertIsNone(self.get("office_P", detail(self.cases["a1"])).json()["repeat_of"])

    def test_cases_are_not_created_replaced_or_deleted_through_the_api(self):
        case = self.cases["a1"]
        self.assertEqual(self.client.put(detail(case), {}, **self.auth("system")).status_code, 405)
        self.assertEqual(self.client.delete(detail(case), **self.auth("system")).status_code, 405)
        self.assertEqual(self.client.post(URL, {}, **self.auth("system")).status_code, 405)


class CaseFilterTestCase(CasesApiTestCase):
    def ids(self, params: dict, persona: str = "system") -> set[int]:
        return self.list_ids(persona, URL, params)

    def test_batch_inspection_and_region(self):
        self.assertEqual(self.ids({"batch": self.batch2.pk}), self.key_ids("a2"))
        self.assertEqual(self.ids({"batch": self.batch.pk}, "unit_A2"), self.key_ids("co", "coll"))
        self.assertEqual(self.ids({"inspection": self.inspection.pk}), self.key_ids(*SEES["system"]))
        self.assertEqual(self.ids({"region": self.world.units["A1"].pk}), self.key_ids("a1", "co"))

    def test_status_and_findings_take_several_values(self):
        self.assertEqual(self.ids({"status": "closed"}), self.key_ids("b1"))
        self.assertEqual(self.ids({"status": ["closed", "stage_closed"]}), self.key_ids("b1"))
        self.assertEqual(self.ids({"findings": "true"}), self.key_ids("b1"))
        self.assertEqual(self.ids({"findings": "none"}), self.key_ids("a1", "co", "coll", "land", "a2"))
        self.assertEqual(self.ids({"findings": ["none", "true"]}), self.key_ids(*SEES["system"]))

    def test_pollution_type_key_flag_channel_and_unit(self):
        self.assertEqual(self.ids({"pollution_type": "air"}), self.key_ids("a2"))
        self.assertEqual(self.ids({"pollution_type": "noise"}), self.key_ids("a1", "co", "b1", "coll", "land"))
        self.assertEqual(self.ids({"is_key": "true"}), self.key_ids("a1"))
        self.assertEqual(self.ids({"channel": "online"}), self.key_ids("land", "a2"))
        self.assertEqual(self.ids({"unit": self.world.units["A2"].pk}), self.key_ids("co", "a2"))

    def test_number_search_normalises_what_is_typed(self):
        self.assertEqual(self.ids({"number": "ｄ3he 2025052800"}), self.key_ids("a1", "b1"))
        self.assertEqual(self.ids({"number": "第一批"}), self.key_ids("land"))
        self.assertEqual(self.ids({"number": "0001"}, "unit_A1"), self.key_ids("a1"))

    def test_overdue(self):
        self.assertEqual(self.ids({"overdue": "true"}), self.key_ids("a1", "co", "coll", "land"))
        self.assertEqual(self.ids({"overdue": "false"}), self.key_ids("b1", "a2"))

    def test_a_hidden_batch_or_a_bad_value_is_400(self):
        self.assertEqual(self.get("office_B", URL, {"batch": self.batch2.pk}).status_code, 400)
        for params in ({"status": "signed"}, {"findings": "maybe"}, {"pollution_type": "smell"}, {"region": 0}):
            with self.subTest(params=params):
                self.assertEqual(self.get("system", URL, params).status_code, 400)


class BatchTestCase(CasesApiTestCase):
    def test_each_persona_lists_the_batches_of_the_cases_it_sees(self):
        for persona, keys in SEES.items():
            expected = {self.cases[key].batch_id for key in keys}
            with self.subTest(persona=persona):
                self.assertEqual(self.list_ids(persona, BATCHES), expected)

    def test_a_batch_counts_the_cases_the_caller_sees(self):
        counts = {row["id"]: row["case_count"] for row in self.get("office_A", BATCHES).json()["results"]}
        self.assertEqual(counts, {self.batch.pk: 4, self.batch2.pk: 1})
        row = self.get("unit_A1", f"{BATCHES}{self.batch.pk}/").json()
        self.assertEqual((row["number"], row["case_count"], row["due_date"]), (1, 3, "2025-06-08"))
        self.assertEqual(row["jurisdiction"], {"id": self.world.units["P"].pk, "name": "甲省"})

    def test_a_hidden_batch_is_404_and_the_inspection_filter(self):
        self.assertEqual(self.get("office_B", f"{BATCHES}{self.batch2.pk}/").status_code, 404)
        self.assertEqual(self.get("no_unit", f"{BATCHES}{self.batch.pk}/").status_code, 404)
        self.assertEqual(
            self.list_ids("system", BATCHES, {"inspection": self.inspection.pk}), {self.batch.pk, self.batch2.pk}
        )


class HandlingTestCase(CasesApiTestCase):
    def test_a_unit_records_its_handling_and_gets_the_case_back(self):
        case = self.cases["a1"]
        body = {"version": 1, "findings": "partly", "status": "closed", "handling": " 已关停 ", "fine_amount": "1.5"}
        response = self.patch("unit_A1", case, body)
        self.assertEqual(response.status_code, 200, response.content)
        data = response.json()
        self.assertEqual((data["status"], data["findings"], data["handling"]), ("closed", "partly", "已关停"))
        self.assertEqual((data["version"], data["fine_amount"], data["overdue"]), (2, "1.5000", False))
        case.refresh_from_db()
        self.assertEqual((case.status, case.fine_amount, case.version), ("closed", Decimal("1.5"), 2))
        latest = case.history.latest()
        self.assertEqual(
            (latest.history_user, latest.history_change_reason), (self.world.users["unit_A1"], "record handling")
        )

    def test_the_office_over_the_case_may_record_it_too(self):
        response = self.patch("office_A", self.cases["coll"], {"version": 1, "investigation": "现场核查"})
        self.assertEqual(response.status_code, 200, response.content)
        self.assertEqual(response.json()["investigation"], "现场核查")

    def test_a_stale_version_is_409_with_the_current_one(self):
        case = self.cases["co"]  # version 2 since it was marked a repeat
        self.client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"  # the message in English
        response = self.patch("unit_A2", case, {"version": 1, "status": "stage_closed"})
        self.assertEqual(response.status_code, 409)
        self.assertEqual(response.json()["current_version"], 2)
        self.assertIn("Someone else changed this case", response.json()["detail"])
        case.refresh_from_db()
        self.assertEqual((case.status, case.version), ("in_progress", 2))

    def test_a_reader_who_may_not_handle_is_403_and_a_hidden_case_404(self):
        case = self.cases["a1"]
        self.assertEqual(self.patch("reviewer_A", case, {"version": 1, "status": "closed"}).status_code, 403)
        for persona in ("unit_A2", "office_B", "supervisor_Aeco", "no_unit"):
            with self.subTest(persona=persona):
                self.assertEqual(self.patch(persona, case, {"version": 1, "status": "closed"}).status_code, 404)
        anonymous = self.client.patch(detail(case), {"version": 1}, content_type="application/json")
        self.assertEqual(anonymous.status_code, 401)
        self.assertEqual(Case.objects.get(pk=case.pk).version, 1)

    def test_invalid_input_is_400_with_the_fields_messages(self):
        case = self.cases["a1"]
        bodies = {
            "version": {"status": "closed"},
            "status": {"version": 1, "status": "signed_off"},  # signing off is not done here
            "suspended": {"version": 1, "suspended": -1},
            "fine_amount": {"version": 1, "fine_amount": "abc"},
            "non_field_errors": {"version": 1},  # nothing to change
        }
        for field, body in bodies.items():
            with self.subTest(field=field):
                response = self.patch("unit_A1", case, body)
                self.assertEqual(response.status_code, 400)
                self.assertIn(field, response.json())

    def test_a_rule_of_the_action_is_400_with_its_field(self):
        self.client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"  # the messages in English
        response = self.patch("unit_A1", self.cases["a1"], {"version": 1, "status": "closed"})
        self.assertEqual(response.status_code, 400)
        self.assertIn("closed only with its findings", response.json()["findings"][0])
        Case.objects.filter(pk=self.cases["land"].pk).update(status="signed_off")
        response = self.patch("office_A", self.cases["land"], {"version": 1, "handling": "补充"})
        self.assertEqual(response.status_code, 400)
        self.assertIn("non_field_errors", response.json())

    def test_the_input_covers_every_handling_field(self):
        expected = {"version", "findings", "status", *HANDLING_TEXT_FIELDS, *PENALTY_FIELDS}
        self.assertEqual(set(CaseHandlingSerializer().fields), expected)


class CaseListQueryCountTestCase(CasesApiTestCase):
    URL = URL
    # The token with its user (1) + count (1) + the page's cases with their region and the repeat link's
    # visibility as an EXISTS (1) + their responsible units with the units (1). A scoped user's scope adds
    # the user's unit (1), and a unit user's also its predecessors and its collectives (2).
    LIST_QUERIES = {"system": 4, "office_A": 5, "unit_A1": 7}

    def test_the_list_costs_the_same_number_of_queries_however_many_rows(self):
        before = self.assert_list_queries()
        w = self.world
        for n in range(2, 6):
            actions.add_case(
                self.batch2,
                acting_user=w.users["office_A"],
                number=f"N3HE20250604000{n}",
                content="又一件",
                units=[w.units["A1"], w.units["A2"]],
                region=w.units["A1"],
            )
        after = self.assert_list_queries()
        self.assertEqual((before["system"], after["system"]), (6, 10))
        self.assertEqual((before["unit_A1"], after["unit_A1"]), (3, 7))


class BatchListQueryCountTestCase(CasesApiTestCase):
    URL = BATCHES
    # The token with its user (1) + count (1) + the batches with their jurisdiction and the count of the
    # caller's visible cases of each (1). A scoped user's scope adds the user's unit (1), and a unit user's
    # also its predecessors and its collectives (2).
    LIST_QUERIES = {"system": 3, "office_A": 4, "unit_A1": 6}

    def test_the_list_costs_the_same_number_of_queries_however_many_rows(self):
        before = self.assert_list_queries()
        w = self.world
        for number in (3, 4):
            batch = actions.create_batch(
                acting_user=w.users["office_P"],
                inspection=self.inspection,
                number=number,
                handed_over_on=date(2025, 6, 6),
                jurisdiction=w.units["A"],
            )
            actions.add_case(
                batch,
                acting_user=w.users["office_P"],
                number=f"D3HE2025060600{number}1",
                content="又一件",
                units=[w.units["A1"]],
            )
        after = self.assert_list_queries()
        self.assertEqual((before["system"], after["system"]), (2, 4))
        self.assertEqual((before["unit_A1"], after["unit_A1"]), (1, 3))


class SchemaTestCase(ApiWorldTestCase):
    ROUTES = (
        "/api/case-batches/",
        "/api/case-batches/{id}/",
        "/api/cases/",
        "/api/cases/{id}/",
        "/api/transferred-problems/",
        "/api/transferred-problems/{id}/",
        "/api/accountable-persons/",
        "/api/accountable-persons/{id}/",
    )

    def test_the_schema_describes_the_case_and_accountability_endpoints(self):
        self.client.force_login(self.world.users["office_A"])
        response = self.client.get("/api/schema/")
        self.assertEqual(response.status_code, 200)
        document = response.content.decode()
        for route in self.ROUTES:
            with self.subTest(route=route):
                self.assertIn(f"{route}:", document)
        self.assertIn("operationId: cases_partial_update", document)
        self.assertNotIn("cases_update", document)  # no PUT

    def test_the_schema_is_valid_and_these_endpoints_add_no_warning(self):
        GENERATOR_STATS.reset()
        with GENERATOR_STATS.silence():
            schema = SchemaGenerator().get_schema(request=None, public=True)
        validate_schema(schema)
        ours = ("Case", "Batch", "Transferred", "Accountable", "collision", "multiple names")
        messages = [*GENERATOR_STATS._warn_cache, *GENERATOR_STATS._error_cache]
        self.assertEqual([m for m in messages if any(word in m for word in ours)], [])
        self.assertIn("CaseStatusEnum", schema["components"]["schemas"])
