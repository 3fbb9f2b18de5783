"""The unit registry pages: /units/ and /units/<id>/."""

from __future__ import annotations

from datetime import date

from django.urls import reverse

from zhenggai.organizations import actions as org
from zhenggai.organizations.choices import UnitLevel
from zhenggai.testing import WorldTestCase

LIST_URL = "/units/"


def detail_url(unit) -> str:
    return f"/units/{unit.pk}/"


class UnitListViewTestCase(WorldTestCase):
    def listed_ids(self, response) -> list[int]:
        self.assertEqual(response.status_code, 200)
        return [unit.pk for unit in response.context["units"]]

    def test_urls(self):
        self.assertEqual(reverse("organizations:unit_list"), LIST_URL)
        self.assertEqual(
            reverse("organizations:unit_detail", args=[self.world.units["A"].pk]), detail_url(self.world.units["A"])
        )

    def test_anonymous_is_sent_to_login(self):
        response = self.client.get(LIST_URL)
        self.assertRedirects(response, f"/login/?next={LIST_URL}", fetch_redirect_response=False)
        response = self.client.get(LIST_URL, {"q": "甲市"})
        self.assertEqual(response.status_code, 302)
        self.assertTrue(response["Location"].startswith("/login/?next=/units/"), response["Location"])

    def test_signed_in_user_sees_every_unit_in_tree_order(self):
        self.login("unit_B1")  # the registry is shared reference data
        response = self.client.get(LIST_URL)
        ids = self.listed_ids(response)
        self.assertEqual(set(ids), {unit.pk for unit in self.world.units.values()})
        u = self.world.units
        self.assertLess(ids.index(u["A"].pk), ids.index(u["A1"].pk))
        self.assertLess(ids.index(u["A1"].pk), ids.index(u["A1dept"].pk))
        self.assertLess(ids.index(u["P"].pk), ids.index(u["B"].pk))
        self.assertTemplateUsed(response, "organizations/unit_list.html")

    def test_the_list_shows_names_aliases_members_and_successors(self):
        u = self.world.units
        self.login("office_A")
        response = self.client.get(LIST_URL)
        html = response.content.decode()
        for name in ("甲省", "甲市", "乙一县", "甲市国土资源局", "甲市自然资源局", "各县区政府"):
            self.assertIn(name, html)
        self.assertIn("甲市人民政府", html)  # alias of 甲市
        self.assertIn("甲一县政府", html)  # alias of 甲一县
        self.assertInHTML(f'<a href="{detail_url(u["Anat"])}">甲市自然资源局</a>', html, count=2)  # own row + successor
        self.assertIn("2019-03-01", html)
        member_counts = {unit.pk: unit.member_count for unit in response.context["units"]}
        self.assertEqual(member_counts[u["Acounties"].pk], 2)
        self.assertEqual(member_counts[u["A"].pk], 0)

    def test_q_filters_by_alias(self):
        self.login("unit_A1")
        self.assertEqual(self.listed_ids(self.client.get(LIST_URL, {"q": "甲市人民政府"})), [self.world.units["A"].pk])
        self.assertEqual(self.listed_ids(self.client.get(LIST_URL, {"q": "甲一县 政府"})), [self.world.units["A1"].pk])

    def test_q_filters_by_name_and_short_name(self):
        u = self.world.units
        self.login("unit_A1")
        self.assertEqual(self.listed_ids(self.client.get(LIST_URL, {"q": "市生态环境局"})), [u["Aeco"].pk])
        self.assertEqual(set(self.listed_ids(self.client.get(LIST_URL, {"q": "甲一县"}))), {u["A1"].pk, u["A1dept"].pk})
        self.assertEqual(self.listed_ids(self.client.get(LIST_URL, {"q": "丙市"})), [])

    def test_level_and_active_filters(self):
        u = self.world.units
        self.login("unit_A1")
        counties = self.listed_ids(self.client.get(LIST_URL, {"level": UnitLevel.COUNTY}))
        self.assertEqual(set(counties), {u["A1"].pk, u["A2"].pk, u["B1"].pk})
        inactive = self.listed_ids(self.client.get(LIST_URL, {"is_active": "false"}))
        self.assertEqual(inactive, [u["Aland"].pk])

    def extra_units(self, start: int, stop: int) -> None:
        """Units with aliases; every third a collective with members, every fourth replaced by a successor."""
        system, u = self.world.users["system"], self.world.units
        previous = None
        for i in range(start, stop):
            level = UnitLevel.COLLECTIVE if i % 3 == 0 else UnitLevel.TOWNSHIP
            unit = org.create_unit(
                acting_user=system,
                name=f"甲一县第{i}单位",
                level=level,
                parent=u["A1"],
                aliases=[f"第{i}单位", f"第{i}号单位"],
            )
            if level == UnitLevel.COLLECTIVE:
                org.set_collective_members(unit, [u["A1"], u["A1dept"]], acting_user=system)
            if previous is not None and i % 4 == 0:
                org.record_succession(previous, unit, on=date(2024, 1, 1), reason="合并", acting_user=system)
            previous = unit

    # 1 the session, 2 the signed-in user, 3 COUNT(*) for the paginator, 4 the user's unit (navigation bar, rendered
    # first), 5 the page of units joined with parent and successor and annotated with the member count,
    # 6 prefetch of the aliases
    LIST_QUERIES = 6

    def test_it_lists_with_a_constant_number_of_queries(self):
        self.login("office_A")
        for start, extra in ((0, 10), (10, 40)):
            self.extra_units(start, extra)
            total = 11 + extra
            with self.subTest(extra=extra), self.assertNumQueries(self.LIST_QUERIES):
                response = self.client.get(LIST_URL)
            self.assertEqual(response.status_code, 200)
            self.assertEqual(response.context["paginator"].count, total)
            self.assertEqual(len(response.context["units"]), total)  # one page (100 per page)


class UnitDetailViewTestCase(WorldTestCase):
    def test_anonymous_is_sent_to_login(self):
        url = detail_url(self.world.units["A"])
        self.assertRedirects(self.client.get(url), f"/login/?next={url}", fetch_redirect_response=False)

    def test_signed_in_user_sees_the_unit_with_aliases_and_ancestors(self):
        u = self.world.units
        self.login("unit_B1")  # any signed-in user, also from another city
        response = self.client.get(detail_url(u["A1"]))
        self.assertEqual(response.status_code, 200)
        self.assertTemplateUsed(response, "organizations/unit_detail.html")
        self.assertEqual(response.context["unit"], u["A1"])
        self.assertEqual(list(response.context["ancestors"]), [u["P"], u["A"]])
        self.assertEqual(list(response.context["children"]), [u["A1dept"]])
        html = response.content.decode()
        self.assertIn("<h1", html)
        self.assertIn("甲一县", html)
        self.assertIn("甲一县政府", html)  # alias
        self.assertIn("各县区政府", html)  # member of the collective
        self.assertInHTML(f'<a href="{detail_url(u["Acounties"])}">各县区政府</a>', html)
        self.assertIn(f"/ledger/problems/?unit={u['A1'].pk}", html)

    def test_predecessor_page_links_to_its_successor(self):
        u = self.world.units
        self.login("office_A")
        response = self.client.get(detail_url(u["Aland"]))
        self.assertEqual(response.status_code, 200)
        html = response.content.decode()
        self.assertIn('data-testid="successor"', html)
        self.assertInHTML(f'<a href="{detail_url(u["Anat"])}">甲市自然资源局</a>', html)
        self.assertIn("2019-03-01", html)
        self.assertIn("机构改革", html)
        self.assertIn("succession", html)  # the history row of the succession

    def test_successor_page_lists_its_predecessor(self):
        u = self.world.units
        self.login("office_A")
        html = self.client.get(detail_url(u["Anat"])).content.decode()
        self.assertNotIn('data-testid="successor"', html)
        self.assertInHTML(f'<a href="{detail_url(u["Aland"])}">甲市国土资源局</a>', html)

    def test_collective_page_lists_its_members(self):
        u = self.world.units
        self.login("unit_A2")
        html = self.client.get(detail_url(u["Acounties"])).content.decode()
        self.assertInHTML(f'<a href="{detail_url(u["A1"])}">甲一县</a>', html)
        self.assertInHTML(f'<a href="{detail_url(u["A2"])}">甲二县</a>', html)

    def test_unknown_unit_is_404(self):
        self.login("system")
        self.assertEqual(self.client.get("/units/999999/").status_code, 404)


class UnitHistoryTestCase(WorldTestCase):
    def test_alias_and_member_changes_appear_with_their_author(self):
        from zhenggai.organizations import actions

        units, office = self.world.units, self.world.users["office_A"]
        actions.add_alias(units["A1"], "甲一县人民政府", acting_user=office)
        actions.set_collective_members(units["Acounties"], [units["A2"]], acting_user=office)
        self.login("unit_A1")
        alias_rows = self.client.get(reverse("organizations:unit_detail", args=[units["A1"].pk])).context["history"]
        self.assertIn(
            ("别名：甲一县人民政府", office, "add alias"), [(r["what"], r["user"], r["reason"]) for r in alias_rows]
        )
        rows = self.client.get(reverse("organizations:unit_detail", args=[units["Acounties"].pk])).context["history"]
        self.assertIn(
            ("成员单位：甲一县", office, "remove member"), [(r["what"], r["user"], r["reason"]) for r in rows]
        )


class UnitDetailScaleTestCase(WorldTestCase):
    def test_query_count_is_constant_and_long_child_lists_link_to_the_registry(self):
        from zhenggai.organizations import views

        units, system = self.world.units, self.world.users["system"]
        url = reverse("organizations:unit_detail", args=[units["A"].pk])
        self.login("unit_A1")
        # session, user, the user's unit (navigation bar), unit with parent/successor, aliases, predecessors,
        # members, collectives, ancestors, children, 3 history tables (unit, aliases, memberships)
        with self.assertNumQueries(13):
            self.client.get(url)
        for i in range(views.CHILDREN_SHOWN + 1):
            org.create_unit(acting_user=system, name=f"甲市第{i}局", level=UnitLevel.DEPARTMENT, parent=units["A"])
        with self.assertNumQueries(13):
            response = self.client.get(url)
        self.assertEqual(len(response.context["children"]), views.CHILDREN_SHOWN)
        self.assertContains(response, f"?under={units['A'].pk}")
