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
from zhenggai.cases.choices import CaseStatus, Findings
from zhenggai.ledger.models import Inspection
from zhenggai.testing import WorldTestCase, frozen_at

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


def put_to_acceptance(world, case, persona: str):
    """Close ``case`` (found true, as the batch's office) and have ``persona``, a user who handles it, ask
    for its acceptance on 2026-03-02: the case is then under acceptance (a request in review). Returns the
    request; ``acceptance.actions.decide_step`` moves it on (the city case ``land``: reviewer_A's pass
    opens its 公示)."""
    from zhenggai.acceptance import actions as acceptance
    from zhenggai.acceptance.choices import CHECKLIST

    closed = {"findings": Findings.TRUE, "status": CaseStatus.CLOSED, "handling": "已责令整改并复查"}
    actions.record_handling(case, acting_user=world.users["office_P"], expected_version=None, changes=closed)
    with frozen_at(date(2026, 3, 2)):
        return acceptance.request_acceptance(
            case,
            acting_user=world.users[persona],
            report="自查：已办结，群众满意。",
            signed_by_head="王五",
            checklist={key: True for key, _label in CHECKLIST},
        )


class CasesWorldTestCase(WorldTestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.inspection, cls.batch, cls.cases = build_cases(cls.world)
