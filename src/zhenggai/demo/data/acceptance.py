"""The acceptance part of the demo (验收销号): one problem signed off through the whole city chain, one
in 公示 now (its public page takes objections), so every acceptance page has something to show.

The city chain is 市级验收 (the city reviewer) → 公示 (the city office) → 省级备案销号 (the province
office). The finished story happened before today: its notice window is moved into the past before it
is closed, because the procedure (rightly) refuses to close a notice that is still running.
"""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING

from django.utils import timezone

from zhenggai.acceptance import actions
from zhenggai.acceptance.choices import CHECKLIST
from zhenggai.acceptance.models import PublicNotice
from zhenggai.accounts.models import User

if TYPE_CHECKING:
    from zhenggai.demo.data.builder import DemoBuilder

__all__ = ["build_acceptance"]

ALL_MET = {key: True for key, _label in CHECKLIST}


def build_acceptance(b: DemoBuilder) -> None:
    users = {name: User.objects.get(username=name) for name in ("office", "reviewer", "province")}
    _signed_off(b, users)
    _in_notice(b, users)


def _signed_off(b: DemoBuilder, users) -> None:
    """第三项: requested by the city office for 松原区政府 (which has no login in the demo), signed off."""
    request = actions.request_acceptance(
        b.problems["p3"],
        acting_user=users["office"],
        report="松原区对照整改目标逐项自查：四项措施均已完成，扬尘在线监测数据连续三个月达标，已建立巡查制度。",
        signed_by_head="松原区区长 罗启明",
        checklist=ALL_MET,
    )
    actions.decide_step(
        request, acting_user=users["reviewer"], decision="pass", opinion="现场核查属实，材料齐全，同意通过市级验收。"
    )
    notice = request.notices.get()
    past_end = timezone.localdate() - timedelta(days=1)
    PublicNotice.objects.filter(pk=notice.pk).update(starts_on=past_end - timedelta(days=6), ends_on=past_end)
    actions.close_notice(request, acting_user=users["office"])
    actions.decide_step(request, acting_user=users["province"], decision="pass", opinion="同意备案销号。")


def _in_notice(b: DemoBuilder, users) -> None:
    """第八项（二）: requested by the city office, passed by the city reviewer, in 公示 from today."""
    request = actions.request_acceptance(
        b.problems["p8-2"],
        acting_user=users["office"],
        report="两项措施均已按期完成，现场复查未发现反弹，群众回访满意。",
        signed_by_head="青岚市生态环境局局长 周明远",
        checklist=ALL_MET,
    )
    actions.decide_step(request, acting_user=users["reviewer"], decision="pass", opinion="同意通过市级验收，进入公示。")
