"""``preview_rows``: the cell texts the import review page shows.  Workbooks are built at test time."""

from __future__ import annotations

import io
import zipfile
from datetime import datetime

import pytest
from openpyxl import Workbook

from zhenggai.importer.text import UnreadableDocument
from zhenggai.importer.xlsx_preview import preview_rows
from zhenggai.importer.xlsx_reader import parse_xlsx


def to_bytes(workbook: Workbook) -> bytes:
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def test_merged_cells_dates_numbers_and_trailing_blanks():
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "台账"
    sheet.append(["某区整改台账"])
    sheet.merge_cells("A1:C1")
    sheet.append(["序号", "问题", "整改时限"])
    sheet.append([1.0, "问题甲。", datetime(2024, 5, 31)])
    sheet.append([None, "跨两行的问题", "  长期 \n\n坚持 "])
    sheet.merge_cells("B4:B5")
    sheet["A6"] = "末行"
    sheet["F9"] = ""  # a touched but empty cell far out: neither the row nor the column is shown
    sheet["E2"].number_format = "0.00"
    assert preview_rows(to_bytes(workbook)) == [
        (
            "台账",
            [
                ["某区整改台账", "", ""],
                ["序号", "问题", "整改时限"],
                ["1", "问题甲。", "2024年5月31日"],
                ["", "跨两行的问题", "长期\n坚持"],
                ["", "", ""],  # B5 is covered by B4's merged range
                ["末行", "", ""],
            ],
        )
    ]


def test_leading_and_inner_empty_rows_keep_row_numbers():
    workbook = Workbook()
    sheet = workbook.active
    sheet["B3"] = "甲"
    sheet["A5"] = "乙"
    ((_, rows),) = preview_rows(to_bytes(workbook))
    assert rows == [["", ""], ["", ""], ["", "甲"], ["", ""], ["乙", ""]]


def test_limit_counts_rows_across_sheets():
    workbook = Workbook()
    workbook.remove(workbook.active)
    for name in ("一", "二", "三"):
        sheet = workbook.create_sheet(name)
        for index in range(3):
            sheet.append([f"{name}{index}"])
    data = to_bytes(workbook)
    assert preview_rows(data, limit=5) == [("一", [["一0"], ["一1"], ["一2"]]), ("二", [["二0"], ["二1"]])]
    assert [len(rows) for _, rows in preview_rows(data)] == [3, 3, 3]
    assert preview_rows(data, limit=3) == [("一", [["一0"], ["一1"], ["一2"]])]
    assert preview_rows(data, limit=0) == []


def test_empty_sheet_is_listed_with_no_rows():
    workbook = Workbook()
    workbook.active.title = "空表"
    workbook.create_sheet("有字")["A1"] = "字"
    assert preview_rows(to_bytes(workbook)) == [("空表", []), ("有字", [["字"]])]


def test_values_stored_under_a_merged_range_are_not_shown():
    """Some writers store a value in every cell of a merged range; only the top-left one is shown."""
    workbook = Workbook()
    workbook.active.append(["同一问题", "同一问题", "另一格"])
    source = io.BytesIO(to_bytes(workbook))
    target = io.BytesIO()
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(target, "w") as new:
        for item in old.infolist():
            content = old.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                merge = '<mergeCells count="1"><mergeCell ref="A1:B1"/></mergeCells>'
                content = content.replace(b"</sheetData>", b"</sheetData>" + merge.encode())
            new.writestr(item, content)
    data = target.getvalue()
    assert preview_rows(data) == [("Sheet", [["同一问题", "", "另一格"]])]
    assert parse_xlsx(data).warnings[0].message.startswith("no header")  # the parser still reads it


@pytest.mark.parametrize("data", [b"\x00\x01garbage", b"PK\x05\x06" + b"\x00" * 18])
def test_not_a_workbook(data: bytes):
    with pytest.raises(UnreadableDocument):
        preview_rows(data)
