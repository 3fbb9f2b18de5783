"""Who sees acceptance requests: those whose problem or complaint case the user sees (one rule each,
``Problem.objects.visible_to`` and ``Case.objects.visible_to``)."""

from __future__ import annotations

from django.apps import apps
from django.db import models

from zhenggai.accounts.scope import ALL, scope_for
from zhenggai.progress.querysets import _visible_problems


class AcceptanceRequestQuerySet(models.QuerySet):
    def visible_to(self, user) -> AcceptanceRequestQuerySet:
        """Requests on a visible problem or a visible case: a UNION of the two indexed lookups turned
        into one ``pk IN (…)`` (an OR across the two joins would make PostgreSQL hash every row)."""
        if scope_for(user).kind == ALL:
            return self
        case_model = apps.get_model("cases", "Case")
        own = self.model.objects
        on_problems = own.filter(problem__in=_visible_problems(user)).order_by().values("pk")
        on_cases = own.filter(case__in=case_model.objects.visible_to(user).values("pk")).order_by().values("pk")
        return self.filter(pk__in=on_problems.union(on_cases))

    def office_of(self, user) -> AcceptanceRequestQuerySet:
        """Requests whose office the user is: on the plans the user may change, or on the cases of the
        batches the user manages (``subjects.CaseSubject.is_office``); one ``pk IN (… UNION …)``."""
        plans = apps.get_model("ledger", "Plan").objects.editable_by(user).values("pk")
        batches = apps.get_model("cases", "CaseBatch").objects.manageable_by(user).values("pk")
        own = self.model.objects.order_by()
        on_plans = own.filter(problem__plan__in=plans).values("pk")
        on_cases = own.filter(case__batch__in=batches).values("pk")
        return self.filter(pk__in=on_plans.union(on_cases))

    def on_problems(self) -> AcceptanceRequestQuerySet:
        return self.filter(problem__isnull=False)

    def on_cases(self) -> AcceptanceRequestQuerySet:
        return self.filter(case__isnull=False)
