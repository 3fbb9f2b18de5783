"""THE LEAK TEST: nothing unpublished, withdrawn or edited after publication is reachable on the portal.

The data: plan A published on 2026-03-16 (the plan and its tasks), then changed — a task's title and
description edited, a cause analysis, a new task added, a measure-level and a later problem-level report;
plan B never published, its task given secret words; a published item withdrawn; a task taken out of
plan A by a merge and the plan published again (its item withdrawn). Then every public address is walked:
the home page with each kind tab and every page, each item, the plan pages, the sitemap, search with
every secret word, and guessed addresses (sequential ids, the plan's ``public_code``, the withdrawn
codes). Each answer is checked for every secret; the walk is checked to have reached every live item.
"""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal

from django.test import Client

from zhenggai.ledger import actions as ledger
from zhenggai.portal import actions
from zhenggai.portal.models import Kind, PublishedItem
from zhenggai.portal.views import PAGE_SIZE
from zhenggai.progress import actions as progress
from zhenggai.progress.actions import ReportInput
from zhenggai.testing import WorldTestCase, frozen_at

# Each secret is a text that exists in the database but was never published (or no longer is).
SECRETS = {
    "edited title": "后改标题机密甲",
    "edited description": "后改描述机密乙",
    "cause analysis": "原因分析机密丙",
    "new task": "新增未发布问题丁",
    "measure report": "措施层面进展机密戊",
    "later report": "发布后的进展机密己",
    "plan B task": "乙市未发布问题庚",
    "plan B description": "乙市机密描述辛",
    "plan B title": "乙市未发布方案壬",
    "withdrawn item": "已撤回公示癸",
    "measure text": "措施一",
    "target text": "目标一",
    "unit names": "甲一县",
    "department": "甲市生态环境局",
    "usernames": "unit_a1",
    "office username": "office_a",
}
# Published, then taken out of plan A by a merge: public until the plan is published again, then gone.
MERGED_AWAY = "问题land_open"
HREF = re.compile(r'href="(/public/[^"]*)"')
LOC = re.compile(r"<loc>https?://[^/]+(/public/[^<]*)</loc>")


class LeakTestCase(WorldTestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        with frozen_at(date(2026, 3, 2)):
            super().setUpTestData()
        w = cls.world
        system, office = w.users["system"], w.users["office_A"]
        with frozen_at(date(2026, 3, 16)):
            actions.publish_plan(w.plans["A"], acting_user=office)
            # Enough notices for the home page to have two pages.
            for n in range(PAGE_SIZE):
                actions.publish(
                    kind=Kind.NOTICE,
                    key=f"notice:leak{n}",
                    title=f"公开公示{n:02d}",
                    payload={"problem": f"公开公示{n:02d}", "starts_on": "", "ends_on": "", "objection_url": ""},
                    jurisdiction=w.units["A"],
                    acting_user=office,
                )
            actions.publish(
                kind=Kind.NOTICE,
                key="notice:withdrawn",
                title=SECRETS["withdrawn item"],
                payload={"problem": SECRETS["withdrawn item"]},
                jurisdiction=w.units["A"],
                acting_user=office,
            )
            actions.withdraw(key="notice:withdrawn", acting_user=office, reason="误发")
        with frozen_at(date(2026, 3, 20)):
            a1 = w.problems["a1"]
            ledger.update_problem(
                a1,
                acting_user=system,
                expected_version=a1.version,
                changes={
                    "title": SECRETS["edited title"],
                    "description": SECRETS["edited description"],
                    "cause": SECRETS["cause analysis"],
                },
            )
            ledger.create_problem(w.plans["A"], acting_user=system, title=SECRETS["new task"], number_text="第8项")
            progress.submit_report(
                a1,
                ReportInput(date(2026, 3, 1), date(2026, 3, 31), SECRETS["measure report"], Decimal(50)),
                acting_user=w.users["unit_A1"],
                measure=a1.measures.get(),
            )
            progress.submit_report(
                w.problems["a2"],
                ReportInput(date(2026, 3, 1), date(2026, 3, 31), SECRETS["later report"], Decimal(60)),
                acting_user=w.users["unit_A2"],
            )
            b1 = w.problems["b1"]
            ledger.update_problem(
                b1,
                acting_user=system,
                expected_version=b1.version,
                changes={"title": SECRETS["plan B task"], "description": SECRETS["plan B description"]},
            )
            w.plans["B"].title = SECRETS["plan B title"]
            w.plans["B"].save()
            ledger.merge_problems(w.problems["land_open"], w.problems["a1dept"], acting_user=system)
        cls.withdrawn = list(PublishedItem.objects.filter(withdrawn_at__isnull=False).values_list("code", flat=True))

    def walk(self, client: Client) -> dict[str, str]:
        """Every public address reachable from the home page and the sitemap: {url: body}."""
        seen: dict[str, str] = {}
        queue = ["/public/", "/public/sitemap.xml"] + [f"/public/?kind={kind}" for kind in Kind.values]
        while queue:
            url = queue.pop().replace("&amp;", "&")
            if url in seen or url.startswith("/public/search/"):
                continue
            response = client.get(url)
            body = response.content.decode()
            seen[url] = body
            if url.startswith("/public/office/"):
                self.assertEqual(response.status_code, 302, url)  # the office's pages need a login
                continue
            self.assertEqual(response.status_code, 200, url)
            queue += HREF.findall(body) + LOC.findall(body)
        return seen

    def assert_no_secret(self, url: str, body: str) -> None:
        for what, secret in SECRETS.items():
            self.assertFalse(secret in body, f"{what} leaks at {url}")

    def test_no_public_address_shows_anything_unpublished(self):
        with frozen_at(date(2026, 3, 25)):
            pages = self.walk(Client())
        live = set(PublishedItem.objects.live().values_list("code", flat=True))
        reached = {url.strip("/").split("/")[-1] for url in pages}
        self.assertLessEqual(live, reached, "the walk missed live items")
        self.assertEqual(len(live), 1 + 6 + PAGE_SIZE)  # plan A, its six tasks as published, the notices
        self.assertIn("/public/?page=2", list(pages))
        self.assertTrue("问题a1" in "".join(pages.values()))  # what was published is there
        for url, body in pages.items():
            self.assert_no_secret(url, body)

    def test_guessed_and_withdrawn_addresses_are_404(self):
        client = Client()
        guesses = [f"/public/{n}/" for n in range(1, 60)]
        guesses += [f"/public/{plan.public_code}/" for plan in self.world.plans.values()]
        guesses += [f"/public/{code}/" for code in self.withdrawn]
        guesses += [f"/public/{problem.pk}/" for problem in self.world.problems.values()]
        self.assertTrue(self.withdrawn)
        for url in guesses:
            with self.subTest(url=url):
                response = client.get(url)
                self.assertEqual(response.status_code, 404)
                self.assert_no_secret(url, response.content.decode())

    def test_search_for_every_secret_finds_nothing(self):
        client = Client()
        for what, secret in SECRETS.items():
            with self.subTest(what):
                response = client.get("/public/search/", {"q": secret})
                self.assertEqual(response.context["page"].paginator.count, 0)
                # The page repeats the words searched for; nothing else may contain them.
                self.assert_no_secret(secret, response.content.decode().replace(secret, ""))

    def test_after_publishing_again_the_merged_task_is_gone_and_the_edits_are_public(self):
        with frozen_at(date(2026, 3, 25)):
            actions.publish_plan(self.world.plans["A"], acting_user=self.world.users["office_A"])
            pages = self.walk(Client())
        everything = "".join(pages.values())
        self.assertFalse(MERGED_AWAY in everything, "the merged-away task is still public")
        # Now published (by the office's choice): the edited title and description, the new task, the
        # problem-level report. Still never: the cause, the measure report, plan B, names.
        for what in ("edited title", "edited description", "new task", "later report"):
            self.assertTrue(SECRETS[what] in everything, what)
        for what in ("cause analysis", "measure report", "plan B task", "plan B description", "plan B title"):
            self.assertFalse(SECRETS[what] in everything, f"{what} leaks")
        for what in ("withdrawn item", "measure text", "target text", "unit names", "department", "usernames"):
            self.assertFalse(SECRETS[what] in everything, f"{what} leaks")
