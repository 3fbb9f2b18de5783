"""Invented names for the synthetic data set: places, departments, people, posts.

Every name is made up from a pool of characters common in Chinese place names; none is meant to be a
real place or person. Province and city names are unique across the country, so a name found in a
document resolves to one unit, as real names (mostly) do.
"""

from __future__ import annotations

import random

__all__ = [
    "CITY_DEPTS",
    "COUNTY_DEPTS",
    "PROVINCE_DEPTS",
    "SUCCESSIONS",
    "PlaceNames",
    "person_name",
]

# Characters that read as place names (山, 江, 安, 宁 …); pairs of them make 7 000+ distinct names.
PLACE_CHARS = "".join(  # each character once, so no name repeats one (溪溪县)
    dict.fromkeys(
        "云岭青岚溪山白石江河湖海安平宁远华兴丰泰隆昌明光嘉德永和新康临沧武威金川"
        "东西南北阳泉源清涟桂林松柏梅竹兰阜盛定襄汾渭洛沂淮汉湘赣闽黔滇陇秦晋鲁"
        "豫皖苏浙川渝藏疆蒙辽吉黑长春宝鸡凤翔岳麓衡柳梧曲靖玉溪丽水舟岱崇仁乐"
    )
)

# Departments, in the order the generator assigns them (the first entries hold most tasks).
PROVINCE_DEPTS = (
    "人民政府办公厅 生态环境厅 自然资源厅 住房和城乡建设厅 水利厅 农业农村厅 林业和草原局 "
    "工业和信息化厅 发展和改革委员会 交通运输厅 公安厅 财政厅 市场监督管理局 应急管理厅 "
    "商务厅 文化和旅游厅 卫生健康委员会 教育厅 科学技术厅 司法厅 审计厅 统计局 能源局 "
    "国有资产监督管理委员会 地方金融管理局 气象局 海事局 通信管理局 人力资源和社会保障厅 民政厅"
).split()
CITY_DEPTS = (
    "人民政府办公室 生态环境局 自然资源局 住房和城乡建设局 水务局 农业农村局 林业和草原局 "
    "工业和信息化局 发展和改革委员会 交通运输局 公安局 财政局 市场监督管理局 应急管理局 "
    "城市管理综合执法局 商务局 文化和旅游局 卫生健康委员会 教育局 科学技术局 司法局 审计局 "
    "统计局 国有资产监督管理委员会 行政审批服务局 气象局 园林局 人力资源和社会保障局 民政局 开发区管委会"
).split()
COUNTY_DEPTS = (
    "生态环境分局 自然资源局 住房和城乡建设局 水务局 农业农村局 林业和草原局 "
    "工业和信息化局 发展和改革局 交通运输局 公安局 市场监督管理局 应急管理局"
).split()

# 机构改革 (2018–2019): the old department and the one that took over its duties, per level.
SUCCESSIONS = {
    "province": (("环境保护厅", "生态环境厅"), ("国土资源厅", "自然资源厅")),
    "city": (("环境保护局", "生态环境局"), ("国土资源局", "自然资源局")),
}

SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蔡蒋余于杜叶程魏苏吕丁任沈"
    "姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
)
GIVEN_CHARS = "建国志明海涛晓东立新红梅丽华文军伟强敏静磊洋勇艳杰娟涛超秀英霞平刚桂兰玉兰宏亮春林俊峰德成雪松永辉瑞云"


def person_name(rng: random.Random) -> str:
    """An invented two- or three-character personal name."""
    given = "".join(rng.choice(GIVEN_CHARS) for _ in range(rng.choice((1, 2, 2, 2))))
    return rng.choice(SURNAMES) + given


class PlaceNames:
    """Unique invented place names: two characters from ``PLACE_CHARS`` (three once pairs run out)."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.taken: set[str] = set()

    def new(self) -> str:
        for length in (2, 2, 2, 2, 2, 2, 2, 2, 3, 3, 3, 3, 3, 3, 3, 3):
            name = "".join(self.rng.sample(PLACE_CHARS, length))
            if name not in self.taken:
                self.taken.add(name)
                return name
        raise RuntimeError("no unused place name left")  # never with ~7 000 pairs and 600 000 triples
