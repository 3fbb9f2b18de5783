"""/api/transferred-problems/ and /api/accountable-persons/: the accountability pages' readers (offices and
administrators, each its share), 403 lists and 404 rows for everyone else, names and decision documents as
the pages show them, the filters and the lists' fixed query counts."""

from __future__ import annotations

from django.urls import reverse

from zhenggai.accountability import actions
from zhenggai.accountability.choices import Rank, Sanction
from zhenggai.accountability.tests.world import HIDDEN_NAME, PUBLISHED_NAME, AccountabilityWorldTestCase, pdf
from zhenggai.testing import ApiWorldTestCase

PROBLEMS = "/api/transferred-problems/"
PERSONS = "/api/accountable-persons/"
# Roles that never see accountability: the lists answer 403, a row 404.
NON_OFFICES = ("unit_A1", "unit_B1", "supervisor_Aeco", "reviewer_A", "no_unit")


class AccountabilityApiTestCase(AccountabilityWorldTestCase, ApiWorldTestCase):
    """The accountability world (transferred problems A, B and X; persons published, hidden and B) with a
    token per persona."""

    def tp_ids(self, *keys: str) -> set[int]:
        return {self.tp[key].pk for key in keys}

    def person_ids(self, *keys: str) -> set[int]:
        return {self.person[key].pk for key in keys}


class TransferredProblemTestCase(AccountabilityApiTestCase):
    def test_each_office_lists_its_share(self):
        expected = {
            "system": ("A", "B", "X"),
            "office_P": ("A", "B", "X"),
            "office_A": ("A",),
            "office_B": ("B",),
        }
        for persona, keys in expected.items():
            with self.subTest(persona=persona):
                self.assertEqual(self.list_ids(persona, PROBLEMS), self.tp_ids(*keys))

    def test_other_roles_are_refused_the_list_and_get_404_for_a_row(self):
        for persona in NON_OFFICES:
            with self.subTest(persona=persona):
                self.assertEqual(self.get(persona, PROBLEMS).status_code, 403)
                self.assertEqual(self.get(persona, f"{PROBLEMS}{self.tp['A'].pk}/").status_code, 404)
        self.assertEqual(self.get("office_B", f"{PROBLEMS}{self.tp['A'].pk}/").status_code, 404)
        self.assertEqual(self.client.get(PROBLEMS).status_code, 401)
        self.assertEqual(self.client.get(f"{PROBLEMS}{self.tp['A'].pk}/").status_code, 401)

    def test_a_problem_with_its_investigation(self):
        w = self.world
        data = self.get("office_A", f"{PROBLEMS}{self.tp['A'].pk}/").json()
        self.assertEqual((data["number"], data["title"], data["status"]), ("1", "甲市违规审批问题", "handled"))
        self.assertEqual(data["handling_unit"], {"id": w.units["A"].pk, "name": "甲市"})
        self.assertEqual((data["handled_by"], data["transferred_on"]), ("甲市", "2025-09-01"))
        self.assertEqual((data["findings"], data["outcome"]), ("内部调查结论", "已对相关责任人追责"))
        self.assertEqual((data["problems"], data["person_count"]), ([w.problems["a1"].pk], 2))
        unlisted = self.get("office_P", f"{PROBLEMS}{self.tp['X'].pk}/").json()
        self.assertEqual((unlisted["handling_unit"], unlisted["handled_by"]), (None, "省纪委监委"))
        self.assertEqual(unlisted["person_count"], 0)

    def test_a_linked_ledger_problem_shows_only_when_the_caller_may_open_it(self):
        b1 = self.world.problems["b1"]
        self.tp["A"].problems.add(b1)  # city A's office does not see city B's problem
        url = f"{PROBLEMS}{self.tp['A'].pk}/"
        self.assertEqual(self.get("office_A", url).json()["problems"], [self.world.problems["a1"].pk])
        self.assertEqual(
            set(self.get("office_P", url).json()["problems"]),
            {self.world.problems["a1"].pk, b1.pk},
        )

    def test_filters(self):
        self.assertEqual(self.list_ids("system", PROBLEMS, {"status": "concluded"}), self.tp_ids("B"))
        self.assertEqual(self.list_ids("system", PROBLEMS, {"status": ["concluded", "handled"]}), self.tp_ids("A", "B"))
        self.assertEqual(
            self.list_ids("system", PROBLEMS, {"handling_unit": self.world.units["B"].pk}), self.tp_ids("B")
        )
        self.assertEqual(
            self.list_ids("office_P", PROBLEMS, {"inspection": self.inspection.pk}), self.tp_ids("A", "B", "X")
        )
        self.assertEqual(self.get("system", PROBLEMS, {"status": "closed"}).status_code, 400)

    def test_read_only(self):
        url = f"{PROBLEMS}{self.tp['A'].pk}/"
        self.assertEqual(self.client.post(PROBLEMS, {}, **self.auth("office_P")).status_code, 405)
        self.assertEqual(self.client.patch(url, {}, **self.auth("office_P")).status_code, 405)
        self.assertEqual(self.client.delete(url, **self.auth("office_P")).status_code, 405)


class PersonTestCase(AccountabilityApiTestCase):
    def test_each_office_lists_the_persons_of_its_share(self):
        expected = {
            "system": ("published", "hidden", "B"),
            "office_P": ("published", "hidden", "B"),
            "office_A": ("published", "hidden"),
            "office_B": ("B",),
        }
        for persona, keys in expected.items():
            with self.subTest(persona=persona):
                self.assertEqual(self.list_ids(persona, PERSONS), self.person_ids(*keys))

    def test_other_roles_are_refused_the_list_and_get_404_for_a_person(self):
        for persona in NON_OFFICES:
            with self.subTest(persona=persona):
                self.assertEqual(self.get(persona, PERSONS).status_code, 403)
                self.assertEqual(self.get(persona, f"{PERSONS}{self.person['published'].pk}/").status_code, 404)
        self.assertEqual(self.get("office_B", f"{PERSONS}{self.person['hidden'].pk}/").status_code, 404)
        self.assertEqual(self.client.get(PERSONS).status_code, 401)

    def test_an_office_reads_names_as_the_pages_show_them(self):
        # The pages show every name to the offices that see the person; publish_name only governs the portal.
        rows = {row["id"]: row for row in self.get("office_A", PERSONS).json()["results"]}
        hidden = rows[self.person["hidden"].pk]
        self.assertEqual((hidden["name"], hidden["publish_name"], hidden["document"]), (HIDDEN_NAME, False, None))
        self.assertEqual((hidden["rank"], hidden["sanction"]), ("section", "admonition"))
        self.assertEqual(rows[self.person["published"].pk]["name"], PUBLISHED_NAME)

    def test_a_decision_document_is_described_and_linked_to_its_checked_page(self):
        person = self.person["published"]
        document = self.get("office_A", f"{PERSONS}{person.pk}/").json()["document"]
        self.assertEqual(document["download_url"], reverse("accountability:document", args=[person.pk]))
        self.assertEqual((document["name"], document["content_type"]), ("决定书.pdf", "application/pdf"))
        self.assertEqual((document["size"], document["sha256"]), (person.document_size, person.document_sha256))
        self.assertNotIn(person.document.name, str(document))  # never the storage path

    def test_filters_by_rank_sanction_problem_and_inspection(self):
        self.assertEqual(self.list_ids("system", PERSONS, {"rank": "bureau"}), self.person_ids("B"))
        self.assertEqual(
            self.list_ids("system", PERSONS, {"rank": ["section", "division"]}), self.person_ids("published", "hidden")
        )
        self.assertEqual(self.list_ids("system", PERSONS, {"sanction": "disciplinary"}), self.person_ids("published"))
        self.assertEqual(
            self.list_ids("office_A", PERSONS, {"transferred_problem": self.tp["A"].pk}),
            self.person_ids("published", "hidden"),
        )
        self.assertEqual(self.list_ids("office_B", PERSONS, {"inspection": self.inspection.pk}), self.person_ids("B"))
        self.assertEqual(self.get("office_B", PERSONS, {"transferred_problem": self.tp["A"].pk}).status_code, 400)
        self.assertEqual(self.get("system", PERSONS, {"sanction": "fine"}).status_code, 400)


class ProblemListQueryCountTestCase(AccountabilityApiTestCase):
    URL = PROBLEMS
    # The token with its user (1) + count (1) + the problems with their handling unit and person count (1) +
    # the linked ledger problems the caller sees (1). An office's scope adds the user's unit (1).
    LIST_QUERIES = {"system": 4, "office_P": 5, "office_A": 5}

    def test_the_list_costs_the_same_number_of_queries_however_many_rows(self):
        before = self.assert_list_queries()
        office = self.world.users["office_P"]
        for n in range(4, 7):
            actions.create_transferred_problem(
                self.inspection,
                acting_user=office,
                number=str(n),
                title=f"第{n}个问题",
                handling_unit=self.world.units["A"],
                problems=[self.world.problems["a1"], self.world.problems["a2"]],
            )
        after = self.assert_list_queries()
        self.assertEqual((before["system"], after["system"]), (3, 6))
        self.assertEqual((before["office_A"], after["office_A"]), (1, 4))


class PersonListQueryCountTestCase(AccountabilityApiTestCase):
    URL = PERSONS
    # The token with its user (1) + count (1) + the persons (1). An office's scope adds the user's unit (1).
    LIST_QUERIES = {"system": 3, "office_A": 4}

    def test_the_list_costs_the_same_number_of_queries_however_many_rows(self):
        before = self.assert_list_queries()
        for n in range(3):
            actions.add_person(
                self.tp["A"],
                acting_user=self.world.users["office_A"],
                name=f"赵{n}",
                post="甲市某局干部",
                rank=Rank.SECTION,
                sanction=Sanction.ORGANIZATIONAL,
                document=pdf(f"决定{n}.pdf"),
            )
        after = self.assert_list_queries()
        self.assertEqual((before["office_A"], after["office_A"]), (2, 5))
