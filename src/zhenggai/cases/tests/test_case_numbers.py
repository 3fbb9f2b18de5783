"""The case-number parser: documented examples, impossible dates, unknown formats kept as text."""

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from zhenggai.cases.case_numbers import normalize_case_number, parse_case_number


@pytest.mark.parametrize(
    ("text", "channel", "round_", "province", "day", "sequence"),
    [
        ("D3SX202505280018", "phone", 3, "SX", date(2025, 5, 28), 18),
        ("X3SX202506010011", "letter", 3, "SX", date(2025, 6, 1), 11),
        ("W2HB202104150003", "wechat", 2, "HB", date(2021, 4, 15), 3),
        ("N3JX202404300120", "online", 3, "JX", date(2024, 4, 30), 120),
        (" ｄ3sx 2025 0528 0018 ", "phone", 3, "SX", date(2025, 5, 28), 18),  # full-width, spaces, lower case
        ("Q3SX202505280018", "", 3, "SX", date(2025, 5, 28), 18),  # an unknown letter: channel from 来源
    ],
)
def test_documented_and_assumed_formats(text, channel, round_, province, day, sequence):
    parsed = parse_case_number(text)
    assert parsed.valid, parsed.problem
    assert (parsed.channel, parsed.round, parsed.province_code, parsed.received_on, parsed.sequence) == (
        channel,
        round_,
        province,
        day,
        sequence,
    )
    assert parsed.text == normalize_case_number(text)


def test_province_names_and_unknown_codes():
    assert parse_case_number("D3SX202505280018").province_name == "山西"
    assert parse_case_number("D3SN202505280018").province_name == "陕西"
    unknown = parse_case_number("D3ZZ202505280018")
    assert unknown.valid and unknown.province_name == ""


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("D3SX202502300018", "impossible date 20250230"),
        ("D3SX202513010018", "impossible date 20251301"),
        ("D3SX201405280018", "date 20140528 before 2015"),
        ("第5批-0018", "unknown format"),
        ("12369-2025-000123", "unknown format"),
        ("", "empty"),
    ],
)
def test_invalid_numbers_are_kept_as_text(text, problem):
    parsed = parse_case_number(text)
    assert not parsed.valid
    assert parsed.problem == problem
    assert parsed.text == normalize_case_number(text)
    assert parsed.received_on is None and parsed.round is None


@given(
    letter=st.sampled_from("DXWN"),
    round_=st.integers(1, 9),
    day=st.dates(date(2015, 1, 1), date(2099, 12, 31)),
    sequence=st.integers(0, 9999),
)
def test_every_well_formed_number_round_trips(letter, round_, day, sequence):
    text = f"{letter}{round_}SX{day:%Y%m%d}{sequence:04d}"
    parsed = parse_case_number(text)
    assert parsed.valid
    assert (parsed.round, parsed.received_on, parsed.sequence, parsed.letter) == (round_, day, sequence, letter)


@given(st.text(max_size=30))
def test_never_raises(text):
    parsed = parse_case_number(text)
    assert parsed.valid == (parsed.problem == "")
