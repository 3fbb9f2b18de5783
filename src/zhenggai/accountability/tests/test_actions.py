"""Creating and changing transferred problems and persons: who may, what is refused, and the history rows."""

from __future__ import annotations

import hashlib

from django.core.exceptions import PermissionDenied, ValidationError

from zhenggai.accountability import actions
from zhenggai.accountability.choices import InvestigationStatus, Rank, Sanction
from zhenggai.accountability.models import AccountablePerson, TransferredProblem
from zhenggai.accountability.tests.world import PDF, AccountabilityWorldTestCase, pdf
from zhenggai.ledger import actions as ledger


class TransferredProblemActionTests(AccountabilityWorldTestCase):
    def test_office_of_the_handling_unit_creates_with_history(self):
        office = self.world.users["office_A"]
        created = actions.create_transferred_problem(
            self.inspection, acting_user=office, number="9", title="新问题", handling_unit=self.world.units["A1"]
        )
        (row,) = created.history.all()
        self.assertEqual((row.history_user, row.history_change_reason, row.history_type), (office, "created", "+"))
        self.assertEqual(created.status, InvestigationStatus.INVESTIGATING)

    def test_who_may_not_create(self):
        for persona in ("office_B", "reviewer_A", "unit_A1", "supervisor_Aeco", "no_unit"):
            with self.subTest(persona=persona), self.assertRaises(PermissionDenied):
                actions.create_transferred_problem(
                    self.inspection,
                    acting_user=self.world.users[persona],
                    number="9",
                    title="问题",
                    handling_unit=self.world.units["A"],
                )
        self.assertFalse(TransferredProblem.objects.filter(number="9").exists())

    def test_refusals_write_nothing(self):
        office = self.world.users["office_P"]
        cases = {
            "number": {"number": "1", "title": "重复编号"},
            "title": {"number": "9", "title": "  "},
            "status": {"number": "9", "title": "问题", "status": "closed"},
        }
        elsewhere = ledger.create_inspection(
            acting_user=self.world.users["system"], team="另一督察组", inspected_unit=self.world.units["A"]
        )
        plan = ledger.create_plan(
            acting_user=self.world.users["system"],
            inspection=elsewhere,
            title="另一方案",
            jurisdiction=self.world.units["A"],
            level="city",
        )
        foreign = ledger.create_problem(plan, acting_user=self.world.users["system"], title="别的问题")
        cases["problems"] = {"number": "9", "title": "问题", "problems": [foreign]}  # another inspection's
        before = TransferredProblem.objects.count()
        for field, kwargs in cases.items():
            with self.subTest(field=field), self.assertRaises(ValidationError) as caught:
                actions.create_transferred_problem(self.inspection, acting_user=office, **kwargs)
            self.assertIn(field, caught.exception.message_dict)
        self.assertEqual(TransferredProblem.objects.count(), before)

    def test_update_records_before_after_reason_and_links(self):
        office = self.world.users["office_A"]
        tp = self.tp["A"]
        actions.update_transferred_problem(
            tp,
            acting_user=office,
            changes={"status": InvestigationStatus.CONCLUDED, "findings": "新的结论"},
            problems=[self.world.problems["a1"], self.world.problems["a2"]],
            reason="调查结束",
        )
        tp.refresh_from_db()
        self.assertEqual(tp.status, InvestigationStatus.CONCLUDED)
        self.assertEqual(set(tp.problems.all()), {self.world.problems["a1"], self.world.problems["a2"]})
        # One row for the fields, one for the links (simple-history records an m2m change on its own row).
        links, fields, before = tp.history.all()[:3]
        for row in (links, fields):
            self.assertEqual((row.history_user, row.history_change_reason), (office, "调查结束"))
        self.assertEqual({change.field for change in fields.diff_against(before).changes}, {"status", "findings"})
        self.assertEqual({change.field for change in links.diff_against(fields).changes}, {"problems"})

    def test_update_refused_outside_and_when_giving_away(self):
        with self.assertRaises(TransferredProblem.DoesNotExist):
            actions.update_transferred_problem(
                self.tp["A"], acting_user=self.world.users["office_B"], changes={"title": "改"}
            )
        with self.assertRaises(PermissionDenied):  # city A would hand its problem to city B
            actions.update_transferred_problem(
                self.tp["A"], acting_user=self.world.users["office_A"], changes={"handling_unit": self.world.units["B"]}
            )
        self.tp["A"].refresh_from_db()
        self.assertEqual(self.tp["A"].handling_unit, self.world.units["A"])


class PersonActionTests(AccountabilityWorldTestCase):
    def test_document_is_stored_with_its_hash_under_a_neutral_name(self):
        person = self.person["published"]
        self.assertEqual(person.document_sha256, hashlib.sha256(PDF).hexdigest())
        self.assertEqual((person.document_type, person.document_size), ("application/pdf", len(PDF)))
        self.assertEqual(person.document_name, "决定书.pdf")
        self.assertNotIn("决定书", person.document.name)
        with person.document.open("rb") as handle:
            self.assertEqual(handle.read(), PDF)
        (row,) = person.history.all()
        self.assertEqual(row.history_user, self.world.users["office_P"])

    def test_a_renamed_file_of_another_type_is_refused(self):
        for content in (b"MZ\x90\x00 not a document", b"\x00\x00\x00\x18ftypmp42" + b"\x00" * 40):
            with self.subTest(content=content[:8]), self.assertRaises(ValidationError) as caught:
                actions.add_person(
                    self.tp["A"],
                    acting_user=self.world.users["office_A"],
                    name="某人",
                    post="某职",
                    rank=Rank.SECTION,
                    sanction=Sanction.OTHER,
                    document=pdf("伪装.pdf", content),
                )
            self.assertIn("document", caught.exception.message_dict)
        self.assertFalse(AccountablePerson.objects.filter(name="某人").exists())

    def test_who_may_add_a_person(self):
        kwargs = {"name": "某人", "post": "某职", "rank": Rank.SECTION, "sanction": Sanction.OTHER}
        for persona in ("office_B", "reviewer_A", "unit_A1", "no_unit"):
            with self.subTest(persona=persona), self.assertRaises(TransferredProblem.DoesNotExist):
                actions.add_person(self.tp["A"], acting_user=self.world.users[persona], **kwargs)
        with self.assertRaises(ValidationError) as caught:
            actions.add_person(
                self.tp["A"], acting_user=self.world.users["office_A"], **kwargs | {"rank": "general", "name": " "}
            )
        self.assertEqual(set(caught.exception.message_dict), {"rank", "name"})

    def test_update_person_keeps_the_old_document_in_history(self):
        person = self.person["published"]
        old_name = person.document.name
        new_pdf = PDF + b"% second version\n"
        updated = actions.update_person(
            person,
            acting_user=self.world.users["office_A"],
            changes={"publish_name": False, "sanction_detail": "严重警告"},
            document=pdf("新决定书.pdf", new_pdf),
            reason="复核",
        )
        self.assertFalse(updated.publish_name)
        self.assertEqual(updated.document_sha256, hashlib.sha256(new_pdf).hexdigest())
        latest, first = updated.history.all()[:2]
        self.assertEqual((latest.history_change_reason, latest.history_user), ("复核", self.world.users["office_A"]))
        self.assertEqual(first.document, old_name)
        self.assertEqual(first.document_sha256, hashlib.sha256(PDF).hexdigest())
        with self.assertRaises(AccountablePerson.DoesNotExist):
            actions.update_person(person, acting_user=self.world.users["office_B"], changes={"name": "改"})
