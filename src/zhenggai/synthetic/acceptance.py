"""Acceptance (验收销号) of synthetic problems and complaint cases: requests at every stage, signed decisions.

An item whose work is done asks for acceptance a few days after its last completion report; its request
then walks the default chain of its level (migrations ``0002_default_chains``/``0005_default_case_chains``)
as the procedure would — a review step some days later, 公示 over five working days (an objection now and
then, usually dismissed, sometimes upheld), the office closing the notice after its last day, the sign-off
— and the walk is cut at the as-of date. So the recent requests wait at every step (in review, in notice,
some with an open objection, returned, resubmitted) and the earlier ones are signed off, with the
item's sign-off at the last decision. Items finished before the system went live were signed off before
it (``historical``): no request, as an import with ``historical=True`` would record them.

Each decision is a ``StepDecision`` signed as ``acceptance.actions`` signs it: the content
(``acceptance.signatures.content_of`` / ``case_content_of``) built from the rows as they are written, the
decision block added, ``content_hash`` over the whole — so ``zhenggai verify-signatures`` finds every
generated decision intact. Actors follow ``acceptance.rules``: the level's reviewer (county steps: the
county office), the plan's (or the batch's) office for 公示 and sign-off, never the requester, never one
person on two consecutive levels.
"""

from __future__ import annotations

import random
import uuid
from dataclasses import dataclass, field
from datetime import date, timedelta
from types import SimpleNamespace
from typing import Any

from zhenggai.acceptance.choices import CHECKLIST
from zhenggai.acceptance.models import AcceptanceChain, AcceptanceRequest, Objection, PublicNotice, StepDecision
from zhenggai.acceptance.signatures import content_hash
from zhenggai.core.workdays import add_working_days, is_working_day
from zhenggai.synthetic.dates import at, between
from zhenggai.synthetic.texts import person_name
from zhenggai.synthetic.writer import Loader

__all__ = ["CHECKLIST_MET", "Chains", "Step", "Timeline", "simulate", "write_request"]

CHECKLIST_MET = {key: True for key, _label in CHECKLIST}
RETURN_OPINION = "现场核查发现部分整改措施落实不到位，佐证材料不完整，请补充完善后重新申请。"
OBJECTIONS = (
    "该企业夜间仍有偷排现象，整改不彻底，不同意销号。",
    "现场仍有垃圾堆放，群众反映的问题没有解决。",
    "河道仍有异味，请再次核查。",
)
DISMISSED = "经现场复核，反映问题已整改到位，异议不成立。"
UPHELD = "经现场复核，确有问题反弹，异议成立，退回责任单位继续整改。"


@dataclass(frozen=True)
class Step:
    pk: int
    position: int
    name: str
    kind: str  # review | notice | sign_off
    actor_level: str


class Chains:
    """The default chains by (subject, level), read once from the database."""

    def __init__(self) -> None:
        self.by_key: dict[tuple[str, str], tuple[int, int, list[Step]]] = {}
        for chain in AcceptanceChain.objects.filter(plan=None).prefetch_related("steps"):
            steps = [Step(s.pk, s.position, s.name, s.kind, s.actor_level) for s in chain.steps.order_by("position")]
            self.by_key[(chain.subject, chain.plan_level)] = (chain.pk, chain.notice_workdays, steps)

    def get(self, subject: str, level: str):
        """(chain pk, notice working days, steps), or None where no chain with steps exists."""
        found = self.by_key.get((subject, level))
        return found if found and found[2] else None


@dataclass
class Decided:
    day: date
    round: int
    step: Step
    decision: str
    opinion: str


@dataclass
class NoticeRec:
    round: int
    starts: date
    ends: date
    closed: date | None = None
    objection: tuple | None = None  # (filed day, status, handled day or None, note)


@dataclass
class Timeline:
    """A request's walk along its chain up to the as-of date."""

    requested: date
    decisions: list[Decided] = field(default_factory=list)
    notices: list[NoticeRec] = field(default_factory=list)
    status: str = "in_review"
    round: int = 1
    position: int = 0
    closed: date | None = None


def simulate(rng: random.Random, steps: list[Step], workdays: int, requested: date, as_of: date) -> Timeline:
    """Walk the chain from ``requested``; stop at the as-of date wherever the request then waits."""
    tl = Timeline(requested)
    t = requested
    while True:
        step = steps[tl.position]
        if step.kind == "notice":
            t = _notice(rng, tl, step, workdays, t, as_of)
            if t is None:
                return tl
            continue
        # Reviews take weeks (site visits, document checks): a request is under way for two to four months.
        day = t + timedelta(days=rng.randint(5, 60) if step.kind == "review" else rng.randint(5, 45))
        if day > as_of:
            return tl
        if tl.position == 0 and tl.round == 1 and rng.random() < 0.12:
            tl.decisions.append(Decided(day, tl.round, step, "return", RETURN_OPINION))
            t = _returned(rng, tl, day, as_of)
            if t is None:
                return tl
            continue
        opinion = f"经现场核查，整改措施已全部落实，材料齐全，同意通过{step.name}。"
        if step.kind == "sign_off":
            opinion = "同意销号。"
        tl.decisions.append(Decided(day, tl.round, step, "pass", opinion))
        if step.kind == "sign_off" or tl.position + 1 >= len(steps):
            tl.status, tl.closed = "signed_off", day
            return tl
        tl.position += 1
        t = day


def _returned(rng: random.Random, tl: Timeline, day: date, as_of: date) -> date | None:
    """Sent back to the unit; resubmitted weeks later into the next round (None: still returned)."""
    tl.status = "returned"
    again = day + timedelta(days=rng.randint(20, 90))
    if again > as_of:
        return None
    tl.status, tl.round, tl.position = "in_review", tl.round + 1, 0
    return again


def _notice(rng: random.Random, tl: Timeline, step: Step, workdays: int, t: date, as_of: date) -> date | None:
    tl.status = "in_notice"
    starts = t if is_working_day(t) else add_working_days(t, 1)
    notice = NoticeRec(tl.round, starts, add_working_days(starts, max(workdays - 1, 0)))
    tl.notices.append(notice)
    if rng.random() < 0.15:
        filed = between(rng, starts, notice.ends)
        if filed > as_of:
            return None
        handled = filed + timedelta(days=rng.randint(1, 6))
        if handled > as_of:
            notice.objection = (filed, "open", None, "")
            return None
        upheld = rng.random() < 0.3
        notice.objection = (filed, "upheld" if upheld else "dismissed", handled, UPHELD if upheld else DISMISSED)
        if upheld:
            tl.decisions.append(Decided(handled, tl.round, step, "return", f"异议成立：{UPHELD}"))
            notice.closed = handled
            return _returned(rng, tl, handled, as_of)
    close = notice.ends + timedelta(days=rng.randint(1, 10))
    if close > as_of:
        return None
    opinion = f"公示期{notice.starts}至{notice.ends}届满，无成立的异议。"
    tl.decisions.append(Decided(close, tl.round, step, "pass", opinion))
    notice.closed = close
    tl.status, tl.position = "in_review", tl.position + 1
    return close


def request_content(pk: int, round_: int, report: str, head: str) -> dict[str, Any]:
    return SimpleNamespace(pk=pk, round=round_, report=report, signed_by_head=head, checklist=CHECKLIST_MET)


def write_request(
    loader: Loader,
    rng: random.Random,
    tl: Timeline,
    *,
    pk: int,
    item: dict[str, Any],
    chain: int,
    unit: int,
    requester: tuple[int, str],
    report: str,
    head: str,
    notice_text: str,
    actor_for,
    content_for,
) -> None:
    """Queue the request, its notices and objections, and every decision with its signature.

    ``item`` is ``{"problem_id": …}`` or ``{"case_id": …}``; ``actor_for(step)`` gives (user pk, username,
    acting unit pk); ``content_for(request)`` the signable content (``signatures.content_of`` …) of the
    item as written, for a request object carrying pk, round, report, head and checklist."""
    requests, decisions = loader.table(AcceptanceRequest), loader.table(StepDecision)
    notices, objections = loader.table(PublicNotice), loader.table(Objection)
    requests.add(
        {
            "id": pk,
            **item,
            "chain_id": chain,
            "unit_id": unit,
            "requested_by_id": requester[0],
            "requested_at": at(tl.requested, rng),
            "report": report,
            "signed_by_head": head,
            "checklist": CHECKLIST_MET,
            "status": tl.status,
            "round": tl.round,
            "position": tl.position,
            "closed_at": at(tl.closed, rng, 17, 17) if tl.closed else None,
        }
    )
    for notice in tl.notices:
        notice_pk = notices.add(
            {
                "request_id": pk,
                "round": notice.round,
                "code": uuid.UUID(int=rng.getrandbits(128), version=4),
                "starts_on": notice.starts,
                "ends_on": notice.ends,
                "text": notice_text,
                "closed_at": at(notice.closed, rng, 16, 16) if notice.closed else None,
            }
        )
        if notice.objection:
            filed, status, handled, note = notice.objection
            office = actor_for(None)
            objections.add(
                {
                    "notice_id": notice_pk,
                    "name": person_name(rng),
                    "contact": f"1{rng.randint(3, 9)}{rng.randrange(10**9):09d}",
                    "text": rng.choice(OBJECTIONS),
                    "attachment": "",
                    "attachment_sha256": "",
                    "submitted_at": at(filed, rng),
                    "submitted_ip": f"10.{rng.randrange(256)}.{rng.randrange(256)}.{rng.randrange(1, 255)}",
                    "status": status,
                    "handled_by_id": office[0] if handled else None,
                    "handled_at": at(handled, rng) if handled else None,
                    "handling_note": note,
                }
            )
    for decided in tl.decisions:
        user, username, acting_unit = actor_for(decided.step)
        acted = at(decided.day, rng, 10, 16)
        content = content_for(request_content(pk, decided.round, report, head))
        content["decision"] = {
            "step": decided.step.name,
            "position": decided.step.position,
            "round": decided.round,
            "decision": decided.decision,
            "opinion": decided.opinion,
            "signer": username,
            "at": acted.isoformat(),
        }
        decisions.add(
            {
                "request_id": pk,
                "step_id": decided.step.pk,
                "round": decided.round,
                "position": decided.step.position,
                "decision": decided.decision,
                "opinion": decided.opinion,
                "actor_id": user,
                "acting_unit_id": acting_unit,
                "acted_at": acted,
                "frozen_content": content,
                "content_hash": content_hash(content),
            }
        )
