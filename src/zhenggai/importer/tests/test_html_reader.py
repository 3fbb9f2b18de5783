"""The HTML reader: the lxml pass, its fallback to the standard-library pass, and their agreement."""

from __future__ import annotations

import html
from pathlib import Path

import pytest

from zhenggai.importer import html_reader, text
from zhenggai.importer.html_reader import html_to_text


def stdlib(page: str) -> str:
    """What the standard-library pass alone makes of ``page``."""
    return html_reader._clean_lines(html_reader._stdlib_text(page))


PAGES = [
    "<p>整改目标：\n   完成   治理</p><p>整改时限：2020年年底前</p>",
    '<div class="nav">首页</div><div id="content"><h2>一、总体要求</h2><p>第一段<br/>第二行</p></div>',
    "<table><tr><td>序号</td><td>问题</td><td>责任单位</td></tr><tr><td>1</td><td></td><td>市环保局</td></tr></table>",
    '<div>前文<div class="bdsharebuttonbox">分享到</div>后文</div><p>扫一扫在手机打开当前页</p>',
    "<html><head><title>标题</title><script>if (a < b) {}</script></head>"
    "<body><p>&lt;正文&gt; &amp; 附件</p></body></html>",
    "<ul><li>甲<li>乙</ul><dl><dt>责任单位</dt><dd>各县区</dd></dl><!-- 注释 --><p>结尾</p>",
    '<div class="footer">版权所有</div><aside>相关</aside><form><input name="q"></form><p>正文</p>',
]


@pytest.mark.parametrize("page", PAGES)
def test_the_lxml_pass_agrees_with_the_standard_library_pass(page):
    assert html_to_text(page) == stdlib(page)


def test_seed_page_agrees_with_the_standard_library_pass(seeds_dir: Path):
    lines = next(seeds_dir.glob("003_*.txt")).read_text(encoding="utf-8").splitlines()
    page = "<html><body><div class='article'>" + "".join(f"<p>{html.escape(x)}</p>\n" for x in lines) + "</div>"
    assert html_to_text(page) == stdlib(page)


def test_table_cells_are_tab_separated_and_whitespace_collapsed():
    page = "<table><tr><th> 序号 </th><th>问题\n  描述</th></tr><tr><td>1</td><td>扬尘</td></tr></table>"
    assert html_to_text(page).split("\n") == ["序号\t问题 描述", "1\t扬尘"]


def test_tail_text_after_dropped_furniture_is_kept():
    assert html_to_text('<p>整改<span class="share">分享到微信</span>完成</p>') == "整改完成"


def test_a_meta_charset_does_not_re_decode_the_text():
    page = '<html><head><meta charset="gb2312"></head><body><p>整改措施</p></body></html>'
    assert html_to_text(page) == "整改措施"


def test_private_use_characters_in_the_page_are_kept():
    # The lxml pass marks line and cell breaks with private-use characters; a page that has them
    # itself is read by the standard-library pass instead, so they are neither lost nor taken as breaks.
    page = "<p>甲\ue000乙</p><table><tr><td>丙\ue001</td><td>丁</td></tr></table>"
    assert html_to_text(page).split("\n") == ["甲\ue000乙", "丙\ue001\t丁"]


def test_control_characters_from_references_do_not_break_the_reader():
    # lxml will not set text next to a control character, so these pages take the fallback pass
    # (whose reference decoding drops &#1;, as HTML5 says).
    assert html_to_text("<p>整改&#1;完成</p><p>下一段</p>").split("\n") == ["整改完成", "下一段"]
    assert html_to_text("<p>整改\x1f完成</p>") == "整改\x1f完成"


def test_nesting_deeper_than_libxml2_allows_loses_no_text():
    page = "<div>" * 3000 + "深处的正文" + "</div>" * 3000 + "<p>结尾</p>"
    assert html_to_text(page).split("\n") == ["深处的正文", "结尾"]


@pytest.mark.parametrize("page", ["", "   \n ", "<!-- 只有注释 -->", "<script>var x;</script>"])
def test_pages_without_text(page):
    assert html_to_text(page) == ""


def test_a_page_whose_root_is_furniture_is_empty():
    assert html_to_text('<html class="nav-page"><body><p>正文</p></body></html>') == ""


def test_text_module_keeps_its_html_to_text():
    assert text.html_to_text("<p>甲</p><p>乙</p>") == "甲\n乙"
