"""The to-do page of responsible and supervising units, on 2026-03-15 (the March window opens on the 25th)."""

from __future__ import annotations

import re
from datetime import date

from django.urls import reverse

from zhenggai.progress import actions
from zhenggai.progress.jobs import run_warning_scan
from zhenggai.progress.models import WarningItem
from zhenggai.progress.tests.test_board_world import BoardTestCase

URL = reverse("progress:todo")


def todo_rows(response) -> dict[tuple[int, int | None], dict]:
    """(problem, measure or None) → the row's data attributes."""
    found = {}
    for attributes in re.findall(r'<tr data-testid="todo-row" ([^>]*)>', response.content.decode()):
        data = dict(re.findall(r'data-([\w-]+)="([^"]*)"', attributes))
        found[(int(data["problem"]), int(data["measure"]) if data["measure"] else None)] = data
    return found


class TodoAccessTestCase(BoardTestCase):
    def test_anonymous_visitors_are_sent_to_sign_in(self):
        self.assertRedirects(self.client.get(URL), f"{reverse('login')}?next={URL}")

    def test_offices_and_reviewers_use_the_dashboard_instead(self):
        for persona in ("office_A", "office_B", "reviewer_A"):
            with self.subTest(persona=persona):
                self.login(persona)
                self.assertEqual(self.client.get(URL).status_code, 403)

    def test_each_unit_sees_only_its_own_open_items(self):
        expected = {
            "unit_A1": {(self.pk("a1"), self.a1_measure.pk), (self.pk("coll"), None)},
            "unit_B1": {(self.pk("b1"), None)},
            "supervisor_Aeco": {(self.pk("a1"), self.a1_measure.pk)},
            # the successor sees the signed-off task it inherited, but there is nothing left to do on it
            "unit_Anat": {(self.pk("land_open"), None)},
        }
        for persona, keys in expected.items():
            with self.subTest(persona=persona):
                self.login(persona)
                response = self.client.get(URL)
                self.assertEqual(response.status_code, 200)
                self.assertEqual(set(todo_rows(response)), keys)


class TodoContentTestCase(BoardTestCase):
    def setUp(self):
        super().setUp()
        self.login("unit_A1")

    def test_what_is_reported_what_is_due_and_what_is_late(self):
        response = self.client.get(URL)
        found = todo_rows(response)
        measure = found[(self.pk("a1"), self.a1_measure.pk)]
        self.assertEqual((measure["reported"], measure["due"], measure["missed"]), ("1", "0", "0"))
        self.assertEqual(measure["pace"], "on_pace")
        collective = found[(self.pk("coll"), None)]
        self.assertEqual((collective["reported"], collective["due"], collective["missed"]), ("0", "1", "2"))
        self.assertEqual(collective["pace"], "long_term")
        self.assertContains(response, 'data-testid="due-count" data-count="1"')
        self.assertContains(response, 'data-testid="late-count" data-count="1"')
        self.assertEqual(response.context["rows"][0].period.start, date(2026, 3, 1))

    def test_warnings_are_computed_without_a_run_for_today(self):
        rows = {(row.problem.pk, row.measure): row for row in self.client.get(URL).context["rows"]}
        warnings = rows[(self.pk("coll"), None)].warnings
        self.assertEqual([(w["kind"], w["grade"]) for w in warnings], [("no_report", "red")])

    def test_warnings_of_todays_run_are_shown_when_there_is_one(self):
        run = run_warning_scan(date(2026, 3, 15), trigger="manual")
        self.assertContains(self.client.get(URL), 'data-kind="no_report" data-grade="red"')
        WarningItem.objects.filter(run=run, problem=self.world.problems["coll"]).delete()
        self.assertNotContains(self.client.get(URL), 'data-kind="no_report" data-grade="red"')

    def test_rows_link_to_the_report_form_and_the_extension_request(self):
        body = self.client.get(URL).content.decode()
        report = f"/progress/problems/{self.pk('a1')}/report/?measure={self.a1_measure.pk}"
        self.assertIn(f'data-testid="report-link" href="{report}"', body)
        self.assertIn(f'data-testid="report-link" href="/progress/problems/{self.pk("coll")}/report/"', body)
        extension = reverse("progress:extension_new", args=[self.pk("a1")])
        self.assertIn(f'href="{extension}?measure={self.a1_measure.pk}"', body)

    def test_a_pending_extension_is_shown_on_its_row(self):
        extension = actions.request_extension(
            self.world.problems["coll"],
            acting_user=self.world.users["unit_A1"],
            requested_raw="2026年12月31日前",
            reasons="汛期无法施工",
        )
        response = self.client.get(URL)
        self.assertContains(response, f'data-testid="pending-extension" data-extension="{extension.pk}"')
        self.assertContains(response, "2026年12月31日前")

    def test_a_supervisor_gets_no_report_links(self):
        self.login("supervisor_Aeco")
        response = self.client.get(URL)
        self.assertNotContains(response, 'data-testid="report-link"')
        self.assertNotContains(response, 'data-testid="extension-link"')
