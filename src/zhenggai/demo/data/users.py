"""The demo logins: one user for every role, each seeing a different part of the ledger."""

from __future__ import annotations

from django.contrib.auth import get_user_model

from zhenggai.accounts.choices import Role
from zhenggai.demo.data.common import DemoLogin
from zhenggai.organizations.models import Unit

__all__ = ["DEMO_USERS", "ROLE_NAMES_ZH", "build_users", "create_admin", "logins", "role_label"]

# Chinese role names for the login table; the English is the role's value.
ROLE_NAMES_ZH = {
    Role.ADMIN: "系统管理员",
    Role.OFFICE: "整改办",
    Role.UNIT: "责任单位",
    Role.SUPERVISOR: "督导单位",
    Role.REVIEWER: "验收审核",
}

# (username, password, role, unit name or "" , first name). The passwords are public:
# they are printed by ``zhenggai load_demo`` and listed in the README.
DEMO_USERS: tuple[tuple[str, str, str, str, str], ...] = (
    ("admin", "demo-admin-2026", Role.ADMIN, "", "管理员"),
    ("province", "demo-province-2026", Role.OFFICE, "云岭省", "岳衡"),
    ("office", "demo-office-2026", Role.OFFICE, "青岚市", "许清和"),
    ("xishan", "demo-xishan-2026", Role.UNIT, "溪山县人民政府", "方远"),
    ("baishi", "demo-baishi-2026", Role.UNIT, "白石县人民政府", "石磊"),
    ("ziranziyuan", "demo-ziranziyuan-2026", Role.UNIT, "青岚市自然资源局", "贺晨"),
    ("duban", "demo-duban-2026", Role.SUPERVISOR, "青岚市人民政府办公室", "严正"),
    ("reviewer", "demo-reviewer-2026", Role.REVIEWER, "青岚市", "孟青"),
)


def role_label(role: str) -> str:
    """The role as shown in the login table: Chinese, with the English value in brackets."""
    return f"{ROLE_NAMES_ZH.get(role, role)}（{role}）"


def logins() -> list[DemoLogin]:
    """The documented demo logins, in the order of ``DEMO_USERS``."""
    return [
        DemoLogin(username, password, role_label(role), unit or "—")
        for username, password, role, unit, _first in DEMO_USERS
    ]


def create_admin():
    """Create the demo administrator, the acting user for everything else the loader creates."""
    user_model = get_user_model()
    username, password, role, _unit, first_name = DEMO_USERS[0]
    return user_model.objects.create_superuser(username, password=password, role=role, first_name=first_name, email="")


def build_users() -> None:
    """Create the other demo users, each attached to its unit (looked up by its full name)."""
    user_model = get_user_model()
    for username, password, role, unit_name, first_name in DEMO_USERS[1:]:
        unit = Unit.objects.get(name=unit_name)
        user_model.objects.create_user(username, password=password, role=role, unit=unit, first_name=first_name)
