"""Accountability statistics and 003's sentence, on a synthetic set with exactly 003's numbers."""

from __future__ import annotations

from collections import Counter

from django.test import SimpleTestCase

from zhenggai.accountability import actions, stats
from zhenggai.accountability.choices import InvestigationStatus, Rank, Sanction
from zhenggai.accountability.models import TransferredProblem
from zhenggai.testing import WorldTestCase

SENTENCE_003 = (
    "共对83人进行了追责问责，其中厅级14人、处级39人、科级以下30人；给予党纪政务处分39人，诫勉谈话43人，其他处理1人"
)
# 003: 83 persons for 7 transferred problems; 14/39/30 by rank, 39/43/1 by sanction (no 组织处理).
RANKS = [Rank.BUREAU] * 14 + [Rank.DIVISION] * 39 + [Rank.SECTION] * 30
SANCTIONS = [Sanction.DISCIPLINARY] * 39 + [Sanction.ADMONITION] * 43 + [Sanction.OTHER] * 1
STATUSES = [InvestigationStatus.HANDLED] * 5 + [InvestigationStatus.CONCLUDED, InvestigationStatus.INVESTIGATING]


class SentenceTests(SimpleTestCase):
    def test_003_counts_give_003_sentence(self):
        by_rank = {Rank.BUREAU: 14, Rank.DIVISION: 39, Rank.SECTION: 30}
        by_sanction = {
            Sanction.DISCIPLINARY: 39,
            Sanction.ADMONITION: 43,
            Sanction.ORGANIZATIONAL: 0,
            Sanction.OTHER: 1,
        }
        self.assertEqual(stats.sentence(by_rank, by_sanction), SENTENCE_003)

    def test_zero_categories_are_left_out_and_order_follows_the_choices(self):
        text = stats.sentence({Rank.SECTION: 2, Rank.BUREAU: 1}, {Sanction.ORGANIZATIONAL: 3})
        self.assertEqual(text, "共对3人进行了追责问责，其中厅级1人、科级以下2人；给予组织处理3人")

    def test_nobody(self):
        self.assertEqual(stats.sentence({}, {}), "尚未对任何人员进行追责问责")


class Seed003StatsTests(WorldTestCase):
    """83 persons recorded through the actions over 7 problems; the statistics and the sentence match 003."""

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        office = cls.world.users["office_P"]
        inspection = cls.world.plans["A"].inspection
        cls.problems = [
            actions.create_transferred_problem(
                inspection, acting_user=office, number=str(i + 1), title=f"问题{i + 1}", status=status
            )
            for i, status in enumerate(STATUSES)
        ]
        cls.persons = [
            actions.add_person(
                cls.problems[i % 7], acting_user=office, name=f"某{i}", post="某职务", rank=rank, sanction=sanction
            )
            for i, (rank, sanction) in enumerate(zip(RANKS, SANCTIONS, strict=True))
        ]

    def test_counts_rows_and_sentence(self):
        with self.assertNumQueries(2):  # the problems; their persons
            result = stats.for_problems(TransferredProblem.objects.all())
        self.assertEqual(result.sentence(), SENTENCE_003)
        self.assertEqual(len(result.person_ids), 83)
        self.assertEqual(result.rank_counts(), {Rank.BUREAU: 14, Rank.DIVISION: 39, Rank.SECTION: 30})
        self.assertEqual(
            result.sanction_counts(),
            {Sanction.DISCIPLINARY: 39, Sanction.ADMONITION: 43, Sanction.ORGANIZATIONAL: 0, Sanction.OTHER: 1},
        )
        self.assertEqual(result.status_counts(), dict(Counter(STATUSES)))
        # The rows behind each number are exactly the persons recorded with that rank / sanction / both.
        for person in self.persons:
            self.assertIn(person.pk, result.rows(f"rank:{person.rank}"))
            self.assertIn(person.pk, result.rows(f"sanction:{person.sanction}"))
            self.assertIn(person.pk, result.rows(f"cross:{person.rank}:{person.sanction}"))
        expected_cross = Counter(zip(RANKS, SANCTIONS, strict=True))
        for rank in Rank.values:
            for sanction in Sanction.values:
                self.assertEqual(len(result.cross[(rank, sanction)]), expected_cross[(rank, sanction)])
        self.assertEqual(sorted(result.rows("persons")), sorted(p.pk for p in self.persons))
        self.assertEqual(result.rows("status:handled"), [p.pk for p in self.problems[:5]])
        self.assertIsNone(result.rows("rank:general"))
        self.assertIsNone(result.rows("nonsense"))

    def test_counted_in_the_database_the_numbers_are_the_same(self):
        loaded = stats.for_problems(TransferredProblem.objects.all())
        with self.assertNumQueries(2):  # the problems counted; their persons counted by rank and sanction
            counted = stats.counts_for_problems(TransferredProblem.objects.all())
        self.assertEqual((counted.problems, counted.persons), (7, 83))
        self.assertEqual(counted.by_rank, loaded.rank_counts())
        self.assertEqual(counted.by_sanction, loaded.sanction_counts())
        self.assertEqual(counted.inspection_ids, loaded.inspection_ids)
        self.assertEqual(counted.rows_url("persons"), loaded.rows_url("persons"))
        some = TransferredProblem.objects.filter(pk__in=[p.pk for p in self.problems[:2]])
        self.assertEqual(stats.counts_for_problems(some).persons, len(stats.for_problems(some).person_ids))
        with self.assertNumQueries(0):  # an empty query set asks nothing
            self.assertEqual(stats.counts_for_problems(TransferredProblem.objects.none()).problems, 0)
