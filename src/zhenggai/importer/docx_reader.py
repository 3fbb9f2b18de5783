"""Read a .docx: paragraphs and tables in document order, as lines of text.

A table row becomes one line with its cells separated by tabs; a cell merged across
columns or rows is emitted once (python-docx returns it again for every grid position).
Word's automatic numbering (一、 made by a numbering definition rather than typed) is not
rendered yet: such documents lose their labels (a known gap, reported as a warning).
"""

from __future__ import annotations

import io
import zipfile

from docx import Document
from docx.table import Table
from docx.text.paragraph import Paragraph

from zhenggai.importer.text import UnreadableDocument


def _table_lines(table: Table) -> list[str]:
    # A merged cell comes back once per grid position, as the same <w:tc> element. lxml hands out
    # the same proxy object for an element only while a reference to it is alive, and a freed
    # proxy's id() can be reused by another element — so the elements seen are kept in ``seen``.
    lines: list[str] = []
    seen: dict[int, object] = {}
    for row in table.rows:
        cells = []
        for cell in row.cells:
            if id(cell._tc) in seen:  # the same merged cell again
                continue
            seen[id(cell._tc)] = cell._tc
            cells.append(cell.text.strip())
        if any(cells):
            lines.append("\t".join(cells))
    return lines


def docx_text(data: bytes) -> tuple[str, bool]:
    """The document's text (one block per line) and whether automatic numbering was present."""
    try:
        document = Document(io.BytesIO(data))
    except (zipfile.BadZipFile, KeyError, ValueError) as exc:
        raise UnreadableDocument(f"not a readable .docx file: {exc}") from exc
    out: list[str] = []
    auto_numbered = False
    for block in document.iter_inner_content():
        if isinstance(block, Paragraph):
            if block._p.pPr is not None and block._p.pPr.numPr is not None:
                auto_numbered = True
            out.append(block.text)
        elif isinstance(block, Table):
            out.extend(_table_lines(block))
    return "\n".join(out), auto_numbered
