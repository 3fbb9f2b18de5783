"""Choices of the accountability app, in the words of the documents (003: 厅级/处级/科级以下; 党纪政务处分 …)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class InvestigationStatus(models.TextChoices):
    """Where the investigation of a transferred problem stands."""

    INVESTIGATING = "investigating", _("Under investigation")  # 调查中
    CONCLUDED = "concluded", _("Investigation concluded")  # 已查结
    HANDLED = "handled", _("Handled")  # 已处理


class Rank(models.TextChoices):
    """The rank of a person held accountable, as 003 counts them."""

    BUREAU = "bureau", _("Department/bureau level")  # 厅级
    DIVISION = "division", _("Division level")  # 处级
    SECTION = "section", _("Section level and below")  # 科级及以下


class Sanction(models.TextChoices):
    """The kind of sanction; the exact measure (党内警告, 记过 …) is ``AccountablePerson.sanction_detail``."""

    DISCIPLINARY = "disciplinary", _("Party or administrative discipline")  # 党纪政务处分
    ADMONITION = "admonition", _("Admonishment talk")  # 诫勉谈话
    ORGANIZATIONAL = "organizational", _("Organisational handling")  # 组织处理
    OTHER = "other", _("Other handling")  # 其他


# The words a public disclosure uses, fixed rather than translated: a published snapshot reads the same
# whatever the publisher's language and whether or not the catalogue has been compiled.
PUBLIC_LABELS: dict[str, str] = {
    InvestigationStatus.INVESTIGATING: "调查中",
    InvestigationStatus.CONCLUDED: "已查结",
    InvestigationStatus.HANDLED: "已处理",
    Rank.BUREAU: "厅级",
    Rank.DIVISION: "处级",
    Rank.SECTION: "科级及以下",
    Sanction.DISCIPLINARY: "党纪政务处分",
    Sanction.ADMONITION: "诫勉谈话",
    Sanction.ORGANIZATIONAL: "组织处理",
    Sanction.OTHER: "其他",
}
