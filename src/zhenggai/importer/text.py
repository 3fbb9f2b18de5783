"""Readers for plain text and HTML, and the line normaliser every parser starts from.

* :func:`decode` turns bytes into text: UTF-8 (with or without BOM), UTF-16 with a BOM, else GB18030
  (a superset of GBK and GB2312).  Empty or binary input raises :class:`UnreadableDocument`.
* :func:`html_to_text` keeps the article of a web page and drops site furniture: scripts, styles,
  navigation, headers, footers, share boxes, breadcrumbs (see :mod:`zhenggai.importer.html_reader`).
* :func:`lines` normalises each line (NFKC but Chinese punctuation kept, spaces inside dates
  squeezed), drops empty lines and page furniture such as ``扫一扫在手机打开当前页``.
"""

from __future__ import annotations

import re
import unicodedata

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


def html_to_text(html: str) -> str:
    """The article text of an HTML page: one block per line, table cells separated by tabs.

    The reader lives in :mod:`zhenggai.importer.html_reader` (imported here on first use: it needs
    :func:`is_furniture` from this module); this name stays for the callers of ``text``.
    """
    from zhenggai.importer.html_reader import html_to_text as read_html

    return read_html(html)
