"""The persona world plus one province batch of five cases, for the cases tests.

The batch (第1批) is handed over to 甲省 by the world's inspection. Cases:

* ``a1``   region 甲一县, unit 甲一县
* ``co``   region 甲一县, co-handled by 甲一县 and 甲二县 (0.5 each)
* ``b1``   region 乙一县, unit 乙一县
* ``coll`` region 甲二县, unit 各县区政府 (the collective of 甲一县 and 甲二县)
* ``land`` region 甲市, unit 甲市国土资源局 (succeeded by 甲市自然资源局)
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from zhenggai.cases import actions
from zhenggai.ledger.models import Inspection
from zhenggai.testing import WorldTestCase

# persona → the cases it sees
EXPECTED = {
    "system": {"a1", "co", "b1", "coll", "land"},
    "office_P": {"a1", "co", "b1", "coll", "land"},
    "office_A": {"a1", "co", "coll", "land"},
    "reviewer_A": {"a1", "co", "coll", "land"},
    "office_B": {"b1"},
    "unit_A1": {"a1", "co", "coll"},
    "unit_A2": {"co", "coll"},
    "unit_B1": {"b1"},
    "unit_Anat": {"land"},
    "supervisor_Aeco": set(),
    "no_unit": set(),
}


def build_cases(world) -> tuple:
    u, office = world.units, world.users["office_P"]
    inspection = Inspection.objects.get()
    batch = actions.create_batch(
        acting_user=office,
        inspection=inspection,
        number=1,
        handed_over_on=date(2025, 5, 29),
        received_on=date(2025, 5, 28),
        jurisdiction=u["P"],
    )
    cases = {}

    def case(key, number, region, units, **kw):
        cases[key] = actions.add_case(
            batch,
            acting_user=office,
            number=number,
            content=f"反映{key}的噪声和废水问题",
            units=units,
            region=u[region],
            region_text=u[region].name,
            pollution_types=["noise", "water"],
            reported_party=f"{key}公司",
            **kw,
        )

    case("a1", "D3HE202505280001", "A1", [u["A1"]], is_key=True)
    case("co", "X3HE202505280002", "A1", [(u["A1"], Decimal("0.5")), (u["A2"], Decimal("0.5"))])
    case("b1", "D3HE202505280003", "B1", [u["B1"]])
    case("coll", "W3HE202505280004", "A2", [u["Acounties"]])
    case("land", "第一批-5", "A", [u["Aland"]], channel="online")
    return inspection, batch, cases


class CasesWorldTestCase(WorldTestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.inspection, cls.batch, cls.cases = build_cases(cls.world)
