"""The entry point: the same document read as text, GB18030, HTML or .docx gives the same parse."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from docx import Document

from zhenggai.importer.model import ParsedDocument
from zhenggai.importer.parse import UnreadableDocument, detect_kind, parse_bytes
from zhenggai.importer.text import lines


def seed_text(seeds_dir: Path, prefix: str) -> str:
    return next(seeds_dir.glob(f"{prefix}_*.txt")).read_text(encoding="utf-8")


def summary(parsed) -> list[tuple]:
    return [(p.number, p.title, len(p.measures), len(p.sub_items)) for p in parsed.problems]


@pytest.mark.parametrize(
    "prefix,kind", [("000", "plan"), ("001", "narrative"), ("002", "narrative"), ("003", "report"), ("004", "plan")]
)
def test_kind_detection(seeds_dir, prefix, kind):
    assert detect_kind(lines(seed_text(seeds_dir, prefix))) == kind


@pytest.mark.parametrize("prefix", ["000", "003", "004"])
def test_gb18030_gives_the_same_parse(seeds_dir, prefix):
    text = seed_text(seeds_dir, prefix)
    assert summary(parse_bytes(text.encode("gb18030"))) == summary(parse_bytes(text.encode("utf-8")))


@pytest.mark.parametrize("prefix", ["000", "003", "004"])
def test_docx_paragraphs_give_the_same_parse(seeds_dir, prefix):
    text = seed_text(seeds_dir, prefix)
    document = Document()
    for line in text.splitlines():
        document.add_paragraph(line)
    buffer = io.BytesIO()
    document.save(buffer)
    assert summary(parse_bytes(buffer.getvalue(), "plan.docx")) == summary(parse_bytes(text.encode("utf-8")))


def test_docx_tables_are_read_in_document_order():
    document = Document()
    document.add_paragraph("前言")
    table = document.add_table(rows=2, cols=3)
    table.cell(0, 0).text, table.cell(0, 1).text, table.cell(0, 2).text = "序号", "问题", "责任单位"
    merged = table.cell(1, 0).merge(table.cell(1, 1))
    merged.text = "合并"
    table.cell(1, 2).text = "市生态环境局"
    document.add_paragraph("后记")
    buffer = io.BytesIO()
    document.save(buffer)
    from zhenggai.importer.docx_reader import docx_text

    text, _auto = docx_text(buffer.getvalue())
    assert text.splitlines() == ["前言", "序号\t问题\t责任单位", "合并\t市生态环境局", "后记"]


@pytest.mark.parametrize("data", [b"", b"\x00\x01\x02" * 100, b"PK\x03\x04nonsense", b"%PDF-1.4"])
def test_unreadable_input_raises_a_clear_error(data):
    with pytest.raises(UnreadableDocument):
        parse_bytes(data)


def test_xlsx_ledgers_go_through_the_entry_point():
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.append(["序号", "督察反馈问题", "整改时限", "责任单位", "整改措施"])
    sheet.append([1, "河道采砂管理混乱。", "2026年年底前", "甲县政府、乙县政府", "1.开展专项整治（2026年6月30日）"])
    buffer = io.BytesIO()
    book.save(buffer)
    parsed = parse_bytes(buffer.getvalue(), "ledger.xlsx")
    problem = parsed.problems[0]
    assert (problem.number, problem.title, problem.deadline.date) == (1, "河道采砂管理混乱", "2026-12-31")
    assert problem.responsible_units == ["甲县政府", "乙县政府"]
    assert (problem.measures[0].text, problem.measures[0].deadline.date) == ("开展专项整治", "2026-06-30")


def test_a_workbook_without_a_ledger_is_unreadable():
    from openpyxl import Workbook

    book = Workbook()
    book.active.append(["随便", "什么"])
    buffer = io.BytesIO()
    book.save(buffer)
    with pytest.raises(UnreadableDocument, match="no ledger"):
        parse_bytes(buffer.getvalue())


@pytest.mark.parametrize("prefix", ["000", "001", "002", "003", "004"])
def test_the_json_form_rebuilds_the_same_parse(seeds_dir, prefix):
    parsed = parse_bytes(seed_text(seeds_dir, prefix).encode())
    assert ParsedDocument.from_dict(json.loads(parsed.to_json())) == parsed
