"""Choices for the organisation registry."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class UnitLevel(models.TextChoices):
    """Where a unit sits. Province/city/county/township units are jurisdictions (辖区)."""

    PROVINCE = "province", _("Province")  # 省级
    CITY = "city", _("City")  # 市级
    COUNTY = "county", _("County")  # 县级
    TOWNSHIP = "township", _("Township")  # 乡镇
    DEPARTMENT = "department", _("Department")  # 部门
    ENTERPRISE = "enterprise", _("Enterprise")  # 企业
    COLLECTIVE = "collective", _("Collective")  # 集合称谓, e.g. 各县区政府
    OTHER = "other", _("Other")


JURISDICTION_LEVELS = (UnitLevel.PROVINCE, UnitLevel.CITY, UnitLevel.COUNTY, UnitLevel.TOWNSHIP)
