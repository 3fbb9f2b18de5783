"""Narrative plans (seeds 001, 002): general measures with units and inline deadlines."""

from __future__ import annotations

from pathlib import Path

import pytest

from zhenggai.core.text import normalize, squeeze_spaces_in_dates
from zhenggai.importer.model import GeneralMeasure, ParsedDocument
from zhenggai.importer.narrative import find_deadline_phrases, parse_narrative
from zhenggai.importer.text import lines as text_lines

SEED_001 = "001_1f534a80bb4ba8e4.txt"
SEED_002 = "002_0d839f5ceb410333.txt"


def _lines(raw: str) -> list[str]:
    """Stand-in for ``text.lines()``: normalised, date spaces squeezed, empty lines dropped."""
    return [squeeze_spaces_in_dates(normalize(line)).strip() for line in raw.splitlines() if line.strip()]


def _parse(seeds_dir: Path, name: str, table: dict[int, str] | None = None) -> ParsedDocument:
    raw = (seeds_dir / name).read_text(encoding="utf-8")
    return parse_narrative(_lines(raw.translate(table) if table else raw))


@pytest.fixture(scope="module")
def plan_001(seeds_dir: Path) -> ParsedDocument:
    return _parse(seeds_dir, SEED_001)


@pytest.fixture(scope="module")
def plan_002(seeds_dir: Path) -> ParsedDocument:
    return _parse(seeds_dir, SEED_002)


def _by_title(parsed: ParsedDocument, title: str) -> GeneralMeasure:
    return next(m for m in parsed.general_measures if m.title == title)


def test_001_every_item_with_a_responsible_unit_is_a_measure(plan_001: ParsedDocument) -> None:
    assert plan_001.document.kind == "narrative"
    assert plan_001.problems == []
    assert len(plan_001.general_measures) == 22
    labels = [m.number_text for m in plan_001.general_measures]
    assert labels.count(None) == 2  # the unnumbered bodies of chapters 六 and 七
    assert all(m.responsible_units for m in plan_001.general_measures)
    # 二(三) has sub-items 1. and 2. and no units: a heading, not a measure.
    assert not any(m.title == "全面整改督察反馈问题" for m in plan_001.general_measures)


def test_001_fields(plan_001: ParsedDocument) -> None:
    first = plan_001.general_measures[0]
    assert first.category == "更加重视生态环境保护"
    assert first.number_text == "(一)"
    assert first.title == "强化决策部署"
    assert first.text.startswith("强化决策部署。")
    assert first.responsible_units == ["市委办公室", "市政府办公室", "各县区党委、政府"]
    second = plan_001.general_measures[1]
    assert second.cooperating_units == ["市审计局", "环境保护局"]
    funds = _by_title(plan_001, "引导社会资金投入环境保护")
    assert funds.responsible_units == ["市发展改革委", "财政局", "市政府金融办"]
    review = _by_title(plan_001, "开展省委省政府环保督察组交办问题“回头看”")
    assert review.responsible_units[1] == "临翔区、云县、永德县、沧源自治县、双江自治县党委、政府"


def test_001_inline_deadlines(plan_001: ParsedDocument) -> None:
    planning = _by_title(plan_001, "持续提高城乡规划质量和水平")
    assert [(d.raw, d.date) for d in planning.deadlines] == [
        ("2017年底前", "2017-12-31"),
        ("2018年底前", "2018-12-31"),
        ("2020年前", "2019-12-31"),
    ]
    farming = _by_title(plan_001, "全面加强农业面源污染防治")
    assert ("到2020年", "2020-12-31") in [(d.raw, d.date) for d in farming.deadlines]
    reserves = next(m for m in plan_001.general_measures if m.category == "健全自然保护区管理体制")
    assert [d.raw for d in reserves.deadlines] == ["2019年前"]
    # "2017年起" starts something; it is no deadline.
    assert plan_001.general_measures[0].deadlines == []


def test_001_metadata(plan_001: ParsedDocument) -> None:
    assert plan_001.document.issuer == "临沧市"
    assert plan_001.document.inspection == "省委省政府第二环境保护督察组"
    assert plan_001.document.date == "2018-02-07"


def test_002_the_25_key_measures(plan_002: ParsedDocument) -> None:
    measures = plan_002.general_measures
    assert [m.number_text for m in measures] == [f"{i}." for i in range(1, 26)]
    assert {m.category for m in measures} == {"重点举措"}
    assert measures[1].title == "坚决扛起生态文明建设的政治责任"
    assert all(m.responsible_units == [] and m.cooperating_units == [] for m in measures)
    lakes = measures[8]
    assert [(d.raw, d.date) for d in lakes.deadlines] == [
        ("2018年6月底前", "2018-06-30"),
        ("2018年12月底前", "2018-12-31"),
        ("到2020年", "2020-12-31"),
    ]


def test_002_stated_task_count_is_not_invented(plan_002: ParsedDocument) -> None:
    assert len(plan_002.general_measures) == 25
    assert any("94" in w.message and "25" in w.message for w in plan_002.warnings)
    assert plan_002.document.inspection == "中央第八环境保护督察组"
    assert plan_002.document.issuer == "新疆维吾尔自治区"


@pytest.mark.parametrize(("name", "count"), [(SEED_001, 22), (SEED_002, 25)])
def test_full_width_punctuation_gives_the_same_measures(seeds_dir: Path, name: str, count: int) -> None:
    plain = _parse(seeds_dir, name)
    wide = _parse(seeds_dir, name, str.maketrans(",:();", "，：（）；"))
    assert len(wide.general_measures) == count
    assert [m.responsible_units for m in wide.general_measures] == [m.responsible_units for m in plain.general_measures]
    assert [len(m.deadlines) for m in wide.general_measures] == [len(m.deadlines) for m in plain.general_measures]


def test_deadline_phrases() -> None:
    text = "2017年起开展，2018年以来推进，2018年6月底前完成，到2020年达到，2019年前落实，2018年内建成。"
    assert find_deadline_phrases(text) == ["2018年6月底前", "到2020年", "2019年前", "2018年内"]


DEGENERATE = [
    [],
    ["没有章节的一段文字。"],
    ["一、", "(一)", "1.", "附件:"],
    ["（" + "2" * 5000, "共" + "9" * 5000 + "项"],
]


@pytest.mark.parametrize("lines", DEGENERATE)
def test_degenerate_input_never_raises(lines: list[str]) -> None:
    parsed = parse_narrative(lines)
    assert parsed.document.kind == "narrative"
    assert parsed.general_measures == []
    assert parsed.warnings


@pytest.mark.parametrize(("name", "count"), [(SEED_001, 22), (SEED_002, 25)])
def test_same_counts_from_the_importers_own_lines(seeds_dir: Path, name: str, count: int) -> None:
    parsed = parse_narrative(text_lines((seeds_dir / name).read_text(encoding="utf-8")))
    assert len(parsed.general_measures) == count
