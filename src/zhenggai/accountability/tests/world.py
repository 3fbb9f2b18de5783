"""The persona world with three transferred problems of its inspection (inspected: 甲省), shared by the tests.

* ``A``: investigated by 甲市 (city A), linked to the ledger problem a1, one person with a decision document
  and a published name, one without;
* ``B``: investigated by 乙市 (city B), one person;
* ``X``: investigated by 省纪委监委 (not in the registry), no person.

So the province office sees all three, city A's office only ``A``, city B's only ``B``; units, supervisors and
reviewers none.
"""

from __future__ import annotations

from datetime import date

from django.core.files.uploadedfile import SimpleUploadedFile

from zhenggai.accountability import actions
from zhenggai.accountability.choices import InvestigationStatus, Rank, Sanction
from zhenggai.testing import WorldTestCase

# The smallest PDF filetype recognises (its signature is what counts, not the name or the browser's claim).
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PUBLISHED_NAME = "张公开"
HIDDEN_NAME = "李保密"


def pdf(name: str = "决定书.pdf", content: bytes = PDF) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/pdf")


class AccountabilityWorldTestCase(WorldTestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        w = cls.world
        cls.inspection = w.plans["A"].inspection
        office = w.users["office_P"]
        cls.tp = {
            "A": actions.create_transferred_problem(
                cls.inspection,
                acting_user=office,
                number="1",
                title="甲市违规审批问题",
                handling_unit=w.units["A"],
                findings="内部调查结论",
                outcome="已对相关责任人追责",
                status=InvestigationStatus.HANDLED,
                transferred_on=date(2025, 9, 1),
                problems=[w.problems["a1"]],
            ),
            "B": actions.create_transferred_problem(
                cls.inspection,
                acting_user=office,
                number="2",
                title="乙市监管不力问题",
                handling_unit=w.units["B"],
                status=InvestigationStatus.CONCLUDED,
            ),
            "X": actions.create_transferred_problem(
                cls.inspection, acting_user=office, number="3", title="省直部门问题", handling_unit_text="省纪委监委"
            ),
        }
        cls.person = {
            "published": actions.add_person(
                cls.tp["A"],
                acting_user=office,
                name=PUBLISHED_NAME,
                post="甲市某局原局长",
                rank=Rank.DIVISION,
                sanction=Sanction.DISCIPLINARY,
                sanction_detail="党内警告",
                decided_on=date(2025, 12, 1),
                publish_name=True,
                document=pdf(),
            ),
            "hidden": actions.add_person(
                cls.tp["A"],
                acting_user=office,
                name=HIDDEN_NAME,
                post="甲市某局科长",
                rank=Rank.SECTION,
                sanction=Sanction.ADMONITION,
            ),
            "B": actions.add_person(
                cls.tp["B"],
                acting_user=office,
                name="王乙",
                post="乙市副市长",
                rank=Rank.BUREAU,
                sanction=Sanction.OTHER,
            ),
        }
