"""The city plan's second category: the problems from the special inspection (第八项 to 第十项)."""

from __future__ import annotations

from typing import Any

from zhenggai.demo.data.common import (
    ACCEPT,
    COMPLETED,
    COOP,
    IN_PROGRESS,
    LEAD,
    LEADER,
    PERSON,
    SUPERVISE,
    Raw,
)

SPECIAL_PROBLEMS: list[dict[str, Any]] = [
    {
        "key": "p8",
        "number": 8,
        "number_text": "第八项",
        "title": "历史遗留矿山生态修复和河道采砂监管不到位",
        "description": (
            "全市登记在册的历史遗留废弃矿山中仍有较大面积未完成修复，部分矿坑积水、边坡裸露；"
            "溪山县澄溪河段多次发生夜间盗采河砂，有关部门发现后未及时移交查处。"
            "本项问题分（一）（二）两个方面整改。"
        ),
        "deadline": "",
        "roles": {SUPERVISE: ["市生态环境局"]},
        "aspects": [
            {
                "key": "p8-1",
                "number": 1,
                "number_text": "（一）",
                "title": "历史遗留废弃矿山生态修复进度滞后",
                "description": (
                    "全市仍有37处、约2100亩历史遗留废弃矿山未完成生态修复，部分矿坑积水、边坡裸露，存在地质灾害隐患。"
                ),
                "deadline": "2027年年底前",
                "targets": [("", "全部历史遗留废弃矿山完成生态修复，修复后的土地因地制宜用作林地、耕地或景观。", "")],
                "roles": {
                    LEAD: ["市自然资源局", "各县区政府"],
                    COOP: ["市发展改革委"],
                    SUPERVISE: ["市生态环境局"],
                    ACCEPT: ["市自然资源局"],
                    LEADER: ["乔振华"],
                    PERSON: ["顾明哲"],
                },
                "measures": [
                    (
                        "1.",
                        "逐点核查废弃矿山图斑，建立修复台账，明确修复方式、责任主体和资金来源。",
                        "2025年12月31日前",
                        COMPLETED,
                        {LEAD: ["市自然资源局"]},
                    ),
                    (
                        "2.",
                        "按照宜林则林、宜耕则耕的原则分年度实施修复工程，各县区向市整改办报告进展。",
                        "每半年报告一次，2027年年底前全部完成",
                        IN_PROGRESS,
                        {LEAD: ["各县区政府"]},
                    ),
                ],
            },
            {
                "key": "p8-2",
                "number": 2,
                "number_text": "（二）",
                "title": "溪山县澄溪河段非法采砂问题",
                "description": (
                    "溪山县澄溪柳塘至下坝河段多次发生夜间盗采河砂，河床下切、堤岸受损，有关部门发现后未及时移交查处。"
                ),
                "deadline": "立即启动，2025年11月底前完成",
                "targets": [("", "澄溪河段非法采砂行为得到彻底遏制，受损堤岸完成修复。", "")],
                "roles": {
                    LEAD: ["溪山县政府"],
                    COOP: ["柳塘镇政府", "市水务局"],
                    SUPERVISE: ["市水务局"],
                    LEADER: ["陶景行"],
                    PERSON: ["贝文涛"],
                },
                "measures": [
                    (
                        "（一）",
                        "组织水务、公安、自然资源等部门开展联合执法，依法查处盗采河砂行为。",
                        "立行立改",
                        COMPLETED,
                        {},
                    ),
                    (
                        "（二）",
                        "在重点河段安装视频监控，建立河道采砂日常巡查和案件移交机制。",
                        "2025年11月底前",
                        COMPLETED,
                        {LEAD: ["柳塘镇政府"]},
                    ),
                ],
            },
        ],
    },
    {
        "key": "p9",
        "number": 9,
        "number_text": "第九项",
        "title": "县级饮用水水源保护区内违规建设问题清理不彻底",
        "description": (
            "全市部分县级集中式饮用水水源地一级保护区内仍有与供水设施无关的建筑物，"
            "二级保护区内存在农家乐、垂钓点等经营活动，生活污水未经收集直接排放。"
        ),
        "deadline": "2026年6月30日前",
        "targets": [("", "县级饮用水水源保护区内违规建筑和经营活动全部清理，水源地水质稳定达标。", "")],
        "roles": {
            LEAD: ["各县区政府"],
            COOP: ["市生态环境局", "市水务局"],
            SUPERVISE: ["市政府办公室"],
            ACCEPT: ["市生态环境局"],
            LEADER: [Raw("各县区政府分管负责同志")],
            PERSON: [Raw("水源地所在乡镇主要负责同志")],
        },
        "measures": [
            (
                "（一）",
                "开展水源保护区环境问题排查整治，拆除一级保护区内违规建筑。",
                "2026年3月底前",
                COMPLETED,
                {},
            ),
            ("（二）", "规范设置保护区界标、警示牌和隔离防护设施。", "2026年6月30日前", COMPLETED, {}),
            (
                "（三）",
                "开展水源地水质全指标监测并向社会公开结果。",
                "每季度",
                IN_PROGRESS,
                {LEAD: ["市生态环境局"]},
            ),
        ],
    },
    {
        "key": "p10",
        "number": 10,
        "number_text": "第十项",
        "title": "溪山县翠屏水库一级保护区内网箱养殖未清理",
        "description": (
            "溪山县翠屏水库是县城主要饮用水水源，一级保护区水域内仍有网箱养殖约40亩，投饵养殖导致库区总磷浓度上升。"
        ),
        "deadline": "2026年6月30日前",
        "roles": {LEAD: ["溪山县政府"], COOP: ["市农业农村局"], LEADER: ["陶景行"], PERSON: ["贝文涛"]},
        "measures": [
            (
                "",
                "全部拆除保护区内养殖网箱，依法对养殖户给予补偿并引导转产转业。",
                "2026年3月底前",
                COMPLETED,
                {},
            ),
        ],
    },
]
