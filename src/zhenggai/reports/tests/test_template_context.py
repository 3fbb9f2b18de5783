"""template_context: the names a template may use, built from compose() without a query, in step with the docs."""

from __future__ import annotations

from datetime import date

from zhenggai.reports import template_context
from zhenggai.reports.docx_report import compose
from zhenggai.reports.docx_template import check_template, render_template
from zhenggai.reports.template_context import REFERENCE, build_context, sample_context
from zhenggai.reports.tests.world import (
    AS_OF,
    CATEGORY,
    FEBRUARY_NOTE,
    LAND_NOTE,
    ReportWorldTestCase,
    docx_text,
    make_template,
)

TITLE = "甲市整改进展情况报告"
ISSUER = "甲市整改办"


def names() -> list[str]:
    return [entry.name for entry in REFERENCE]


def shape(context: dict) -> dict:
    """The field names of a context at every level a template reaches by name (not the data keys
    such as category titles in ``stats.tasks.by_category``)."""
    category = context["categories"][0]
    problem = category["problems"][0]
    stats = context["stats"]
    return {
        "top": sorted(context),
        "category": sorted(category),
        "problem": sorted(problem),
        "measure": sorted(
            next(p for c in context["categories"] for p in c["problems"] if p["measures"])["measures"][0]
        ),
        "overdue": sorted(context["overdue"][0]),
        "behind": sorted(context["behind"][0]),
        "stats": sorted(stats),
        "counts": sorted(stats["tasks"]),
        "by_pace": sorted(stats["tasks"]["by_pace"]),
        "by_deadline": sorted(stats["tasks"]["by_deadline"]),
        "completion": sorted(stats["completion"]),
        "rate": sorted(stats["completion"]["all_tasks"]),
        "unit": sorted(stats["units"][0]),
        "types": {key: type(value).__name__ for key, value in context.items()},
    }


class TemplateContextTests(ReportWorldTestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.content = compose(cls.plan, AS_OF)

    def context(self, content=None) -> dict:
        return build_context(content or self.content, title=TITLE, issuer=ISSUER)

    def test_built_from_compose_without_a_query(self):
        with self.assertNumQueries(0):
            context = self.context()
        self.assertEqual(context["summary"], self.content.summary)  # the very string, not recomputed
        stats = self.content.stats
        self.assertEqual((context["tasks_total"], context["measures_total"]), (6, 1))
        self.assertEqual(context["completed"], stats.completion["all_tasks"].numerator)
        self.assertEqual(context["completion_rate"], f"{context['completed'] * 100 / 6:.1f}%")
        self.assertEqual(context["overdue_count"], len(stats.overdue))
        self.assertEqual(context["behind_count"], len(stats.behind))
        self.assertEqual(context["stats"], stats.to_dict())
        self.assertEqual((context["title"], context["issuer"], context["as_of"]), (TITLE, ISSUER, "2026年3月15日"))
        self.assertEqual(context["plan_title"], self.plan.title)

    def test_categories_problems_and_measures(self):
        categories = self.context()["categories"]
        self.assertEqual([c["title"] for c in categories], [CATEGORY, "未分类"])
        first = categories[0]
        self.assertEqual((first["name"], first["tasks"], first["measures"]), ("例行督察反馈问题", 2, 1))
        a1 = first["problems"][0]
        self.assertEqual((a1["title"], a1["deadline"], a1["status"]), ("问题a1", "2026年12月31日前", "未达到序时进度"))
        self.assertEqual(a1["progress"], "")  # it has a measure: the progress is the measure's
        (measure,) = a1["measures"]
        self.assertEqual(measure["number"], "（一）")
        self.assertEqual(measure["text"], "措施一")
        self.assertEqual(measure["progress"], FEBRUARY_NOTE)
        land = next(p for c in categories for p in c["problems"] if p["title"] == "问题land_open")
        self.assertEqual((land["measures"], land["progress"]), ([], LAND_NOTE))
        self.assertEqual(sum(len(c["problems"]) for c in categories), 6)

    def test_overdue_and_behind_are_the_same_problems_as_in_the_categories(self):
        context = self.context(compose(self.plan, date(2026, 1, 20)))
        self.assertEqual([p["title"] for p in context["overdue"]], ["问题a2"])
        in_category = next(p for p in context["categories"][0]["problems"] if p["title"] == "问题a2")
        self.assertIs(context["overdue"][0], in_category)
        self.assertEqual(context["overdue_count"], 1)
        behind = [p["title"] for p in self.context()["behind"]]
        self.assertIn("问题a1", behind)

    def test_the_reference_the_docstring_and_the_context_name_the_same_things(self):
        names = [entry.name for entry in REFERENCE]
        self.assertEqual(sorted(names), sorted(self.context()))
        for name in names:
            self.assertIn(f"``{name}``", template_context.__doc__)

    def test_every_example_on_the_upload_page_passes_the_check_and_renders(self):
        data = make_template(*(entry.example for entry in REFERENCE))
        check_template(data)
        lines = docx_text(render_template(data, self.context())).splitlines()
        self.assertEqual(len(lines), len(REFERENCE))
        self.assertEqual(lines[names().index("summary")], self.content.summary)
        self.assertEqual(lines[names().index("categories")], f"{CATEGORY[2:]}：2项未分类：4项")

    def test_the_sample_context_has_the_shape_of_a_real_one(self):
        real = self.context(compose(self.plan, date(2026, 1, 20)))  # a2 overdue: every list has an item
        self.assertEqual(shape(sample_context()), shape(real))
