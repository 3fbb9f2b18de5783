"""Readers: byte decoding, HTML article extraction, line normalisation."""

from __future__ import annotations

import random

import pytest

from zhenggai.importer.text import UnreadableDocument, decode, html_to_text, is_furniture, lines

SEED_004 = "004_b5fa22a766b1ca11.txt"


def test_decode_utf8_with_and_without_bom_and_crlf():
    text = "整改目标:完成任务\r\n整改时限:2020年年底前\r责任单位:各县区政府"
    expected = "整改目标:完成任务\n整改时限:2020年年底前\n责任单位:各县区政府"
    assert decode(text.encode("utf-8")) == expected
    assert decode(b"\xef\xbb\xbf" + text.encode("utf-8")) == expected


def test_decode_gbk_and_utf16_bom():
    assert decode("第一项，整改措施（一）".encode("gbk")) == "第一项，整改措施（一）"
    assert decode("整改时限".encode("utf-16")) == "整改时限"


def test_decode_gb18030_round_trip_of_a_seed(seeds_dir):
    text = decode((seeds_dir / SEED_004).read_bytes())
    assert decode(text.encode("gb18030")) == text


@pytest.mark.parametrize("data", [b"", b"   \r\n\t ", b"\xef\xbb\xbf"])
def test_decode_rejects_empty_input(data):
    with pytest.raises(UnreadableDocument, match="empty"):
        decode(data)


def test_decode_rejects_binary_data():
    rng = random.Random(3)
    for _ in range(20):
        with pytest.raises(UnreadableDocument):
            decode(rng.randbytes(2048))
    with pytest.raises(UnreadableDocument):
        decode(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    with pytest.raises(UnreadableDocument):
        decode(bytes(range(1, 32)) * 20)  # controls without a NUL


def test_unreadable_document_is_a_value_error():
    assert issubclass(UnreadableDocument, ValueError)


def test_lines_normalises_and_drops_furniture():
    text = (
        "首页\n>专题专栏>督察进行时\n首页 > 新闻 > 正文\n  \n"
        "整改时限：２０２０年 12 月 31 日前完成\n"
        "【字体：大 中 小】\n打印本页\n关闭窗口\n分享到：微信\n"
        "扫一扫在手机打开当前页\nProduced By 大汉网络 大汉版通发布系统\n"
        "责任单位：各县区政府\t市住建局\n"
    )
    assert lines(text) == ["整改时限：2020年12月31日前完成", "责任单位：各县区政府\t市住建局"]


def test_is_furniture_keeps_real_sentences():
    assert is_furniture("扫一扫在手机打开当前页")
    assert not is_furniture("首页建设工作已完成。")
    assert not is_furniture("整改措施:")


def test_html_to_text_drops_furniture_and_keeps_blocks():
    html = (
        "<html><head><title>标题</title><style>p{color:red}</style></head><body>"
        '<div class="nav">首页 新闻</div><ul id="breadcrumb"><li>首页</li></ul>'
        '<div class="article"><h1>整改方案</h1><p>第一段<br>第二行</p>'
        "<table><tr><th>序号</th><th>问题</th></tr><tr><td>1</td><td>扬尘&amp;污染</td></tr></table>"
        "<p>扫一扫在手机打开当前页</p></div>"
        '<div class="bdsharebuttonbox share">分享到</div><footer>版权所有</footer><aside>相关</aside>'
        "<script>var x = '<p>no</p>';</script></body></html>"
    )
    assert html_to_text(html).split("\n") == ["整改方案", "第一段", "第二行", "序号\t问题", "1\t扬尘&污染"]


def test_html_to_text_survives_unclosed_tags_in_furniture():
    html = '<div class="menu"><p>菜单<p>更多</div><p>正文</p>'
    assert html_to_text(html) == "正文"
