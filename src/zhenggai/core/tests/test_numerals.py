"""Tests for zhenggai.core.numerals."""

from __future__ import annotations

from datetime import date

import pytest

from zhenggai.core.numerals import format_chinese_date, format_chinese_int, parse_chinese_int, parse_number_label


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("十七", 17),
        ("二十一", 21),
        ("一百零五", 105),
        ("十", 10),
        ("两千", 2000),
        ("一", 1),
        ("零", 0),
        ("九十九", 99),
        ("三十二", 32),
        ("一百", 100),
        ("一百一十", 110),
        ("一千零一十", 1010),
        ("两千零一十八", 2018),
        ("二千零二十", 2020),
        ("三万五千", 35000),
        ("一万零五", 10005),
        ("一百五", 150),  # colloquial: trailing digit takes the next unit down
        ("两千三", 2300),
        # digit-by-digit years
        ("二〇二〇", 2020),
        ("二零一八", 2018),
        ("二○二一", 2021),  # WHITE CIRCLE typed instead of 〇
        ("一九九八", 1998),
        # Arabic digits, ASCII and full-width
        ("17", 17),
        ("１７", 17),
        (" 2020 ", 2020),
    ],
)
def test_parse_chinese_int(text: str, expected: int) -> None:
    assert parse_chinese_int(text) == expected


@pytest.mark.parametrize(
    "text", ["", "   ", "abc", "十十", "百", "一二十", "十百", "第一", "2〇20", "-1", "1.5", "万", "一千万万"]
)
def test_parse_chinese_int_rejects(text: str) -> None:
    with pytest.raises(ValueError):
        parse_chinese_int(text)


@pytest.mark.parametrize(
    ("n", "expected"),
    [
        (0, "零"),
        (1, "一"),
        (10, "十"),
        (17, "十七"),
        (20, "二十"),
        (21, "二十一"),
        (31, "三十一"),
        (100, "一百"),
        (105, "一百零五"),
        (110, "一百一十"),
        (1010, "一千零一十"),
        (2018, "二千零一十八"),
        (10000, "一万"),
        (10010, "一万零一十"),
        (12345, "一万二千三百四十五"),
        (100005, "十万零五"),
    ],
)
def test_format_chinese_int(n: int, expected: str) -> None:
    assert format_chinese_int(n) == expected


@pytest.mark.parametrize("n", [-1, 100_000_000])
def test_format_chinese_int_out_of_range(n: int) -> None:
    with pytest.raises(ValueError):
        format_chinese_int(n)


def test_format_parse_round_trip() -> None:
    numbers = [*range(0, 1100), 2018, 2020, 10010, 99_999, 100_005, 123_456, 1_010_000, 20_000_100, 99_999_999]
    mismatches = {n: format_chinese_int(n) for n in numbers if parse_chinese_int(format_chinese_int(n)) != n}
    assert mismatches == {}


@pytest.mark.parametrize(
    ("d", "expected"),
    [
        (date(2021, 1, 15), "二〇二一年一月十五日"),
        (date(2020, 12, 31), "二〇二〇年十二月三十一日"),
        (date(2018, 10, 10), "二〇一八年十月十日"),
        (date(2000, 2, 29), "二〇〇〇年二月二十九日"),
    ],
)
def test_format_chinese_date(d: date, expected: str) -> None:
    assert format_chinese_date(d) == expected


@pytest.mark.parametrize(
    ("label", "expected"),
    [
        ("第十七项", 17),
        ("二十一、", 21),
        ("（三十二）", 32),
        ("(一)", 1),
        ("1.", 1),
        ("（1）", 1),
        ("第1项", 1),
        ("第一条", 1),
        ("１２．", 12),
        ("3、", 3),
        ("（十）", 10),
        (" 第二十项： ", 20),
        ("七", 7),
    ],
)
def test_parse_number_label(label: str, expected: int) -> None:
    assert parse_number_label(label) == expected


@pytest.mark.parametrize("label", ["", "第项", "（）", "abc", "整改时限", "1.2", "（一", "第十十项", "一、二、"])
def test_parse_number_label_none(label: str) -> None:
    assert parse_number_label(label) is None
