"""Tests for zhenggai.core.deadlines, including every 整改时限 in the real seed documents."""

from __future__ import annotations

import re
from dataclasses import FrozenInstanceError
from datetime import date
from pathlib import Path

import pytest

from zhenggai.core.deadlines import ParsedDeadline, parse_deadline

D = date


@pytest.mark.parametrize(
    ("raw", "due", "precision"),
    [
        ("2018年6月30日前完成", D(2018, 6, 30), "day"),
        ("2018 年 12 月 31 日前完成", D(2018, 12, 31), "day"),
        ("２０１８年６月３０日", D(2018, 6, 30), "day"),
        ("2020年12月31前完成", D(2020, 12, 31), "day"),  # missing 日
        ("2020年6月15前完成", D(2020, 6, 15), "day"),
        ("2020 年 12 月 31 前完成。", D(2020, 12, 31), "day"),
        ("2018月12月31日", D(2018, 12, 31), "day"),  # 月 typed for 年
        ("2018年6月30号", D(2018, 6, 30), "day"),
        ("二〇二〇年十二月三十一日前", D(2020, 12, 31), "day"),
        ("二零一八年六月三十日前完成", D(2018, 6, 30), "day"),
        ("2020年十一月底前", D(2020, 11, 30), "month"),
        ("2020年年底前", D(2020, 12, 31), "year"),
        ("2021年年底前", D(2021, 12, 31), "year"),
        ("2017年底前", D(2017, 12, 31), "year"),
        ("到2020年底", D(2020, 12, 31), "year"),
        ("到 2020 年底完成 9 座", D(2020, 12, 31), "year"),
        ("2020年末", D(2020, 12, 31), "year"),
        ("2020年11月底前", D(2020, 11, 30), "month"),
        ("2018年6月底前", D(2018, 6, 30), "month"),
        ("2020年9月底前", D(2020, 9, 30), "month"),
        ("2020年10月底前", D(2020, 10, 31), "month"),
        ("2020年2月底前", D(2020, 2, 29), "month"),  # leap year
        ("2019年2月底前", D(2019, 2, 28), "month"),
        ("2020年6月完成", D(2020, 6, 30), "month"),
        ("到2020年", D(2020, 12, 31), "year"),
        ("2020年内完成", D(2020, 12, 31), "year"),
        ("2019年上半年", D(2019, 6, 30), "month"),
        ("2019年下半年", D(2019, 12, 31), "month"),
        ("2019年第一季度", D(2019, 3, 31), "month"),
        ("2019年一季度", D(2019, 3, 31), "month"),
        ("2019年第二季度末", D(2019, 6, 30), "month"),
        ("2019年3季度", D(2019, 9, 30), "month"),
        ("2019年第四季度", D(2019, 12, 31), "month"),
    ],
)
def test_single_dates(raw: str, due: date, precision: str) -> None:
    parsed = parse_deadline(raw)
    assert parsed.due_date == due
    assert parsed.dates == (due,)
    assert parsed.precision == precision
    assert parsed.recognised is True
    assert parsed.ambiguous is False
    assert parsed.kinds() == ["date"]
    assert parsed.raw == raw


@pytest.mark.parametrize(
    ("raw", "due", "kinds"),
    [
        ("2018年6月30日前完成，长期坚持", D(2018, 6, 30), ["date", "long_term"]),
        ("2018年6月30日，长期坚持", D(2018, 6, 30), ["date", "long_term"]),
        ("2018 年 12 月 31 日，长期坚持", D(2018, 12, 31), ["date", "long_term"]),
        ("2018年6月30前完成,长期", D(2018, 6, 30), ["date", "long_term"]),
        ("整改时限 : 2020 年 12 月 31 日前完成, 长期坚持。", D(2020, 12, 31), ["date", "long_term"]),
        ("立行立改，持续加强，长期坚持", None, ["immediate", "long_term"]),
        ("立行立改，长期坚持。", None, ["immediate", "long_term"]),
        ("立即启动", None, ["immediate"]),
        ("立行立改", None, ["immediate"]),
        ("长期", None, ["long_term"]),
        ("长期坚持", None, ["long_term"]),
        ("持续加强", None, ["long_term"]),
        ("立即启动，2018年底前完成", D(2018, 12, 31), ["date", "immediate"]),
    ],
)
def test_flags(raw: str, due: date | None, kinds: list[str]) -> None:
    parsed = parse_deadline(raw)
    assert parsed.due_date == due
    assert parsed.kinds() == kinds
    assert parsed.immediate is ("immediate" in kinds)
    assert parsed.long_term is ("long_term" in kinds)
    assert parsed.conditional is False
    assert parsed.recognised is True
    assert (parsed.precision == "") is (due is None)


def test_kinds_are_in_fixed_order() -> None:
    parsed = parse_deadline("每季度调度，长期坚持；根据批复时间确定；立即启动，2020年底前完成")
    assert parsed.kinds() == ["date", "immediate", "long_term", "conditional", "recurring"]
    assert parsed.recurrence == "quarterly"


@pytest.mark.parametrize(
    ("raw", "recurrence"),
    [
        ("每季度", "quarterly"),
        ("每年", "yearly"),
        ("每月", "monthly"),
        ("每周", "weekly"),
        ("每半年", "half_yearly"),
        ("每个月报送一次", "monthly"),
        ("每季开展一次水质监测", "quarterly"),
        ("每年度向人大报告", "yearly"),
        ("每星期调度", "weekly"),
    ],
)
def test_recurrence(raw: str, recurrence: str) -> None:
    parsed = parse_deadline(raw)
    assert parsed.recurrence == recurrence
    assert parsed.due_date is None
    assert parsed.dates == ()
    assert parsed.kinds() == ["recurring"]
    assert parsed.recognised is True


def test_yearly_recurrence_with_month_is_not_a_date() -> None:
    parsed = parse_deadline("每年 10 月份")
    assert parsed.recurrence == "yearly"
    assert parsed.due_date is None


def test_year_before_is_end_of_previous_year_and_ambiguous() -> None:
    parsed = parse_deadline("2019年前")
    assert parsed.due_date == D(2018, 12, 31)
    assert parsed.precision == "year"
    assert parsed.ambiguous is True
    assert parse_deadline("2019年以前完成").due_date == D(2018, 12, 31)


def test_month_before_is_end_of_previous_month_and_ambiguous() -> None:
    parsed = parse_deadline("2020年6月前完成")
    assert parsed.due_date == D(2020, 5, 31)
    assert parsed.precision == "month"
    assert parsed.ambiguous is True


def test_conditional_with_fallback_date() -> None:
    raw = (
        "涉及连古城自然保护区范围及功能区调整问题，根据国家自然保护地整合优化审核批复时间确定，"
        "其余问题2020年年底前完成。"
    )
    parsed = parse_deadline(raw)
    assert parsed.conditional is True
    assert parsed.due_date == D(2020, 12, 31)
    assert parsed.precision == "year"
    assert parsed.kinds() == ["date", "conditional"]


@pytest.mark.parametrize(
    "raw",
    ["根据项目批复时间确定", "视资金到位情况", "待规划批复后实施", "批复时间确定", "完成时间另行确定"],
)
def test_conditional_markers(raw: str) -> None:
    parsed = parse_deadline(raw)
    assert parsed.conditional is True
    assert parsed.kinds() == ["conditional"]


@pytest.mark.parametrize("raw", ["高度重视整改情况", "对待群众诉求", "期待完成"])
def test_conditional_lookalikes_are_not_conditional(raw: str) -> None:
    assert parse_deadline(raw).conditional is False


def test_several_dates_due_is_latest() -> None:
    parsed = parse_deadline("2018年底前完成，2020年底前全面达标")
    assert parsed.dates == (D(2018, 12, 31), D(2020, 12, 31))
    assert parsed.due_date == D(2020, 12, 31)
    assert parsed.precision == "year"


def test_dates_keep_text_order_and_drop_repeats() -> None:
    parsed = parse_deadline("2020年12月31日前完成；2018年6月30日前启动；2020年12月31日前验收")
    assert parsed.dates == (D(2020, 12, 31), D(2018, 6, 30))
    assert parsed.due_date == D(2020, 12, 31)


def test_same_date_prefers_finer_precision() -> None:
    parsed = parse_deadline("2020年底前完成主体工程，2020年12月31日前验收")
    assert parsed.due_date == D(2020, 12, 31)
    assert parsed.precision == "day"


def test_yearless_date_inherits_previous_year() -> None:
    parsed = parse_deadline("2018年6月30日前完成排查，9月30日前完成整治，12月底前验收")
    assert parsed.dates == (D(2018, 6, 30), D(2018, 9, 30), D(2018, 12, 31))
    assert parsed.precision == "month"


def test_yearless_date_alone_is_not_a_date() -> None:
    parsed = parse_deadline("9月30日前完成")
    assert parsed.due_date is None
    assert parsed.recognised is False


def test_start_year_is_not_a_deadline() -> None:
    parsed = parse_deadline("2020年年底前编制预案。2021年起，加快推进整合优化工作")
    assert parsed.dates == (D(2020, 12, 31),)
    assert parse_deadline("2021年起").recognised is False


def test_whole_target_line_from_plan_000() -> None:
    parsed = parse_deadline("1.第1项目标2018年6月30日前完成，长期；2.第2项目标立行立改，长期。")
    assert parsed.dates == (D(2018, 6, 30),)
    assert parsed.due_date == D(2018, 6, 30)
    assert parsed.long_term is True
    assert parsed.immediate is True
    assert parsed.kinds() == ["date", "immediate", "long_term"]


@pytest.mark.parametrize(
    ("raw", "due"),
    [("2019年2月30日", D(2019, 2, 28)), ("2020年2月30日", D(2020, 2, 29)), ("2018年6月31日前", D(2018, 6, 30))],
)
def test_impossible_day_is_clamped_and_ambiguous(raw: str, due: date) -> None:
    parsed = parse_deadline(raw)
    assert parsed.due_date == due
    assert parsed.ambiguous is True
    assert parsed.precision == "day"


@pytest.mark.parametrize("raw", ["2018年13月31日", "2018年0月1日", "2018年6月0日", "0001年1月1日", "9999年底"])
def test_invalid_dates_are_ignored(raw: str) -> None:
    parsed = parse_deadline(raw)
    assert parsed.due_date is None
    assert parsed.dates == ()


@pytest.mark.parametrize("raw", [None, "", "   ", "—", "——", "-", "无", "见附件", "abc"])
def test_nothing_understood(raw: str | None) -> None:
    parsed = parse_deadline(raw)
    assert parsed == ParsedDeadline(raw=raw or "")
    assert parsed.recognised is False
    assert parsed.kinds() == []


def test_parsed_deadline_is_frozen() -> None:
    parsed = parse_deadline("2020年底前")
    with pytest.raises(FrozenInstanceError):
        parsed.due_date = None  # type: ignore[misc]


# --- the real seed documents -------------------------------------------------

_FIELD = re.compile(r"^整改时限[^:：]{0,8}[:：]\s*(?P<text>.+)$")  # also "整改时限修改为:" and "整改时限 :"
_TRAILING = re.compile(r"[（(](?P<text>[^（）()]{1,40})[）)]。?$")  # a measure's own deadline at the line end
_DEADLINE_WORDS = re.compile(r"年|长期|立即|立行")
_YEAR = re.compile(r"\d{4}\s*年")


def _seed_deadlines(folder: Path) -> list[tuple[str, str]]:
    """(file:line, deadline text) for every 整改时限 field and trailing measure deadline."""
    found = []
    for path in sorted(folder.glob("*.txt")):
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            line = line.strip()
            field = _FIELD.match(line)
            trailing = _TRAILING.search(line)
            if field:
                found.append((f"{path.name}:{number}", field["text"]))
            elif trailing and _DEADLINE_WORDS.search(trailing["text"]):
                found.append((f"{path.name}:{number}", trailing["text"]))
    return found


def test_every_seed_deadline_is_recognised(seeds_dir: Path) -> None:
    deadlines = _seed_deadlines(seeds_dir)
    # 79 整改时限 fields (000: 15, 003: 45, 004: 19) and 245 measure deadlines in brackets (003: 173, 000: 72)
    assert len(deadlines) == 324, f"expected 324 deadline strings in {seeds_dir}, found {len(deadlines)}"
    failures = []
    for where, text in deadlines:
        parsed = parse_deadline(text)
        useful = parsed.due_date or parsed.immediate or parsed.long_term or parsed.conditional
        # Stricter than "something was understood": a written year must give a date, 长期 must set long_term.
        missed_date = _YEAR.search(text) and parsed.due_date is None
        missed_long_term = "长期" in text and not parsed.long_term
        if not (parsed.recognised and useful) or missed_date or missed_long_term:
            failures.append(f"{where}: {text!r} -> {parsed}")
    assert failures == []
