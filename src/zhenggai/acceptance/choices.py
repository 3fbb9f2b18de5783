"""Choices of acceptance and sign-off (验收销号)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class StepKind(models.TextChoices):
    """What a step of an acceptance chain does."""

    REVIEW = "review", _("Review")  # 初验、核查认定、复核、验收、审签、备案
    NOTICE = "notice", _("Public notice")  # 公示
    SIGN_OFF = "sign_off", _("Sign-off")  # 销号


class SubjectKind(models.TextChoices):
    """What a chain or a request is about: a problem of a plan, or a complaint case (信访件)."""

    PROBLEM = "problem", _("Problems")  # 督察反馈问题
    CASE = "case", _("Complaint cases")  # 交办信访件


class ActorLevel(models.TextChoices):
    """Who acts on a step: the office or reviewer of a level above (or at) the plan's jurisdiction,
    or the problem's acceptance unit (验收单位)."""

    COUNTY = "county", _("County level")
    CITY = "city", _("City level")
    PROVINCE = "province", _("Province level")
    ACCEPTANCE_UNIT = "acceptance_unit", _("The problem's acceptance unit")
    PLAN_OFFICE = "plan_office", _("The plan's own office")


class RequestStatus(models.TextChoices):
    IN_REVIEW = "in_review", _("Under review")  # 验收中
    IN_NOTICE = "in_notice", _("In public notice")  # 公示中
    RETURNED = "returned", _("Returned")  # 退回整改
    SIGNED_OFF = "signed_off", _("Signed off")  # 已销号
    WITHDRAWN = "withdrawn", _("Withdrawn")


OPEN_REQUEST_STATUSES = (RequestStatus.IN_REVIEW, RequestStatus.IN_NOTICE)


class Decision(models.TextChoices):
    PASS = "pass", _("Pass")  # 通过
    RETURN = "return", _("Return")  # 退回


class ObjectionStatus(models.TextChoices):
    OPEN = "open", _("Open")
    UPHELD = "upheld", _("Upheld")  # 异议成立: the request goes back
    DISMISSED = "dismissed", _("Dismissed")  # 异议不成立


class ReopenKind(models.TextChoices):
    REBOUND = "rebound", _("Rebound")  # 问题反弹
    LOOKBACK = "lookback", _("Look-back finding")  # 回头看发现


class FindingResult(models.TextChoices):
    PENDING = "pending", _("Not yet checked")
    PASSED = "passed", _("Holds")  # 整改成效巩固
    FAILED = "failed", _("Failed")  # 未整改到位/反弹


# The acceptance standards a request is checked against (验收标准), in the order shown.
CHECKLIST = (
    ("measures_done", _("All rectification measures are completed")),
    ("violations_punished", _("Violations have been investigated and punished")),
    ("meets_norms", _("The results meet laws, regulations and technical norms")),
    ("similar_fixed", _("The same kind of problem was fixed elsewhere too (举一反三)")),
    ("root_cause_removed", _("The root cause is removed and a long-term mechanism is in place")),
)
