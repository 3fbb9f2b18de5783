"""Publishing accountability to the portal: the whitelisted payload, names only when marked, who may publish."""

from __future__ import annotations

import json

from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from zhenggai.accountability import actions
from zhenggai.accountability.tests.world import HIDDEN_NAME, PUBLISHED_NAME, AccountabilityWorldTestCase
from zhenggai.portal.models import Publication, PublishedItem

TOP_KEYS = {"inspection", "problems", "statistics"}
PROBLEM_KEYS = {"number", "title", "status", "outcome", "persons"}
PERSON_KEYS = {"rank", "sanction", "date"}  # + name and post, only when marked for publication
STATISTICS_KEYS = {"persons", "problems", "sentence", "by_rank", "by_sanction", "cross", "problems_by_status"}


class PayloadTests(AccountabilityWorldTestCase):
    def test_exact_keys_and_names_only_when_marked(self):
        with self.assertNumQueries(2):  # the inspection's transferred problems; their persons
            payload = actions.publication_payload(self.inspection)
        self.assertEqual(set(payload), TOP_KEYS)
        self.assertEqual(set(payload["inspection"]), {"team", "round"})
        self.assertEqual(set(payload["statistics"]), STATISTICS_KEYS)
        self.assertEqual([p["number"] for p in payload["problems"]], ["1", "2", "3"])
        for problem in payload["problems"]:
            self.assertEqual(set(problem), PROBLEM_KEYS)
        published, hidden = payload["problems"][0]["persons"]
        self.assertEqual(set(published), PERSON_KEYS | {"name", "post"})
        self.assertEqual(published["name"], PUBLISHED_NAME)
        self.assertEqual(set(hidden), PERSON_KEYS)  # no post either: with a date it would name the person
        self.assertEqual(set(payload["problems"][1]["persons"][0]), PERSON_KEYS)
        self.assertEqual(
            published,
            {
                "rank": {"key": "division", "label": "处级"},
                "sanction": {"key": "disciplinary", "label": "党纪政务处分"},
                "date": "2025-12-01",
                "post": "甲市某局原局长",
                "name": PUBLISHED_NAME,
            },
        )
        text = json.dumps(payload, ensure_ascii=False)
        for secret in (
            HIDDEN_NAME,
            "王乙",
            "甲市某局科长",
            "内部调查结论",
            "党内警告",
            "省纪委监委",
            "甲市违规审批问题描述",
        ):
            self.assertNotIn(secret, text)
        self.assertEqual(
            payload["statistics"]["sentence"],
            "共对3人进行了追责问责，其中厅级1人、处级1人、科级以下1人；给予党纪政务处分1人，诫勉谈话1人，其他处理1人",
        )
        self.assertEqual([row["count"] for row in payload["statistics"]["problems_by_status"]], [1, 1, 1])

    def test_unmarking_removes_the_name(self):
        actions.update_person(
            self.person["published"], acting_user=self.world.users["office_A"], changes={"publish_name": False}
        )
        text = json.dumps(actions.publication_payload(self.inspection), ensure_ascii=False)
        self.assertNotIn(PUBLISHED_NAME, text)
        self.assertNotIn('"name"', text)


class PublishTests(AccountabilityWorldTestCase):
    def test_office_publishes_and_the_portal_shows_only_the_payload(self):
        office = self.world.users["office_P"]
        item = actions.publish_accountability(self.inspection, acting_user=office)
        self.assertEqual((item.kind, item.key), ("accountability", f"accountability:{self.inspection.pk}"))
        version = Publication.objects.get(item=item)
        self.assertEqual(version.payload, actions.publication_payload(self.inspection))
        self.assertEqual(version.published_by, office)

        self.client.logout()
        page = self.client.get(item.get_absolute_url())
        self.assertEqual(page.status_code, 200)
        text = page.content.decode()
        self.assertIn(PUBLISHED_NAME, text)
        self.assertNotIn("甲市某局科长", text)  # the hidden person appears neither by post …
        self.assertNotIn(HIDDEN_NAME, text)  # … nor by name
        self.assertNotIn("内部调查结论", text)
        self.assertIn(version.payload["statistics"]["sentence"], text)
        self.assertIn('name="viewport"', text)

        again = actions.publish_accountability(self.inspection, acting_user=office)
        self.assertEqual((again.pk, again.code, again.current_version), (item.pk, item.code, 2))

    def test_a_hidden_name_in_free_text_is_refused(self):
        problem = self.person["hidden"].transferred_problem
        actions.update_transferred_problem(
            problem, acting_user=self.world.users["office_P"], changes={"outcome": f"已对{HIDDEN_NAME}作出处理"}
        )
        with self.assertRaises(ValidationError):
            actions.publish_accountability(self.inspection, acting_user=self.world.users["office_P"])
        self.assertFalse(PublishedItem.objects.filter(key=f"accountability:{self.inspection.pk}").exists())

    def test_who_may_not_publish(self):
        for persona in ("office_A", "office_B", "reviewer_A", "unit_A1", "no_unit"):
            with self.subTest(persona=persona), self.assertRaises(PermissionDenied):
                actions.publish_accountability(self.inspection, acting_user=self.world.users[persona])
        self.assertFalse(PublishedItem.objects.exists())

    def test_publish_button(self):
        url = reverse("accountability:publish", args=[self.inspection.pk])
        self.login("office_A")  # sees its share only: may not publish the whole
        self.assertEqual(self.client.post(url).status_code, 403)
        for persona in ("unit_A1", "reviewer_A"):
            self.login(persona)
            self.assertEqual(self.client.post(url).status_code, 404)
        self.client.logout()
        self.assertRedirects(self.client.post(url), f"{reverse('login')}?next={url}")
        self.assertFalse(PublishedItem.objects.exists())
        self.login("office_P")
        self.assertEqual(self.client.get(url).status_code, 405)
        response = self.client.post(url)
        item = PublishedItem.objects.get()
        self.assertRedirects(response, item.get_absolute_url(), fetch_redirect_response=False)
