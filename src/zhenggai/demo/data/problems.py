"""The problem specs: the first-round city plan, the province plan, and the third-round city plan.

The city plan's two categories are long enough to live in their own modules
(``problems_routine`` and ``problems_special``); they are re-exported here so that
every spec is reached through this module.
"""

# Specs: key, number, number_text, title, description, cause, deadline, targets
# [(number_text, text, deadline)], roles {role: [unit key | person name | Raw]}, measures
# [(number_text, text, deadline, status, roles)], aspects [child specs].

from __future__ import annotations

from typing import Any

from zhenggai.demo.data.common import COMPLETED, COOP, IN_PROGRESS, LEAD, LEADER, NOT_STARTED, PERSON, SUPERVISE, Raw
from zhenggai.demo.data.problems_routine import ROUTINE_PROBLEMS
from zhenggai.demo.data.problems_special import SPECIAL_PROBLEMS

__all__ = [
    "FIRST_ROUND_PROBLEMS",
    "P6_DESCRIPTION_AMENDED",
    "PROVINCE_PROBLEMS",
    "ROUTINE_PROBLEMS",
    "SPECIAL_PROBLEMS",
    "THIRD_ROUND_STATUSES",
]

FIRST_ROUND_PROBLEMS: list[dict[str, Any]] = [
    {
        "key": "r1-mines",
        "number": 1,
        "number_text": "第一项",
        "title": "青岚河沿岸小矿山开发无序，生态修复欠账较多",
        "description": (
            "青岚河中游沿岸分布着数十家小型采石、采砂企业，矿权分散、规模小、开采方式粗放，"
            "部分矿山越界开采，闭坑后未按方案复垦，河岸山体破损明显。"
        ),
        "deadline": "2018年年底前完成矿权整合，生态修复长期坚持",
        "targets": [("", "沿岸小矿山完成整合重组，闭坑矿山全部落实复垦和生态修复责任。", "")],
        "roles": {
            LEAD: ["市国土资源局"],
            COOP: ["各县区政府", "市生态环境局"],
            LEADER: ["乔振华"],
            PERSON: ["钱守一"],
        },
        "measures": [
            (
                "（一）",
                "编制青岚河沿岸矿产资源整合方案，关停整合规模以下矿山，不再新设零星采矿权。",
                "2018年年底前",
                COMPLETED,
                {LEAD: ["市国土资源局"]},
            ),
            (
                "（二）",
                "逐矿落实闭坑矿山复垦和生态修复责任主体，按年度下达修复计划并组织验收。",
                "长期坚持",
                IN_PROGRESS,
                {LEAD: ["市国土资源局"], COOP: ["各县区政府"]},
            ),
        ],
    },
    {
        "key": "r1-boilers",
        "number": 2,
        "number_text": "第二项",
        "title": "城区燃煤小锅炉淘汰进度滞后",
        "description": "青岚市建成区内仍有一批10蒸吨以下燃煤锅炉在用，采暖季城区颗粒物浓度明显上升。",
        "deadline": "2018年10月31日前",
        "targets": [("", "建成区10蒸吨以下燃煤锅炉全部淘汰或完成清洁能源改造。", "")],
        "roles": {LEAD: ["市住建局"], COOP: ["市市场监管局"], LEADER: ["林书远"], PERSON: ["唐立群"]},
        "measures": [
            (
                "",
                "对建成区燃煤锅炉建立清单，分批实施拆除或煤改气、煤改电，完成一台销号一台。",
                "2018年10月31日前",
                COMPLETED,
                {},
            )
        ],
    },
]

PROVINCE_PROBLEMS: list[dict[str, Any]] = [
    {
        "key": "prov-river",
        "number": 6,
        "number_text": "第六项",
        "title": "青岚河流域水环境质量改善不力",
        "description": (
            "青岚河流域城镇污水收集处理能力不足，沿河养殖污染未得到有效控制，"
            "干流部分断面水质在汛期反复超标，流域治理缺少统筹。"
        ),
        "deadline": "2027年6月30日前",
        "targets": [("", "青岚河干流国控、省控断面水质稳定达到考核目标。", "")],
        "roles": {LEAD: ["市政府"], SUPERVISE: ["省生态环境厅"], LEADER: [Raw("青岚市人民政府主要负责同志")]},
        "measures": [],
    },
    {
        "key": "prov-reserve",
        "number": 9,
        "number_text": "第九项",
        "title": "部分自然保护区历史遗留问题整改迟缓",
        "description": "白石山等省级自然保护区内采石、小水电等历史遗留问题清理进度慢，保护区边界与实际管理范围不符。",
        "deadline": "2026年年底前",
        "targets": [("", "保护区内历史遗留问题全部完成清理整治。", "")],
        "roles": {LEAD: ["市政府"], SUPERVISE: ["省自然资源厅", "省生态环境厅"]},
        "measures": [],
    },
]

P6_DESCRIPTION_AMENDED = (
    "青岚市生活垃圾卫生填埋场超设计库容运行，渗滤液处理设施日处理能力仅为日产生量的六成左右，"
    "调节池积存渗滤液约3.2万立方米，长期高液位运行，雨季存在外溢风险。整治范围包括填埋场本体、"
    "调节池及下游500米排洪沟。"
)

# Where the third-round problems stand on the demo's "today" (late 2026).
THIRD_ROUND_STATUSES: dict[str, str] = {
    "prov-river": IN_PROGRESS,
    "prov-reserve": IN_PROGRESS,
    "p1": IN_PROGRESS,
    "p2": IN_PROGRESS,
    "p3": COMPLETED,
    "p4": NOT_STARTED,
    "p5": IN_PROGRESS,  # due 2026年9月底前: overdue
    "p6": COMPLETED,
    "p7": IN_PROGRESS,
    "p8": IN_PROGRESS,
    "p8-1": IN_PROGRESS,
    "p8-2": COMPLETED,
    "p9": COMPLETED,
    "p10": COMPLETED,
}
