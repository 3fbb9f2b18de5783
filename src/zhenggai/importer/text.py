"""Readers for plain text and HTML, and the line normaliser every parser starts from.

* :func:`decode` turns bytes into text: UTF-8 (with or without BOM), UTF-16 with a BOM, else GB18030
  (a superset of GBK and GB2312).  Empty or binary input raises :class:`UnreadableDocument`.
* :func:`html_to_text` keeps the article of a web page (standard library only) and drops site
  furniture: scripts, styles, navigation, headers, footers, share boxes, breadcrumbs.
* :func:`lines` normalises each line (NFKC but Chinese punctuation kept, spaces inside dates
  squeezed), drops empty lines and page furniture such as ``扫一扫在手机打开当前页``.
"""

from __future__ import annotations

import re
import unicodedata
from html.parser import HTMLParser

from zhenggai.core.text import normalize, squeeze_spaces_in_dates

__all__ = ["UnreadableDocument", "decode", "html_to_text", "is_furniture", "lines"]

# More than this share of control / unassigned / private-use characters means binary data.
_MAX_JUNK_SHARE = 0.02
_ALLOWED_CONTROLS = "\n\r\t\f\v"

_FURNITURE_EXACT = frozenset(
    {
        "首页",
        "分享到",
        "分享",
        "扫一扫在手机打开当前页",
        "打印本页",
        "关闭窗口",
        "【打印本页】",
        "【关闭窗口】",
        "【打印】",
        "【关闭】",
        "返回顶部",
        "最新",
        "最热",
        "推荐",
        "上一篇",
        "下一篇",
    }
)
_FURNITURE_PREFIX = re.compile(
    r"^(?:分享到|Produced By\b|【\s*字体|字体[:：]\s*[【\[]?\s*大|首页\s*[>＞»›]|[>＞»›]"
    r"|当前位置[:：]|您(?:当前)?的?位置[:：]|扫一扫在手机|【\s*打印|【\s*关闭)",
    re.IGNORECASE,
)

_DROP_TAGS = frozenset({"script", "style", "nav", "header", "footer", "aside", "head", "noscript", "iframe", "form"})
_VOID_TAGS = frozenset({"br", "img", "meta", "link", "input", "hr", "area", "base", "col", "source", "wbr"})
_BLOCK_TAGS = frozenset(
    {"p", "div", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "table", "ul", "ol", "section", "article"}
    | {"blockquote", "pre", "dd", "dt", "dl", "tbody", "thead", "center", "main"}
)
_CELL_TAGS = frozenset({"td", "th"})
# class/id tokens of site furniture: menus, breadcrumbs, share boxes, footers.
_FURNITURE_CLASS = re.compile(
    r"(?:^|[-_\s])(?:nav\w*|menu\w*|breadcrumbs?|crumbs?|share\w*|bdshare\w*|footer\w*|foot|sidebar|toolbar"
    r"|copyright|location|weizhi|fenxiang|topbar)(?:$|[-_\s\d])",
    re.IGNORECASE,
)


class UnreadableDocument(ValueError):
    """The input is empty, binary, or in an encoding we cannot read."""


def decode(data: bytes) -> str:
    """Decode a text document; newlines become ``\\n``.  Raises :class:`UnreadableDocument`."""
    if not data or not data.strip():
        raise UnreadableDocument("the document is empty")
    text = _decode_bytes(data)
    if not text.strip():
        raise UnreadableDocument("the document is empty")
    if "\x00" in text or _junk_share(text) > _MAX_JUNK_SHARE:
        raise UnreadableDocument("the document looks binary, not text")
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _decode_bytes(data: bytes) -> str:
    if data.startswith(b"\xef\xbb\xbf"):
        return _strict(data[3:], "utf-8")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return _strict(data, "utf-16")
    if b"\x00" in data:
        raise UnreadableDocument("the document contains NUL bytes: binary data, not text")
    for encoding in ("utf-8", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise UnreadableDocument("the document is neither UTF-8 nor GB18030 text")


def _strict(data: bytes, encoding: str) -> str:
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as exc:
        raise UnreadableDocument(f"the document is not valid {encoding}: {exc.reason}") from exc


def _junk_share(text: str) -> float:
    """Share of characters that never occur in a real document (controls, unassigned, private use)."""
    junk = sum(1 for ch in text if ch not in _ALLOWED_CONTROLS and unicodedata.category(ch) in ("Cc", "Cn", "Co", "Cs"))
    return junk / len(text)


def is_furniture(line: str) -> bool:
    """True for a page-furniture line (share boxes, breadcrumbs, print links, CMS credits)."""
    line = line.strip()
    return line in _FURNITURE_EXACT or bool(_FURNITURE_PREFIX.match(line))


def folded_lines(text: str) -> tuple[list[str], list[str]]:
    """The document's lines as written and folded to simplified characters (``importer.fold``), pairwise.

    Normalised, non-empty, non-furniture lines; tab-separated table cells stay tab-separated.
    Furniture is recognised on the folded line, so 掃一掃在手機打開當前頁 goes too.
    """
    from zhenggai.importer.fold import fold

    originals: list[str] = []
    folded: list[str] = []
    for raw in text.splitlines():
        cells = [squeeze_spaces_in_dates(normalize(cell)) for cell in raw.split("\t")]
        line = "\t".join(cell for cell in cells if cell)
        simplified = fold(line) if line else line
        if line and not is_furniture(simplified):
            originals.append(line)
            folded.append(simplified)
    return originals, folded


def lines(text: str) -> list[str]:
    """Normalised, non-empty, non-furniture lines of ``text``, as written."""
    return folded_lines(text)[0]


class _ArticleExtractor(HTMLParser):
    """Collects the text of a page outside furniture elements, with block structure as newlines."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skip_tag: str | None = None
        self._skip_depth = 0
        self._cell_in_row = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if self._skip_tag is not None:
            self._skip_depth += tag == self._skip_tag
            return
        if tag not in _VOID_TAGS and (tag in _DROP_TAGS or _has_furniture_class(attrs)):
            self._skip_tag, self._skip_depth = tag, 1
            return
        self._layout(tag)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if self._skip_tag is None:
            self._layout(tag)

    def handle_endtag(self, tag: str) -> None:
        if self._skip_tag is not None:
            self._skip_depth -= tag == self._skip_tag
            if self._skip_depth <= 0:
                self._skip_tag = None
            return
        if tag in _BLOCK_TAGS:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if self._skip_tag is None:
            self.parts.append(re.sub(r"[ \t\r\n\f]+", " ", data))

    def _layout(self, tag: str) -> None:
        if tag == "tr":
            self._cell_in_row = False
        if tag in _CELL_TAGS:
            if self._cell_in_row:
                self.parts.append("\t")
            self._cell_in_row = True
        elif tag in _BLOCK_TAGS or tag == "br":
            self.parts.append("\n")


def _has_furniture_class(attrs: list[tuple[str, str | None]]) -> bool:
    return any(name in ("class", "id") and value and _FURNITURE_CLASS.search(value) for name, value in attrs)


def html_to_text(html: str) -> str:
    """The article text of an HTML page: one block per line, table cells separated by tabs."""
    parser = _ArticleExtractor()
    parser.feed(html)
    parser.close()
    out: list[str] = []
    for raw in "".join(parser.parts).split("\n"):
        line = "\t".join(cell.strip() for cell in raw.split("\t")).strip("\t ")
        if line.strip() and not is_furniture(line):
            out.append(line)
    return "\n".join(out)
