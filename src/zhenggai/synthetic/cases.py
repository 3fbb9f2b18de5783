"""Complaint cases of the synthetic data set: daily batches handed over during each inspection's stay.

During its stay (about a month) an inspection team hands its province one batch a day (第N批) of 60–170
cases; the newest inspections come first until the scale's case count is reached. The cases themselves —
numbers, complaints, pollution types, channels, key flags, reported parties, co-handled units with shares
(3–16 % untrue, some co-handled by two counties) and the outcome of the handling — come from
``cases.synthetic.synthetic_cases``, the generator the tests and benchmarks already use; here they are
numbered uniquely per inspection (one sequence per day received), placed in the registry (the county as
region, its government as responsible unit), given the texts of their handling, and aged: a case handed
over long ago is rarely still 正在办理.

Cases handed over in the last year and signed off went through the case chain of their county
(县级初验 → 市级审核 → 办结公示 → 销号, ``acceptance.py``); a tenth of the closed ones are on their way.
Older sign-offs happened on paper.
"""

from __future__ import annotations

import random
from datetime import date, timedelta
from decimal import Decimal
from types import SimpleNamespace

from zhenggai.acceptance.models import AcceptanceRequest
from zhenggai.acceptance.signatures import case_content_of
from zhenggai.cases.case_numbers import parse_case_number
from zhenggai.cases.choices import POLLUTION_LABELS
from zhenggai.cases.models import Case, CaseAssignment, CaseBatch, CaseRule
from zhenggai.cases.synthetic import synthetic_cases
from zhenggai.synthetic.acceptance import Chains, Step, simulate, write_request
from zhenggai.synthetic.dates import at, between
from zhenggai.synthetic.ledger import InspectionRec, Ledger
from zhenggai.synthetic.scales import Scale
from zhenggai.synthetic.texts import person_name
from zhenggai.synthetic.units import County
from zhenggai.synthetic.users import Users
from zhenggai.synthetic.writer import Loader

__all__ = ["write_cases"]

FINDING_WORDS = {"true": "属实", "partly": "部分属实", "untrue": "不属实"}
QUANT = Decimal("0.0001")
# Cases are accepted through the system's chain for the last year's hand-overs — at least the latest
# inspection's — (older ones were signed off on paper): a national run then holds a few thousand case
# requests, not tens of thousands.
CASE_ACCEPTANCE_DAYS = 365


def write_cases(
    loader: Loader, ledger: Ledger, scale: Scale, users: Users, chains: Chains | None, live: date, rng: random.Random
) -> int:
    """Queue batches, cases, their units and history, and the cases' acceptance requests; returns the count."""
    for model in (CaseRule, CaseBatch, Case, CaseAssignment):
        loader.table(model)
    latest = max((i.stationed_from for i in ledger.inspections), default=ledger.as_of)
    since = max(live, min(ledger.as_of - timedelta(days=CASE_ACCEPTANCE_DAYS), latest))
    writer = _Cases(loader, ledger.as_of, users, chains, since, rng)
    remaining = scale.cases
    for inspection in sorted(ledger.inspections, key=lambda i: (-i.stationed_from.toordinal(), i.pk)):
        if remaining <= 0:
            break
        remaining -= writer.inspection(inspection, scale, remaining)
    return writer.count


class _Cases:
    def __init__(self, loader, as_of, users: Users, chains, since: date, rng) -> None:
        # ``since``: the first day cases were accepted in the system (before it: on paper).
        self.loader, self.as_of, self.users, self.since, self.rng = loader, as_of, users, since, rng
        self.chain = chains.get("case", "county") if chains else None
        self.requests = loader.table(AcceptanceRequest)
        self.history = loader.history(Case)
        self.count = 0

    def inspection(self, inspection: InspectionRec, scale: Scale, remaining: int) -> int:
        rng = self.rng
        province = inspection.province
        counties: dict[str, tuple[County, object]] = {
            county.unit.name: (county, city) for city in province.cities for county in city.counties
        }
        days = rng.choice((10, 7, 5))
        working = days != 10 and rng.random() < 0.5
        rule = {"inspection_id": inspection.pk, "deadline_days": days, "working_days": working}
        self.loader.table(CaseRule).add(rule)
        office = self.users.office[province.unit.pk]
        self.province = province.unit.pk
        sequence: dict[date, int] = {}
        earlier: list[int] = []
        written, number = 0, 0
        day = inspection.stationed_from + timedelta(days=2)
        while day <= inspection.stationed_to and written < remaining:
            number += 1
            size = min(remaining - written, rng.randint(*scale.batch_cases))
            due = day + timedelta(days=days if not working else days + days // 5 * 2)
            batch = self.loader.table(CaseBatch).add(
                {
                    "inspection_id": inspection.pk,
                    "number": number,
                    "title": f"中央生态环境保护督察组交办第{number}批信访件",
                    "received_on": day,
                    "handed_over_on": day,
                    "deadline_days": None,
                    "due_date": due,
                    "jurisdiction_id": province.unit.pk,
                    "created_at": at(day, rng, 18, 20),
                }
            )
            cases = synthetic_cases(
                size,
                regions=list(counties),
                seed=rng.randrange(2**31),
                province=province.case_code,
                round_=inspection.number,
                start=day - timedelta(days=1),
            )
            for position, case in enumerate(cases, start=1):
                self._case(inspection, batch, position, case, counties, sequence, earlier, due, day, office)
            written += size
            day += timedelta(days=1)
        return written

    def _case(self, inspection, batch, position, case, counties, sequence, earlier, due, day, office) -> None:
        rng, as_of = self.rng, self.as_of
        received = date(int(case.number[-12:-8]), int(case.number[-8:-6]), int(case.number[-6:-4]))
        sequence[received] = sequence.get(received, 0) + 1
        number = f"{case.number[:-4]}{sequence[received]:04d}"  # one sequence per day of the inspection
        parsed = parse_case_number(number)
        status, findings = case.status, case.findings
        age = (as_of - day).days
        if status == "in_progress" and age > 90 and rng.random() < 0.8:
            status = "stage_closed" if rng.random() < 0.5 else "closed"
        if status == "in_progress" and age < 30 and rng.random() < 0.5:
            findings = ""  # not investigated yet
        county, city = counties[case.region]
        penalties = {k: (Decimal(v).quantize(QUANT) if k == "fine_amount" else v) for k, v in case.penalties.items()}
        row = {
            "inspection_id": inspection.pk,
            "batch_id": batch,
            "position": position,
            "number": number,
            "number_valid": parsed.valid,
            "number_round": parsed.round,
            "number_province": parsed.province_code,
            "number_date": parsed.received_on,
            "number_sequence": parsed.sequence,
            "channel": parsed.channel,
            "region_id": county.unit.pk,
            "region_text": case.region,
            "pollution_types": [POLLUTION_LABELS[t] for t in case.types],
            "is_key": case.is_key,
            "content": case.content,
            "reported_party": case.party,
            "due_date": due,
            "findings": findings,
            "investigation": self._investigation(case.party, findings) if findings else "",
            "handling": _handling(penalties) if status != "in_progress" else "",
            "accountability": f"对{n}名相关责任人进行问责。" if (n := penalties.get("accountable_persons")) else "",
            "fine_amount": Decimal(0).quantize(QUANT),
            "repeat_of_id": rng.choice(earlier[-500:]) if earlier and rng.random() < 0.01 else None,
            "version": 1,
            **penalties,
        }
        units = []
        for name, share in case.units:
            government = counties[name][0].government.pk
            units.append((government, share if share is not None else Decimal(1) / len(case.units)))
        units = [(unit, Decimal(share).quantize(QUANT)) for unit, share in units]
        if sum(s for _, s in units) != 1:  # thirds: the first unit takes the rounding
            units[0] = (units[0][0], units[0][1] + 1 - sum(s for _, s in units))
        pk = self.loader.table(Case).next_pk()
        row["id"] = pk
        status = self._acceptance(pk, row, status, units, day, county, city.unit.pk, office)
        row["status"] = status
        row["updated_at"] = at(min(as_of, day + timedelta(days=rng.randint(3, 40))), rng)
        self.history.add(
            row
            | {"history_date": at(day, rng, 18, 20), "history_type": "+", "history_change_reason": "add case"}
            | {"history_user_id": office, "status": "in_progress", "findings": ""}
        )
        self.loader.table(Case).add(row)
        for unit, share in units:
            self.loader.table(CaseAssignment).add({"case_id": pk, "unit_id": unit, "share": share})
        earlier.append(pk)
        self.count += 1

    def _investigation(self, party: str, findings: str) -> str:
        return f"经调查核实，{party}存在群众反映的部分情况，反映问题{FINDING_WORDS[findings]}。"

    def _acceptance(self, pk, row, status, units, day, county: County, city: int, office) -> str:
        """Walk a case closed since go-live along the county chain; returns the case's status."""
        rng = self.rng
        if status not in ("closed", "signed_off") or not row["findings"]:
            return "closed" if status == "signed_off" else status
        if self.chain is None or (status == "closed" and rng.random() >= 0.1):
            return status
        # A signed-off case asked within three months of its hand-over; a closed one asks any day since.
        asked = day + timedelta(days=rng.randint(15, 90))
        if status == "closed":
            asked = between(rng, day + timedelta(days=15), self.as_of)
        if asked < self.since:
            return status  # asked before cases were accepted in the system: signed off on paper
        if asked >= self.as_of:
            return "closed"
        chain_pk, workdays, steps = self.chain
        timeline = simulate(rng, steps, workdays, asked, self.as_of)
        requester = self.users.unit[units[0][0]]
        subject = SimpleNamespace(pk=pk, region_id=row["region_id"], pollution_types=row["pollution_types"])
        for name in ("number", "content", "reported_party", "findings", "investigation", "handling", "accountability"):
            setattr(subject, name, row[name])
        for name in ("ordered_to_correct", "suspended", "closed_down", "penalty_cases", "fine_amount"):
            setattr(subject, name, row.get(name, 0))
        for name in ("administrative_detention", "criminal_detention", "interviewed_persons", "accountable_persons"):
            setattr(subject, name, row.get(name, 0))
        subject.status = "closed"
        shares = [SimpleNamespace(unit_id=unit, share=share) for unit, share in sorted(units)]

        def actor(step: Step | None) -> tuple[int, str, int]:
            if step is None or step.actor_level == "plan_office":
                unit, user = self.province, office
            elif step.actor_level == "county":
                unit, user = county.unit.pk, self.users.office[county.unit.pk]
            else:
                unit, user = city, self.users.reviewer[city]
            return user, self.users.names[user], unit

        write_request(
            self.loader,
            rng,
            timeline,
            pk=self.requests.next_pk(),
            item={"case_id": pk},
            chain=chain_pk,
            unit=units[0][0],
            requester=(requester, self.users.names[requester]),
            report="已按要求完成调查处理，反映问题已整改到位，群众回访满意。",
            head=f"{county.unit.name}人民政府主要负责人 {person_name(rng)}",
            notice_text=f"信访件{row['number']}已办结并通过验收，销号前予以公示。",
            actor_for=actor,
            content_for=lambda req: case_content_of(subject, shares, req, [], hash_file=None),
        )
        return "signed_off" if timeline.status == "signed_off" else "closed"


def _handling(penalties: dict) -> str:
    parts = ["责令被举报单位立即整改"]
    if penalties.get("penalty_cases"):
        parts.append(f"立案处罚{penalties['penalty_cases']}起，罚款{penalties['fine_amount'].normalize()}万元")
    if penalties.get("suspended"):
        parts.append("责令停产整治")
    if penalties.get("closed_down"):
        parts.append("依法关停取缔")
    return "，".join(parts) + "。"
