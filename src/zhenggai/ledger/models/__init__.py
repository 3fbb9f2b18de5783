"""Ledger models; split by sub-domain, re-exported here."""

from zhenggai.ledger.models.plans import Category, Inspection, Plan, PlanRevision, PlanRevisionChange
from zhenggai.ledger.models.problems import Assignment, Measure, Problem, Target

__all__ = [
    "Assignment",
    "Category",
    "Inspection",
    "Measure",
    "Plan",
    "PlanRevision",
    "PlanRevisionChange",
    "Problem",
    "Target",
]
