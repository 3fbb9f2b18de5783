"""Choices for complaint cases, in the vocabulary of the inspections' disclosure tables."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Channel(models.TextChoices):
    """来源: how the complaint reached the inspection team."""

    PHONE = "phone", _("Telephone")  # 来电
    LETTER = "letter", _("Letter")  # 来信
    WECHAT = "wechat", _("WeChat")  # 微信
    ONLINE = "online", _("Online")  # 网络


class PollutionType(models.TextChoices):
    """污染类型; a case may have several."""

    AIR = "air", _("Air")  # 大气
    WATER = "water", _("Water")  # 水
    SOIL = "soil", _("Soil")  # 土壤
    NOISE = "noise", _("Noise")  # 噪声
    SOLID_WASTE = "solid_waste", _("Solid waste")  # 固废
    ECOLOGY = "ecology", _("Ecology")  # 生态
    RADIATION = "radiation", _("Radiation")  # 辐射
    OTHER = "other", _("Other")  # 其他


class Findings(models.TextChoices):
    """是否属实: what the investigation found."""

    TRUE = "true", _("True")  # 属实
    PARTLY = "partly", _("Partly true")  # 部分属实
    UNTRUE = "untrue", _("Untrue")  # 不属实


class CaseStatus(models.TextChoices):
    """办理情况: handling status. Only the office moves a case to signed off, and only from closed."""

    IN_PROGRESS = "in_progress", _("Being handled")  # 正在办理
    STAGE_CLOSED = "stage_closed", _("Closed for this stage")  # 阶段性办结
    CLOSED = "closed", _("Closed")  # 已办结
    SIGNED_OFF = "signed_off", _("Accepted and signed off")  # 已验收销号


class ImportStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Running")
    DONE = "done", _("Imported")
    FAILED = "failed", _("Failed")


# 办结 in the official figures: 已办结 and 已验收销号.
CLOSED_STATUSES = (CaseStatus.CLOSED, CaseStatus.SIGNED_OFF)
# 核查属实 (the basis of one official rate): 属实 and 部分属实.
TRUE_FINDINGS = (Findings.TRUE, Findings.PARTLY)
# Statuses a unit or the office may set by recording handling; signing off is a separate action.
HANDLING_STATUSES = (CaseStatus.IN_PROGRESS, CaseStatus.STAGE_CLOSED, CaseStatus.CLOSED)
ACTIVE_IMPORT_STATUSES = (ImportStatus.QUEUED, ImportStatus.RUNNING)

# Labels as the documents write them (the import reads them, the disclosure writes them).
CHANNEL_LABELS = {"来电": Channel.PHONE, "电话": Channel.PHONE, "来信": Channel.LETTER, "信件": Channel.LETTER}
CHANNEL_LABELS |= {"微信": Channel.WECHAT, "网络": Channel.ONLINE, "网上": Channel.ONLINE, "网站": Channel.ONLINE}
POLLUTION_LABELS = {
    "大气": PollutionType.AIR,
    "水": PollutionType.WATER,
    "土壤": PollutionType.SOIL,
    "噪声": PollutionType.NOISE,
    "固废": PollutionType.SOLID_WASTE,
    "生态": PollutionType.ECOLOGY,
    "辐射": PollutionType.RADIATION,
    "其他": PollutionType.OTHER,
    "其它": PollutionType.OTHER,
}
FINDINGS_CHINESE = {Findings.TRUE: "属实", Findings.PARTLY: "部分属实", Findings.UNTRUE: "不属实"}
