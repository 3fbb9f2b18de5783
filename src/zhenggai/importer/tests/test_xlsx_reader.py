""".xlsx ledgers: header detection (one or two rows), merged problem and progress cells, several sheets,
and seed 004 as a ledger.

Every workbook is built at test time with openpyxl; no .xlsx file is committed.
"""

from __future__ import annotations

import io
import zipfile
from datetime import datetime
from pathlib import Path

import pytest
from openpyxl import Workbook
from openpyxl.worksheet.worksheet import Worksheet

from zhenggai.importer.model import ParsedProblem
from zhenggai.importer.plans import parse_plan
from zhenggai.importer.text import UnreadableDocument, decode, lines
from zhenggai.importer.xlsx_reader import cell_text, parse_xlsx

SEED_004 = "004_b5fa22a766b1ca11.txt"

# Unusual column order, line breaks inside labels.
HEADER = ["序号", "整改\n措施", "督察反馈\n问题", "责任\n单位", "整改\n时限", "整改目标", "原因分析", "责任领导"]
PROBLEMS = [
    {
        "序号": 1,
        "问题": "绿色发展理念树得不牢固。部分地方重发展、轻保护。",
        "原因": "思想认识不到位。",
        "目标": "1.牢固树立绿色发展理念；2.压实责任",
        "时限": datetime(2018, 6, 30),
        "单位": "市委办公室、市政府办公室",
        "领导": "张三",
        "措施": [
            "1.组织专题学习（2018年6月30日）",
            "2.开展督导检查（长期）",
            "3.建立考核制度\n4.落实问责机制（2018年12月31日）",
        ],
    },
    {
        "序号": "二",
        "问题": "污水处理设施建设滞后。",
        "原因": None,
        "目标": "污水集中处理率达到95%",
        "时限": "2020年年底前",
        "单位": "市住建局、各县区党委、政府",
        "领导": "李四",
        "措施": ["1.新建污水处理厂（2019年12月31日）", "2.改造管网（立行立改）", "3.加强运行监管"],
    },
]
FIELD_OF_COLUMN = {"整改\n时限": "时限", "责任\n单位": "单位", "整改目标": "目标", "原因分析": "原因"}
FIELD_OF_COLUMN |= {"序号": "序号", "督察反馈\n问题": "问题", "责任领导": "领导"}


def to_bytes(workbook: Workbook) -> bytes:
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def write_ledger(sheet: Worksheet, problems: list[dict], title: str = "某某市督察反馈问题整改台账") -> None:
    """A title row merged across the table, the header, then one row per measure with merged problem cells."""
    sheet.append([title] + [None] * (len(HEADER) - 1))
    sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(HEADER))
    sheet.append(HEADER)
    for problem in problems:
        first = sheet.max_row + 1
        for index, measure in enumerate(problem["措施"]):
            row = [None] * len(HEADER)
            row[HEADER.index("整改\n措施")] = measure
            if index == 0:
                for column, name in FIELD_OF_COLUMN.items():
                    row[HEADER.index(column)] = problem[name]
            sheet.append(row)
        last = sheet.max_row
        for column in FIELD_OF_COLUMN:
            number = HEADER.index(column) + 1
            if last > first:
                sheet.merge_cells(start_row=first, start_column=number, end_row=last, end_column=number)


def ledger_bytes(*sheets: list[dict] | None) -> bytes:
    workbook = Workbook()
    workbook.remove(workbook.active)
    for index, problems in enumerate(sheets):
        sheet = workbook.create_sheet(f"表{index + 1}")
        if problems is not None:
            write_ledger(sheet, problems)
    return to_bytes(workbook)


# --- (a) a synthetic ledger ----------------------------------------------------------------------


def test_synthetic_ledger():
    doc = parse_xlsx(ledger_bytes(PROBLEMS))
    assert doc.document.kind == "plan"
    assert [p.number for p in doc.problems] == [1, 2]
    assert [p.number_text for p in doc.problems] == ["1", "二"]
    first, second = doc.problems
    assert first.title == "绿色发展理念树得不牢固"
    assert first.description == "绿色发展理念树得不牢固。部分地方重发展、轻保护。"
    assert first.cause == "思想认识不到位。" and second.cause is None
    assert [t.text for t in first.targets] == ["牢固树立绿色发展理念", "压实责任"]
    assert first.deadline.raw == "2018年6月30日" and first.deadline.date == "2018-06-30"
    assert first.targets[0].deadline.date == "2018-06-30"
    assert second.deadline.date == "2020-12-31"
    assert first.responsible_units == ["市委办公室", "市政府办公室"]
    assert second.responsible_units == ["市住建局", "各县区党委、政府"]
    assert first.responsible_leaders == ["张三"]


def test_synthetic_measures_split_and_deadlines():
    first, second = parse_xlsx(ledger_bytes(PROBLEMS)).problems
    assert [m.number_text for m in first.measures] == ["1.", "2.", "3.", "4."]
    assert [m.text for m in first.measures] == ["组织专题学习", "开展督导检查", "建立考核制度", "落实问责机制"]
    assert [m.deadline and m.deadline.raw for m in first.measures] == ["2018年6月30日", "长期", None, "2018年12月31日"]
    assert first.measures[1].deadline.long_term
    assert second.measures[1].deadline.immediate
    assert second.measures[2].deadline is None and second.measures[2].text == "加强运行监管"


def test_header_found_below_title_rows_and_without_merges():
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["附件"])
    sheet.append(["整改台账"])
    sheet.append(["整改措施", "问  题", "完成时限（年月日）", "完成情况", "序号"])
    sheet.append(["1.建章立制（2019年6月30日）", "问题甲。", "2019年6月30日", "已完成", "1"])
    sheet.append(["2.开展排查", "问题甲。", "2019年6月30日", "正在推进", None])
    sheet.append(["整改到位", "问题乙。", "2019年12月31日", None, "3"])
    doc = parse_xlsx(to_bytes(workbook))
    assert [(p.number, p.title, len(p.measures)) for p in doc.problems] == [(1, "问题甲", 2), (3, "问题乙", 1)]
    assert [m.progress for m in doc.problems[0].measures] == ["已完成", "正在推进"]
    assert doc.document.kind == "report"
    assert any("does not follow" in w.message for w in doc.warnings)


def test_numbered_progress_and_targets_on_lines():
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["序号", "问题", "整改目标", "整改措施", "整改进展"])
    sheet.append([1, "问题甲。", "1.目标一\n2.目标二", "1.措施一\n2.措施二", "1.已完成\n2.推进中"])
    sheet.append([None, None, None, "3.措施三", None])
    sheet.append([None, None, None, None, "补充说明"])
    problem = parse_xlsx(to_bytes(workbook)).problems[0]
    assert [t.text for t in problem.targets] == ["目标一", "目标二"]
    assert [(m.number_text, m.progress) for m in problem.measures] == [
        ("1.", "已完成"),
        ("2.", "推进中"),
        ("3.", "补充说明"),
    ]


def test_row_without_problem_is_warned():
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["序号", "问题", "整改措施"])
    sheet.append([None, None, "孤立的措施"])
    sheet.append(["第一项", "问题甲。", "措施"])
    doc = parse_xlsx(to_bytes(workbook))
    assert [p.number for p in doc.problems] == [1]
    assert any("without a problem" in w.message for w in doc.warnings)


def test_category_rows_and_per_row_deadlines():
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["序号", "问题", "整改措施", "整改时限", "责任单位"])
    sheet.append(["一、例行督察反馈问题（1项）", None, None, None, None])
    sheet.merge_cells("A2:E2")
    sheet.append(["1", "问题甲。", "措施一", "2019年6月30日", "市林草局"])
    sheet.append([None, None, "措施二", "2020年12月31日", "市水务局"])
    first = parse_xlsx(to_bytes(workbook)).problems[0]
    assert first.category == "例行督察反馈问题"
    assert first.deadline.date == "2020-12-31"
    assert [m.deadline.date for m in first.measures] == ["2019-06-30", "2020-12-31"]
    assert [m.responsible_units for m in first.measures] == [["市林草局"], ["市水务局"]]
    assert first.responsible_units == ["市林草局", "市水务局"]


def test_cell_text():
    assert cell_text(datetime(2018, 6, 30)) == "2018年6月30日"
    assert cell_text(3.0) == "3"
    assert cell_text("  2018 年 12 月 31 日\n\n（长期） ") == "2018年12月31日\n（长期）"
    assert cell_text(None) == ""


# --- two-row headers -----------------------------------------------------------------------------


def _merge_down(sheet: Worksheet, columns: str, top: int, bottom: int) -> None:
    for column in columns:
        sheet.merge_cells(f"{column}{top}:{column}{bottom}")


def test_two_row_header_with_group_cells():
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["某县生态环境问题整改落实台账"])
    sheet.merge_cells("A1:J1")
    sheet.append(["序号", "督察反馈问题", "整改措施", "责任主体", None, None, "整改时限", "整改情况", None, "备注"])
    sheet.append([None, None, None, "责任单位", "责任领导", "责任人员", None, "整改进展", "完成情况", None])
    _merge_down(sheet, "ABCGJ", 2, 3)
    sheet.merge_cells("D2:F2")
    sheet.merge_cells("H2:I2")
    units = ["县住建局", "王五", "赵六"]
    sheet.append([1, "河道两岸堆放垃圾。", "1.清运垃圾", *units, "2021年6月30日", "清运完毕", "已完成"])
    sheet.append([None, None, "2.建立巡查制度", None, None, None, None, "制度已印发", None])
    _merge_down(sheet, "ABDEFGI", 4, 5)
    sheet.append([2, "养殖废水直排。", "关停违规养殖场", "县农业农村局", "孙七", None, "长期坚持", None, "正在推进"])
    doc = parse_xlsx(to_bytes(workbook))
    assert doc.warnings == []
    assert doc.document.kind == "report"
    first, second = doc.problems
    assert (first.number, first.title) == (1, "河道两岸堆放垃圾")
    assert first.responsible_units == ["县住建局"]
    assert first.responsible_leaders == ["王五"] and first.responsible_persons == ["赵六"]
    assert first.deadline.date == "2021-06-30" and second.deadline.long_term
    assert [(m.text, m.progress) for m in first.measures] == [("清运垃圾", "清运完毕"), ("建立巡查制度", "制度已印发")]
    # 完成情况 beside 整改进展 is the problem's status
    assert (first.progress_status, second.progress_status) == ("已完成", "正在推进")
    assert second.responsible_persons == [] and second.measures[0].progress is None


def test_label_broken_over_two_stacked_cells():
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["序号", "问题", "整改", "责任", "整改措施"])
    sheet.append([None, None, "时限（年月日）", "单位", None])
    sheet.append(["1", "问题甲。", "2022年3月31日", "市生态环境局", "措施一"])
    sheet.append(["2", "问题乙。", "立行立改", "市水利局、市林草局", "措施二"])
    doc = parse_xlsx(to_bytes(workbook))
    assert doc.warnings == []
    first, second = doc.problems
    assert first.deadline.date == "2022-03-31" and second.deadline.immediate
    assert first.responsible_units == ["市生态环境局"]
    assert second.responsible_units == ["市水利局", "市林草局"]
    assert [m.text for m in first.measures] == ["措施一"]


def test_header_whose_labels_all_need_both_rows():
    """No row has two labels of its own: the pair of rows is the header, the title above stays a title."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["某市整改工作台账"])
    sheet.merge_cells("A1:D1")
    sheet.append(["督察反馈", "整改", "责任", "完成"])
    sheet.append(["问题", "措施", "单位", "时限"])
    sheet.append(["问题甲。", "措施一", "市交通局", "2023年底前"])
    doc = parse_xlsx(to_bytes(workbook))
    assert doc.warnings == []
    (problem,) = doc.problems
    assert problem.description == "问题甲。"
    assert [m.text for m in problem.measures] == ["措施一"]
    assert problem.responsible_units == ["市交通局"]
    assert problem.deadline.date == "2023-12-31"


def test_first_data_row_of_short_words_is_not_a_header_row():
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["问题", "整改措施", "责任单位"])
    sheet.append(["秸秆焚烧", "加强巡查", "各乡镇"])
    sheet.append(["扬尘污染", "洒水降尘", "县住建局"])
    doc = parse_xlsx(to_bytes(workbook))
    assert [p.description for p in doc.problems] == ["秸秆焚烧", "扬尘污染"]
    assert doc.problems[0].responsible_units == ["各乡镇"]


def test_both_progress_columns_and_a_status_column():
    """With 整改进度 present, 完成情况 stays unused, as a second progress column always was."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["序号", "问题", "整改措施", "整改进展", "完成情况", "整改进度"])
    sheet.append([1, "问题甲。", "措施一", "已拆除", "已完成", "达到序时进度"])
    (problem,) = parse_xlsx(to_bytes(workbook)).problems
    assert problem.measures[0].progress == "已拆除"
    assert problem.progress_status == "达到序时进度"


# --- progress merged over several measure rows ---------------------------------------------------


def _progress_ledger(progress: str, status: list[str | None] | None = None) -> bytes:
    """One problem, three measure rows; the 整改进展 cell merged over all three."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["序号", "问题", "整改措施", "整改进展"] + (["整改进度"] if status else []))
    for index, measure in enumerate(["措施一", "措施二", "措施三"]):
        first = index == 0
        row = [1 if first else None, "问题甲。" if first else None, measure, progress if first else None]
        sheet.append(row + ([status[index]] if status else []))
    _merge_down(sheet, "ABD", 2, 4)
    return to_bytes(workbook)


def test_merged_progress_belongs_to_the_problem():
    doc = parse_xlsx(_progress_ledger("各项措施均在推进中"))
    (problem,) = doc.problems
    assert problem.progress_status == "各项措施均在推进中"
    assert [m.progress for m in problem.measures] == [None, None, None]
    assert doc.document.kind == "report"


def test_merged_numbered_progress_is_shared_out():
    (problem,) = parse_xlsx(_progress_ledger("1.已完成\n2.推进中\n3.未启动")).problems
    assert [m.progress for m in problem.measures] == ["已完成", "推进中", "未启动"]
    assert problem.progress_status is None


def test_merged_progress_joins_the_status_column_without_repeating():
    (problem,) = parse_xlsx(_progress_ledger("整体推进", ["已完成", "正在推进", None])).problems
    assert problem.progress_status == "已完成\n正在推进\n整体推进"
    (problem,) = parse_xlsx(_progress_ledger("已完成", ["已完成", None, None])).problems
    assert problem.progress_status == "已完成"
    assert [m.progress for m in problem.measures] == [None, None, None]


def test_progress_merged_beside_one_measure_cell_stays_the_measures_progress():
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["序号", "问题", "整改措施", "整改进展"])
    sheet.append([1, "问题甲。", "1.措施一\n2.措施二", "工作已过半"])
    sheet.append([None, None, None, None])
    sheet.append([None, None, "3.措施三", "刚启动"])
    _merge_down(sheet, "ABCD", 2, 3)
    (problem,) = parse_xlsx(to_bytes(workbook)).problems
    assert [m.progress for m in problem.measures] == ["工作已过半", None, "刚启动"]
    assert problem.progress_status is None


def test_progress_merged_over_a_row_without_measures_goes_to_the_measure_below():
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["序号", "问题", "整改措施", "整改进展"])
    sheet.append([1, "问题甲。", "措施一", "一已办"])
    sheet.append([None, None, None, "二在办"])
    sheet.append([None, None, "措施二", None])
    _merge_down(sheet, "AB", 2, 4)
    sheet.merge_cells("D3:D4")
    (problem,) = parse_xlsx(to_bytes(workbook)).problems
    assert [m.progress for m in problem.measures] == ["一已办", "二在办"]


def test_status_column_gives_the_problem_status():
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["序号", "问题", "整改措施", "整改进度"])
    sheet.append([1, "问题甲。", "措施一", "已完成"])
    sheet.append([None, None, "措施二", "正在推进"])
    sheet.append([None, None, "措施三", "已完成"])
    sheet.append([2, "问题乙。", "措施四", None])
    first, second = parse_xlsx(to_bytes(workbook)).problems
    assert first.progress_status == "已完成\n正在推进"
    assert second.progress_status is None
    assert all(m.progress is None for m in first.measures)


# --- (b) several sheets --------------------------------------------------------------------------


def test_two_sheets_and_an_empty_one():
    later = [dict(problem, 序号=number) for problem, number in zip(PROBLEMS, (3, 4), strict=True)]
    doc = parse_xlsx(ledger_bytes(PROBLEMS, None, later))
    assert [p.number for p in doc.problems] == [1, 2, 3, 4]
    assert [len(p.measures) for p in doc.problems] == [4, 3, 4, 3]
    assert [w.where for w in doc.warnings] == ["表2"]
    assert "no header" in doc.warnings[0].message


# --- (c) seed 004 as a ledger --------------------------------------------------------------------


def _leaf_view(problem: ParsedProblem) -> ParsedProblem:
    """A ledger has no sub-items: problem 17's two aspects become one row block with all their measures."""
    if not problem.sub_items:
        return problem
    first = problem.sub_items[0]
    measures = [m for sub in problem.sub_items for m in sub.measures]
    return ParsedProblem(
        problem.number,
        problem.number_text,
        problem.title,
        problem.description,
        targets=first.targets,
        deadline=first.deadline,
        responsible_units=first.responsible_units,
        responsible_leaders=first.responsible_leaders,
        responsible_persons=first.responsible_persons,
        supervising_units=first.supervising_units,
        measures=measures,
    )


def _seed_ledger(problems: list[ParsedProblem]) -> bytes:
    header = [
        "整改\n措施",
        "序号",
        "督察反馈问题",
        "整改目标",
        "整改时限",
        "责任单位",
        "责任领导",
        "责任人员",
        "督导单位",
    ]
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["酒泉市贯彻落实中央生态环境保护督察反馈问题整改台账"])
    sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(header))
    sheet.append(header)
    for problem in problems:
        cells = [
            problem.number_text,
            problem.description,
            "；".join(f"{i}.{t.text}" for i, t in enumerate(problem.targets, 1)) if len(problem.targets) > 1 else None,
            problem.deadline.raw if problem.deadline else None,
        ]
        if len(problem.targets) == 1:
            cells[2] = problem.targets[0].text
        units = (problem.responsible_units, problem.responsible_leaders, problem.responsible_persons)
        cells += ["、".join(names) or None for names in (*units, problem.supervising_units)]
        measures = [
            f"{m.number_text or ''}{m.text}" + (f"（{m.deadline.raw}）" if m.deadline else "") for m in problem.measures
        ] or [None]
        first = sheet.max_row + 1
        for index, measure in enumerate(measures):
            sheet.append([measure, *(cells if index == 0 else [None] * len(cells))])
        if len(measures) > 1:
            for column in range(2, len(header) + 1):
                sheet.merge_cells(start_row=first, start_column=column, end_row=sheet.max_row, end_column=column)
    return to_bytes(workbook)


def test_seed_004_as_a_ledger(seeds_dir: Path):
    text_doc = parse_plan(lines(decode((seeds_dir / SEED_004).read_bytes())))
    expected = [_leaf_view(p) for p in text_doc.problems]
    assert len(expected) == 17
    doc = parse_xlsx(_seed_ledger(expected))

    def summary(problems: list[ParsedProblem]) -> list[tuple]:
        return [
            (
                p.number,
                p.number_text,
                p.title,
                p.deadline and (p.deadline.raw, p.deadline.date),
                p.responsible_units,
                p.responsible_leaders,
                p.responsible_persons,
                p.supervising_units,
                [(m.number_text, m.text) for m in p.measures],
                [t.text for t in p.targets],
            )
            for p in problems
        ]

    assert summary(doc.problems) == summary(expected)
    assert [len(p.measures) for p in doc.problems] == [5, 5, 4, 3, 4, 3, 3, 3, 3, 4, 3, 1, 3, 2, 3, 1, 7]
    assert doc.document.kind == "plan"
    assert doc.warnings == []


# --- (d) garbage ---------------------------------------------------------------------------------


def test_workbook_without_header():
    workbook = Workbook()
    workbook.active.append(["随便写点什么", 42])
    doc = parse_xlsx(to_bytes(workbook))
    assert doc.problems == []
    assert len(doc.warnings) == 1 and "no header" in doc.warnings[0].message


@pytest.mark.parametrize("payload", ["zip", "bytes"])
def test_not_a_workbook(payload: str):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("hello.txt", "不是表格")
    data = buffer.getvalue() if payload == "zip" else b"\x00\x01garbage"
    with pytest.raises(UnreadableDocument):
        parse_xlsx(data)
