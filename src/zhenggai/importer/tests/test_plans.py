"""Problem-list plans: seeds 004 (city plan with an amendment notice) and 000 (censored, truncated web page)."""

from __future__ import annotations

import html

import pytest

from zhenggai.importer.plan_fields import parse_measures, parse_targets, split_numbered
from zhenggai.importer.plans import parse_plan
from zhenggai.importer.text import decode, html_to_text, lines

SEED_004 = "004_b5fa22a766b1ca11.txt"
SEED_000 = "000_3d93e27ad1a09713.txt"


def _parse(seeds_dir, name):
    return parse_plan(lines(decode((seeds_dir / name).read_bytes())))


@pytest.fixture(scope="module")
def doc004(seeds_dir):
    return _parse(seeds_dir, SEED_004)


@pytest.fixture(scope="module")
def doc000(seeds_dir):
    return _parse(seeds_dir, SEED_000)


def _problem(doc, number):
    return next(p for p in doc.problems if p.number == number)


# --- 004 -----------------------------------------------------------------------------------------


def test_004_problems_and_categories(doc004):
    assert [p.number for p in doc004.problems] == list(range(1, 18))
    assert [p.category for p in doc004.problems] == ["例行督察反馈问题整改措施清单"] * 9 + ["专项督察整改措施清单"] * 8
    first = doc004.problems[0]
    assert first.number_text == "第一项"
    assert first.title == "绿色发展理念树得不牢固"
    assert first.description.startswith("绿色发展理念树得不牢固。")
    assert first.cause is None


def test_004_measures(doc004):
    counts = [len(p.measures) for p in doc004.problems]
    assert counts == [5, 5, 4, 3, 4, 3, 3, 3, 3, 4, 3, 1, 3, 2, 3, 1, 0]
    assert doc004.measure_count() == 57
    assert [m.number_text for m in _problem(doc004, 1).measures] == ["(一)", "(二)", "(三)", "(四)", "(五)"]
    assert _problem(doc004, 1).measures[0].text.startswith("将习近平生态文明思想")
    single = _problem(doc004, 16).measures
    assert single[0].number_text is None and single[0].text.startswith("组织对全市燃煤锅炉")
    assert _problem(doc004, 12).measures[0].number_text is None
    assert all(m.deadline is None for p in doc004.problems for m in p.measures)


def test_004_problem_17_aspects(doc004):
    parent = _problem(doc004, 17)
    assert parent.description.startswith("甘肃省是我国碳化硅主要生产区")
    assert parent.measures == [] and parent.targets == []
    assert [s.number_text for s in parent.sub_items] == ["(一)", "(二)"]
    assert [s.number for s in parent.sub_items] == [1, 2]
    assert [len(s.measures) for s in parent.sub_items] == [5, 2]
    assert [m.number_text for m in parent.sub_items[0].measures] == ["1.", "2.", "3.", "4.", "5."]
    for sub in parent.sub_items:
        assert sub.deadline.date == "2021-12-31"
        assert sub.responsible_units == ["天祝县政府"]
        assert sub.responsible_leaders == ["王琳玺"]
        assert sub.responsible_persons == ["马扎西"]
    assert parent.sub_items[0].supervising_units == ["市生态环境局", "市发展改革委", "市工信局"]


def test_004_fields(doc004):
    assert _problem(doc004, 15).responsible_leaders == ["杨德智", "王琳玺"]
    assert _problem(doc004, 15).responsible_units == ["市市场监管局", "市生态环境局", "各县区政府"]
    assert _problem(doc004, 10).deadline.date == "2020-12-31"
    assert _problem(doc004, 13).deadline.date == "2020-11-30"
    first = _problem(doc004, 1)
    assert first.deadline.immediate and first.deadline.long_term and first.deadline.date is None
    assert len(first.targets) == 1 and first.targets[0].deadline == first.deadline
    assert first.responsible_units[1] == "市、县区国家机关"
    assert first.supervising_units == ["市委办公室", "市政府办公室"]
    assert _problem(doc004, 7).responsible_persons == ["高加志", "马世友", "苏国波", "马扎西", "仲生爱"]


def test_004_problem_6_reference_and_sublists(doc004):
    sixth = _problem(doc004, 6)
    assert len(sixth.responsible_units) == 1 and sixth.responsible_units[0].startswith("《武威市贯彻落实")
    assert [m.number_text for m in sixth.measures] == ["(一)", "(二)", "(三)"]
    assert sixth.deadline.conditional and sixth.deadline.date == "2020-12-31"


def test_004_amendments(doc004):
    changes = [(a.problem_number, a.field) for a in doc004.amendments]
    assert changes == [(6, "deadline"), (10, "target"), (12, "measures"), (14, "measures")]
    deadline, target, _, measures = doc004.amendments
    assert deadline.review_opinion.startswith("整改时限中")
    assert deadline.new_text.startswith("2020年年底前,按照自然资源部")
    assert target.new_text.startswith("凉州城区环境空气可吸入颗粒物")
    assert [line[:3] for line in measures.new_text.split("\n")] == ["(一)", "(二)"]
    assert all("武威市人民政府办公室" not in a.new_text for a in doc004.amendments)


def test_004_metadata_and_warnings(doc004):
    info = doc004.document
    assert info.issuer == "中共武威市委办公室、武威市人民政府办公室"
    assert info.doc_number == "武办字〔2020〕47号"
    assert info.date == "2020-07-30"
    assert info.inspection == "中央第五生态环境保护督察组"
    assert info.kind == "plan"
    assert [w.where for w in doc004.warnings] == ["第六项", "第六项"]
    assert doc004.warnings[0].message == "责任单位、责任领导、责任人员、督导单位 refer to another document; kept whole"
    assert doc004.warnings[1].message.startswith("text before the first numbered measure")


def test_004_as_a_web_page(seeds_dir, doc004):
    text = decode((seeds_dir / SEED_004).read_bytes())
    paragraphs = "".join(f"<p>{html.escape(line)}</p>" for line in text.split("\n"))
    page = (
        '<html><body><div class="nav">首页 新闻</div>'
        f'<div class="article">{paragraphs}</div>'
        '<div class="share">分享到</div><footer>扫一扫在手机打开当前页</footer>'
        "<script>var x=1;</script></body></html>"
    )
    from_html = parse_plan(lines(html_to_text(page)))
    assert from_html.to_dict() == doc004.to_dict()


def test_004_gb18030(seeds_dir, doc004):
    text = decode((seeds_dir / SEED_004).read_bytes())
    assert parse_plan(lines(decode(text.encode("gb18030")))).to_dict() == doc004.to_dict()


# --- 000 -----------------------------------------------------------------------------------------


def test_000_problems(doc000):
    assert [p.number for p in doc000.problems] == list(range(1, 20))
    assert doc000.problems[0].number_text == "一、"
    assert doc000.problems[18].number_text == "十九、"
    assert doc000.problems[0].title == "对国家生态安全屏障重要性认识不够深刻"
    assert doc000.problems[0].cause.startswith("部分地市委")
    assert all(p.category is None for p in doc000.problems)


def test_000_targets_and_deadlines(doc000):
    first = _problem(doc000, 1)
    assert len(first.targets) == 2
    for target in first.targets:
        assert target.deadline.date == "2018-06-30" and target.deadline.long_term
    assert first.targets[0].deadline.raw.startswith("2018年6月30日前完成")
    assert first.deadline.date == "2018-06-30" and first.deadline.long_term
    third = _problem(doc000, 3)
    assert [t.deadline.date for t in third.targets] == ["2018-09-30", None]
    assert third.targets[1].deadline.immediate and third.targets[1].deadline.long_term
    assert third.deadline.date == "2018-09-30" and third.deadline.immediate
    assert _problem(doc000, 10).targets[0].text.startswith("2018年起那曲市")


def test_000_measures(doc000):
    measure = _problem(doc000, 3).measures[0]
    assert measure.number_text == "1."
    assert measure.deadline.raw == "2018年6月30日"
    assert measure.deadline.date == "2018-06-30"
    assert measure.text.endswith("办公室设在自治区发展委")
    assert _problem(doc000, 1).measures[0].deadline.long_term
    assert _problem(doc000, 8).measures[0].deadline.immediate
    assert [m.number_text for m in _problem(doc000, 17).measures] == ["1.", "3.", "4."]
    assert len(_problem(doc000, 12).measures) == 3


def test_000_units(doc000):
    first = _problem(doc000, 1)
    assert first.responsible_units[-2:] == ["各地市委、行署()", "区(中)直有关部门"]
    assert _problem(doc000, 10).supervising_units[0] == "自治区整改办"


def test_000_metadata(doc000):
    info = doc000.document
    assert info.inspection == "中央第六督察组"
    assert info.date == "2018-06-06"
    assert info.issuer is None and info.doc_number is None


def test_000_warnings(doc000):
    messages = {(w.where, w.message) for w in doc000.warnings}
    assert ("十九、", "document appears truncated after problem 十九、") in messages
    assert ("document", "the document declares 45 problems, 19 found") in messages
    assert ("十七、", "measure numbers jump from 1 to 3") in messages
    assert ("十二、", "missing 整改目标、整改时限、责任单位") in messages
    assert doc000.amendments == []


# --- helpers and synthetic documents -------------------------------------------------------------


def test_split_numbered():
    assert split_numbered("1.甲；2.乙。") == [(1, "甲"), (2, "乙")]
    assert split_numbered("1.甲；3.乙") == [(None, "1.甲；3.乙")]
    assert split_numbered("完成任务。") == [(None, "完成任务")]


def test_targets_take_their_deadlines_by_reference():
    targets = parse_targets("1.甲；2.乙", "1.第2项目标2019年底前完成；2.第1项目标立即启动")
    assert [t.deadline.date for t in targets] == [None, "2019-12-31"]
    assert targets[0].deadline.raw == "立即启动"


def test_measures_keep_unrecognised_parentheses():
    result = parse_measures(["前言", "1.落实《方案》(试行)", "续行", "9.不是新项", "2.完成整改（长期坚持）。"])
    assert result.preamble == ["前言"]
    assert [m.text for m in result.measures] == ["落实《方案》(试行)\n续行\n9.不是新项", "完成整改"]
    assert result.measures[1].deadline.raw == "长期坚持"
    assert result.measures[1].progress is None


def test_amendment_only_notice():
    notice = [
        "关于修改《某市整改方案》部分内容的通知",
        "一、第三项,某问题。",
        "审核意见:时限不明确。",
        "整改时限修改为:2021年6月底前",
        "整改目标修改为:",
        "完成治理。",
        "某市人民政府办公室",
        "2021年1月5日",
    ]
    doc = parse_plan(notice)
    assert doc.document.kind == "amendment"
    assert doc.document.issuer == "某市人民政府办公室" and doc.document.date == "2021-01-05"
    assert [(a.problem_number, a.field, a.new_text) for a in doc.amendments] == [
        (3, "deadline", "2021年6月底前"),
        (3, "target", "完成治理。"),
    ]
    assert doc.amendments[0].review_opinion == "时限不明确。"


def test_category_count_mismatch_and_missing_fields():
    plan = [
        "一、专项清单(2项)",
        "第一项,问题甲。说明。",
        "整改目标:完成",
        "整改时限:无法确定的时间",
        "责任单位:市局",
        "整改措施:做事",
    ]
    doc = parse_plan(plan)
    assert [p.category for p in doc.problems] == ["专项清单"]
    messages = [(w.where, w.message) for w in doc.warnings]
    assert ("专项清单", "category states 2 problems, 1 found") in messages
    assert ("第一项", "deadline not understood: 无法确定的时间") in messages


def test_garbage_does_not_crash():
    assert parse_plan([]).problems == []
    assert parse_plan(["第一项,", "整改目标:", "一、", "(一)"]).to_json()
