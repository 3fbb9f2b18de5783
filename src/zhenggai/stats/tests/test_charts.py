"""stats.charts: the chart dicts built from a Statistics object (no database: the Statistics is made by hand)."""

from __future__ import annotations

import json
from datetime import date

from django.test import SimpleTestCase
from django.utils import translation

from zhenggai.core.schedule import GRADE_LABELS, PACE_LABELS
from zhenggai.core.schedule import Grade as CoreGrade
from zhenggai.core.schedule import Pace as CorePace
from zhenggai.stats.charts import (
    GRADE_COLORS,
    PACE_COLORS,
    GradeCounts,
    chart_data,
    grade_chart,
    lead_unit_chart,
    months_chart,
    pace_chart,
    province_chart,
    region_chart,
    rows_for,
)
from zhenggai.stats.engine import Counts, Rate, Statistics


def link(key: str) -> str:
    return f"/stats/?show={key}"


def here(key: str) -> str:
    return f"/stats/charts/?show={key}"


def make_stats() -> Statistics:
    tasks = Counts(total=5)
    tasks.by_pace.update(behind=2, completed=1, signed_off=1)
    tasks.by_pace["none"] = 1
    tasks.by_lead_unit = {"乙局": 1, "甲局": 3, "丙局": 3, "空局": 0}
    tasks.by_region = {"甲县": 2, "未指定地区": 1, "乙市": 4}
    tasks.rows = {"region:甲县": [2, 3], "region:未指定地区": [5], "region:乙市": [1, 2, 3, 4]}
    months = [
        {"month": "2026-01", "completed": 0, "cumulative": 0, "problem_ids": []},
        {"month": "2026-02", "completed": 2, "cumulative": 2, "problem_ids": [11, 12]},
        {"month": "2026-03", "completed": 1, "cumulative": 3, "problem_ids": [13]},
        {"month": None, "completed": 1, "cumulative": 4, "problem_ids": [14]},
    ]
    return Statistics(
        as_of=date(2026, 3, 15),
        tasks=tasks,
        measures=Counts(),
        completion={"all_tasks": Rate.of("all tasks", date(2026, 3, 15), [1, 2, 3, 4, 5], set())},
        overdue=[],
        behind=[],
        units=[],
        completions_by_month=months,
    )


GRADES = GradeCounts(counts={"red": 3, "blue": 1}, rows={"red": [5, 6], "blue": [7]})


class PaceChartTests(SimpleTestCase):
    def test_non_zero_slices_in_pace_order_with_the_zh_labels_and_their_rows(self):
        with translation.override("zh-hans"):
            chart = pace_chart(make_stats(), link)
        self.assertEqual(chart["type"], "pie")
        self.assertEqual(chart["total"], 5)
        self.assertEqual(
            [(item["key"], item["value"]) for item in chart["items"]],
            [
                ("tasks:pace:behind", 2),
                ("tasks:pace:completed", 1),
                ("tasks:pace:signed_off", 1),
                ("tasks:pace:none", 1),
            ],
        )
        labels = [item["label"] for item in chart["items"]]
        self.assertEqual(labels[0], PACE_LABELS[CorePace.BEHIND])
        self.assertEqual(labels[2], PACE_LABELS[CorePace.SIGNED_OFF])
        self.assertEqual(labels[3], "无状态")
        self.assertEqual(chart["items"][0]["url"], "/stats/?show=tasks:pace:behind")
        self.assertEqual(chart["items"][0]["color"], PACE_COLORS["behind"])
        self.assertEqual(len({item["color"] for item in chart["items"]}), 4)  # one colour per status

    def test_the_labels_follow_the_language(self):
        with translation.override("en"):
            self.assertEqual(pace_chart(make_stats(), link)["items"][0]["label"], "Behind schedule")


class BarChartTests(SimpleTestCase):
    def test_lead_units_most_tasks_first_then_by_name_and_zero_left_out(self):
        chart = lead_unit_chart(make_stats(), link)
        self.assertEqual([(i["label"], i["value"]) for i in chart["items"]], [("丙局", 3), ("甲局", 3), ("乙局", 1)])
        self.assertEqual(chart["items"][0]["key"], "tasks:unit:丙局")
        self.assertEqual(chart["items"][0]["url"], link("tasks:unit:丙局"))

    def test_regions_come_from_by_region_with_region_row_keys(self):
        chart = region_chart(make_stats(), link)
        self.assertEqual(
            [(i["key"], i["value"]) for i in chart["items"]],
            [("tasks:region:乙市", 4), ("tasks:region:甲县", 2), ("tasks:region:未指定地区", 1)],
        )


class MonthsChartTests(SimpleTestCase):
    def test_each_month_with_its_running_total_and_the_undated_entry_last(self):
        with translation.override("en"):
            chart = months_chart(make_stats(), here)
        self.assertEqual(
            [(i["label"], i["value"], i["cumulative"]) for i in chart["items"]],
            [("2026-01", 0, 0), ("2026-02", 2, 2), ("2026-03", 1, 3), ("Date unknown", 1, 4)],
        )
        self.assertEqual(chart["total"], 4)
        self.assertEqual(chart["items"][1]["url"], here("month:2026-02"))
        self.assertEqual(chart["items"][1]["cumulative_url"], here("cumulative:2026-02"))
        self.assertEqual(chart["items"][3]["key"], "month:undated")

    def test_no_month_gives_an_empty_chart(self):
        stats = make_stats()
        stats.completions_by_month = []
        chart = months_chart(stats, here)
        self.assertEqual((chart["items"], chart["total"]), ([], 0))


class GradeChartTests(SimpleTestCase):
    def test_three_grades_in_order_zeros_kept_with_their_colours(self):
        with translation.override("zh-hans"):
            chart = grade_chart(GRADES, here)
        self.assertEqual(
            [(i["label"], i["value"], i["color"]) for i in chart["items"]],
            [
                (GRADE_LABELS[CoreGrade.BLUE], 1, GRADE_COLORS["blue"]),
                (GRADE_LABELS[CoreGrade.YELLOW], 0, GRADE_COLORS["yellow"]),
                (GRADE_LABELS[CoreGrade.RED], 3, GRADE_COLORS["red"]),
            ],
        )
        self.assertEqual(chart["total"], 4)
        self.assertEqual(chart["items"][2]["url"], here("grade:red"))


class RowsForTests(SimpleTestCase):
    def test_a_month_lists_its_tasks_and_the_running_total_every_task_up_to_it(self):
        stats = make_stats()
        self.assertEqual(rows_for(stats, GRADES, "month:2026-02"), [11, 12])
        self.assertEqual(rows_for(stats, GRADES, "cumulative:2026-03"), [11, 12, 13])
        self.assertEqual(rows_for(stats, GRADES, "cumulative:undated"), [11, 12, 13, 14])
        self.assertEqual(rows_for(stats, GRADES, "month:undated"), [14])
        self.assertEqual(rows_for(stats, GRADES, "month:1999-01"), [])

    def test_a_grade_lists_its_problems_and_other_keys_are_not_this_pages(self):
        self.assertEqual(rows_for(make_stats(), GRADES, "grade:red"), [5, 6])
        self.assertEqual(rows_for(make_stats(), GRADES, "grade:yellow"), [])
        self.assertIsNone(rows_for(make_stats(), GRADES, "grade:purple"))
        self.assertIsNone(rows_for(make_stats(), GRADES, "tasks:pace:behind"))


class ChartDataTests(SimpleTestCase):
    def test_every_chart_in_page_order_and_the_payload_is_json(self):
        data = chart_data(make_stats(), GRADES, stats_link=link, rows_link=here)
        self.assertEqual(data["order"], ["pace", "lead_unit", "region", "months", "grade"])
        self.assertEqual(set(data["charts"]), set(data["order"]))
        self.assertEqual(data["as_of"], "2026-03-15")
        self.assertEqual(json.loads(json.dumps(data)), data)
        # Statistics-page keys link to the statistics page, this page's keys to this page.
        self.assertTrue(data["charts"]["lead_unit"]["items"][0]["url"].startswith("/stats/?"))
        self.assertTrue(data["charts"]["grade"]["items"][0]["url"].startswith("/stats/charts/?"))


class ProvinceChartTests(SimpleTestCase):
    PROVINCES = {"530000": "云南", "520000": "贵州"}

    def test_no_map_when_no_region_carries_a_province_the_map_knows(self):
        self.assertIsNone(province_chart(make_stats(), {}, self.PROVINCES, here, "/china.json"))
        self.assertIsNone(province_chart(make_stats(), {"甲县": "990000"}, self.PROVINCES, here, "/china.json"))

    def test_a_task_counts_once_per_province_with_the_maps_name_and_its_rows(self):
        province_of = {"甲县": "530000", "乙市": "530000", "未指定地区": "520000"}
        chart = province_chart(make_stats(), province_of, self.PROVINCES, here, "/china.json")
        self.assertEqual(chart["type"], "map")
        self.assertEqual(chart["geo_url"], "/china.json")
        self.assertEqual(
            [(i["label"], i["code"], i["value"], i["url"]) for i in chart["items"]],
            [("云南", "530000", 4, here("province:530000")), ("贵州", "520000", 1, here("province:520000"))],
        )
        self.assertEqual(rows_for(make_stats(), GRADES, "province:530000", province_of), [1, 2, 3, 4])
        self.assertEqual(rows_for(make_stats(), GRADES, "province:110000", province_of), [])

    def test_the_map_comes_after_the_regions_when_there_is_one(self):
        chart = province_chart(make_stats(), {"甲县": "530000"}, self.PROVINCES, here, "/china.json")
        data = chart_data(make_stats(), GRADES, stats_link=link, rows_link=here, province_map=chart)
        self.assertEqual(data["order"], ["pace", "lead_unit", "region", "province", "months", "grade"])
