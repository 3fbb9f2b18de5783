"""Template helpers for the portal's buttons on internal pages (the plan page's publish button)."""

from __future__ import annotations

from django import template

from zhenggai.portal.actions import may_publish, plan_publishable

register = template.Library()


@register.filter
def publishable_by(plan, user) -> bool:
    """``{% if plan|publishable_by:user %}``: an approved or published plan (never a draft), and the
    plan's office (or above) or an administrator. No query when the plan's jurisdiction and the user's
    unit are loaded (the plan page loads both)."""
    return plan_publishable(plan) and may_publish(user, plan.jurisdiction)
