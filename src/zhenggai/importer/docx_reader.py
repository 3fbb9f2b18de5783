"""Read a .docx: paragraphs and tables in document order, as lines of text.

The package is read directly (``zipfile`` + lxml) rather than through python-docx, whose object
model costs several times the parse itself.  ``w:body`` is walked in document order, looking through
content controls (``w:sdt``) and custom XML; a paragraph's text comes from ``w:t``, with ``w:tab`` as a
tab and ``w:br``/``w:cr`` as a line break.  Tracked changes read as accepted: deleted and moved-away
text (``w:del``, ``w:moveFrom``) is skipped, inserted text kept; text boxes and pictures are skipped.

A table row becomes one line with its cells separated by tabs; a cell merged across columns
(``w:gridSpan``) is one ``w:tc`` and is emitted once, and the continuation cells of a vertical merge
(``w:vMerge`` without ``restart``) are skipped, so the merged text appears once.

Word's automatic numbering is rendered: a paragraph whose ``w:numPr`` — its own, or its paragraph
style's — points at a numbering definition gets its label (一、 （一） 1. 第一条 …) in front of its
text, counted as Word counts (see :class:`_Numbering`).  Bullets are not rendered: they are no label.
"""

from __future__ import annotations

import io
import posixpath
import re
import unicodedata
import zipfile
import zlib
from dataclasses import dataclass, field

from lxml import etree

from zhenggai.importer.number_formats import format_number
from zhenggai.importer.text import UnreadableDocument

__all__ = ["docx_text", "format_number", "read_docx"]  # format_number: re-exported from number_formats

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_MC = "{http://schemas.openxmlformats.org/markup-compatibility/2006}"
_VAL = W + "val"
_P, _TBL, _TR, _TC, _PPR = W + "p", W + "tbl", W + "tr", W + "tc", W + "pPr"
_T = W + "t"
# Run content other than w:t, as text.  (Python-docx reads a page or column break as nothing; here
# every break ends a line, which is what the reader of the page sees.)
_TEXT = {_T: "", W + "tab": "\t", W + "ptab": "\t", W + "br": "\n", W + "cr": "\n", W + "noBreakHyphen": "-"}
_WALKED = (_P, _TBL, _TR, _TC, *_TEXT)
# Removed before reading: deleted or moved-away text; tab stops (w:pPr/w:tabs/w:tab, no text);
# phonetic guides (w:ruby/w:rt: the base text stays); drawings and text boxes, whose paragraphs
# would otherwise be read into the paragraph anchoring them (twice, with the VML fallback).
_SKIPPED = (W + "del", W + "moveFrom", W + "tabs", W + "rt", W + "drawing", W + "pict", W + "object", _MC + "Choice")
_UNNUMBERED_STYLES = tuple(f"w:type={q}{kind}{q}".encode() for kind in ("table", "character") for q in "\"'")
_STRICT_W = b"http://purl.oclc.org/ooxml/wordprocessingml/main"
_TRANSITIONAL_W = b"http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_MAX_PART_BYTES = 256 * 1024 * 1024  # a larger XML part is a zip bomb, not a document
# What a damaged archive raises: KeyError for a missing member, NotImplementedError for a compression
# method zipfile lacks, zlib.error/EOFError/ValueError for corrupt data, RuntimeError if encrypted.
_ZIP_ERRORS = (zipfile.BadZipFile, KeyError, EOFError, OSError, RuntimeError, NotImplementedError, ValueError)
_ZIP_ERRORS += (zlib.error,)


def read_docx(data: bytes) -> str:
    """The document's text, one block per line.  Raises :class:`UnreadableDocument`."""
    return docx_text(data)[0]


def docx_text(data: bytes) -> tuple[str, bool]:
    """The document's text, and whether some automatic numbering could not be rendered.

    The flag is set when a paragraph is numbered but its numbering definition is missing or its
    ``numbering.xml`` is damaged (the text is still read, without those labels).
    """
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            document_xml = _read(archive, "word/document.xml")
            numbering_xml = styles_xml = None
            if b"numPr" in document_xml or b"pStyle" in document_xml:  # else nothing can be numbered
                parts = _related_parts(archive)
                numbering_xml, styles_xml = _read(archive, parts["numbering"]), _read(archive, parts["styles"])
    except UnreadableDocument:
        raise
    except _ZIP_ERRORS as exc:
        raise UnreadableDocument(f"not a readable .docx file: {exc}") from exc
    document = _parse(document_xml)
    if document is None or (body := document.find(W + "body")) is None:
        raise UnreadableDocument("not a readable .docx file: word/document.xml has no w:body")
    numbering = _Numbering(_parse(numbering_xml, strict=False), styles_xml, numbered=b"numPr" in document_xml)
    etree.strip_elements(document, *_SKIPPED, with_tail=False)
    return "\n".join(_body_lines(body, numbering)), numbering.unresolved


def _read(archive: zipfile.ZipFile, name: str) -> bytes | None:
    """A part's bytes; ``None`` for an absent optional part.  word/document.xml must exist (KeyError)."""
    if name != "word/document.xml" and name not in archive.NameToInfo:
        return None
    if archive.getinfo(name).file_size > _MAX_PART_BYTES:
        raise UnreadableDocument(f"not a readable .docx file: {name} is implausibly large")
    data = archive.read(name)
    if _STRICT_W in data:  # ISO "Strict" files use another namespace for the same vocabulary
        data = data.replace(_STRICT_W, _TRANSITIONAL_W)
    return data


def _parse(data: bytes | None, *, strict: bool = True) -> etree._Element | None:
    """Parsed XML.  Damaged XML raises :class:`UnreadableDocument`, or gives ``None`` if not ``strict``."""
    if data is None:
        return None
    # No entities, no network: a .docx is untrusted input.
    parser = etree.XMLParser(resolve_entities=False, no_network=True, remove_comments=True, remove_pis=True)
    try:
        return etree.fromstring(data, parser)
    except etree.XMLSyntaxError as exc:
        if not strict:
            return None
        raise UnreadableDocument(f"not a readable .docx file: its XML is not well-formed ({exc})") from exc


def _related_parts(archive: zipfile.ZipFile) -> dict[str, str]:
    """Names of the numbering and styles parts: from the document's relationships, else the usual."""
    parts = {"numbering": "word/numbering.xml", "styles": "word/styles.xml"}
    rels = _parse(_read(archive, "word/_rels/document.xml.rels"), strict=False)
    for rel in rels if rels is not None else ():
        kind, target = (rel.get("Type") or "").rpartition("/")[2], rel.get("Target") or ""
        if kind in parts and target and rel.get("TargetMode") != "External":
            parts[kind] = target.lstrip("/") if target.startswith("/") else posixpath.normpath("word/" + target)
    return parts


def _numbering_styles(data: bytes) -> bytes:
    """styles.xml with only the styles that can carry numbering (paragraph and numbering styles).

    Table and character styles are cut out at the byte level before parsing: python-docx's template
    carries 340 kB of table styles, which took libxml2 longer than the whole document.  Keeping too
    much is harmless; anything unexpected returns the part unchanged.
    """
    head_end = data.find(b">", max(data.find(b"<w:styles"), 0))
    if b"<w:styles" not in data or head_end < 0:
        return data
    kept, position = [data[: head_end + 1]], head_end
    while (start := data.find(b"<w:style", position)) >= 0:
        after, open_end = data[start + 8 : start + 9], data.find(b">", start)
        if after not in (b" ", b"\t", b"\r", b"\n", b">", b"/") or open_end < 0:
            return data
        close = data.find(b"</w:style>", open_end)
        if data[open_end - 1 : open_end] == b"/":  # <w:style .../>
            end = open_end + 1
        elif close < 0:
            return data
        else:
            end = close + len(b"</w:style>")
        opening = data[start:open_end]
        if not any(other in opening for other in _UNNUMBERED_STYLES):
            kept.append(data[start:end])
        position = end
    return b"".join([*kept, b"</w:styles>"])


def _body_lines(body: etree._Element, numbering: _Numbering) -> list[str]:
    """One pass over the body (libxml2 filters the elements): paragraphs, rows and cells as lines.

    ``containers[-1]`` receives finished paragraphs: the body's lines, or the lines of the cell being
    read.  ``opened`` remembers, for each open row or cell, whether its start opened something, so
    that stray or merged-away rows and cells end without effect.
    """
    out: list[str] = []
    containers: list[list[str]] = [out]
    tables: list[tuple[list[str], list[list[str]]]] = []  # (lines, [row cells]) of each open table
    opened: list[bool] = []
    parts: list[str] | None = None
    walker = etree.iterwalk(body, events=("start", "end"), tag=_WALKED)
    for event, el in walker:
        tag = el.tag
        if event == "start":
            if parts is not None and tag in _TEXT:
                parts.append((el.text or "") if tag == _T else _TEXT[tag])
            elif tag == _P:
                parts = []
            elif tag == _TBL:
                tables.append(([], []))
            elif tag == _TR:
                opened.append(bool(tables))
                if tables:
                    tables[-1][1].append([])
            elif tag == _TC:
                in_row = bool(tables and tables[-1][1])
                merged = in_row and _continues_merge(el)
                opened.append(in_row and not merged)
                if merged:  # its text is in the cell it continues
                    walker.skip_subtree()
                elif in_row:
                    containers.append([])
        elif tag == _P:
            if parts is not None:
                text = "".join(parts)
                label = numbering.label(el.find(_PPR)) if numbering.active else ""
                containers[-1].append(label + text if label else text)
            parts = None
        elif tag == _TC:
            if opened.pop():
                cell = "\n".join(containers.pop()).strip()
                tables[-1][1][-1].append(cell)
        elif tag == _TR:
            if opened.pop():
                cells = tables[-1][1].pop()
                if any(cells):
                    tables[-1][0].append("\t".join(cells))
        elif tag == _TBL:
            lines = tables.pop()[0]
            # A table nested in a cell: its cells joined by spaces (a tab would shift the outer row).
            containers[-1].extend([line.replace("\t", " ") for line in lines] if tables else lines)
    return out


def _continues_merge(tc: etree._Element) -> bool:
    """True for a cell that continues a merge started to its left or above: its text is there."""
    tcpr = tc.find(W + "tcPr")
    merges = () if tcpr is None else (tcpr.find(W + "vMerge"), tcpr.find(W + "hMerge"))
    return any(merge is not None and merge.get(_VAL, "continue") == "continue" for merge in merges)


# Automatic numbering ------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Level:
    """One level (``w:lvl``) of a numbering definition."""

    fmt: str = "decimal"
    text: str = ""
    start: int = 0  # ECMA-376: 0 when w:start is absent
    restart: int | None = None  # w:lvlRestart; None: after any shallower level, 0: never
    legal: bool = False  # w:isLgl: every %N in decimal
    suffix: str = "tab"
    style: str | None = None  # w:pStyle: the paragraph style this level belongs to


@dataclass(slots=True)
class _Num:
    """A ``w:num``: an abstract definition plus its per-level overrides."""

    abstract: str
    starts: dict[int, int] = field(default_factory=dict)
    levels: dict[int, _Level] = field(default_factory=dict)


def _val(el: etree._Element | None, name: str = _VAL) -> str | None:
    return None if el is None else el.get(name)


def _int(el: etree._Element | None, name: str = _VAL) -> int | None:
    try:
        return int(_val(el, name) or "")
    except ValueError:
        return None


def _level(lvl: etree._Element) -> _Level:
    fmt = lvl.find(W + "numFmt")
    if fmt is None:  # Word 2010 puts custom formats in mc:AlternateContent; read its fallback
        fmt = lvl.find(f"{_MC}AlternateContent/{_MC}Fallback/{W}numFmt")
    legal = lvl.find(W + "isLgl")
    return _Level(
        fmt=_val(fmt) or "decimal",
        text=_val(lvl.find(W + "lvlText")) or "",
        start=_int(lvl.find(W + "start")) or 0,
        restart=_int(lvl.find(W + "lvlRestart")),
        legal=legal is not None and legal.get(_VAL, "true") not in ("0", "false", "off"),
        suffix=_val(lvl.find(W + "suff")) or "tab",
        style=_val(lvl.find(W + "pStyle")),
    )


def _level_index(el: etree._Element) -> int | None:
    ilvl = _int(el, W + "ilvl")
    return ilvl if ilvl is not None and 0 <= ilvl <= 8 else None


class _Numbering:
    """Numbering definitions and the counters of one reading, resolved as Word does.

    Counters: paragraphs of ``w:num`` instances that share an abstract definition and override
    nothing continue one sequence (Word shares it); a ``w:num`` with ``w:lvlOverride`` (Word's
    "restart numbering" / "set numbering value") counts on its own, from its ``w:startOverride``.
    Using a level advances it and resets the deeper levels, unless their ``w:lvlRestart`` says
    otherwise (0: never; n: only when a level up to n, one-based, is used).
    """

    def __init__(self, numbering: etree._Element | None, styles: bytes | None, *, numbered: bool) -> None:
        self._abstract: dict[str, dict[int, _Level]] = {}
        self._style_links: dict[str, str] = {}  # abstractNumId → numbering style it defers to
        self._nums: dict[str, _Num] = {}
        self._styles: dict[str, tuple[str | None, int | None, str | None]] = {}  # id → numId, ilvl, basedOn
        self._default_style: str | None = None
        self._resolved_styles: dict[str | None, tuple[str | None, int | None]] = {}
        self._counters: dict[str, list[int | None]] = {}
        self.unresolved = False  # a numbered paragraph whose definition is missing
        if numbering is not None:
            self._read_numbering(numbering)
        if styles is not None and self._nums:  # styles matter only to reach a definition
            root = _parse(_numbering_styles(styles), strict=False)
            if root is not None:
                self._read_styles(root)
        self.active = bool(self._nums) or numbered

    def _read_numbering(self, root: etree._Element) -> None:
        for abstract in root.iterchildren(W + "abstractNum"):
            abstract_id = abstract.get(W + "abstractNumId")
            if abstract_id is None:
                continue
            levels = {_level_index(lvl): _level(lvl) for lvl in abstract.iterchildren(W + "lvl")}
            self._abstract[abstract_id] = {i: level for i, level in levels.items() if i is not None}
            link = _val(abstract.find(W + "numStyleLink"))
            if link:
                self._style_links[abstract_id] = link
        for num in root.iterchildren(W + "num"):
            num_id, abstract_id = num.get(W + "numId"), _val(num.find(W + "abstractNumId"))
            if num_id is None or abstract_id is None:
                continue
            entry = _Num(abstract_id)
            for override in num.iterchildren(W + "lvlOverride"):
                ilvl = _level_index(override)
                if ilvl is None:
                    continue
                lvl = override.find(W + "lvl")
                if lvl is not None:
                    entry.levels[ilvl] = _level(lvl)
                start = _int(override.find(W + "startOverride"))
                if start is not None:
                    entry.starts[ilvl] = start
            self._nums[num_id] = entry

    def _read_styles(self, root: etree._Element) -> None:
        for style in root.iterchildren(W + "style"):
            style_id = style.get(W + "styleId")
            if style_id is None:
                continue
            numpr = style.find(f"{_PPR}/{W}numPr")
            num_id = _val(numpr.find(W + "numId")) if numpr is not None else None
            ilvl = _int(numpr.find(W + "ilvl")) if numpr is not None else None
            self._styles[style_id] = (num_id, ilvl, _val(style.find(W + "basedOn")))
            if style.get(W + "default") in ("1", "true", "on") and style.get(W + "type") == "paragraph":
                self._default_style = style_id

    def _style_numbering(self, style_id: str | None) -> tuple[str | None, int | None]:
        """numId and ilvl a paragraph style gives (through its basedOn chain)."""
        if style_id in self._resolved_styles:
            return self._resolved_styles[style_id]
        num_id: str | None = None
        ilvl: int | None = None
        current, seen = style_id, set()
        while current is not None and current not in seen and current in self._styles:
            seen.add(current)
            style_num, style_ilvl, based_on = self._styles[current]
            num_id = num_id if num_id is not None else style_num
            ilvl = ilvl if ilvl is not None else style_ilvl
            current = based_on
        self._resolved_styles[style_id] = (num_id, ilvl)
        return num_id, ilvl

    def _definition(self, num: _Num) -> tuple[str, dict[int, _Level]]:
        """The abstract definition a num counts with, following numStyleLink to the real one."""
        abstract_id = num.abstract
        for _ in range(8):  # a link chain longer than this is a loop
            link = self._style_links.get(abstract_id)
            target = self._nums.get(self._style_numbering(link)[0] or "") if link else None
            if target is None:
                break
            abstract_id = target.abstract
        return abstract_id, self._abstract.get(abstract_id, {})

    def label(self, ppr: etree._Element | None) -> str:
        """The label of a paragraph (advancing the counters), or "" when it is not numbered."""
        num_id: str | None = None
        ilvl: int | None = None
        style_id = self._default_style
        if ppr is not None:
            numpr = ppr.find(W + "numPr")
            if numpr is not None:
                num_id, ilvl = _val(numpr.find(W + "numId")), _int(numpr.find(W + "ilvl"))
            style = ppr.find(W + "pStyle")
            if style is not None:
                style_id = style.get(_VAL)
        if num_id is None or ilvl is None:
            style_num, style_ilvl = self._style_numbering(style_id)
            num_id = style_num if num_id is None else num_id
            ilvl = style_ilvl if ilvl is None else ilvl
        num = self._nums.get(num_id or "")
        if num is None:  # not numbered, numId 0 ("numbering removed"), or a definition we lack
            self.unresolved = self.unresolved or num_id not in (None, "", "0")
            return ""
        abstract_id, base = self._definition(num)
        levels = {**base, **num.levels} if num.levels else base
        if ilvl is None:  # numbered through its style: the level linked to that style, else the first
            ilvl = next((i for i, level in levels.items() if level.style and level.style == style_id), 0)
        ilvl = min(max(ilvl, 0), 8)
        level = levels.get(ilvl)
        if level is None:
            return ""
        key = f"num:{num_id}" if num.levels or num.starts else f"abstract:{abstract_id}"
        counters = self._counters.setdefault(key, [None] * 9)

        def start(i: int) -> int:
            return num.starts.get(i, levels[i].start if i in levels else 0)

        current = counters[ilvl]
        counters[ilvl] = start(ilvl) if current is None else current + 1
        for deeper in range(ilvl + 1, 9):
            restart = levels[deeper].restart if deeper in levels else None
            if restart is None or (restart > 0 and ilvl < restart):
                counters[deeper] = None
        if level.fmt == "bullet":
            return ""

        def value(match: re.Match[str]) -> str:
            i = int(match.group(1)) - 1
            count = counters[i] if counters[i] is not None else start(i)
            fmt = "decimal" if level.legal or i not in levels else levels[i].fmt
            return format_number(count, fmt)

        text = _PLACEHOLDER.sub(value, level.text)
        if not text or level.suffix == "nothing":
            return text
        # Word separates the label by a tab (or space); after 、 ） . the text follows directly,
        # as in a typed label, otherwise a space keeps 第一条 apart from its text.
        return text if unicodedata.category(text[-1])[0] in "PS" else text + " "


_PLACEHOLDER = re.compile(r"%([1-9])")
