"""The registry part of the demo: units on four levels, collectives, persons, a succession and a hand-over.

Unit keys are the short names the problem specs use; persons are keyed by name.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from zhenggai.demo.data.common import DEMO_CITY
from zhenggai.organizations.actions import hand_over_person, record_succession, set_collective_members
from zhenggai.organizations.choices import UnitLevel

if TYPE_CHECKING:
    from zhenggai.demo.data.builder import DemoBuilder

__all__ = ["build_persons", "build_units", "hand_over_leader", "record_reform"]


def build_units(b: DemoBuilder) -> None:
    """Create the province, the city, its counties and township, and the two collectives, in this order."""
    _province(b)
    _city(b)
    _xishan(b)
    _songyuan(b)
    _baishi(b)
    _collectives(b)


def _province(b: DemoBuilder) -> None:
    u = b.unit
    u("云岭省", "云岭省", UnitLevel.PROVINCE)
    u("省委办公厅", "中共云岭省委办公厅", UnitLevel.DEPARTMENT, "云岭省", short="省委办公厅")
    u("省政府办公厅", "云岭省人民政府办公厅", UnitLevel.DEPARTMENT, "云岭省", short="省政府办公厅")
    u("省生态环境厅", "云岭省生态环境厅", UnitLevel.DEPARTMENT, "云岭省", short="省生态环境厅")
    u("省自然资源厅", "云岭省自然资源厅", UnitLevel.DEPARTMENT, "云岭省", short="省自然资源厅")


def _city(b: DemoBuilder) -> None:
    u = b.unit
    u("青岚市", DEMO_CITY, UnitLevel.CITY, "云岭省")
    # A government is its jurisdiction's executive; the registry has no level of its own for it.
    u("市政府", "青岚市人民政府", UnitLevel.OTHER, "青岚市", short="市政府", aliases=["青岚市政府"])
    u("市委办公室", "中共青岚市委办公室", UnitLevel.DEPARTMENT, "青岚市", short="市委办公室")
    u("市委组织部", "中共青岚市委组织部", UnitLevel.DEPARTMENT, "青岚市", short="市委组织部")
    u("市政府办公室", "青岚市人民政府办公室", UnitLevel.DEPARTMENT, "青岚市", short="市政府办公室")
    u("市生态环境局", "青岚市生态环境局", UnitLevel.DEPARTMENT, "青岚市", short="市生态环境局")
    u(
        "市发展改革委",
        "青岚市发展和改革委员会",
        UnitLevel.DEPARTMENT,
        "青岚市",
        short="市发展改革委",
        aliases=["市发改委"],
    )
    u("市住建局", "青岚市住房和城乡建设局", UnitLevel.DEPARTMENT, "青岚市", short="市住建局")
    u("市国土资源局", "青岚市国土资源局", UnitLevel.DEPARTMENT, "青岚市", short="市国土资源局")
    u("市自然资源局", "青岚市自然资源局", UnitLevel.DEPARTMENT, "青岚市", short="市自然资源局")
    u("市农业农村局", "青岚市农业农村局", UnitLevel.DEPARTMENT, "青岚市", short="市农业农村局")
    u("市市场监管局", "青岚市市场监督管理局", UnitLevel.DEPARTMENT, "青岚市", short="市市场监管局")
    u("市水务局", "青岚市水务局", UnitLevel.DEPARTMENT, "青岚市", short="市水务局")


def _xishan(b: DemoBuilder) -> None:
    u = b.unit
    u("溪山县", "溪山县", UnitLevel.COUNTY, "青岚市")
    u("溪山县政府", "溪山县人民政府", UnitLevel.OTHER, "溪山县", short="溪山县政府")
    u("溪山县生态环境分局", "溪山县生态环境分局", UnitLevel.DEPARTMENT, "溪山县")
    u("溪山县住建局", "溪山县住房和城乡建设局", UnitLevel.DEPARTMENT, "溪山县", short="溪山县住建局")
    u("溪山县农业农村局", "溪山县农业农村局", UnitLevel.DEPARTMENT, "溪山县")
    u("柳塘镇", "柳塘镇", UnitLevel.TOWNSHIP, "溪山县")
    u("柳塘镇政府", "柳塘镇人民政府", UnitLevel.OTHER, "柳塘镇", short="柳塘镇政府")


def _songyuan(b: DemoBuilder) -> None:
    u = b.unit
    u("松原区", "松原区", UnitLevel.COUNTY, "青岚市")
    u("松原区政府", "松原区人民政府", UnitLevel.OTHER, "松原区", short="松原区政府")
    u("松原区生态环境分局", "松原区生态环境分局", UnitLevel.DEPARTMENT, "松原区")
    u(
        "松原工业园区管委会",
        "青岚松原工业园区管理委员会",
        UnitLevel.OTHER,
        "松原区",
        short="松原工业园区管委会",
    )


def _baishi(b: DemoBuilder) -> None:
    u = b.unit
    u("白石县", "白石县", UnitLevel.COUNTY, "青岚市")
    u("白石县政府", "白石县人民政府", UnitLevel.OTHER, "白石县", short="白石县政府")
    u("白石县生态环境分局", "白石县生态环境分局", UnitLevel.DEPARTMENT, "白石县")
    u("白石县自然资源局", "白石县自然资源局", UnitLevel.DEPARTMENT, "白石县")


def _collectives(b: DemoBuilder) -> None:
    counties = b.unit("各县区政府", "各县区政府", UnitLevel.COLLECTIVE, "青岚市", aliases=["各县（区）人民政府"])
    set_collective_members(
        counties,
        [b.units["溪山县政府"], b.units["松原区政府"], b.units["白石县政府"]],
        acting_user=b.admin,
    )
    water = b.unit(
        "水污染防治领导小组成员单位",
        "青岚市水污染防治工作领导小组成员单位",
        UnitLevel.COLLECTIVE,
        "青岚市",
        short="市水污染防治工作领导小组成员单位",
    )
    set_collective_members(
        water,
        [b.units[k] for k in ("市生态环境局", "市住建局", "市水务局", "市农业农村局", "市发展改革委")],
        acting_user=b.admin,
    )


def build_persons(b: DemoBuilder) -> None:
    """Create the leaders and responsible persons named in the plans."""
    p = b.person
    p("林书远", "市政府", "副市长")
    p("周启明", "市政府", "副市长")
    p("乔振华", "市政府", "副市长")
    p("韩雪松", "市生态环境局", "局长")
    p("唐立群", "市住建局", "局长")
    p("钱守一", "市国土资源局", "局长")
    p("顾明哲", "市自然资源局", "局长")
    p("邵禾青", "市农业农村局", "局长")
    p("陶景行", "溪山县政府", "县长")
    p("贝文涛", "溪山县政府", "副县长")
    p("余海波", "柳塘镇政府", "镇长")
    p("程一帆", "松原区政府", "区长")
    p("骆承安", "松原区政府", "副区长")
    p("宋知远", "白石县政府", "县长")
    p("柯雨桐", "白石县政府", "副县长")


def record_reform(b: DemoBuilder) -> None:
    """The 2019 institutional reform: 青岚市国土资源局 → 青岚市自然资源局, with its open first-round task."""
    record_succession(
        b.units["市国土资源局"],
        b.units["市自然资源局"],
        on=date(2019, 2, 15),
        reason=(
            "按照青岚市机构改革方案，组建青岚市自然资源局，不再保留青岚市国土资源局，"
            "原国土资源局的职责和未完成的督察整改任务整体划入新组建的自然资源局。"
        ),
        acting_user=b.admin,
    )


def hand_over_leader(b: DemoBuilder) -> None:
    """The leader hand-over 林书远 → 周启明 (2026-05-12)."""
    # 副市长林书远调任，由周启明接任分管工作：未完成的任务随之移交，已完成的仍记在原责任领导名下。
    hand_over_person(b.persons["林书远"], b.persons["周启明"], on=date(2026, 5, 12), acting_user=b.admin)
