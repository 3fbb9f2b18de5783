"""The synthetic unit registry: provinces, cities, counties, their governments and departments.

One national tree, as ``organizations.Unit`` stores it: a root (全国), provinces, cities and counties
(jurisdictions), each with its government (X县人民政府, level *other* as in the demo) and its
departments; one collective per city (各县区政府) whose members are its counties' governments; the two
departments of every province and city that 机构改革 replaced (环境保护局 → 生态环境局), inactive and
pointing at their successor; the leaders (省长, 副市长, 县长 …) as ``Person`` rows.

Primary keys are allocated before writing, so each tree path (parent path + ``path_segment(pk)``) is
computed here exactly as ``Unit.save`` would. Every unit also gets a short ``code`` (p01, p01c02,
p01c02x03g, p01c02d05 …) from which user names are made (``users.py``). Province *i* takes the *i*-th
行政区划代码 and case-number province code, so the charts' map and case numbers work.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date

from zhenggai.cases.case_numbers import PROVINCE_CODES
from zhenggai.core.text import match_key
from zhenggai.organizations.models import PATH_SEGMENT_WIDTH, Person, Unit, UnitMembership, path_segment
from zhenggai.synthetic.scales import Scale
from zhenggai.synthetic.texts import (
    CITY_DEPTS,
    COUNTY_DEPTS,
    PROVINCE_DEPTS,
    SUCCESSIONS,
    PlaceNames,
    person_name,
)
from zhenggai.synthetic.writer import Loader

__all__ = ["City", "County", "Province", "Tree", "U", "build_units"]

# GB/T 2260 province codes, in the order of case_numbers.PROVINCE_CODES (BJ=11, TJ=12 … XJ=65).
REGION_CODES = (11, 12, 13, 14, 15, 21, 22, 23, 31, 32, 33, 34, 35, 36, 37, 41, 42, 43, 44, 45, 46, 50, 51, 52, 53)
REGION_CODES += (54, 61, 62, 63, 64, 65)
REFORM_DAY = date(2019, 2, 15)


@dataclass(slots=True)
class U:
    """A unit as the generator remembers it (the row itself is already queued for writing)."""

    pk: int
    name: str
    level: str
    path: str
    code: str


@dataclass
class County:
    unit: U
    government: U
    depts: list[U]
    leaders: list[int] = field(default_factory=list)  # Person pks


@dataclass
class City:
    unit: U
    government: U
    depts: list[U]
    collective: U
    counties: list[County] = field(default_factory=list)
    predecessors: dict[str, U] = field(default_factory=dict)  # successor's department name → old unit
    leaders: list[int] = field(default_factory=list)

    def dept(self, name: str) -> U:
        return next(d for d in self.depts if d.name.endswith(name))


@dataclass
class Province:
    index: int  # 0-based
    unit: U
    government: U
    depts: list[U]
    case_code: str  # SX, SN … (case numbers)
    cities: list[City] = field(default_factory=list)
    predecessors: dict[str, U] = field(default_factory=dict)
    leaders: list[int] = field(default_factory=list)

    def dept(self, name: str) -> U:
        return next(d for d in self.depts if d.name.endswith(name))


@dataclass
class Tree:
    root: U
    provinces: list[Province]
    units: int = 0
    persons: int = 0
    predecessor_of: dict[int, int] = field(default_factory=dict)  # successor's pk → the replaced unit's pk
    by_pk: dict[int, U] = field(default_factory=dict)

    def jurisdictions(self):
        """Every province, city and county unit with its level, in tree order."""
        for province in self.provinces:
            yield province.unit
            for city in province.cities:
                yield city.unit
                yield from (county.unit for county in city.counties)


class _Builder:
    def __init__(self, loader: Loader, scale: Scale, rng: random.Random) -> None:
        self.units = loader.table(Unit)
        self.members = loader.table(UnitMembership)
        self.persons = loader.table(Person)
        self.scale, self.rng = scale, rng
        self.places = PlaceNames(rng)
        self.count = 0
        self.person_count = 0
        self.predecessor_of: dict[int, int] = {}
        self.by_pk: dict[int, U] = {}

    def unit(self, name: str, level: str, parent: U | None, code: str, **extra) -> U:
        pk = self.units.next_pk()
        path = (parent.path if parent else "") + path_segment(pk)
        self.units.add(
            {
                "id": pk,
                "name": name,
                "short_name": extra.pop("short_name", ""),
                "level": level,
                "parent_id": parent.pk if parent else None,
                "path": path,
                "depth": len(path) // PATH_SEGMENT_WIDTH - 1,
                "name_key": match_key(name),
                "short_name_key": "",
                **extra,
            }
        )
        self.count += 1
        self.by_pk[pk] = U(pk, name, level, path, code)
        return self.by_pk[pk]

    def depts(self, parent: U, names: list[str], code: str) -> list[U]:
        return [
            self.unit(parent.name + name, "department", parent, f"{code}d{i + 1:02d}") for i, name in enumerate(names)
        ]

    def predecessors(self, parent: U, depts: list[U], level: str, code: str) -> dict[str, U]:
        """The departments 机构改革 replaced, inactive, with their successor and the day."""
        old = {}
        if not self.scale.successions:
            return old
        for n, (before, after) in enumerate(SUCCESSIONS[level], start=1):
            successor = next((d for d in depts if d.name.endswith(after)), None)
            if successor is None:
                continue
            old[after] = self.unit(
                parent.name + before,
                "department",
                parent,
                f"{code}o{n}",
                is_active=False,
                successor_id=successor.pk,
                succeeded_on=REFORM_DAY,
                succession_reason="机构改革，职责整合划入" + successor.name,
            )
            self.predecessor_of[successor.pk] = old[after].pk
        return old

    def leaders(self, government: U, titles: tuple[str, ...]) -> list[int]:
        self.person_count += len(titles)
        return [
            self.persons.add({"name": person_name(self.rng), "unit_id": government.pk, "title": title})
            for title in titles
        ]


def build_units(loader: Loader, scale: Scale, rng: random.Random) -> Tree:
    """Queue the whole registry for writing and return the tree the later stages assign work in."""
    b = _Builder(loader, scale, rng)
    root = b.unit("全国", "other", None, "cn")  # UnitLevel has no country level
    tree = Tree(root, [])
    codes = list(PROVINCE_CODES)
    for index in range(scale.provinces):
        pcode = f"p{index + 1:02d}"
        region = REGION_CODES[index % len(REGION_CODES)]
        prov = b.unit(b.places.new() + "省", "province", root, pcode, region_code=f"{region}0000")
        government = b.unit(prov.name + "人民政府", "other", prov, pcode + "g")
        depts = b.depts(prov, PROVINCE_DEPTS[: scale.province_depts], pcode)
        province = Province(index, prov, government, depts, codes[index % len(codes)])
        province.predecessors = b.predecessors(prov, depts, "province", pcode)
        province.leaders = b.leaders(government, ("省长", "副省长", "副省长"))
        for c in range(rng.randint(*scale.cities)):
            province.cities.append(_city(b, province, c, region))
        tree.provinces.append(province)
    tree.units, tree.persons, tree.predecessor_of, tree.by_pk = b.count, b.person_count, b.predecessor_of, b.by_pk
    return tree


def _city(b: _Builder, province: Province, c: int, region: int) -> City:
    rng, scale = b.rng, b.scale
    ccode = f"{province.unit.code}c{c + 1:02d}"
    town = b.unit(b.places.new() + "市", "city", province.unit, ccode, region_code=f"{region}{c + 1:02d}00")
    government = b.unit(town.name + "人民政府", "other", town, ccode + "g")
    depts = b.depts(town, CITY_DEPTS[: scale.city_depts], ccode)
    collective = b.unit("各县区政府", "collective", town, ccode + "k", short_name=f"{town.name}各县（区）人民政府")
    city = City(town, government, depts, collective)
    city.predecessors = b.predecessors(town, depts, "city", ccode)
    city.leaders = b.leaders(government, ("市长", "副市长", "副市长"))
    for x in range(rng.randint(*scale.counties)):
        xcode = f"{ccode}x{x + 1:02d}"
        suffix = "区" if x < 2 and rng.random() < 0.6 else "县"
        county = b.unit(b.places.new() + suffix, "county", town, xcode, region_code=f"{region}{c + 1:02d}{x + 1:02d}")
        gov = b.unit(county.name + "人民政府", "other", county, xcode + "g")
        entry = County(county, gov, b.depts(county, COUNTY_DEPTS[: scale.county_depts], xcode))
        entry.leaders = b.leaders(gov, (f"{suffix}长", f"副{suffix}长"))
        city.counties.append(entry)
        b.members.add({"collective_id": collective.pk, "member_id": gov.pk})
    return city
