"""Corrections to a parse before it is confirmed: the rules on plain dicts (no database)."""

from __future__ import annotations

import pytest

from zhenggai.importer.model import ParsedDocument
from zhenggai.importer.parse import parse_bytes
from zhenggai.imports.review import InvalidPath, apply_item_changes, item_at, iter_paths


def small_plan() -> dict:
    text = "\n".join(
        [
            "第一项，河道沿线存在违规堆放的建筑垃圾。",
            "整改目标：清理全部堆放点。",
            "整改时限：2026年年底前",
            "责任单位：甲一县",
            "整改措施：",
            "（一）全面排查堆放点（2026年6月30日）",
            "（二）清运建筑垃圾并恢复植被（2026年12月31日）",
            "第二项，乡镇污水处理设施运行不正常。",
            "整改目标：设施稳定运行。",
            "整改时限：尽快",
            "责任单位：甲二县",
            "整改措施：",
            "（一）更换损坏设备（长期坚持）",
        ]
    )
    return parse_bytes(text.encode()).to_dict()


def test_paths_address_problems_aspects_and_numbered_measures():
    parsed = {
        "problems": [{"title": "一", "sub_items": [{"title": "一（一）"}, {"title": "一（二）"}]}, {"title": "二"}],
        "general_measures": [{"title": "措施"}],
    }
    assert [(path, depth) for path, _item, depth in iter_paths(parsed)] == [
        ("p0", 0),
        ("p0.0", 1),
        ("p0.1", 1),
        ("p1", 0),
        ("g0", 0),
    ]
    assert item_at(parsed, "p0.1")["title"] == "一（二）"
    for bad in ("p2", "p0.2", "g1", "x0", "", "p-1", "p0..1"):
        with pytest.raises(InvalidPath):
            item_at(parsed, bad)


def test_a_corrected_deadline_is_read_again_and_logged():
    parsed = small_plan()
    assert parsed["problems"][1]["deadline"]["date"] is None  # 尽快: nobody can date it
    log = apply_item_changes(parsed, "p1", {"deadline": "2026年9月30日前", "title": "乡镇污水处理设施运行不正常"})
    assert parsed["problems"][1]["deadline"]["date"] == "2026-09-30"
    assert [(e["field"], e["before"], e["after"]) for e in log] == [("deadline", "尽快", "2026年9月30日前")]


def test_nothing_changed_logs_nothing():
    parsed = small_plan()
    item = parsed["problems"][0]
    values = {
        "title": item["title"],
        "deadline": item["deadline"]["raw"],
        "responsible_units": list(item["responsible_units"]),
        "measures": [
            {"source": i, "number_text": m["number_text"], "text": m["text"], "deadline": m["deadline"]["raw"]}
            for i, m in enumerate(item["measures"])
        ],
    }
    assert apply_item_changes(parsed, "p0", values) == []


def test_measures_are_replaced_as_a_list_and_a_kept_measure_keeps_its_progress():
    parsed = small_plan()
    parsed["problems"][0]["measures"][1]["progress"] = "已清运八成"
    log = apply_item_changes(
        parsed,
        "p0",
        {
            "measures": [
                {"source": 1, "number_text": "（一）", "text": "清运建筑垃圾并恢复植被", "deadline": "2026年11月30日"},
                {"source": None, "number_text": "（二）", "text": "建立巡查制度", "deadline": "长期坚持"},
                {"source": 0, "number_text": "", "text": "  ", "deadline": ""},  # an emptied row is dropped
            ]
        },
    )
    measures = parsed["problems"][0]["measures"]
    assert [m["text"] for m in measures] == ["清运建筑垃圾并恢复植被", "建立巡查制度"]
    assert measures[0]["progress"] == "已清运八成" and measures[1]["progress"] is None
    assert measures[0]["deadline"]["date"] == "2026-11-30" and measures[1]["deadline"]["long_term"]
    assert [e["field"] for e in log] == ["measures"]
    assert "全面排查堆放点" in log[0]["before"] and "建立巡查制度" in log[0]["after"]


def test_an_item_left_out_disappears_and_the_result_is_still_a_valid_parse():
    parsed = small_plan()
    log = apply_item_changes(parsed, "p0", {"remove": True})
    assert [p["title"] for p in parsed["problems"]] == ["乡镇污水处理设施运行不正常"]
    assert log[0]["field"] == "remove"
    assert ParsedDocument.from_dict(parsed).problems[0].deadline.raw == "尽快"


def test_general_measures_take_several_deadlines_and_unit_lists():
    parsed = {"general_measures": [{"title": "甲", "text": "甲。", "deadlines": [], "responsible_units": []}]}
    log = apply_item_changes(
        parsed, "g0", {"deadlines": ["2027年底前", "长期坚持"], "responsible_units": ["甲市林业局"]}
    )
    item = parsed["general_measures"][0]
    assert [d["date"] for d in item["deadlines"]] == ["2027-12-31", None]
    assert item["responsible_units"] == ["甲市林业局"]
    assert {e["field"] for e in log} == {"deadlines", "responsible_units"}
