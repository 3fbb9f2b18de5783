"""The .docx reader: text in document order, tracked changes, merged cells, Word's automatic numbering.

Documents are made here with python-docx; numbering definitions (which python-docx cannot write) are
put into the template's numbering part as XML.
"""

from __future__ import annotations

import html
import io
import re
import zipfile
from pathlib import Path

import pytest
from docx import Document
from docx.enum.style import WD_STYLE_TYPE
from docx.oxml import parse_xml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from zhenggai.importer.docx_reader import docx_text, format_number, read_docx
from zhenggai.importer.parse import parse_bytes
from zhenggai.importer.text import UnreadableDocument

NS = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'


def lvl(ilvl: int, fmt: str, text: str, start: int = 1, extra: str = "") -> str:
    return (
        f'<w:lvl w:ilvl="{ilvl}"><w:start w:val="{start}"/><w:numFmt w:val="{fmt}"/>'
        f'<w:lvlText w:val="{text}"/>{extra}</w:lvl>'
    )


def abstract(abstract_id: int, *levels: str) -> str:
    return f'<w:abstractNum {NS} w:abstractNumId="{abstract_id}">{"".join(levels)}</w:abstractNum>'


def num(num_id: int, abstract_id: int, overrides: str = "") -> str:
    return f'<w:num {NS} w:numId="{num_id}"><w:abstractNumId w:val="{abstract_id}"/>{overrides}</w:num>'


def with_numbering(*definitions: str) -> Document:
    """A new document whose numbering part holds exactly ``definitions``."""
    document = Document()
    numbering = document.part.numbering_part.element
    for child in list(numbering):
        numbering.remove(child)
    for xml in definitions:
        numbering.append(parse_xml(xml))
    return document


def add(document: Document, text: str, num_id: int | None = None, ilvl: int = 0, style: str | None = None) -> None:
    paragraph = document.add_paragraph(text, style=style)
    if num_id is not None:
        numpr = paragraph._p.get_or_add_pPr().get_or_add_numPr()
        numpr.get_or_add_ilvl().val = ilvl
        numpr.get_or_add_numId().val = num_id


def saved(document: Document) -> bytes:
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def read(document: Document) -> list[str]:
    return read_docx(saved(document)).split("\n")


# Automatic numbering -------------------------------------------------------------------------


# %N in w:lvlText is the counter of level N (one-based): level 2 of 一、/（一） is written （%2）.
CHINESE_OUTLINE = abstract(1, lvl(0, "chineseCounting", "%1、"), lvl(1, "chineseCounting", "（%2）"))


def test_chinese_labels_and_level_two_restarting_under_a_new_level_one():
    document = with_numbering(CHINESE_OUTLINE, num(1, 1))
    for text, ilvl in [("总体要求", 0), ("工作目标", 1), ("基本原则", 1), ("主要任务", 0), ("治理扬尘", 1)]:
        add(document, text, 1, ilvl)
    add(document, "正文段落不编号")
    expected = ["一、总体要求", "（一）工作目标", "（二）基本原则", "二、主要任务", "（一）治理扬尘", "正文段落不编号"]
    assert read(document) == expected


def test_decimal_levels_and_a_two_level_label():
    document = with_numbering(abstract(3, lvl(0, "decimal", "%1."), lvl(1, "decimal", "%1.%2")), num(7, 3))
    for text, ilvl in [("排查", 0), ("建立台账", 1), ("逐项销号", 1), ("督办", 0), ("通报", 1)]:
        add(document, text, 7, ilvl)
    # "1.1" ends in a digit: a space keeps the label apart from the text (Word puts a tab there).
    assert read(document) == ["1.排查", "1.1 建立台账", "1.2 逐项销号", "2.督办", "2.1 通报"]


def test_start_values_overrides_and_shared_counters():
    document = with_numbering(
        abstract(1, lvl(0, "chineseCounting", "%1、")),
        abstract(2, lvl(0, "decimal", "（%1）", start=3)),
        num(1, 1),
        num(2, 1, '<w:lvlOverride w:ilvl="0"><w:startOverride w:val="5"/></w:lvlOverride>'),
        num(3, 1),  # no override: continues the sequence of num 1 (same abstract definition)
        num(4, 2),
    )
    add(document, "甲", 1)
    add(document, "乙", 1)
    add(document, "丙", 2)
    add(document, "丁", 2)
    add(document, "戊", 3)
    add(document, "己", 4)
    assert read(document) == ["一、甲", "二、乙", "五、丙", "六、丁", "三、戊", "（3）己"]


def test_lvl_restart_zero_keeps_counting_across_level_one():
    restart_never = '<w:lvlRestart w:val="0"/>'
    document = with_numbering(
        abstract(1, lvl(0, "chineseCounting", "%1、"), lvl(1, "decimal", "%2.", extra=restart_never)), num(1, 1)
    )
    for text, ilvl in [("甲", 0), ("子", 1), ("乙", 0), ("丑", 1)]:
        add(document, text, 1, ilvl)
    assert read(document) == ["一、甲", "1.子", "二、乙", "2.丑"]


def test_style_linked_numbering():
    document = with_numbering(abstract(1, lvl(0, "chineseCounting", "第%1条")), num(9, 1))
    style = document.styles.add_style("条文", WD_STYLE_TYPE.PARAGRAPH)
    style.element.get_or_add_pPr().get_or_add_numPr().get_or_add_numId().val = 9
    add(document, "为了规范整改工作，制定本办法。", style="条文")
    add(document, "本办法适用于全市。", style="条文")
    add(document, "附则不编号。")
    add(document, "编号已被去掉。", num_id=0, style="条文")  # numId 0: "no numbering" over the style's
    assert read(document) == [
        "第一条 为了规范整改工作，制定本办法。",
        "第二条 本办法适用于全市。",
        "附则不编号。",
        "编号已被去掉。",
    ]


def test_python_docx_list_number_style_uses_the_template_numbering():
    document = Document()
    for text in ("甲", "乙"):
        document.add_paragraph(text, style="List Number")
    document.add_paragraph("丙", style="List Bullet")  # a bullet is no label
    assert read(document) == ["1.甲", "2.乙", "丙"]


def test_numbered_cells_count_in_document_order():
    document = with_numbering(abstract(1, lvl(0, "decimal", "%1")), num(1, 1))
    table = document.add_table(rows=3, cols=2)
    for row, problem in zip(table.rows[1:], ("扬尘污染", "污水直排"), strict=True):
        row.cells[1].text = problem
        paragraph = row.cells[0].paragraphs[0]
        numpr = paragraph._p.get_or_add_pPr().get_or_add_numPr()
        numpr.get_or_add_ilvl().val, numpr.get_or_add_numId().val = 0, 1
    table.cell(0, 0).text, table.cell(0, 1).text = "序号", "问题"
    assert read(document) == ["序号\t问题", "1\t扬尘污染", "2\t污水直排"]


def test_a_missing_definition_is_reported_and_the_text_kept():
    document = with_numbering(CHINESE_OUTLINE, num(1, 1))
    add(document, "有编号", 1)
    add(document, "定义缺失", 42)
    assert docx_text(saved(document)) == ("一、有编号\n定义缺失", True)
    assert "reader" in [w.where for w in parse_bytes(saved(document), "plan.docx").warnings]
    complete = with_numbering(CHINESE_OUTLINE, num(1, 1))
    add(complete, "有编号", 1)
    assert "reader" not in [w.where for w in parse_bytes(saved(complete), "plan.docx").warnings]


def test_reading_twice_gives_the_same_labels():
    document = with_numbering(CHINESE_OUTLINE, num(1, 1))
    add(document, "甲", 1)
    data = saved(document)
    assert read_docx(data) == read_docx(data) == "一、甲"


@pytest.mark.parametrize(
    "fmt,numbers,expected",
    [
        ("chineseCounting", [1, 10, 11, 20, 21, 99, 100], ["一", "十", "十一", "二十", "二十一", "九十九", "一〇〇"]),
        ("chineseCountingThousand", [10, 100, 105, 110, 2010], ["十", "一百", "一百〇五", "一百一十", "二千〇一十"]),
        ("japaneseCounting", [3, 12], ["三", "十二"]),
        ("chineseLegalSimplified", [3, 11], ["叁", "壹拾壹"]),
        ("ideographTraditional", [1, 4, 10, 11], ["甲", "丁", "癸", "甲"]),
        ("decimalEnclosedCircle", [1, 20, 21, 51], ["①", "⑳", "㉑", "51"]),
        ("decimalEnclosedCircleChinese", [3], ["③"]),
        ("upperLetter", [1, 26, 27], ["A", "Z", "AA"]),
        ("lowerLetter", [2, 28], ["b", "bb"]),
        ("upperRoman", [4, 1994], ["IV", "MCMXCIV"]),
        ("lowerRoman", [9], ["ix"]),
        ("decimalZero", [7, 12], ["07", "12"]),
        ("decimalFullWidth", [12], ["１２"]),
        ("decimal", [0, 12], ["0", "12"]),
        ("none", [3], [""]),
        ("someFutureFormat", [3], ["3"]),
    ],
)
def test_number_formats(fmt, numbers, expected):
    assert [format_number(n, fmt) for n in numbers] == expected


def test_seed_004_with_automatic_item_labels_parses_like_the_typed_labels(seeds_dir: Path):
    """004's 第N项, labels typed, or made by a numbering definition (第%1项, chineseCounting)."""
    text = next(seeds_dir.glob("004_*.txt")).read_text(encoding="utf-8")
    label = re.compile(r"^第[一二三四五六七八九十]+项,")
    typed, automatic = Document(), with_numbering(abstract(1, lvl(0, "chineseCounting", "第%1项,")), num(1, 1))
    numbered = 0
    for line in text.splitlines():
        typed.add_paragraph(line)
        if label.match(line):
            add(automatic, label.sub("", line), 1)
            numbered += 1
        else:
            add(automatic, line)
    assert numbered == 17
    assert read_docx(saved(automatic)) == read_docx(saved(typed))
    from_automatic = parse_bytes(saved(automatic), "plan.docx")
    assert from_automatic.to_dict() == parse_bytes(saved(typed), "plan.docx").to_dict()
    assert len(from_automatic.problems) == 17
    assert not [w for w in from_automatic.warnings if w.where == "reader"]


# Text, tracked changes, tables -------------------------------------------------------------


def test_run_content_tracked_changes_and_wrappers():
    document = Document()
    paragraph = document.add_paragraph("整改")
    p = paragraph._p
    w = f"<w:r {NS}>"
    p.append(parse_xml(f'<w:del {NS} w:id="1" w:author="甲"><w:r><w:delText>删掉的</w:delText><w:tab/></w:r></w:del>'))
    p.append(parse_xml(f'<w:ins {NS} w:id="2" w:author="甲"><w:r><w:t>目标</w:t></w:r></w:ins>'))
    p.append(parse_xml(f"{w}<w:tab/><w:t>完成</w:t><w:br/><w:t>第二行</w:t></w:r>"))
    p.append(parse_xml(f"<w:hyperlink {NS}><w:r><w:t>链接</w:t></w:r></w:hyperlink>"))
    p.append(parse_xml(f"<w:smartTag {NS}><w:r><w:t>标记</w:t></w:r></w:smartTag>"))
    p.append(parse_xml(f"<w:sdt {NS}><w:sdtPr/><w:sdtContent><w:r><w:t>控件</w:t></w:r></w:sdtContent></w:sdt>"))
    p.get_or_add_pPr().append(parse_xml(f'<w:tabs {NS}><w:tab w:val="left" w:pos="720"/></w:tabs>'))
    body = document.element.body
    block = f"<w:sdt {NS}><w:sdtContent><w:p><w:r><w:t>块级控件</w:t></w:r></w:p></w:sdtContent></w:sdt>"
    body.insert(len(body) - 1, parse_xml(block))  # before w:sectPr
    assert read(document) == ["整改目标\t完成", "第二行链接标记控件", "块级控件"]


def test_vertically_merged_cells_are_read_once():
    document = Document()
    table = document.add_table(rows=3, cols=2)
    merged = table.cell(0, 0).merge(table.cell(1, 0))
    merged.text = "合并"
    table.cell(0, 1).text, table.cell(1, 1).text = "一", "二"
    table.cell(2, 0).text, table.cell(2, 1).text = "三", "四"
    assert read(document) == ["合并\t一", "二", "三\t四"]


def test_a_nested_table_stays_inside_its_cell():
    document = Document()
    outer = document.add_table(rows=1, cols=2)
    outer.cell(0, 0).text = "外"
    inner = outer.cell(0, 1).add_table(rows=1, cols=2)
    inner.cell(0, 0).text, inner.cell(0, 1).text = "内甲", "内乙"
    assert read(document) == ["外\t内甲 内乙"]


# Bad input ---------------------------------------------------------------------------------


def _zip(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, content in members.items():
            archive.writestr(name, content)
    return buffer.getvalue()


@pytest.mark.parametrize(
    "data,message",
    [
        (b"not a zip at all", "not a readable .docx"),
        (_zip({"word/other.xml": b"<x/>"}), "not a readable .docx"),
        (_zip({"word/document.xml": b"<w:document><w:body>"}), "not well-formed"),
        (_zip({"word/document.xml": f"<w:document {NS}/>".encode()}), "no w:body"),
    ],
)
def test_bad_input_is_unreadable(data, message):
    with pytest.raises(UnreadableDocument, match=message):
        read_docx(data)


def test_damaged_numbering_keeps_the_text_and_reports_the_labels_lost():
    document = with_numbering(CHINESE_OUTLINE, num(1, 1))
    add(document, "甲", 1)
    with zipfile.ZipFile(io.BytesIO(saved(document))) as source:
        members = {name: source.read(name) for name in source.namelist()}
    members["word/numbering.xml"] = b"<w:numbering"
    assert docx_text(_zip(members)) == ("甲", True)
    with pytest.raises(UnreadableDocument):
        parse_bytes(_zip({**members, "word/document.xml": b"\xff\xfe garbage"}), "plan.docx")


# Fuzzing: whatever the numbering definitions or the bytes of the parts, text or UnreadableDocument ---

FORMATS = st.sampled_from(
    ["decimal", "chineseCounting", "chineseCountingThousand", "upperLetter", "lowerRoman", "bullet", "none"]
    + ["decimalEnclosedCircle", "ideographTraditional", "chineseLegalSimplified", "decimalZero", "unknown"]
)

LEVEL_TEXT = st.text("%123456789、（）.第条", max_size=8)


@settings(max_examples=60, deadline=None, database=None)
@given(
    st.lists(st.tuples(st.integers(-3, 12), FORMATS, LEVEL_TEXT, st.integers(-5, 10**6))),
    st.lists(st.tuples(st.integers(-1, 3), st.integers(-2, 12)), min_size=1, max_size=12),
)
def test_any_numbering_definition_reads(levels, paragraphs):
    definition = "".join(lvl(i, fmt, html.escape(text, quote=True), start) for i, fmt, text, start in levels)
    document = with_numbering(f'<w:abstractNum {NS} w:abstractNumId="1">{definition}</w:abstractNum>', num(1, 1))
    for num_id, ilvl in paragraphs:
        add(document, "内容", num_id, ilvl)
    text, _ = docx_text(saved(document))
    assert text.count("内容") == len(paragraphs)


@pytest.fixture(scope="module")
def numbered_docx_members() -> dict[str, bytes]:
    document = with_numbering(CHINESE_OUTLINE, num(1, 1))
    add(document, "甲", 1)
    add(document, "乙", 1, 1)
    document.add_table(rows=2, cols=2).cell(0, 0).merge(document.tables[0].cell(1, 1)).text = "合并"
    with zipfile.ZipFile(io.BytesIO(saved(document))) as source:
        return {name: source.read(name) for name in source.namelist()}


@settings(max_examples=200, deadline=None, database=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    st.sampled_from(["word/document.xml", "word/numbering.xml", "word/styles.xml", "word/_rels/document.xml.rels"]),
    st.lists(st.tuples(st.integers(0, 10**6), st.binary(max_size=4)), min_size=1, max_size=6),
)
def test_mutated_parts_read_or_are_unreadable(numbered_docx_members, part, edits):
    content = bytearray(numbered_docx_members[part])
    for at, replacement in edits:
        at %= len(content) + 1
        content[at : at + len(replacement)] = replacement
    try:
        text, _ = docx_text(_zip({**numbered_docx_members, part: bytes(content)}))
    except UnreadableDocument as exc:
        assert str(exc)
    else:
        assert isinstance(text, str)
