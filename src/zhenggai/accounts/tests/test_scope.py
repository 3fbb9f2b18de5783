"""scope_for(): what part of the ledger each kind of user acts for."""

from __future__ import annotations

from datetime import date

from django.contrib.auth.models import AnonymousUser

from zhenggai.accounts.choices import Role
from zhenggai.accounts.models import User
from zhenggai.accounts.scope import ALL, NOTHING, SUBTREE, UNITS, Scope, scope_for
from zhenggai.organizations import actions as org
from zhenggai.organizations.choices import UnitLevel
from zhenggai.testing import WorldTestCase


class ScopeTestCase(WorldTestCase):
    def fresh(self, persona: str) -> User:
        """The persona as a request would load it: no cached unit, no cached scope."""
        return User.objects.get(pk=self.world.users[persona].pk)

    def ids(self, *keys: str) -> frozenset[int]:
        return frozenset(self.world.units[key].pk for key in keys)

    def test_administrators_see_all(self):
        self.assertEqual(scope_for(self.fresh("system")), Scope(ALL, role=Role.ADMIN))
        admin = User.objects.create_user("admin2", role=Role.ADMIN, unit=self.world.units["B1"])
        self.assertEqual(scope_for(admin).kind, ALL)

    def test_a_superuser_sees_all_whatever_the_role(self):
        boss = User.objects.create_user("boss", role=Role.UNIT, unit=self.world.units["A1"], is_superuser=True)
        self.assertEqual(scope_for(boss), Scope(ALL, role=Role.ADMIN))

    def test_office_sees_its_jurisdictions_subtree(self):
        u = self.world.units
        for persona, unit in (("office_P", "P"), ("office_A", "A"), ("office_B", "B")):
            with self.subTest(persona=persona):
                scope = scope_for(self.fresh(persona))
                self.assertEqual(scope, Scope(SUBTREE, role=Role.OFFICE, root_path=u[unit].path, root_id=u[unit].pk))
                self.assertEqual(scope.unit_ids, frozenset())
        self.assertTrue(u["A"].path.startswith(u["P"].path))

    def test_reviewer_sees_its_jurisdictions_subtree(self):
        a = self.world.units["A"]
        scope = scope_for(self.fresh("reviewer_A"))
        self.assertEqual(scope, Scope(SUBTREE, role=Role.REVIEWER, root_path=a.path, root_id=a.pk))

    def test_unit_user_acts_for_its_unit_and_its_collectives(self):
        u = self.world.units
        scope = scope_for(self.fresh("unit_A1"))
        self.assertEqual(scope.kind, UNITS)
        self.assertEqual(scope.role, Role.UNIT)
        self.assertEqual(scope.root_id, u["A1"].pk)
        self.assertEqual(scope.root_path, "")
        # its own unit and the collective 各县区政府; not its department, not the city above it
        self.assertEqual(scope.unit_ids, self.ids("A1", "Acounties"))
        self.assertEqual(scope_for(self.fresh("unit_A2")).unit_ids, self.ids("A2", "Acounties"))
        self.assertEqual(scope_for(self.fresh("unit_B1")).unit_ids, self.ids("B1"))

    def test_successor_unit_acts_for_its_predecessor(self):
        scope = scope_for(self.fresh("unit_Anat"))
        self.assertEqual((scope.kind, scope.root_id), (UNITS, self.world.units["Anat"].pk))
        self.assertEqual(scope.unit_ids, self.ids("Anat", "Aland"))

    def test_supervisor_acts_for_its_own_unit(self):
        scope = scope_for(self.fresh("supervisor_Aeco"))
        self.assertEqual(
            scope, Scope(UNITS, role=Role.SUPERVISOR, root_id=self.world.units["Aeco"].pk, unit_ids=self.ids("Aeco"))
        )

    def test_predecessors_are_followed_transitively_with_their_collectives(self):
        system, a = self.world.users["system"], self.world.units["A"]

        def unit(name, level=UnitLevel.DEPARTMENT):
            return org.create_unit(acting_user=system, name=name, level=level, parent=a)

        oldest, older, current = unit("甲市环境保护局"), unit("甲市环境保护和林业局"), unit("甲市生态环境保护局")
        group = unit("市环委会成员单位", UnitLevel.COLLECTIVE)
        org.set_collective_members(group, [oldest], acting_user=system)
        org.record_succession(oldest, older, on=date(2010, 1, 1), reason="合并", acting_user=system)
        org.record_succession(older, current, on=date(2019, 1, 1), reason="机构改革", acting_user=system)
        user = User.objects.create_user("eco_user", role=Role.UNIT, unit=current)
        scope = scope_for(user)
        self.assertEqual(scope.unit_ids, frozenset({current.pk, older.pk, oldest.pk, group.pk}))
        # a predecessor's user does not act for its successor
        old_user = User.objects.create_user("old_user", role=Role.UNIT, unit=older)
        self.assertEqual(scope_for(old_user).unit_ids, frozenset({older.pk, oldest.pk, group.pk}))

    def test_anonymous_sees_nothing(self):
        anonymous = AnonymousUser()
        self.assertEqual(scope_for(anonymous), Scope(NOTHING))
        self.assertFalse(hasattr(anonymous, "_zhenggai_scope"))

    def test_inactive_users_see_nothing(self):
        for persona in ("system", "office_A", "unit_A1"):
            user = self.fresh(persona)
            user.is_active = False
            with self.subTest(persona=persona):
                self.assertEqual(scope_for(user), Scope(NOTHING))

    def test_a_user_without_a_unit_sees_nothing(self):
        self.assertEqual(scope_for(self.fresh("no_unit")), Scope(NOTHING, role=Role.UNIT))
        office = User.objects.create_user("office_nowhere", role=Role.OFFICE)
        self.assertEqual(scope_for(office), Scope(NOTHING, role=Role.OFFICE))

    def test_it_is_cached_on_the_user_object(self):
        for persona in ("system", "office_A", "reviewer_A", "unit_A1", "unit_Anat", "no_unit"):
            user = self.fresh(persona)
            first = scope_for(user)
            with self.subTest(persona=persona), self.assertNumQueries(0):
                second = scope_for(user)
            self.assertIs(second, first)
            self.assertIs(user._zhenggai_scope, first)

    def test_computing_a_scope_costs_a_few_queries(self):
        expected = {
            "system": 0,  # administrators need no lookup
            "office_A": 1,  # the user's unit
            "unit_A1": 3,  # the user's unit, its predecessors (none), the collectives it belongs to
            "unit_Anat": 4,  # the unit, its predecessors (Aland), Aland's predecessors (none), collectives
        }
        for persona, queries in expected.items():
            user = self.fresh(persona)
            with self.subTest(persona=persona), self.assertNumQueries(queries):
                scope_for(user)

    def test_a_new_user_object_computes_afresh(self):
        user = self.fresh("unit_A1")
        self.assertEqual(scope_for(user).unit_ids, self.ids("A1", "Acounties"))
        org.set_collective_members(
            self.world.units["Acounties"], [self.world.units["A2"]], acting_user=self.world.users["system"]
        )
        self.assertEqual(scope_for(user).unit_ids, self.ids("A1", "Acounties"))  # cached for this object
        self.assertEqual(scope_for(self.fresh("unit_A1")).unit_ids, self.ids("A1"))
