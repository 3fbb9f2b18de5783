"""The persona world with both plans approved (已审定), as the portal publishes only approved or published
plans; the tests that need a draft set it back with ``draft``."""

from __future__ import annotations

from zhenggai.ledger import actions as ledger
from zhenggai.ledger.choices import PlanStatus
from zhenggai.testing import WorldTestCase


def set_status(world, plan: str, status: str) -> None:
    """Plan ``plan`` of the world moved to ``status`` (through the ledger's action, by the administrator)."""
    world.plans[plan] = ledger.set_plan_status(world.plans[plan], status, acting_user=world.users["system"])


def approve_plans(world) -> None:
    for plan in world.plans:
        set_status(world, plan, PlanStatus.APPROVED)


class PortalWorldTestCase(WorldTestCase):
    """``WorldTestCase`` with plans A and B approved."""

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        approve_plans(cls.world)
