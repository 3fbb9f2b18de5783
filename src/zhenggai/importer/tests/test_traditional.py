"""Traditional characters (issue 3, "Messy text": match on a simplified fold, keep the original).

Each problem-list seed is converted to traditional characters at test time with OpenCC ``s2t`` (no
converted copy is committed).  The spec wants the same structure as the simplified seed — kind,
problem numbers, measure counts, deadlines — while text values keep the traditional original.

The parsers match labels in simplified characters; ``importer.fold`` folds each line to simplified
for parsing and restores the document's own characters into the text values.
"""

from __future__ import annotations

import functools
from pathlib import Path

import opencc
import pytest

from zhenggai.importer.model import ParsedDocument, ParsedProblem
from zhenggai.importer.parse import parse_bytes
from zhenggai.importer.text import lines

S2T = opencc.OpenCC("s2t")
T2S = opencc.OpenCC("t2s")
SEEDS = ("000", "003", "004")
KINDS = {"000": "plan", "003": "report", "004": "plan"}


@functools.cache
def variants(seeds_dir: Path, prefix: str) -> tuple[str, str]:
    simplified = next(seeds_dir.glob(f"{prefix}_*.txt")).read_text(encoding="utf-8")
    return simplified, S2T.convert(simplified)


@functools.cache
def parsed(seeds_dir: Path, prefix: str, which: str) -> ParsedDocument:
    simplified, traditional = variants(seeds_dir, prefix)
    text = {"simplified": simplified, "traditional": traditional, "folded": T2S.convert(traditional)}[which]
    return parse_bytes(text.encode("utf-8"))


def deadline_key(deadline) -> tuple | None:
    if deadline is None:
        return None
    return (deadline.date, deadline.immediate, deadline.long_term, deadline.conditional, deadline.recurrence)


def problem_structure(problem: ParsedProblem) -> tuple:
    return (
        problem.number,
        deadline_key(problem.deadline),
        [deadline_key(target.deadline) for target in problem.targets],
        [deadline_key(measure.deadline) for measure in problem.measures],
        [problem_structure(sub) for sub in problem.sub_items],
    )


def structure(document: ParsedDocument) -> dict:
    return {
        "kind": document.document.kind,
        "problems": len(document.problems),
        "numbers": [problem.number for problem in document.problems],
        "measures": document.measure_count(),
        "amendments": len(document.amendments),
        "tree": [problem_structure(problem) for problem in document.problems],
    }


def fold(text: str) -> str:
    """The simplified fold (compared after s2t on both sides: s2t∘t2s is not the identity, e.g. 坐标 → 座标)."""
    return T2S.convert(text)


def all_problems(document: ParsedDocument) -> list[ParsedProblem]:
    return [p for top in document.problems for p in (top, *top.sub_items)]


# --- works today ---------------------------------------------------------------------------------


@pytest.mark.parametrize("prefix", SEEDS)
def test_the_variant_is_really_traditional_and_is_read_without_error(seeds_dir, prefix):
    simplified, traditional = variants(seeds_dir, prefix)
    changed = sum(a != b for a, b in zip(simplified, traditional, strict=True))
    assert changed > len(simplified) // 10  # s2t changes about a third of these seeds' characters
    document = parsed(seeds_dir, prefix, "traditional")
    assert isinstance(document, ParsedDocument)
    assert document.to_json()


@pytest.mark.parametrize("prefix", SEEDS)
def test_the_simplified_fold_is_line_by_line_and_length_preserving(seeds_dir, prefix):
    _simplified, traditional = variants(seeds_dir, prefix)
    original = traditional.splitlines()
    folded = [T2S.convert(line) for line in original]
    assert [len(line) for line in folded] == [len(line) for line in original]
    assert folded == T2S.convert(traditional).splitlines()


@pytest.mark.parametrize("prefix", SEEDS)
def test_the_simplified_fold_restores_the_structure(seeds_dir, prefix):
    assert structure(parsed(seeds_dir, prefix, "folded")) == structure(parsed(seeds_dir, prefix, "simplified"))


# --- the spec's requirement: same structure, original characters ---------------------------------------


@pytest.mark.parametrize("prefix", ("000", "004"))  # the seeds whose web-page furniture has traditional forms
def test_traditional_page_furniture_is_dropped(seeds_dir, prefix):
    _simplified, traditional = variants(seeds_dir, prefix)
    assert [T2S.convert(line) for line in lines(traditional)] == lines(T2S.convert(traditional))


@pytest.mark.parametrize("prefix", SEEDS)
def test_kind_is_detected_on_traditional_text(seeds_dir, prefix):
    assert parsed(seeds_dir, prefix, "traditional").document.kind == KINDS[prefix]


@pytest.mark.parametrize("prefix", SEEDS)
def test_traditional_gives_the_same_structure(seeds_dir, prefix):
    # problem count, numbers, measure counts, deadlines (per problem, target and measure)
    assert structure(parsed(seeds_dir, prefix, "traditional")) == structure(parsed(seeds_dir, prefix, "simplified"))


@pytest.mark.parametrize("prefix", SEEDS)
def test_text_values_keep_the_traditional_original(seeds_dir, prefix):
    simplified, traditional = parsed(seeds_dir, prefix, "simplified"), parsed(seeds_dir, prefix, "traditional")
    source = "".join(lines(variants(seeds_dir, prefix)[1]))
    pairs = list(zip(all_problems(simplified), all_problems(traditional), strict=True))
    assert pairs
    for ours, theirs in pairs:
        assert fold(theirs.title) == fold(S2T.convert(ours.title))  # the same value …
        assert theirs.title in source and theirs.description in source  # … as written, not simplified
        for mine, other in zip(ours.measures, theirs.measures, strict=True):
            assert fold(other.text) == fold(S2T.convert(mine.text))
            assert other.deadline is None or other.deadline.raw in source
        assert [fold(unit) for unit in theirs.responsible_units] == [
            fold(S2T.convert(unit)) for unit in ours.responsible_units
        ]
        assert all(unit in source for unit in theirs.responsible_units)
