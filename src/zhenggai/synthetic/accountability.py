"""Accountability (责任追究) of the synthetic data set: problems each inspection transferred, persons held
accountable for them.

Each inspection transfers a handful of problems (移交的生态环境损害责任追究问题), each tied to one or two
ledger problems of its plan and investigated by a city government or the province's discipline commission
(自治区纪委监委, kept as written: it is not in the registry). Concluded investigations hold one to nine
persons accountable — rank and sanction in the proportions 003 reports (more 科级 than 处级 than 厅级;
党纪政务处分 most often) — until the scale's count of persons is reached; the newest inspections' problems
are partly still under investigation. No decision documents are attached (they are private files).
"""

from __future__ import annotations

import random
from datetime import date, datetime, timedelta

from zhenggai.accountability.models import AccountablePerson, TransferredProblem
from zhenggai.synthetic.dates import local
from zhenggai.synthetic.ledger import Ledger
from zhenggai.synthetic.texts import person_name
from zhenggai.synthetic.users import Users
from zhenggai.synthetic.writer import Loader

__all__ = ["write_accountability"]

RANKS = (("bureau", 14), ("division", 38), ("section", 48))
SANCTIONS = {
    "disciplinary": (55, ("党内警告", "党内严重警告", "政务警告", "政务记过", "政务记大过", "撤销党内职务")),
    "admonition": (25, ("诫勉谈话",)),
    "organizational": (15, ("通报批评", "责令检查", "调离岗位", "免职")),
    "other": (5, ("批评教育", "提醒谈话")),
}
POSTS = {"bureau": ("局长", "副局长", "副县长", "县长"), "division": ("科长", "副科长", "副局长", "站长")}
POSTS["section"] = ("科员", "执法队员", "所长", "副所长")


def _when(day: date, hour: int = 10) -> datetime:
    return local(day, hour)


def write_accountability(loader: Loader, ledger: Ledger, users: Users, total: int, rng: random.Random) -> int:
    """Queue transferred problems, their links to ledger problems and the persons; returns the persons."""
    if total <= 0 or not ledger.inspections:
        return 0
    problems, persons = loader.table(TransferredProblem), loader.table(AccountablePerson)
    links = loader.table(TransferredProblem.problems.through)
    history = {model: loader.history(model) for model in (TransferredProblem, AccountablePerson)}
    # Newest first: a recent inspection's problems may still be under investigation (no persons yet), and
    # the older ones, all concluded, make up the difference.
    inspections = sorted(ledger.inspections, key=lambda i: (-i.stationed_from.toordinal(), i.pk))
    share = total / len(inspections)
    written = 0
    for n, inspection in enumerate(inspections):
        goal = round(share * (n + 1)) if n + 1 < len(inspections) else total
        province = inspection.province
        office = users.office[province.unit.pk]
        transferred = inspection.feedback + timedelta(days=rng.randint(0, 20))
        number = 0
        while written < goal and inspection.problems and number < 60:
            number += 1
            linked = rng.sample(inspection.problems, min(len(inspection.problems), rng.choice((1, 1, 2))))
            decided = transferred + timedelta(days=rng.randint(90, 400))
            status = "handled" if decided <= ledger.as_of else "investigating"
            city = linked[0].city
            by_city = rng.random() < 0.6
            row = {
                "inspection_id": inspection.pk,
                "number": str(number),
                "title": f"{linked[0].title}中有关单位和人员失职失责问题",
                "description": "督察发现，有关部门和单位履职不力、监管不到位，造成生态环境损害，移交责任追究。",
                "transferred_on": transferred,
                "handling_unit_id": city.government.pk if by_city else None,
                "handling_unit_text": "" if by_city else f"{province.unit.name}纪委监委",
                "status": status,
                "findings": "经调查，相关部门存在审批把关不严、日常监管缺位等问题。" if status == "handled" else "",
                "outcome": "已对相关责任单位和责任人员严肃问责。" if status == "handled" else "",
                "created_at": _when(transferred),
                "updated_at": _when(min(decided, ledger.as_of)),
            }
            pk = problems.add(row)
            history[TransferredProblem].add(_history(row, transferred, office))
            for problem in linked:
                links.add({"transferredproblem_id": pk, "problem_id": problem.pk})
            if status != "handled":
                continue
            for _ in range(min(goal - written, rng.randint(1, 9))):
                rank = rng.choices([r for r, _ in RANKS], weights=[w for _, w in RANKS])[0]
                sanction = rng.choices(list(SANCTIONS), weights=[w for w, _ in SANCTIONS.values()])[0]
                unit = rng.choice([city.government, *city.depts[1:6]])
                person = {
                    "transferred_problem_id": pk,
                    "name": person_name(rng),
                    "post": f"{rng.choice(('', '原'))}{unit.name}{rng.choice(POSTS[rank])}",
                    "rank": rank,
                    "sanction": sanction,
                    "sanction_detail": rng.choice(SANCTIONS[sanction][1]),
                    "decided_on": decided,
                    "document": "",
                    "document_name": "",
                    "document_type": "",
                    "document_sha256": "",
                    "publish_name": rng.random() < 0.2,
                    "created_by_id": office,
                    "created_at": _when(decided, 15),
                }
                persons.add(person)
                history[AccountablePerson].add(_history(person, decided, office))
                written += 1
    return written


def _history(row: dict, day: date, user: int) -> dict:
    return row | {
        "history_date": _when(day, 16),
        "history_type": "+",
        "history_change_reason": "created",
        "history_user_id": user,
    }
