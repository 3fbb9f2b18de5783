"""The organisation registry's actions: units, tree paths, aliases, collectives, succession, persons."""

from __future__ import annotations

from datetime import date

from django.core.exceptions import ValidationError

from zhenggai.ledger import actions as ledger
from zhenggai.ledger.choices import AssignmentRole, ItemStatus
from zhenggai.ledger.models import Assignment
from zhenggai.organizations import actions as org
from zhenggai.organizations.choices import UnitLevel
from zhenggai.organizations.models import PATH_SEGMENT_WIDTH, Person, Unit, UnitAlias, UnitMembership, path_segment
from zhenggai.testing import WorldTestCase


class OrgActionTestCase(WorldTestCase):
    @property
    def system(self):
        return self.world.users["system"]

    def unit(self, name: str, level: str = UnitLevel.DEPARTMENT, parent=None, **kw) -> Unit:
        parent = self.world.units["A"] if parent is None else parent
        return org.create_unit(acting_user=self.system, name=name, level=level, parent=parent, **kw)

    def reload(self, unit: Unit) -> Unit:
        return Unit.objects.get(pk=unit.pk)


class CreateUnitTestCase(OrgActionTestCase):
    def test_it_computes_path_and_depth(self):
        u = self.world.units
        self.assertEqual(u["P"].depth, 0)
        self.assertEqual(u["P"].path, path_segment(u["P"].pk))
        self.assertEqual(len(u["P"].path), PATH_SEGMENT_WIDTH)
        for child, parent in (("A", "P"), ("B", "P"), ("A1", "A"), ("A1dept", "A1"), ("Acounties", "A")):
            with self.subTest(child=child):
                self.assertTrue(u[child].path.startswith(u[parent].path))
                self.assertEqual(u[child].path, u[parent].path + path_segment(u[child].pk))
                self.assertEqual(u[child].depth, u[parent].depth + 1)
        self.assertEqual(u["A1dept"].depth, 3)

    def test_a_new_unit_is_stored_with_its_path(self):
        township = self.unit("甲一县某镇", UnitLevel.TOWNSHIP, parent=self.world.units["A1dept"])
        stored = self.reload(township)
        self.assertEqual(stored.path, township.path)
        self.assertEqual(stored.path, self.world.units["A1dept"].path + path_segment(stored.pk))
        self.assertEqual(stored.depth, 4)
        self.assertEqual(stored.name_key, "甲一县某镇")
        row = stored.history.order_by("-history_id").first()
        self.assertEqual(row.history_change_reason, "create")
        self.assertEqual(row.history_user_id, self.system.pk)

    def test_a_root_unit_has_depth_zero(self):
        root = org.create_unit(acting_user=self.system, name="丙省", level=UnitLevel.PROVINCE)
        root = self.reload(root)
        self.assertEqual((root.depth, root.path), (0, path_segment(root.pk)))

    def test_path_segment_is_fixed_width_base36(self):
        self.assertEqual(path_segment(1), "0000001")
        self.assertEqual(path_segment(36), "0000010")
        self.assertEqual(path_segment(35), "000000z")
        self.assertEqual(len(path_segment(36**6)), PATH_SEGMENT_WIDTH)

    def test_name_is_trimmed_and_aliases_are_stored(self):
        unit = self.unit("  甲市发展改革委  ", aliases=["市发改委", " 市发改委 ", "甲市发展和改革委员会"])
        self.assertEqual(unit.name, "甲市发展改革委")
        self.assertEqual(sorted(unit.aliases.values_list("name", flat=True)), ["市发改委", "甲市发展和改革委员会"])

    def test_a_division_code_is_kept_and_a_malformed_one_refused(self):
        county = self.unit("甲三县", level=UnitLevel.COUNTY, region_code=" 530103 ")
        self.assertEqual(self.reload(county).region_code, "530103")
        count = Unit.objects.count()
        for code in ("53010", "5301O3", "1234567"):
            with self.subTest(code=code), self.assertRaises(ValidationError) as ctx:
                self.unit("甲四县", level=UnitLevel.COUNTY, region_code=code)
            self.assertIn("region_code", ctx.exception.message_dict)
        self.assertEqual(Unit.objects.count(), count)

    def test_it_rejects_an_empty_name(self):
        count = Unit.objects.count()
        for name in ("", "   ", None):
            with self.subTest(name=name), self.assertRaises(ValidationError) as ctx:
                org.create_unit(acting_user=self.system, name=name, level=UnitLevel.DEPARTMENT)
            self.assertIn("name", ctx.exception.message_dict)
        self.assertEqual(Unit.objects.count(), count)

    def test_it_rejects_a_bad_level(self):
        count = Unit.objects.count()
        for level in ("", "ministry", "CITY"):
            with self.subTest(level=level), self.assertRaises(ValidationError) as ctx:
                org.create_unit(acting_user=self.system, name="某单位", level=level)
            self.assertIn("level", ctx.exception.message_dict)
        self.assertEqual(Unit.objects.count(), count)

    def test_add_alias(self):
        a2 = self.world.units["A2"]
        alias = org.add_alias(a2, "甲二县人民政府", acting_user=self.system)
        self.assertEqual(alias.unit_id, a2.pk)
        self.assertEqual(org.add_alias(a2, "甲二县 人民政府", acting_user=self.system).pk, alias.pk)
        self.assertEqual(Unit.objects.resolve("甲二县人民政府"), a2)
        row = UnitAlias.history.get(id=alias.pk)  # one row: adding the same alias again writes nothing
        self.assertEqual(
            (row.history_change_reason, row.history_user, row.name), ("add alias", self.system, alias.name)
        )
        with self.assertRaises(ValidationError):
            org.add_alias(a2, "  ", acting_user=self.system)


class UnitQuerySetTestCase(OrgActionTestCase):
    def keys(self, queryset) -> set[str]:
        by_pk = {unit.pk: key for key, unit in self.world.units.items()}
        return {by_pk[pk] for pk in queryset.values_list("pk", flat=True)}

    def test_subtree(self):
        u = self.world.units
        city_a = {"A", "A1", "A2", "A1dept", "Aeco", "Aland", "Anat", "Acounties"}
        self.assertEqual(self.keys(Unit.objects.subtree(u["A"])), city_a)
        self.assertEqual(self.keys(Unit.objects.subtree(u["A"], include_self=False)), city_a - {"A"})
        self.assertEqual(self.keys(Unit.objects.subtree(u["A1"])), {"A1", "A1dept"})
        self.assertEqual(self.keys(Unit.objects.subtree(u["B"])), {"B", "B1"})
        self.assertEqual(self.keys(Unit.objects.subtree(u["P"])), set(u))
        self.assertEqual(self.keys(Unit.objects.subtree(u["A1dept"], include_self=False)), set())

    def test_ancestors(self):
        u = self.world.units
        self.assertEqual(list(u["A1dept"].ancestors()), [u["P"], u["A"], u["A1"]])
        self.assertEqual(list(u["P"].ancestors()), [])

    def test_resolve_by_name_short_name_and_alias(self):
        u = self.world.units
        self.assertEqual(Unit.objects.resolve("甲市"), u["A"])
        self.assertEqual(Unit.objects.resolve("甲市人民政府"), u["A"])  # alias
        self.assertEqual(Unit.objects.resolve("甲一县政府"), u["A1"])  # alias
        self.assertEqual(Unit.objects.resolve("市生态环境局"), u["Aeco"])  # short name
        self.assertEqual(Unit.objects.resolve("甲市生态环境局"), u["Aeco"])  # name

    def test_resolve_ignores_spacing_and_full_width_punctuation(self):
        u = self.world.units
        self.assertEqual(Unit.objects.resolve(" 甲市 人民\u3000政府 "), u["A"])
        self.assertEqual(Unit.objects.resolve("甲 一 县"), u["A1"])
        tibet = self.unit("（西藏）自治区生态环境厅", aliases=["自治区生态环境厅·西藏"])
        self.assertEqual(Unit.objects.resolve("(西藏)自治区 生态环境厅"), tibet)
        self.assertEqual(Unit.objects.resolve("（西藏）自治区生态环境厅。"), tibet)
        self.assertEqual(Unit.objects.resolve("自治区生态环境厅 西藏"), tibet)
        gov = self.unit("ＡＢＣ开发区管委会")  # full-width latin letters
        self.assertEqual(Unit.objects.resolve("abc开发区管委会"), gov)

    def test_resolve_returns_none_for_unknown_or_empty(self):
        self.assertIsNone(Unit.objects.resolve("丙市"))
        self.assertIsNone(Unit.objects.resolve(""))
        self.assertIsNone(Unit.objects.resolve(" ，。 "))
        self.assertIsNone(Unit.objects.resolve("甲市人民"))  # a prefix of an alias is not a match

    def test_resolve_prefers_the_active_unit(self):
        # 甲市国土资源局 was replaced by succession; a new unit with the same name is active
        new_land = self.unit("甲市国土资源局")
        self.assertLess(self.world.units["Aland"].pk, new_land.pk)
        self.assertEqual(Unit.objects.resolve("甲市国土资源局"), new_land)


class MoveUnitTestCase(OrgActionTestCase):
    def test_it_moves_a_subtree_and_rewrites_paths_and_depths(self):
        u = self.world.units
        township = self.unit("甲一县某镇", UnitLevel.TOWNSHIP, parent=u["A1dept"])
        moved = org.move_unit(u["A1"], u["A2"], acting_user=self.system)
        a1, dept, town = self.reload(u["A1"]), self.reload(u["A1dept"]), self.reload(township)
        self.assertEqual(moved.path, a1.path)
        self.assertEqual(a1.parent_id, u["A2"].pk)
        self.assertEqual(a1.path, u["A2"].path + path_segment(a1.pk))
        self.assertEqual(dept.path, a1.path + path_segment(dept.pk))
        self.assertEqual(town.path, dept.path + path_segment(town.pk))
        self.assertEqual((a1.depth, dept.depth, town.depth), (3, 4, 5))
        self.assertEqual(set(Unit.objects.subtree(u["A2"])), {self.reload(u["A2"]), a1, dept, town})
        # siblings and the rest of the tree are untouched
        self.assertEqual(self.reload(u["Aeco"]).path, u["Aeco"].path)
        self.assertEqual(self.reload(u["B1"]).path, u["B1"].path)
        row = a1.history.order_by("-history_id").first()
        self.assertEqual(
            (row.history_change_reason, row.history_user_id, row.parent_id), ("move", self.system.pk, u["A2"].pk)
        )

    def test_it_moves_up_and_to_another_city(self):
        u = self.world.units
        org.move_unit(u["A1dept"], u["B"], acting_user=self.system)
        dept = self.reload(u["A1dept"])
        self.assertEqual((dept.depth, dept.path), (2, u["B"].path + path_segment(dept.pk)))
        self.assertNotIn(dept, set(Unit.objects.subtree(u["A1"])))
        self.assertIn(dept, set(Unit.objects.subtree(u["B"])))

    def test_it_moves_to_the_root(self):
        u = self.world.units
        org.move_unit(u["A1"], None, acting_user=self.system)
        a1, dept = self.reload(u["A1"]), self.reload(u["A1dept"])
        self.assertEqual((a1.depth, a1.path, a1.parent_id), (0, path_segment(a1.pk), None))
        self.assertEqual((dept.depth, dept.path), (1, a1.path + path_segment(dept.pk)))

    def test_it_refuses_moving_under_itself_or_its_descendant(self):
        u = self.world.units
        paths = dict(Unit.objects.values_list("pk", "path"))
        for unit, target in (("A", "A1"), ("A", "A1dept"), ("A1", "A1"), ("P", "B1")):
            with self.subTest(unit=unit, under=target), self.assertRaises(ValidationError) as ctx:
                org.move_unit(u[unit], u[target], acting_user=self.system)
            self.assertIn("parent", ctx.exception.message_dict)
        self.assertEqual(dict(Unit.objects.values_list("pk", "path")), paths)
        self.assertEqual(self.reload(u["A"]).parent_id, u["P"].pk)


class CollectiveTestCase(OrgActionTestCase):
    def members(self, collective) -> set[int]:
        return set(UnitMembership.objects.filter(collective=collective).values_list("member_id", flat=True))

    def test_world_collective_has_the_two_counties(self):
        u = self.world.units
        self.assertEqual(self.members(u["Acounties"]), {u["A1"].pk, u["A2"].pk})

    def test_set_collective_members_replaces_the_members(self):
        u = self.world.units
        org.set_collective_members(u["Acounties"], [u["A2"], u["B1"]], acting_user=self.system)
        self.assertEqual(self.members(u["Acounties"]), {u["A2"].pk, u["B1"].pk})
        self.assertEqual(set(self.reload(u["Acounties"]).members.all()), {u["A2"], u["B1"]})
        org.set_collective_members(u["Acounties"], [], acting_user=self.system)
        self.assertEqual(self.members(u["Acounties"]), set())
        rows = UnitMembership.history.filter(collective_id=u["Acounties"].pk)
        removed = sorted(rows.filter(history_type="-").values_list("member_id", flat=True))
        self.assertEqual(removed, sorted([u["A1"].pk, u["A2"].pk, u["B1"].pk]))
        self.assertEqual(set(rows.values_list("history_user", flat=True)), {self.system.pk})

    def test_setting_the_same_members_twice_is_idempotent(self):
        u = self.world.units
        org.set_collective_members(u["Acounties"], [u["A1"], u["A1"], u["A2"]], acting_user=self.system)
        self.assertEqual(UnitMembership.objects.filter(collective=u["Acounties"]).count(), 2)

    def test_it_refuses_a_non_collective(self):
        u = self.world.units
        with self.assertRaises(ValidationError) as ctx:
            org.set_collective_members(u["A"], [u["A1"]], acting_user=self.system)
        self.assertIn("collective", ctx.exception.message_dict)
        self.assertFalse(UnitMembership.objects.filter(collective=u["A"]).exists())

    def test_it_refuses_a_collective_containing_itself(self):
        u = self.world.units
        with self.assertRaises(ValidationError):
            org.set_collective_members(u["Acounties"], [u["A1"], u["Acounties"]], acting_user=self.system)
        self.assertEqual(self.members(u["Acounties"]), {u["A1"].pk, u["A2"].pk})


class SuccessionTestCase(OrgActionTestCase):
    def assignment(self, problem_key: str) -> Assignment:
        return Assignment.objects.get(problem=self.world.problems[problem_key], role=AssignmentRole.LEAD)

    def test_world_succession_moved_only_the_open_assignment(self):
        u = self.world.units
        land_open, land_done = self.assignment("land_open"), self.assignment("land_done")
        self.assertEqual((land_open.unit_id, land_open.inherited_from_id), (u["Anat"].pk, u["Aland"].pk))
        self.assertEqual((land_done.unit_id, land_done.inherited_from_id), (u["Aland"].pk, None))
        aland = u["Aland"]
        self.assertEqual(
            (aland.successor_id, aland.succeeded_on, aland.succession_reason),
            (u["Anat"].pk, date(2019, 3, 1), "机构改革"),
        )
        self.assertFalse(aland.is_active)
        self.assertEqual(aland.current(), u["Anat"])

    def test_a_fresh_succession(self):
        system, plan = self.system, self.world.plans["A"]
        old, new = self.unit("甲市环境保护局"), self.unit("甲市生态环境保护局")
        held = {}
        for key, status in (
            ("open1", ItemStatus.IN_PROGRESS),
            ("open2", ItemStatus.NOT_STARTED),
            ("done1", ItemStatus.COMPLETED),
            ("done2", ItemStatus.SIGNED_OFF),
        ):
            problem = ledger.create_problem(plan, acting_user=system, title=f"环保问题{key}")
            held[key] = ledger.assign(problem, AssignmentRole.LEAD, unit=old, acting_user=system)
            if status != ItemStatus.NOT_STARTED:
                ledger.update_problem(
                    problem, acting_user=system, expected_version=1, changes={"status": status}, historical=True
                )
        other = ledger.create_problem(plan, acting_user=system, title="别人的问题")
        other_assignment = ledger.assign(other, AssignmentRole.LEAD, unit=self.world.units["A2"], acting_user=system)

        moved = org.record_succession(old, new, on=date(2024, 1, 15), reason="职能调整", acting_user=system)

        self.assertEqual(moved, 2)
        old = self.reload(old)
        self.assertFalse(old.is_active)
        self.assertEqual(
            (old.successor_id, old.succeeded_on, old.succession_reason), (new.pk, date(2024, 1, 15), "职能调整")
        )
        self.assertTrue(self.reload(new).is_active)
        for key, unit, inherited in (
            ("open1", new, old),
            ("open2", new, old),
            ("done1", old, None),
            ("done2", old, None),
        ):
            with self.subTest(assignment=key):
                stored = Assignment.objects.get(pk=held[key].pk)
                self.assertEqual(stored.unit_id, unit.pk)
                self.assertEqual(stored.inherited_from_id, inherited.pk if inherited else None)
        self.assertEqual(Assignment.objects.get(pk=other_assignment.pk).unit_id, self.world.units["A2"].pk)

        row = old.history.order_by("-history_id").first()
        self.assertTrue(row.history_change_reason.startswith("succession"), row.history_change_reason)
        self.assertEqual(row.history_user_id, system.pk)
        self.assertEqual(row.successor_id, new.pk)
        moved_row = Assignment.objects.get(pk=held["open1"].pk).history.order_by("-history_id").first()
        self.assertTrue(moved_row.history_change_reason.startswith("succession"), moved_row.history_change_reason)
        self.assertEqual(moved_row.history_user_id, system.pk)
        self.assertEqual(moved_row.unit_id, new.pk)

    def test_a_second_succession_keeps_the_original_holder(self):
        u = self.world.units
        newest = self.unit("甲市自然资源和规划局")
        moved = org.record_succession(
            u["Anat"], newest, on=date(2025, 1, 1), reason="再次改革", acting_user=self.system
        )
        self.assertEqual(moved, 1)
        land_open = self.assignment("land_open")
        self.assertEqual((land_open.unit_id, land_open.inherited_from_id), (newest.pk, u["Aland"].pk))
        self.assertEqual(self.assignment("land_done").unit_id, u["Aland"].pk)
        self.assertEqual(self.reload(u["Aland"]).current(), newest)

    def test_a_succession_with_nothing_open_moves_nothing(self):
        old, new = self.unit("旧单位"), self.unit("新单位")
        self.assertEqual(
            org.record_succession(old, new, on=date(2024, 1, 1), reason="合并", acting_user=self.system), 0
        )
        self.assertEqual(self.reload(old).successor_id, new.pk)

    def test_it_refuses_self_succession(self):
        unit = self.unit("某局")
        with self.assertRaises(ValidationError) as ctx:
            org.record_succession(unit, unit, on=date(2024, 1, 1), reason="x", acting_user=self.system)
        self.assertIn("successor", ctx.exception.message_dict)
        unit = self.reload(unit)
        self.assertIsNone(unit.successor_id)
        self.assertTrue(unit.is_active)

    def test_it_refuses_cycles(self):
        x, y, z = self.unit("甲局"), self.unit("乙局"), self.unit("丙局")
        org.record_succession(x, y, on=date(2020, 1, 1), reason="一", acting_user=self.system)
        with self.assertRaises(ValidationError) as ctx:  # y -> x closes a two-step cycle
            org.record_succession(
                self.reload(y), self.reload(x), on=date(2021, 1, 1), reason="二", acting_user=self.system
            )
        self.assertIn("successor", ctx.exception.message_dict)
        org.record_succession(self.reload(y), z, on=date(2021, 1, 1), reason="二", acting_user=self.system)
        with self.assertRaises(ValidationError):  # z -> x closes x -> y -> z -> x
            org.record_succession(
                self.reload(z), self.reload(x), on=date(2022, 1, 1), reason="三", acting_user=self.system
            )
        z = self.reload(z)
        self.assertIsNone(z.successor_id)
        self.assertTrue(z.is_active)
        self.assertEqual(self.reload(x).current(), z)

    def test_it_refuses_a_cycle_given_the_objects_it_was_called_with_before(self):
        x, y = self.unit("甲局"), self.unit("乙局")
        org.record_succession(x, y, on=date(2020, 1, 1), reason="一", acting_user=self.system)
        with self.assertRaises(ValidationError):  # x is the caller's object from before the first call
            org.record_succession(y, x, on=date(2021, 1, 1), reason="二", acting_user=self.system)
        self.assertIsNone(self.reload(y).successor_id)

    def test_it_refuses_a_cycle_through_a_predecessor_that_already_has_a_successor(self):
        x, y, w = self.unit("甲局"), self.unit("乙局"), self.unit("丁局")
        org.record_succession(x, y, on=date(2020, 1, 1), reason="一", acting_user=self.system)
        # x is abolished: it cannot take over anything
        with self.assertRaises(ValidationError):
            org.record_succession(w, self.reload(x), on=date(2020, 6, 1), reason="二", acting_user=self.system)
        # data edited by hand (w -> x while x is active again) must still not let x -> w close a loop
        Unit.objects.filter(pk=x.pk).update(is_active=True)
        Unit.objects.filter(pk=w.pk).update(successor_id=x.pk)
        with self.assertRaises(ValidationError):
            org.record_succession(
                self.reload(x), self.reload(w), on=date(2021, 1, 1), reason="三", acting_user=self.system
            )
        self.assertEqual(self.reload(x).successor_id, y.pk)


class PersonTestCase(OrgActionTestCase):
    def test_create_person(self):
        person = org.create_person(acting_user=self.system, name="  张三 ", unit=self.world.units["A1"], title="县长")
        person = Person.objects.get(pk=person.pk)
        self.assertEqual((person.name, person.unit_id, person.title), ("张三", self.world.units["A1"].pk, "县长"))
        self.assertTrue(person.is_active)
        self.assertEqual(str(person), "张三（县长）")
        self.assertEqual(person.history.get().history_change_reason, "create")

    def test_create_person_rejects_an_empty_name(self):
        with self.assertRaises(ValidationError) as ctx:
            org.create_person(acting_user=self.system, name="  ")
        self.assertIn("name", ctx.exception.message_dict)
        self.assertFalse(Person.objects.exists())

    def test_hand_over_moves_open_leader_assignments(self):
        system, p = self.system, self.world.problems
        old = org.create_person(acting_user=system, name="张三", unit=self.world.units["A1"], title="县长")
        new = org.create_person(acting_user=system, name="李四", unit=self.world.units["A1"], title="县长")
        on_open = ledger.assign(p["a1"], AssignmentRole.LEADER, person=old, acting_user=system)
        on_open2 = ledger.assign(p["coll"], AssignmentRole.PERSON, person=old, acting_user=system)
        on_done = ledger.assign(p["land_done"], AssignmentRole.LEADER, person=old, acting_user=system)

        moved = org.hand_over_person(old, new, on=date(2026, 5, 1), acting_user=system)

        self.assertEqual(moved, 2)
        self.assertEqual(Assignment.objects.get(pk=on_open.pk).person_id, new.pk)
        self.assertEqual(Assignment.objects.get(pk=on_open2.pk).person_id, new.pk)
        self.assertEqual(Assignment.objects.get(pk=on_done.pk).person_id, old.pk)
        old = Person.objects.get(pk=old.pk)
        self.assertEqual((old.successor_id, old.left_on, old.is_active), (new.pk, date(2026, 5, 1), False))
        self.assertTrue(Person.objects.get(pk=new.pk).is_active)
        row = old.history.order_by("-history_id").first()
        self.assertEqual((row.history_change_reason, row.history_user_id), ("hand over", system.pk))
        moved_row = Assignment.objects.get(pk=on_open.pk).history.order_by("-history_id").first()
        self.assertEqual(moved_row.history_change_reason, f"hand over {old.pk}->{new.pk}")

    def test_hand_over_to_oneself_is_refused(self):
        person = org.create_person(acting_user=self.system, name="张三")
        with self.assertRaises(ValidationError):
            org.hand_over_person(person, person, on=date(2026, 5, 1), acting_user=self.system)
        person = Person.objects.get(pk=person.pk)
        self.assertTrue(person.is_active)
        self.assertIsNone(person.left_on)
