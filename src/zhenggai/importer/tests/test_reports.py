"""Progress reports (seed 003): problems, measures, deadlines and 整改进展 from the attachment."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from zhenggai.core.text import normalize, squeeze_spaces_in_dates
from zhenggai.importer.model import ParsedDocument
from zhenggai.importer.reports import parse_report
from zhenggai.importer.text import lines as text_lines

SEED = "003_423627785493a563.txt"
# Measures per problem, counted by reading the seed's attachment.
MEASURES_PER_PROBLEM = {1: 4, 2: 5, 3: 3, 4: 4, 5: 2, 14: 7, 45: 5}


def _lines(raw: str) -> list[str]:
    """Stand-in for ``text.lines()``: normalised, date spaces squeezed, empty lines dropped."""
    return [squeeze_spaces_in_dates(normalize(line)).strip() for line in raw.splitlines() if line.strip()]


def _raw(seeds_dir: Path) -> str:
    return (seeds_dir / SEED).read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def report(seeds_dir: Path) -> ParsedDocument:
    return parse_report(_lines(_raw(seeds_dir)))


def test_finds_the_45_problems_and_179_measures_the_report_states(report: ParsedDocument) -> None:
    assert report.document.kind == "report"
    assert [p.number for p in report.problems] == list(range(1, 46))
    assert report.measure_count() == 179
    assert not any("were found" in w.message for w in report.warnings)


def test_measures_per_problem(report: ParsedDocument) -> None:
    for number, count in MEASURES_PER_PROBLEM.items():
        problem = report.problems[number - 1]
        assert len(problem.measures) == count, number
        assert [m.number_text for m in problem.measures] == [f"{i}." for i in range(1, count + 1)]


def test_problem_fields(report: ParsedDocument) -> None:
    first, second = report.problems[0], report.problems[1]
    assert first.number_text == "一、"
    assert report.problems[20].number_text == "二十一、"
    assert first.title == "对国家生态安全屏障重要性认识不够深刻"
    assert first.description.startswith(first.title + "。")
    assert first.progress_status == "全面完成，长期坚持"
    assert first.deadline is not None and first.deadline.date == "2018-06-30" and first.deadline.long_term
    assert second.deadline is not None and second.deadline.immediate and second.deadline.long_term
    assert second.deadline.date is None
    assert second.progress_status == "取得阶段性成效"
    assert all(p.deadline is not None and p.progress_status for p in report.problems)


def test_measure_deadline_parenthesis_is_split_off(report: ParsedDocument) -> None:
    measure = report.problems[2].measures[0]
    assert measure.deadline is not None
    assert measure.deadline.raw == "2018年6月30日"
    assert measure.deadline.date == "2018-06-30"
    assert measure.text.startswith("成立自治区生态文明建设领导小组")
    assert measure.text.endswith("办公室设在自治区发展改革委。")
    long_term = report.problems[0].measures[0]
    assert long_term.deadline is not None and long_term.deadline.raw == "长期坚持" and long_term.deadline.long_term
    assert long_term.text.endswith("不少于6次。")
    # "…作用。（2018年12月31日）。": the parenthesis goes, one 。 stays.
    assert report.problems[3].measures[3].text.endswith("引领作用。")
    measures = [m for p in report.problems for m in p.measures]
    assert all(m.deadline is not None for m in measures)
    assert not any(m.text.endswith(("）", ")")) for m in measures)


def test_every_measure_has_its_progress_and_none_leaks_into_texts(report: ParsedDocument) -> None:
    measures = [m for p in report.problems for m in p.measures]
    assert all(m.progress for m in measures)
    assert not any("整改进展" in m.text or "整改进度" in m.text for m in measures)
    assert not any("整改进展" in p.description for p in report.problems)


def test_progress_mislabelled_as_整改进度_in_problem_4(report: ParsedDocument) -> None:
    problem = report.problems[3]
    assert problem.progress_status == "全面完成"
    assert all(m.progress for m in problem.measures)
    assert problem.measures[1].progress.startswith("自治区水利厅完成对")
    assert sum("整改进度 used for 整改进展" in w.message for w in report.warnings) == 3


def test_paragraphs_broken_at_page_breaks_are_rejoined(report: ParsedDocument) -> None:
    progress = report.problems[0].measures[0].progress
    assert "实地考察调研生态环境保护和中央环境保护督察" in progress
    assert progress.endswith("文件精神 400 余次。")
    assert "协调落实经济社会发展与生态环境保护重大事项" in report.problems[2].measures[0].text


def test_document_metadata(report: ParsedDocument) -> None:
    assert report.document.inspection == "中央第六环境保护督察组"
    assert report.document.issuer == "西藏自治区"
    assert any("截至2019年3月" in w.message for w in report.warnings)


def test_half_width_punctuation_gives_the_same_result(seeds_dir: Path, report: ParsedDocument) -> None:
    raw = _raw(seeds_dir).translate(str.maketrans("，：（）；", ",:();"))
    variant = parse_report(_lines(raw))
    assert len(variant.problems) == 45
    assert variant.measure_count() == 179
    assert [len(p.measures) for p in variant.problems] == [len(p.measures) for p in report.problems]


def test_a_missing_measure_is_reported_against_the_stated_count(seeds_dir: Path) -> None:
    lines = _lines(_raw(seeds_dir))
    index = next(i for i, line in enumerate(lines) if line.startswith("2.自治区生态文明建设领导小组"))
    del lines[index : index + 2]  # the measure and its 整改进展
    parsed = parse_report(lines)
    assert (
        parsed.measure_count() == 177
    )  # measure 3 is now out of sequence: it is read as text of the 整改进展 before it
    assert any("states 179 measures but 177" in w.message for w in parsed.warnings)


def test_fast_and_json_serialisable(seeds_dir: Path) -> None:
    lines = _lines(_raw(seeds_dir))
    start = time.perf_counter()
    parsed = parse_report(lines)
    assert time.perf_counter() - start < 1.0  # a guard against runaway regexes, not a benchmark
    assert '"kind": "report"' in parsed.to_json()


@pytest.mark.parametrize(
    "lines", [[], ["整改进展：孤立的一段。"], ["一、", "1.", "整改时限：", "（）"], ["附：", "一、标题"]]
)
def test_degenerate_input_never_raises(lines: list[str]) -> None:
    parsed = parse_report(lines)
    assert parsed.document.kind == "report"
    assert parsed.warnings


def test_same_counts_from_the_importers_own_lines(seeds_dir: Path) -> None:
    parsed = parse_report(text_lines(_raw(seeds_dir)))
    assert len(parsed.problems) == 45
    assert parsed.measure_count() == 179
