"""Splitting unit and person lists while keeping collective phrases whole."""

from __future__ import annotations

import pytest

from zhenggai.importer.units import split_names


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("各县区党委、政府", ["各县区党委、政府"]),
        ("各县区党委和政府", ["各县区党委和政府"]),
        ("各地市委、行署（政府）", ["各地市委、行署（政府）"]),
        ("各地市委、行署()", ["各地市委、行署()"]),
        ("市、县区国家机关", ["市、县区国家机关"]),
        ("拉萨经开区、柳梧新区、空港新区管委会", ["拉萨经开区、柳梧新区、空港新区管委会"]),
        ("市审计局、环境保护局", ["市审计局", "环境保护局"]),
        ("杨德智、王琳玺", ["杨德智", "王琳玺"]),
        ("王国斌、杨德智、市政府", ["王国斌", "杨德智", "市政府"]),
        ("市委办公室、市政府办公室。", ["市委办公室", "市政府办公室"]),
        ("区党委部(教办)、区直机关工委", ["区党委部(教办)", "区直机关工委"]),
        ("区发展委、区厅；各县区政府,市住建局", ["区发展委", "区厅", "各县区政府", "市住建局"]),
        ("", []),
        (None, []),
        (" 。", []),
    ],
)
def test_split_names(text, expected):
    assert split_names(text) == expected


def test_commas_end_collectives():
    # Only the enumeration comma 、 joins; a ， always ends an item.
    assert split_names("各县区党委，政府") == ["各县区党委", "政府"]


def test_real_values_from_004():
    assert split_names("各级党委和政府及其工作部门,市、县区国家机关") == [
        "各级党委和政府及其工作部门",
        "市、县区国家机关",
    ]
    assert split_names("各人民团体,中央、省属在武各单位") == ["各人民团体", "中央、省属在武各单位"]
    assert split_names("市市场监管局、市生态环境局,各县区政府") == ["市市场监管局", "市生态环境局", "各县区政府"]
    assert split_names("高加志、马世友、苏国波、马扎西、仲生爱") == ["高加志", "马世友", "苏国波", "马扎西", "仲生爱"]


def test_real_values_from_000():
    assert split_names("区商务厅、区厅,各地市委、行署()") == ["区商务厅", "区厅", "各地市委、行署()"]
    value = "区发展委,拉萨经开区、柳梧新区、空港新区管委会。"
    assert split_names(value) == ["区发展委", "拉萨经开区、柳梧新区、空港新区管委会"]
    assert split_names("区厅、区水利厅等有关部门,各地市委、行署()。") == [
        "区厅",
        "区水利厅等有关部门",
        "各地市委、行署()",
    ]
