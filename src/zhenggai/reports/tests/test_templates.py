"""upload_template / retire_template: what a template must be, who may manage it, and the audit trail."""

from __future__ import annotations

import hashlib
import io
import zipfile

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation

from zhenggai.progress.models.reports import evidence_storage
from zhenggai.reports.actions import retire_template, upload_template
from zhenggai.reports.models import ReportTemplate
from zhenggai.reports.tests.world import ReportWorldTestCase, make_template

GOOD = make_template(
    "{{ summary }}",
    "{%p for c in categories %}",
    "{{ c.name }}：{{ c.tasks }}项",
    "{%p endfor %}",
    "共{{ tasks_total }}项整改任务",
)


def upload(data: bytes, name: str = "template.docx") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data)


def stored_files() -> list[str]:
    storage = evidence_storage()
    try:
        return storage.listdir("reports/templates")[1]
    except FileNotFoundError:
        return []


class UploadTemplateTests(ReportWorldTestCase):
    def setUp(self) -> None:
        # The messages are checked in English, whatever the zh-hans catalogue says.
        self.enterContext(translation.override("en"))

    def upload(self, data: bytes = GOOD, persona: str = "office_A", name: str = "甲市季度报告", **scope):
        scope = scope or {"plan": self.plan}
        return upload_template(upload(data), acting_user=self.world.users[persona], name=name, **scope)

    def refused(self, data: bytes, code: str, **scope) -> list[str]:
        """The messages on ``file`` (of the error ``code``), after checking that nothing was stored."""
        rows, files = ReportTemplate.objects.count(), stored_files()
        with self.assertRaises(ValidationError) as caught:
            self.upload(data, **scope)
        self.assertEqual(ReportTemplate.objects.count(), rows)
        self.assertEqual(stored_files(), files)
        self.assertEqual([error.code for error in caught.exception.error_dict["file"]], [code])
        return caught.exception.message_dict["file"]

    def test_a_good_template_is_stored_with_its_digest_and_a_history_row(self):
        template = self.upload()
        self.assertEqual(template.sha256, hashlib.sha256(GOOD).hexdigest())
        self.assertEqual(template.size, len(GOOD))
        self.assertEqual((template.plan, template.jurisdiction, template.is_active), (self.plan, None, True))
        self.assertEqual(template.uploaded_by, self.world.users["office_A"])
        self.assertEqual(template.original_name, "template.docx")
        self.assertTrue(template.file.name.startswith("reports/templates/"))
        with template.file.open("rb") as handle:
            self.assertEqual(handle.read(), GOOD)
        (row,) = template.history.all()
        self.assertEqual(
            (row.history_type, row.history_user, row.history_change_reason), ("+", template.uploaded_by, "uploaded")
        )
        self.assertEqual(list(ReportTemplate.objects.for_plan(self.plan)), [template])
        self.assertEqual(list(ReportTemplate.objects.for_plan(self.world.plans["B"])), [])

    def test_unknown_placeholders_are_listed_and_nothing_is_stored(self):
        data = make_template("{{ summary }}{{ foo }}", "{% for c in categories %}{{ bar.baz }}{% endfor %}")
        (message,) = self.refused(data, "unknown_names")
        self.assertEqual(message, "The template has unknown placeholders: {{ bar }}、{{ foo }}")
        self.assertNotIn("summary", message)

    def test_a_syntax_error_is_named(self):
        (message,) = self.refused(make_template("{% for c in categories %}{{ c.title }}", "no endfor"), "syntax")
        self.assertIn("syntax error", message)
        self.assertIn("endfor", message)

    def test_a_file_that_is_not_a_docx_is_refused(self):
        archive = io.BytesIO()
        with zipfile.ZipFile(archive, "w") as zipped:
            zipped.writestr("xl/workbook.xml", "<workbook/>")
        for data in (b"%PDF-1.7 not a word file", archive.getvalue()):
            with self.subTest(data=data[:8]):
                (message,) = self.refused(data, "not_docx")
                self.assertIn("not a Word document", message)
        self.refused(b"", "empty")

    def test_a_misspelt_field_or_a_loop_over_a_number_fails_on_the_sample(self):
        for data, expected in [
            (make_template("{% for c in categories %}{{ c.titel }}{% endfor %}"), "titel"),
            (make_template("{% for x in tasks_total %}{{ x }}{% endfor %}"), "not iterable"),
        ]:
            with self.subTest(expected=expected):
                (message,) = self.refused(data, "render")
                self.assertIn("could not be filled in", message)
                self.assertIn(expected, message)

    def test_the_sandbox_keeps_python_internals_and_huge_values_out(self):
        for text in (
            "{{ summary.__class__.__mro__ }}",
            "{{ summary * 100000 }}",
            "{{ 10 ** 100000 }}",
            '{{ "%9999999d" % 1 }}',  # a format width builds a 10 MB string
            '{{ "%*d" % (9999999, 1) }}',
            '{{ "%9999999d"|format(1) }}',
            '{{ "x"|center(9999999) }}',
            "{{ summary|indent(9999999) }}",
            '{{ ("ab" * 1000)|replace("a", "x" * 1000) }}',
        ):
            with self.subTest(text=text):
                (message,) = self.refused(make_template(text), "render")
                self.assertIn("could not be filled in", message)

    def test_lipsum_is_not_offered(self):
        (message,) = self.refused(make_template("{{ lipsum(n=2000) }}"), "unknown_names")
        self.assertIn("lipsum", message)

    def test_what_the_caps_cannot_see_ends_at_the_childs_time_limit(self):
        from zhenggai.reports.sandbox import TemplateFailed, render_isolated

        loops = make_template("{% for a in range(100000) %}{% for b in range(100000) %}{% endfor %}{% endfor %}")
        with self.assertRaisesMessage(TemplateFailed, "longer than 2 seconds"):
            render_isolated(loops, {}, timeout=2)
        self.assertIn(b"word/document.xml", render_isolated(make_template("{{ 1 + 1 }}"), {}, timeout=30))

    def test_a_placeholder_in_the_document_properties_is_checked_too(self):
        (message,) = self.refused(make_template("{{ summary }}", title="{{ nonsense }}"), "render")
        self.assertIn("nonsense", message)

    def test_the_same_file_twice_for_the_same_place_is_refused(self):
        self.upload()
        self.refused(GOOD, "duplicate")
        self.upload(jurisdiction=self.world.units["A"])  # another place is fine

    def test_a_name_is_required(self):
        with self.assertRaises(ValidationError) as caught:
            self.upload(name="  ")
        self.assertIn("name", caught.exception.message_dict)
        self.assertFalse(ReportTemplate.objects.exists())

    def test_who_may_upload(self):
        a = self.world.units["A"]
        files = stored_files()  # the storage is shared by the whole test run
        for persona, scope in [
            ("unit_A1", {"plan": self.plan}),
            ("reviewer_A", {"plan": self.plan}),
            ("office_B", {"plan": self.plan}),
            ("office_B", {"jurisdiction": a}),
            ("unit_A1", {"jurisdiction": self.world.units["A1"]}),
            ("office_A", {"jurisdiction": self.world.units["P"]}),  # the province is above city A
            ("office_A", {"plan": self.world.plans["B"]}),
        ]:
            with self.subTest(persona=persona, scope=scope), self.assertRaises(PermissionDenied):
                self.upload(persona=persona, **scope)
        self.assertFalse(ReportTemplate.objects.exists())
        self.assertEqual(stored_files(), files)
        self.assertEqual(self.upload(jurisdiction=a).jurisdiction, a)
        self.assertEqual(
            self.upload(
                persona="office_P", name="省模板", jurisdiction=a, data=make_template("{{ title }}")
            ).uploaded_by,
            self.world.users["office_P"],
        )
        self.assertEqual(self.upload(persona="system", data=make_template("{{ issuer }}")).plan, self.plan)

    def test_a_plan_and_a_jurisdiction_at_once_is_a_programming_error(self):
        with self.assertRaises(ValueError):
            self.upload(plan=self.plan, jurisdiction=self.world.units["A"])

    def test_a_stored_template_never_changes_and_is_never_deleted(self):
        template = self.upload()
        template.name = "改名"
        with self.assertRaises(ValueError):
            template.save()
        with self.assertRaises(ValueError):
            template.delete()


class RetireTemplateTests(ReportWorldTestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.template = upload_template(
            upload(GOOD), acting_user=cls.world.users["office_A"], name="甲市模板", jurisdiction=cls.world.units["A"]
        )

    def test_retiring_hides_it_and_keeps_who_and_why(self):
        retire_template(self.template, acting_user=self.world.users["office_P"], reason="格式调整")
        self.template.refresh_from_db()
        self.assertFalse(self.template.is_active)
        self.assertEqual(list(ReportTemplate.objects.for_plan(self.plan)), [])
        latest = self.template.history.first()
        self.assertEqual(
            (latest.history_type, latest.history_user, latest.history_change_reason, latest.is_active),
            ("~", self.world.users["office_P"], "格式调整", False),
        )
        with self.assertRaises(ValidationError):
            retire_template(self.template, acting_user=self.world.users["office_A"])
        self.assertEqual(self.template.history.count(), 2)
        with self.template.file.open("rb") as handle:  # the file stays, for the reports made from it
            self.assertEqual(hashlib.sha256(handle.read()).hexdigest(), self.template.sha256)

    def test_only_its_office_retires_it(self):
        for persona in ("unit_A1", "office_B", "reviewer_A"):
            with self.subTest(persona=persona), self.assertRaises(PermissionDenied):
                retire_template(self.template, acting_user=self.world.users[persona])
        self.template.refresh_from_db()
        self.assertTrue(self.template.is_active)
        self.assertEqual(self.template.history.count(), 1)
