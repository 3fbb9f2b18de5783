"""Synthetic complaint batches for tests and benchmarks: invented text, realistic proportions.

``synthetic_cases(n, regions=…, seed=…)`` returns ``n`` cases with what the inspection team hands
over (number, region, complaint, pollution types, channel, key flag, reported party, responsible
units — some co-handled by two or three regions with shares) and an invented outcome of the handling
(findings with 3–16 % untrue, status, penalty counts). ``batch_workbook(cases)`` writes the hand-over
part as the .xlsx a province would upload. Everything is deterministic for a given seed; all names
and texts are made up.
"""

from __future__ import annotations

import io
import random
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from openpyxl import Workbook

from zhenggai.cases.choices import CaseStatus, Findings

__all__ = ["HEADER", "SyntheticCase", "batch_workbook", "synthetic_cases"]

HEADER = ("序号", "受理编号", "行政区域", "信访内容", "污染类型", "来源", "重点", "被举报对象", "责任单位")

_PLACES = ("河湾村", "东岭工业园", "北坡镇", "青石社区", "南渠街道", "老窑沟", "柳林新区", "西岸码头")
_PARTIES = (
    "某某建材有限公司",
    "某某养殖场",
    "某某砂石料厂",
    "某某化工有限公司",
    "某某洗车店",
    "某某餐饮店",
    "某某物流园",
)
_COMPLAINTS = {
    "大气": "夜间排放刺鼻气体，周边居民门窗不敢打开",
    "水": "生产废水经暗管排入河道，河水发黑发臭",
    "土壤": "废渣长期露天堆放，雨后渗滤液污染农田",
    "噪声": "机器轰鸣至凌晨，严重影响周边住户休息",
    "固废": "建筑垃圾和生活垃圾随意倾倒在河岸边",
    "生态": "在林地内违规采砂，破坏植被和山体",
    "辐射": "居民楼顶新设基站，群众担心电磁辐射",
    "其他": "反映多次无人处理，要求彻底整治",
}
_TYPES = tuple(_COMPLAINTS)


@dataclass
class SyntheticCase:
    number: str
    region: str
    content: str
    types: list[str]
    channel: str  # 来电 / 来信 / 微信
    is_key: bool
    party: str
    units: list[tuple[str, Decimal | None]]  # (name, share or None for equal shares)
    findings: str = ""
    status: str = CaseStatus.IN_PROGRESS
    penalties: dict[str, object] = field(default_factory=dict)

    @property
    def units_text(self) -> str:
        return "、".join(f"{name}（{share}）" if share is not None else name for name, share in self.units)


def synthetic_cases(
    n: int,
    *,
    regions: list[str],
    seed: int = 7,
    province: str = "SX",
    round_: int = 3,
    start: date = date(2025, 5, 28),
    co_handled: float = 0.08,
) -> list[SyntheticCase]:
    """``n`` invented cases over ``regions`` (names the registry resolves)."""
    rng = random.Random(seed)
    untrue_share = rng.uniform(0.03, 0.16)
    cases = []
    per_day: dict[date, int] = {}
    for index in range(n):
        # Received on ``start`` and the two days before: a batch holds what came in before its hand-over.
        day = start - timedelta(days=index * 3 // max(n, 1))
        per_day[day] = per_day.get(day, 0) + 1
        channel = rng.choices(("来电", "来信", "微信"), weights=(6, 3, 1))[0]
        letter = {"来电": "D", "来信": "X", "微信": "W"}[channel]
        types = rng.sample(_TYPES[:7], k=rng.choice((1, 1, 1, 2, 3)))
        region = rng.choice(regions)
        place = rng.choice(_PLACES)
        party = rng.choice(_PARTIES).replace("某某", rng.choice(("宏达", "兴旺", "金源", "鑫盛", "长青")))
        content = f"{region}{place}{party}" + "；".join(_COMPLAINTS[t] for t in types) + "。"
        units: list[tuple[str, Decimal | None]] = [(region, None)]
        if len(regions) > 1 and rng.random() < co_handled:
            other = rng.choice([r for r in regions if r != region])
            units = (
                [(region, Decimal("0.5")), (other, Decimal("0.5"))]
                if rng.random() < 0.7
                else [(region, None), (other, None)]
            )
        case = SyntheticCase(
            number=f"{letter}{round_}{province}{day:%Y%m%d}{per_day[day]:04d}",
            region=region,
            content=content,
            types=types,
            channel=channel,
            is_key=rng.random() < 0.1,
            party=party,
            units=units,
        )
        _outcome(case, rng, untrue_share)
        cases.append(case)
    return cases


def _outcome(case: SyntheticCase, rng: random.Random, untrue_share: float) -> None:
    roll = rng.random()
    case.findings = (
        Findings.UNTRUE if roll < untrue_share else rng.choice((Findings.TRUE, Findings.TRUE, Findings.PARTLY))
    )
    case.status = rng.choices(
        (CaseStatus.IN_PROGRESS, CaseStatus.STAGE_CLOSED, CaseStatus.CLOSED, CaseStatus.SIGNED_OFF),
        weights=(1, 2, 5, 2),
    )[0]
    if case.findings == Findings.UNTRUE:
        return
    case.penalties = {
        "ordered_to_correct": rng.choice((0, 0, 1, 1, 2)),
        "suspended": rng.choice((0, 0, 0, 1)),
        "closed_down": rng.choice((0, 0, 0, 0, 1)),
        "penalty_cases": (filed := rng.choice((0, 0, 1))),
        "fine_amount": Decimal(rng.randint(1, 500)) / 100 if filed else Decimal(0),
        "interviewed_persons": rng.choice((0, 0, 1, 2)),
        "accountable_persons": rng.choice((0, 0, 0, 1)),
    }


def batch_workbook(cases: list[SyntheticCase], *, title: str = "第1批交办信访件") -> bytes:
    """The hand-over sheet of ``cases`` (a title row above the header, as the provinces send it)."""
    book = Workbook(write_only=True)
    sheet = book.create_sheet("交办清单")
    sheet.append([title])
    sheet.append(list(HEADER))
    for serial, case in enumerate(cases, start=1):
        sheet.append(
            [
                serial,
                case.number,
                case.region,
                case.content,
                "、".join(case.types),
                case.channel,
                "是" if case.is_key else "",
                case.party,
                case.units_text,
            ]
        )
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
