"""The acceptance inbox: steps to decide, ended notices and open objections for offices, one's own requests."""

from __future__ import annotations

import re

from django.urls import reverse

from zhenggai.acceptance import actions
from zhenggai.acceptance.tests.view_world import ALL_MET, ASKED, CLOSED, PERSONAS, AcceptanceViewTestCase, at


class InboxViewTestCase(AcceptanceViewTestCase):
    url = reverse("acceptance:inbox")

    def rows(self, persona: str, testid: str, attr: str = "request") -> list[int]:
        self.client.force_login(self.user(persona))
        response = self.client.get(self.url)
        self.assertEqual(response.status_code, 200)
        return [int(pk) for pk in re.findall(rf'data-testid="{testid}" data-{attr}="(\d+)"', response.content.decode())]

    def test_every_signed_in_user_has_an_inbox(self):
        self.assert_personas(self.url, dict.fromkeys(PERSONAS, 200))

    def test_a_request_waits_for_the_city_and_appears_in_the_units_own_list(self):
        request = self.ask()
        for persona, expected in {
            "office_A": [request.pk],
            "reviewer_A": [request.pk],
            "office_P": [],
            "unit_A1": [],
            "supervisor_Aeco": [],
            "unit_B1": [],
        }.items():
            with self.subTest(persona=persona):
                self.assertEqual(self.rows(persona, "to-decide-row"), expected)
        self.assertEqual(self.rows("unit_A1", "own-row"), [request.pk])
        self.assertEqual(self.rows("unit_B1", "own-row"), [])
        self.assertEqual(self.rows("office_A", "own-row"), [])

    def test_the_office_sees_open_objections_and_ended_notices(self):
        request = self.ask()
        self.city(request)
        objection = self.object_to(request)
        notice = actions.current_notice(request)
        self.assertEqual(self.rows("office_A", "objection-row", "objection"), [objection.pk])
        self.assertEqual(self.rows("office_A", "notice-row", "notice"), [])  # the window still runs
        self.assertEqual(self.rows("reviewer_A", "objection-row", "objection"), [])
        self.assertEqual(self.rows("unit_A1", "objection-row", "objection"), [])
        with at(CLOSED):
            self.assertEqual(self.rows("office_A", "notice-row", "notice"), [notice.pk])
            self.assertEqual(self.rows("office_P", "notice-row", "notice"), [notice.pk])
            self.assertEqual(self.rows("reviewer_A", "notice-row", "notice"), [])
            self.client.force_login(self.user("office_A"))
            self.assertContains(self.client.get(self.url), 'data-open-objections="1"')

    def test_after_the_notice_the_province_signs_off(self):
        request = self.ask()
        self.city(request)
        self.close(request)
        with at(CLOSED):
            self.assertEqual(self.rows("office_P", "to-decide-row"), [request.pk])
            self.assertEqual(self.rows("office_A", "to-decide-row"), [])
            self.assertEqual(self.rows("office_A", "notice-row", "notice"), [])

    def test_other_counties_requests_stay_out_of_sight(self):
        with at(ASKED):
            other = actions.request_acceptance(
                self.world.problems["a2"],
                acting_user=self.user("unit_A2"),
                report="甲二县自查",
                signed_by_head="孙县长",
                checklist=ALL_MET,
            )
        self.assertEqual(self.rows("unit_A1", "own-row"), [])
        self.assertEqual(self.rows("unit_A1", "to-decide-row"), [])
        self.assertEqual(self.rows("reviewer_A", "to-decide-row"), [other.pk])
        self.assertEqual(self.rows("unit_B1", "to-decide-row"), [])
