"""Sign-off of the synthetic problems (``acceptance.py`` explains the walk along the chain).

``plan_signoffs`` decides, before any ledger row is written, which completed problems were signed off
before the system went live (historical), which asked for acceptance (and where their request stands on
the as-of date), and which have not asked yet; the problem's status and sign-off date follow.
``write_problem_requests`` then queues the requests with their notices, objections and signed decisions.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta
from types import SimpleNamespace

from zhenggai.acceptance.models import AcceptanceRequest
from zhenggai.acceptance.signatures import content_of
from zhenggai.synthetic.acceptance import Chains, Step, Timeline, simulate, write_request
from zhenggai.synthetic.dates import between
from zhenggai.synthetic.ledger import Ledger, ProblemRec
from zhenggai.synthetic.ledger_write import measure_number, problem_number
from zhenggai.synthetic.progress import Calendar, completion_report
from zhenggai.synthetic.texts import person_name
from zhenggai.synthetic.themes import THEMES
from zhenggai.synthetic.units import Tree
from zhenggai.synthetic.users import Users
from zhenggai.synthetic.writer import Loader

__all__ = ["ProblemRequest", "plan_signoffs", "write_problem_requests"]


@dataclass
class ProblemRequest:
    pk: int
    problem: ProblemRec
    timeline: Timeline
    chain: int
    files: list  # progress.EvidenceFile of the completion reports, as signed


def _actor(step: Step | None, problem: ProblemRec, users: Users) -> tuple[int, str, int]:
    """Who decides ``step`` (None: who handles an objection) — ``acceptance.rules.may_act``'s answer."""
    plan = problem.plan
    if step is None or step.actor_level == "plan_office":
        unit = plan.jurisdiction
        pk = users.office[unit.pk]
    else:
        unit = plan.province.unit if step.actor_level == "province" else (plan.city or problem.city).unit
        pk = users.reviewer[unit.pk] if step.kind == "review" else users.office[unit.pk]
    return pk, users.names[pk], unit.pk


def plan_signoffs(
    loader: Loader,
    ledger: Ledger,
    calendar: Calendar,
    live: date,
    pool,
    chains: Chains | None,
    users: Users,
    rng: random.Random,
) -> list[ProblemRequest]:
    """Set each completed problem's sign-off (status, date, reason, user); return the requests to write."""
    requests = loader.table(AcceptanceRequest)
    planned: list[ProblemRequest] = []
    for problem in ledger.problems:
        if problem.status != "completed":
            continue
        files, ready = [], problem.done
        for measure in problem.measures:
            report = completion_report(measure, calendar, live, pool)
            if report is not None:
                ready = max(ready, report[0])
                files += report[1]
        signed = ready + timedelta(days=rng.randint(20, 240))
        office = users.office.get(problem.plan.jurisdiction.pk)
        if signed < live or chains is None:
            if signed <= ledger.as_of:
                problem.status, problem.signed_on, problem.sign_user = "signed_off", signed, office
                problem.sign_reason = "historical sign-off" if signed < live else "sign-off"
            continue
        asked = ready + timedelta(days=rng.randint(3, 30))
        if asked < live:  # asked before the system existed: signed off on paper, before go-live
            problem.status, problem.signed_on, problem.sign_user = "signed_off", between(rng, asked, live), office
            problem.sign_reason = "historical sign-off"
            continue
        chain = chains.get("problem", problem.plan.level)
        if chain is None or asked >= ledger.as_of or rng.random() < 0.05:
            continue  # done, not yet put to acceptance
        chain_pk, workdays, steps = chain
        timeline = simulate(rng, steps, workdays, asked, ledger.as_of)
        request = ProblemRequest(requests.next_pk(), problem, timeline, chain_pk, files)
        planned.append(request)
        if timeline.status == "signed_off":
            problem.status, problem.signed_on = "signed_off", timeline.closed
            problem.sign_reason = f"acceptance {request.pk}"
            problem.sign_user = _actor(timeline.decisions[-1].step, problem, users)[0]
    return planned


def write_problem_requests(
    loader: Loader, planned: list[ProblemRequest], tree: Tree, users: Users, rng: random.Random
) -> None:
    for request in planned:
        problem = request.problem
        wording = THEMES[problem.theme]
        unit = problem.measures[0].reporter_unit
        requester = users.unit[unit]
        subject = SimpleNamespace(
            pk=problem.pk,
            number_text=problem_number(problem),
            title=problem.title,
            description=problem.description,
            cause=wording.cause,
            due_raw=problem.due_raw,
            status="completed",
        )
        measures = [
            SimpleNamespace(pk=m.pk, number_text=measure_number(m), text=m.text, due_raw=m.due_raw, status=m.status)
            for m in problem.measures
        ]
        evidence = [SimpleNamespace(file=SimpleNamespace(name=f.path), original_name=f.name) for f in request.files]
        sha = {f.path: f.sha256 for f in request.files}
        write_request(
            loader,
            rng,
            request.timeline,
            pk=request.pk,
            item={"problem_id": problem.pk},
            chain=request.chain,
            unit=unit,
            requester=(requester, users.names[requester]),
            report=(
                f"对照整改目标逐项自查：{len(measures)}项整改措施均已完成，{wording.target.rstrip('。')}，"
                "相关佐证材料齐全，已建立长效监管机制。"
            ),
            head=f"{tree.by_pk[unit].name}主要负责人 {person_name(rng)}",
            notice_text=f"{problem_number(problem)} {problem.title}已完成整改并通过验收，销号前予以公示。",
            actor_for=lambda step, problem=problem: _actor(step, problem, users),
            content_for=lambda req, subject=subject, measures=measures, evidence=evidence, sha=sha: content_of(
                subject, measures, evidence, req, [], hash_file=lambda stored, sha=sha: sha[stored.name]
            ),
        )
