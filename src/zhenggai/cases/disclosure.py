"""The disclosure of a batch (公开情况一览表): the only case fields that leave the system.

One list of columns serves the portal payload (``disclosure_payload``) and the .xlsx export
(``write_disclosure``): 序号, 受理编号, 行政区域, 信访内容摘要 (the complaint shortened to
``SUMMARY_CHARS`` characters), 调查核实情况, 处理和整改情况, 问责情况, 是否属实. The reported party, the
responsible units, penalties in detail and anything internal are never in it.
"""

from __future__ import annotations

from typing import IO, Any

from openpyxl import Workbook

from zhenggai.cases.choices import FINDINGS_CHINESE
from zhenggai.cases.models import Case, CaseBatch

__all__ = [
    "COLUMNS",
    "ROW_KEYS",
    "SUMMARY_CHARS",
    "disclosure_payload",
    "disclosure_rows",
    "summary",
    "write_disclosure",
]

SUMMARY_CHARS = 120
# payload key → the column heading the disclosure tables use
COLUMNS = {
    "serial": "序号",
    "case_number": "受理编号",
    "region": "行政区域",
    "summary": "信访内容摘要",
    "investigation": "调查核实情况",
    "handling": "处理和整改情况",
    "accountability": "问责情况",
    "findings": "是否属实",
}
ROW_KEYS = tuple(COLUMNS)
PAYLOAD_KEYS = ("batch_number", "handed_over_on", "due_date", "inspection", "case_count", "columns", "rows")


def summary(text: str, limit: int = SUMMARY_CHARS) -> str:
    """The complaint shortened for publication: white space collapsed, cut at ``limit`` characters with …"""
    text = " ".join((text or "").split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def disclosure_title(batch: CaseBatch) -> str:
    return f"{batch.inspection.team}第{batch.number}批交办信访件办理情况"


def _cases(batch: CaseBatch):
    return (
        Case.objects.filter(batch=batch)
        .select_related("region")
        .only(
            "position",
            "number",
            "region__name",
            "region_text",
            "content",
            "investigation",
            "handling",
            "accountability",
            "findings",
            "batch_id",
        )
        .order_by("position", "pk")
    )


def disclosure_rows(batch: CaseBatch) -> list[dict[str, Any]]:
    """One dict per case with exactly ``ROW_KEYS`` (two queries: the batch is given, the cases with regions)."""
    return [
        {
            "serial": index,
            "case_number": case.number,
            "region": case.region.name if case.region_id else case.region_text,
            "summary": summary(case.content),
            "investigation": case.investigation,
            "handling": case.handling,
            "accountability": case.accountability,
            "findings": FINDINGS_CHINESE.get(case.findings, ""),
        }
        for index, case in enumerate(_cases(batch), start=1)
    ]


def disclosure_payload(batch: CaseBatch) -> dict[str, Any]:
    """What ``publish_batch_disclosure`` sends to the portal: ``PAYLOAD_KEYS``, rows with ``ROW_KEYS``."""
    rows = disclosure_rows(batch)
    return {
        "batch_number": batch.number,
        "handed_over_on": batch.handed_over_on.isoformat(),
        "due_date": batch.due_date.isoformat(),
        "inspection": batch.inspection.team,
        "case_count": len(rows),
        "columns": [[key, label] for key, label in COLUMNS.items()],
        "rows": rows,
    }


def write_disclosure(batch: CaseBatch, out: IO[bytes]) -> int:
    """The disclosure as an .xlsx (write-only, so thousands of rows stay small in memory); returns the rows."""
    book = Workbook(write_only=True)
    sheet = book.create_sheet("公开情况一览表")
    widths = {"A": 6, "B": 20, "C": 12, "D": 50, "E": 40, "F": 40, "G": 24, "H": 10}
    for column, width in widths.items():
        sheet.column_dimensions[column].width = width
    sheet.freeze_panes = "A3"
    sheet.append([disclosure_title(batch)])
    sheet.append(list(COLUMNS.values()))
    rows = 0
    for row in disclosure_rows(batch):
        sheet.append([row[key] for key in ROW_KEYS])
        rows += 1
    book.save(out)
    return rows
