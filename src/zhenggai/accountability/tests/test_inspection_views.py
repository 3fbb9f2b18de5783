"""The index and an inspection's accountability page: personas, statistics linked to their rows, query counts."""

from __future__ import annotations

import re

from django.urls import reverse

from zhenggai.accountability import actions
from zhenggai.accountability.choices import Rank, Sanction
from zhenggai.accountability.tests.pages import tags
from zhenggai.accountability.tests.world import AccountabilityWorldTestCase


class IndexTests(AccountabilityWorldTestCase):
    URL = reverse("accountability:index")

    def test_personas(self):
        for persona, status in {"office_P": 200, "office_A": 200, "system": 200}.items():
            with self.subTest(persona=persona):
                self.login(persona)
                self.assertEqual(self.client.get(self.URL).status_code, status)
        for persona in ("unit_A1", "reviewer_A", "supervisor_Aeco", "no_unit"):
            with self.subTest(persona=persona):
                self.login(persona)
                self.assertEqual(self.client.get(self.URL).status_code, 403)
        self.client.logout()
        self.assertRedirects(self.client.get(self.URL), f"{reverse('login')}?next={self.URL}")

    def test_counts_are_what_the_office_sees(self):
        expected = {"office_P": ("3", "3"), "office_A": ("1", "2"), "office_B": ("1", "1")}
        for persona, (problems, persons) in expected.items():
            with self.subTest(persona=persona):
                self.login(persona)
                with self.assertNumQueries(4):  # session, user, the user's unit (scope), inspections with both counts
                    page = self.client.get(self.URL)
                (row,) = tags(page.content, "inspection")
                self.assertEqual(row["data-inspection"], str(self.inspection.pk))
                self.assertIn(f'data-testid="problem-count">{problems}<', page.content.decode())
                self.assertIn(f'data-testid="person-count">{persons}<', page.content.decode())


class InspectionPageTests(AccountabilityWorldTestCase):
    def url(self, show: str = "") -> str:
        base = reverse("accountability:inspection_detail", args=[self.inspection.pk])
        return f"{base}?show={show}" if show else base

    def rows(self, persona: str, show: str = "") -> tuple[set[int], set[int]]:
        self.login(persona)
        page = self.client.get(self.url(show))
        self.assertEqual(page.status_code, 200)
        problems = {int(tag["data-problem"]) for tag in tags(page.content, "problem")}
        persons = {int(tag["data-person"]) for tag in tags(page.content, "shown-person")}
        return problems, persons

    def test_offices_see_their_share_others_404_anonymous_login(self):
        tp = self.tp
        self.assertEqual(self.rows("office_P")[0], {tp["A"].pk, tp["B"].pk, tp["X"].pk})
        self.assertEqual(self.rows("office_A")[0], {tp["A"].pk})
        self.assertEqual(self.rows("office_B")[0], {tp["B"].pk})
        for persona in ("unit_A1", "reviewer_A", "supervisor_Aeco", "no_unit"):
            with self.subTest(persona=persona):
                self.login(persona)
                self.assertEqual(self.client.get(self.url()).status_code, 404)
        self.client.logout()
        self.assertRedirects(self.client.get(self.url()), f"{reverse('login')}?next={self.url()}")

    def test_every_number_links_to_exactly_its_rows(self):
        self.login("office_P")
        page = self.client.get(self.url())
        self.assertIn("共对3人进行了追责问责，其中厅级1人、处级1人、科级以下1人", page.content.decode())
        counts = tags(page.content, "count")
        self.assertEqual(len(counts), 3 * 4 + 3 + 4 + 1 + 3 + 1)  # cells, rank totals, sanction totals, all; status
        text = page.content.decode()
        for link in counts:
            show = link["data-show"]
            number = int(re.search(rf'data-show="{re.escape(show)}">(\d+)<', text).group(1))
            problems, persons = self.rows("office_P", show)
            with self.subTest(show=show):
                about_problems = show == "problems" or show.startswith("status:")
                self.assertEqual(len(problems if about_problems else persons), number)
        hidden = self.person["hidden"]
        self.assertEqual(self.rows("office_P", f"cross:{Rank.SECTION}:{Sanction.ADMONITION}")[1], {hidden.pk})
        self.assertEqual(self.rows("office_P", "status:handled")[0], {self.tp["A"].pk})

    def test_unknown_show_is_404(self):
        self.login("office_P")
        self.assertEqual(self.client.get(self.url("rank:general")).status_code, 404)

    def test_publish_button_only_for_who_may_publish_the_whole(self):
        for persona, shown in {"office_P": 1, "system": 1, "office_A": 0}.items():
            with self.subTest(persona=persona):
                self.login(persona)
                self.assertEqual(len(tags(self.client.get(self.url()).content, "publish")), shown)

    def test_query_count_does_not_grow_with_rows(self):
        for i in range(10):
            actions.add_person(
                self.tp["B"],
                acting_user=self.world.users["office_P"],
                name=f"某{i}",
                post="某职",
                rank=Rank.SECTION,
                sanction=Sanction.ORGANIZATIONAL,
            )
        for persona, queries in {"office_P": 6, "system": 5}.items():
            for show in ("", "persons"):
                with self.subTest(persona=persona, show=show):
                    self.login(persona)
                    # session, user, [the user's unit: offices only], inspection, transferred problems with their
                    # person counts, their persons (the statistics and the rows behind a number)
                    with self.assertNumQueries(queries):
                        self.assertEqual(self.client.get(self.url(show)).status_code, 200)
