"""THE LEAK TEST: nothing unpublished, withdrawn or edited after publication is reachable on the portal.

The data: plan A published on 2026-03-16 (the plan and its tasks), then changed — a task's title and
description edited, a cause analysis, a new task added, a measure-level and a later problem-level report;
plan B never published, its task given secret words; a published item withdrawn; a task taken out of
plan A by a merge and the plan published again (its item withdrawn). Then every public address is walked:
the home page with each kind tab and every page, each item, the plan pages, the sitemap, search with
every secret word, and guessed addresses (sequential ids, the plan's ``public_code``, the withdrawn
codes). Each answer is checked for every secret; the walk is checked to have reached every live item.

Also published on 2026-03-16 by the province office: complaint batch 1's disclosure (its case has a
reported party, a complaint longer than the summary, responsible units and a return opinion, none of
which is disclosed; its investigation is edited after publishing) and the inspection's accountability
(one person marked for publication, one not: that name, post and sanction detail never appear, nor the
transferred problems' internal findings or a handling unit outside the registry). Batch 2 is never
published. And a task the office withdrew on its own stays off the portal when the plan is published
again.
"""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal

from django.test import Client

from zhenggai.acceptance import actions as acceptance
from zhenggai.acceptance.choices import CHECKLIST
from zhenggai.accountability import actions as accountability
from zhenggai.accountability.choices import InvestigationStatus, Rank, Sanction
from zhenggai.cases import actions as cases
from zhenggai.cases.choices import CaseStatus, Findings
from zhenggai.cases.disclosure import SUMMARY_CHARS
from zhenggai.ledger import actions as ledger
from zhenggai.portal import actions
from zhenggai.portal.models import Kind, PublishedItem
from zhenggai.portal.tests.world import PortalWorldTestCase
from zhenggai.portal.views import PAGE_SIZE
from zhenggai.progress import actions as progress
from zhenggai.progress.actions import ReportInput
from zhenggai.testing import frozen_at

CHECKLIST_KEYS = [key for key, _label in CHECKLIST]

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
    # complaint cases
    "reported party": "被举报机密企业子",
    "complaint beyond the summary": "投诉尾部机密丑",
    "case units": "甲二县",
    "return opinion": "退回意见机密寅",
    "case edited after publishing": "发布后修改调查机密卯",
    "batch 2 case number": "D3HE202603110099",
    "batch 2 complaint": "第二批未发布投诉辰",
    "batch 2 title": "第2批交办信访件",
    # accountability
    "hidden person": "李保密巳",
    "hidden post": "甲市某局科长午",
    "sanction detail": "党内警告未",
    "transferred findings": "内部调查结论机密申",
    "handling unit text": "省纪委监委酉",
}
PUBLIC_CASE = "D3HE202603090001"
PUBLISHED_NAME = "张公开"
# Published, then taken out of plan A by a merge: public until the plan is published again, then gone.
MERGED_AWAY = "问题land_open"
HREF = re.compile(r'href="(/public/[^"]*)"')
LOC = re.compile(r"<loc>https?://[^/]+(/public/[^<]*)</loc>")


class LeakTestCase(PortalWorldTestCase):
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
            cls.publish_cases_and_accountability(w)
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
            cases.record_handling(
                cls.case,
                acting_user=w.users["office_P"],
                expected_version=None,
                changes={"investigation": SECRETS["case edited after publishing"]},
            )
        cls.withdrawn = list(PublishedItem.objects.filter(withdrawn_at__isnull=False).values_list("code", flat=True))

    @classmethod
    def publish_cases_and_accountability(cls, w) -> None:
        province = w.users["office_P"]
        inspection = w.plans["A"].inspection
        batch = cases.create_batch(
            acting_user=province,
            inspection=inspection,
            number=1,
            handed_over_on=date(2026, 3, 10),
            jurisdiction=w.units["P"],
        )
        content = "反映河道排污" + "某" * SUMMARY_CHARS + SECRETS["complaint beyond the summary"]
        cls.case = cases.add_case(
            batch,
            acting_user=province,
            number=PUBLIC_CASE,
            content=content,
            units=[w.units["A1"], w.units["A2"]],
            region=w.units["A"],
            region_text="甲市",
            reported_party=SECRETS["reported party"],
        )
        closed = {"findings": Findings.TRUE, "status": CaseStatus.CLOSED, "investigation": "经查属实"}
        cases.record_handling(cls.case, acting_user=province, expected_version=None, changes=closed)
        # The case goes to acceptance and the city returns it: the request and its opinion stay internal.
        request = acceptance.request_acceptance(
            cls.case,
            acting_user=w.users["unit_A1"],
            report="自查报告",
            signed_by_head="某某",
            checklist=dict.fromkeys(CHECKLIST_KEYS, True),
        )
        acceptance.decide_step(
            request, acting_user=w.users["office_A"], decision="return", opinion=SECRETS["return opinion"]
        )
        cases.publish_batch_disclosure(batch, acting_user=province)
        second = cases.create_batch(
            acting_user=province,
            inspection=inspection,
            number=2,
            handed_over_on=date(2026, 3, 12),
            jurisdiction=w.units["P"],
        )
        cases.add_case(
            second,
            acting_user=province,
            number=SECRETS["batch 2 case number"],
            content=SECRETS["batch 2 complaint"],
            units=[w.units["B1"]],
            region=w.units["B"],
        )
        transferred = accountability.create_transferred_problem(
            inspection,
            acting_user=province,
            number="1",
            title="甲市违规审批问题",
            handling_unit=w.units["A"],
            findings=SECRETS["transferred findings"],
            outcome="已对相关责任人追责",
            status=InvestigationStatus.HANDLED,
        )
        accountability.create_transferred_problem(
            inspection,
            acting_user=province,
            number="2",
            title="省直部门问题",
            handling_unit_text=SECRETS["handling unit text"],
        )
        person = {"rank": Rank.DIVISION, "sanction": Sanction.DISCIPLINARY, "decided_on": date(2025, 12, 1)}
        accountability.add_person(
            transferred, acting_user=province, name=PUBLISHED_NAME, post="甲市某局原局长", publish_name=True, **person
        )
        accountability.add_person(
            transferred,
            acting_user=province,
            name=SECRETS["hidden person"],
            post=SECRETS["hidden post"],
            sanction_detail=SECRETS["sanction detail"],
            **person,
        )
        accountability.publish_accountability(inspection, acting_user=province)

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
        # plan A, its six tasks as published, the notices, case batch 1, the accountability
        self.assertEqual(len(live), 1 + 6 + PAGE_SIZE + 2)
        self.assertIn("/public/?page=2", list(pages))
        everything = "".join(pages.values())
        for published in ("问题a1", PUBLIC_CASE, "经查属实", "反映河道排污", PUBLISHED_NAME, "已对相关责任人追责"):
            self.assertTrue(published in everything, published)  # what was published is there
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
        for what in list(SECRETS)[list(SECRETS).index("reported party") :]:  # cases and accountability
            self.assertFalse(SECRETS[what] in everything, f"{what} leaks")

    def test_a_task_withdrawn_on_its_own_stays_off_when_the_plan_is_published_again(self):
        office, plan = self.world.users["office_A"], self.world.plans["A"]
        a2 = PublishedItem.objects.get(key=f"problem:{self.world.problems['a2'].pk}")
        with frozen_at(date(2026, 3, 25)):
            actions.withdraw(key=a2.key, acting_user=office, reason="进展表述有误")
            actions.publish_plan(plan, acting_user=office)
            once = "".join(self.walk(Client()).values())
            # The plan withdrawn and published again: its tasks come back with it, a2 still does not.
            actions.withdraw(key=f"plan:{plan.pk}", acting_user=office, reason="重新发布")
            actions.publish_plan(plan, acting_user=office)
            twice = "".join(self.walk(Client()).values())
        for everything in (once, twice):
            self.assertFalse("问题a2" in everything, "the withdrawn task is back")
            self.assertFalse(a2.code in everything)
            self.assertFalse(SECRETS["later report"] in everything)  # a2's report, never published
            self.assertTrue(SECRETS["edited title"] in everything)  # a1, published again with the plan
        self.assertEqual(self.client.get(a2.get_absolute_url()).status_code, 404)
        self.assertEqual(PublishedItem.objects.get(pk=a2.pk).withdrawal_reason, "进展表述有误")
