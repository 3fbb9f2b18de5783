"""The importer's entry point: bytes of any supported format → ``ParsedDocument``.

Format by content, not by file name: a ZIP with ``word/document.xml`` is .docx, one with
``xl/workbook.xml`` is an .xlsx ledger (parsed straight into problems by ``xlsx_reader``), text
that looks like markup is HTML, anything else is text (UTF-8 or GB18030).
The kind of document is decided from its fields: a progress report
has 整改进展 paragraphs, a problem-list plan has 整改目标 fields, the rest is a narrative plan.
"""

from __future__ import annotations

import io
import re
import zipfile

from zhenggai.importer.fold import restore_originals
from zhenggai.importer.model import ParsedDocument
from zhenggai.importer.text import UnreadableDocument, decode, folded_lines, html_to_text

__all__ = ["UnreadableDocument", "detect_kind", "parse_bytes", "parse_lines"]

_HTML = re.compile(r"<\s*(html|body|div|p|table|article)\b", re.IGNORECASE)


def _zip_member_names(data: bytes) -> set[str]:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            return set(archive.namelist())
    except zipfile.BadZipFile as exc:
        raise UnreadableDocument("a damaged ZIP file (.docx/.xlsx?)") from exc


def to_text(data: bytes, filename: str = "") -> tuple[str, list[str]]:
    """The document's text and any reader warnings."""
    if not data:
        raise UnreadableDocument("the file is empty")
    if data[:4] == b"PK\x03\x04":
        names = _zip_member_names(data)
        if "word/document.xml" in names:
            from zhenggai.importer.docx_reader import docx_text

            text, auto_numbered = docx_text(data)
            lost = "a numbered paragraph points at a missing numbering definition: its label is lost"
            notes = [lost] if auto_numbered else []
            return text, notes
        if "xl/workbook.xml" in names:
            raise UnreadableDocument(".xlsx ledgers have no text form: use parse_bytes")
        raise UnreadableDocument("a ZIP file that is neither .docx nor .xlsx")
    if data[:5] == b"%PDF-":
        raise UnreadableDocument("PDF files are not supported; save the document as .docx or text")
    text = decode(data)
    if _HTML.search(text[:5000]):
        return html_to_text(text), []
    return text, []


_AMENDED_FIELD = re.compile(r"^(?:整改时限|整改期限|整改目标|整改措施|责任单位|责任领导|责任人员|督导单位)修改为")


def detect_kind(document_lines: list[str]) -> str:
    """ "report", "plan" or "narrative". An amendment notice goes to the plan parser, alone or after its plan."""
    progress = sum(1 for line in document_lines if line.startswith(("整改进展", "整改进展:")))
    targets = sum(1 for line in document_lines if line.startswith("整改目标"))
    changes = sum(1 for line in document_lines if _AMENDED_FIELD.match(line))
    if progress >= 3:
        return "report"
    if targets >= 1 or changes >= 1:
        return "plan"
    return "narrative"


def parse_lines(document_lines: list[str]) -> ParsedDocument:
    kind = detect_kind(document_lines)
    if kind == "report":
        from zhenggai.importer.reports import parse_report

        return parse_report(document_lines)
    if kind == "plan":
        from zhenggai.importer.plans import parse_plan

        return parse_plan(document_lines)
    from zhenggai.importer.narrative import parse_narrative

    return parse_narrative(document_lines)


def parse_bytes(data: bytes, filename: str = "") -> ParsedDocument:
    """Parse one document. Raises ``UnreadableDocument`` (a ValueError) for empty, binary or unsupported input."""
    if data[:4] == b"PK\x03\x04" and "xl/workbook.xml" in _zip_member_names(data):
        from zhenggai.importer.xlsx_reader import parse_xlsx  # a ledger is already structured: no text stage

        parsed = parse_xlsx(data)
        if not parsed.problems:
            raise UnreadableDocument(
                "no ledger found in the workbook (no sheet has a header row such as 序号/问题/整改措施)"
            )
        return parsed
    text, notes = to_text(data, filename)
    originals, folded = folded_lines(text)
    if not folded:
        raise UnreadableDocument("the document contains no text")
    # Parse on simplified characters; a traditional document gets its own characters back in the values.
    parsed = parse_lines(folded)
    if folded != originals:
        restore_originals(parsed, folded, originals)
    for note in notes:
        parsed.warn("reader", note)
    return parsed
