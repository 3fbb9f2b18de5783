"""Tests for zhenggai.core.text."""

from __future__ import annotations

import pytest

from zhenggai.core.text import match_key, normalize, squeeze_spaces_in_dates


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("２０１８年６月３０日", "2018年6月30日"),
        ("ＡＢＣ　ｘｙｚ", "ABC xyz"),  # full-width letters and the ideographic space
        ("  整改时限：\t2018年\n\n前完成  ", "整改时限： 2018年 前完成"),
        ("立行立改，持续加强，长期坚持。", "立行立改，持续加强，长期坚持。"),  # Chinese punctuation kept
        ("（一）问题；原因：？！", "（一）问题；原因：？！"),
        ("「标题」“引用”、", "「标题」“引用”、"),
        ("a,b;c:(d)", "a,b;c:(d)"),  # ASCII punctuation stays ASCII
        ("１２３，４５６", "123，456"),
        ("", ""),
        ("   ", ""),
    ],
)
def test_normalize(raw: str, expected: str) -> None:
    assert normalize(raw) == expected


def test_normalize_is_idempotent() -> None:
    once = normalize("２０１８ 年　１２ 月（三）： ｘ")
    assert normalize(once) == once


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("2018 年 12 月 31 日前完成", "2018年12月31日前完成"),
        ("2020 年 12 月 31 前完成", "2020年12月31前完成"),
        ("到 2020 年底", "到 2020年底"),
        ("二〇二〇 年 十二 月", "二〇二〇年十二月"),
        ("每年 10 月份", "每年10月份"),
        ("完成 9 座 污水厂", "完成 9 座 污水厂"),  # spaces not touching a date unit are left alone
        ("2018年12月31日", "2018年12月31日"),
    ],
)
def test_squeeze_spaces_in_dates(raw: str, expected: str) -> None:
    assert squeeze_spaces_in_dates(raw) == expected


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("（西藏）自治区 生态环境厅", "(西藏)自治区生态环境厅"),
        ("拉萨市·城关区", "拉萨市城关区"),
        ("自治区生态环境厅、住房城乡建设厅。", "自治区生态环境厅住房城乡建设厅"),
        ("ＡＢＣ—公司", "abc-公司"),
        ("Lhasa  City", "lhasacity"),
    ],
)
def test_match_key_equal(a: str, b: str) -> None:
    assert match_key(a) == match_key(b)


def test_match_key_value() -> None:
    assert match_key(" （西藏）自治区，生态环境厅 ") == "西藏自治区生态环境厅"
    assert match_key("ＡＢＣ-Def_1") == "abcdef1"


def test_match_key_keeps_different_names_apart() -> None:
    assert match_key("拉萨市") != match_key("林芝市")
    assert match_key("") == ""
