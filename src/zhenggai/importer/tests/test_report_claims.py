"""What a progress report claims: 整改进度 wording → claimed status, 截至… → as-of date, the feedback date."""

from __future__ import annotations

import re

import pytest

from zhenggai.importer.parse import parse_bytes
from zhenggai.importer.reports import _AS_OF, progress_claim, stated_as_of


@pytest.mark.parametrize(
    ("text", "claim"),
    [
        ("全面完成，长期坚持。", "completed"),
        ("全面完成", "completed"),
        ("已完成整改", "completed"),
        ("基本完成，长期坚持", "basically_completed"),
        ("正在收尾", "basically_completed"),
        ("序时推进", "in_progress"),
        ("取得阶段性成效。", "in_progress"),
        ("未完成整改", "in_progress"),  # "未" negates: not a completion
        ("尚未启动", "not_started"),
        ("", None),
        ("  ", None),
    ],
)
def test_progress_wording_gives_the_claimed_status(text, claim):
    assert progress_claim(text) == claim


@pytest.mark.parametrize(
    ("text", "day"),
    [
        ("截至2019年3月，全区…", "2019-03-31"),
        ("截至 2020 年 2 月底", "2020-02-29"),
        ("截止2019年", "2019-12-31"),
        ("截至2019年3月15日", "2019-03-15"),
        ("截至2019年2月30日", None),  # no such day: nothing is guessed
    ],
)
def test_the_stated_as_of_date(text, day):
    assert stated_as_of(_AS_OF.search(text)) == day


def test_seed_003_states_its_date_and_the_feedback(seeds_dir):
    data = next(seeds_dir.glob("003_*.txt")).read_bytes()
    document = parse_bytes(data).document
    assert (document.kind, document.as_of, document.feedback_date) == ("report", "2019-03-31", "2018-01-03")


def test_a_report_without_dates_has_none():
    text = "某市整改情况的报告\n\n一、问题一。\n\n整改时限：2020年底前。\n\n整改进度：序时推进。\n"
    document = parse_bytes(text.encode()).document
    assert (document.as_of, document.feedback_date) == (None, None)
    assert not re.search(r"\d", str(document.date or ""))
