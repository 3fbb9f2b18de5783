"""A small world of units, plans, problems and one user per persona, shared by the test suites.

Two cities (A and B) under one province. City A has two counties (A1, A2), an
environment bureau that supervises, a collective "all county governments" whose
members are A1 and A2, and a land bureau that institutional reform replaced by a
natural-resources bureau. City B has one county. Every object is created through
the action layer, as production code would.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from django.test import TestCase

from zhenggai.accounts.choices import Role
from zhenggai.accounts.models import User
from zhenggai.ledger import actions as ledger
from zhenggai.ledger.choices import AssignmentRole, InspectionKind, ItemStatus, PlanLevel
from zhenggai.organizations import actions as org
from zhenggai.organizations.choices import UnitLevel

PASSWORD = "test-password-1"


@dataclass
class World:
    units: dict
    plans: dict
    problems: dict
    users: dict


def _user(username: str, role: str, unit=None, **extra) -> User:
    return User.objects.create_user(username, password=PASSWORD, role=role, unit=unit, **extra)


def build_world() -> World:
    system = _user("system", Role.ADMIN, is_superuser=True, is_staff=True)
    u = {}

    def unit(key, name, level, parent=None, **kw):
        u[key] = org.create_unit(acting_user=system, name=name, level=level, parent=parent, **kw)
        return u[key]

    unit("P", "甲省", UnitLevel.PROVINCE)
    unit("A", "甲市", UnitLevel.CITY, u["P"], aliases=["甲市人民政府"])
    unit("B", "乙市", UnitLevel.CITY, u["P"])
    unit("A1", "甲一县", UnitLevel.COUNTY, u["A"], aliases=["甲一县政府"])
    unit("A2", "甲二县", UnitLevel.COUNTY, u["A"])
    unit("B1", "乙一县", UnitLevel.COUNTY, u["B"])
    unit("A1dept", "甲一县住建局", UnitLevel.DEPARTMENT, u["A1"])
    unit("Aeco", "甲市生态环境局", UnitLevel.DEPARTMENT, u["A"], short_name="市生态环境局")
    unit("Aland", "甲市国土资源局", UnitLevel.DEPARTMENT, u["A"])
    unit("Anat", "甲市自然资源局", UnitLevel.DEPARTMENT, u["A"])
    unit("Acounties", "各县区政府", UnitLevel.COLLECTIVE, u["A"])
    org.set_collective_members(u["Acounties"], [u["A1"], u["A2"]], acting_user=system)

    inspection = ledger.create_inspection(
        acting_user=system, team="中央第九督察组", inspected_unit=u["P"], kind=InspectionKind.ROUTINE
    )
    plans = {
        key: ledger.create_plan(
            acting_user=system,
            inspection=inspection,
            title=f"{u[key].name}整改方案",
            jurisdiction=u[key],
            level=PlanLevel.CITY,
        )
        for key in ("A", "B")
    }
    p = {}

    def problem(
        key, plan, holder, deadline="2026年12月31日前", status=ItemStatus.IN_PROGRESS, role=AssignmentRole.LEAD
    ):
        p[key] = ledger.create_problem(
            plans[plan], acting_user=system, title=f"问题{key}", number_text=f"第{len(p) + 1}项", deadline=deadline
        )
        ledger.assign(p[key], role, unit=u[holder], acting_user=system)
        if status != ItemStatus.NOT_STARTED:
            ledger.update_problem(
                p[key], acting_user=system, expected_version=1, changes={"status": status}, historical=True
            )
            p[key].refresh_from_db()
        return p[key]

    problem("a1", "A", "A1")
    problem("a1dept", "A", "A1dept")
    problem("a2", "A", "A2", deadline="2025年6月30日前")  # overdue against a 2026 clock
    problem("coll", "A", "Acounties", deadline="立行立改，长期坚持")
    problem("land_open", "A", "Aland")
    problem("land_done", "A", "Aland", status=ItemStatus.SIGNED_OFF)
    problem("b1", "B", "B1")
    ledger.assign(p["a1"], AssignmentRole.SUPERVISING, unit=u["Aeco"], acting_user=system)
    ledger.add_measure(p["a1"], acting_user=system, text="措施一", number_text="（一）", deadline="2026年3月底前")
    ledger.add_target(p["a1"], acting_user=system, text="目标一", number_text="1.", deadline="2026年年底前")
    org.record_succession(u["Aland"], u["Anat"], on=date(2019, 3, 1), reason="机构改革", acting_user=system)

    users = {
        "system": system,
        "office_P": _user("office_p", Role.OFFICE, u["P"]),
        "office_A": _user("office_a", Role.OFFICE, u["A"]),
        "office_B": _user("office_b", Role.OFFICE, u["B"]),
        "reviewer_A": _user("reviewer_a", Role.REVIEWER, u["A"]),
        "unit_A1": _user("unit_a1", Role.UNIT, u["A1"]),
        "unit_A2": _user("unit_a2", Role.UNIT, u["A2"]),
        "unit_B1": _user("unit_b1", Role.UNIT, u["B1"]),
        "unit_Anat": _user("unit_anat", Role.UNIT, u["Anat"]),
        "supervisor_Aeco": _user("sup_aeco", Role.SUPERVISOR, u["Aeco"]),
        "no_unit": _user("no_unit", Role.UNIT, None),
    }
    for unit_obj in u.values():
        unit_obj.refresh_from_db()
    return World(units=u, plans=plans, problems=p, users=users)


class WorldTestCase(TestCase):
    """A TestCase with ``self.world`` built once per class (setUpTestData)."""

    @classmethod
    def setUpTestData(cls) -> None:
        cls.world = build_world()

    def login(self, persona: str) -> User:
        user = self.world.users[persona]
        self.client.force_login(user)
        return user


class ApiWorldTestCase(WorldTestCase):
    """WorldTestCase plus one API token per persona and request helpers."""

    @classmethod
    def setUpTestData(cls) -> None:
        from rest_framework.authtoken.models import Token

        super().setUpTestData()
        cls.tokens = {persona: Token.objects.create(user=user).key for persona, user in cls.world.users.items()}

    def auth(self, persona: str) -> dict:
        return {"HTTP_AUTHORIZATION": f"Token {self.tokens[persona]}"}

    def get(self, persona: str, url: str, params: dict | None = None):
        return self.client.get(url, params or {}, **self.auth(persona))

    def list_ids(self, persona: str, url: str, params: dict | None = None) -> set[int]:
        response = self.get(persona, url, params)
        self.assertEqual(response.status_code, 200, response.content)
        ids = [row["id"] for row in response.json()["results"]]
        self.assertEqual(len(ids), len(set(ids)), f"{url} lists a row twice")
        return set(ids)

    # Subclasses pin their list endpoint's query count per persona (with a comment naming each query).
    URL = ""
    LIST_QUERIES: dict[str, int] = {}

    def assert_list_queries(self) -> dict[str, int]:
        """GET ``URL`` as each persona in ``LIST_QUERIES`` with exactly that many queries; return the row counts."""
        counts = {}
        for persona, queries in self.LIST_QUERIES.items():
            with self.subTest(persona=persona), self.assertNumQueries(queries):
                response = self.get(persona, self.URL)
            self.assertEqual(response.status_code, 200)
            counts[persona] = response.json()["count"]
        return counts


def frozen_at(day, hour: int = 10):
    """Freeze the clock on ``day`` at ``hour`` o'clock, Beijing time (``with frozen_at(date(2026, 3, 15)):``)."""
    from datetime import datetime
    from zoneinfo import ZoneInfo

    import time_machine

    moment = datetime(day.year, day.month, day.day, hour, tzinfo=ZoneInfo("Asia/Shanghai"))
    return time_machine.travel(moment, tick=False)


LIBREOFFICE = shutil.which("libreoffice") or shutil.which("soffice")


def pdf_text(docx: bytes) -> str | None:
    """Convert a .docx to PDF with LibreOffice (headless, a throw-away profile) and return the PDF's text
    with all white space removed, or None when pdftotext is missing. Fails (``CalledProcessError``,
    ``AssertionError``) when LibreOffice cannot convert it; callers skip when ``LIBREOFFICE`` is None."""
    with tempfile.TemporaryDirectory() as tmp:
        source = Path(tmp) / "report.docx"
        source.write_bytes(docx)
        profile = (Path(tmp) / "profile").as_uri()
        command = [LIBREOFFICE, f"-env:UserInstallation={profile}", "--headless", "--convert-to", "pdf"]
        subprocess.run([*command, "--outdir", tmp, str(source)], check=True, capture_output=True, timeout=180)
        pdf = source.with_suffix(".pdf")
        assert pdf.exists() and pdf.stat().st_size > 0, "LibreOffice wrote no PDF"
        pdftotext = shutil.which("pdftotext")
        if not pdftotext:
            return None
        out = subprocess.run([pdftotext, "-enc", "UTF-8", str(pdf), "-"], check=True, capture_output=True, timeout=60)
        return "".join(out.stdout.decode().split())
