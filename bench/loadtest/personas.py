"""What the simulated users do: the mix of reads and writes per kind of user, and the shared pools of
writes (report slots, acceptance requests waiting for a decision or a resubmission).

Every write carries a fresh marker (``LT-<uuid hex>``) in the text it stores — a report's narrative, a
decision's opinion, a resubmitted acceptance report — and is logged with the status the server
answered, so ``fixtures.py verify`` can count it in the database afterwards.

Pools hand a slot or a request to one user at a time, so two simulated users never collide by accident;
the one deliberate collision is ``report_retry_api``: a report already acknowledged is sent again with
the same body and marker, as a client does after a lost response, and must be refused (409) and stored
once.
"""

from __future__ import annotations

import random
import re
import threading
import uuid
from collections import deque
from datetime import date, timedelta
from typing import Any

from client import Session, form_token, hidden_fields

_REPORT_DONE = re.compile(r"/progress/problems/(\d+)/reports/#report-(\d+)$")

# (action, weight) per kind of user. A decision or resubmission falls back to a read when no request waits
# for this user; a page report to an API report once the page's periods are all reported.
MIX: dict[str, list[tuple[str, int]]] = {
    "office": [
        ("ledger_list", 20),
        ("problem_detail", 20),
        ("dashboard", 12),
        ("api_problem_list", 10),
        ("api_problem_detail", 12),
        ("decide_api", 10),
    ],
    "unit": [
        ("todo", 14),
        ("ledger_list", 10),
        ("problem_detail", 14),
        ("api_problem_list", 6),
        ("api_problem_detail", 8),
        ("report_page", 10),
        ("report_api", 14),
        ("report_retry_api", 2),
        ("resubmit_page", 4),
    ],
    "supervisor": [
        ("ledger_list", 30),
        ("problem_detail", 30),
        ("todo", 20),
        ("api_problem_list", 10),
        ("api_problem_detail", 10),
    ],
    "public": [("portal_home", 40), ("portal_item", 60)],
}
WRITE_KINDS = ("report_submit_page", "report_submit_api", "report_retry_api", "decide_api", "resubmit_page")
LIST_FILTERS = (
    "",
    "?status=in_progress",
    "?status=completed",
    "?overdue=true",
    "?q=%E6%95%B4%E6%94%B9",
    "?deadline_kind=long_term",
)  # q=整改


def marker() -> str:
    return "LT-" + uuid.uuid4().hex


class Shared:
    """The pools the simulated users draw their writes from, and the log of every write sent."""

    def __init__(self, plan: dict[str, Any], passes: int) -> None:
        self.lock = threading.Lock()
        self.page_slots = {name: deque(slots) for name, slots in plan["page_slots"].items()}
        self.targets = {name: [tuple(t) for t in items] for name, items in plan["report_targets"].items()}
        self.api_next = dict.fromkeys(self.targets, 0)
        self.avoid = {key: set(dates) for key, dates in plan["api_avoid"].items()}
        self.base = date.fromisoformat(plan["api_base_date"])
        self.waiting: list[dict[str, Any]] = [dict(r) for r in plan["requests"]]  # a step waits for a decision
        self.returned: list[dict[str, Any]] = []  # returned, waiting for the requester to resubmit
        self.passes_left = passes
        self.acknowledged: list[dict[str, Any]] = []  # API reports stored, for the retry
        self.writes: list[dict[str, Any]] = []
        self.fallbacks = 0  # a write chosen with nothing in its pool: a read was made instead
        self.client_errors: list[str] = []

    def page_slot(self, name: str) -> list | None:
        with self.lock:
            slots = self.page_slots.get(name)
            return slots.popleft() if slots else None

    def api_slot(self, name: str) -> tuple[int, int | None, str] | None:
        """The next (problem, measure, day) of this account: its items in turn, one day further back each round."""
        with self.lock:
            items = self.targets.get(name)
            if not items:
                return None
            while True:
                n = self.api_next[name]
                self.api_next[name] = n + 1
                problem, measure = items[n % len(items)]
                day = (self.base - timedelta(days=n // len(items))).isoformat()
                if day not in self.avoid.get(f"{problem}:{measure}", ()):
                    return problem, measure, day

    def take(self, pool: list[dict[str, Any]], name: str, key: str) -> dict[str, Any] | None:
        """The first request in ``pool`` whose ``key`` (the deciders, or the requester) names this account."""
        with self.lock:
            for index, request in enumerate(pool):
                allowed = request[key] if isinstance(request[key], list) else [request[key]]
                if name in allowed:
                    return pool.pop(index)
        return None

    def put(self, pool: list[dict[str, Any]], request: dict[str, Any]) -> None:
        with self.lock:
            pool.append(request)

    def use_pass(self) -> bool:
        with self.lock:
            if self.passes_left > 0:
                self.passes_left -= 1
                return True
            return False

    def log(self, **write: Any) -> None:
        with self.lock:
            self.writes.append(write)

    def retry_candidate(self, rng: random.Random) -> dict[str, Any] | None:
        with self.lock:
            return rng.choice(self.acknowledged) if self.acknowledged else None


class User:
    """One simulated user: an account (or none, for a portal visitor), a kind, and the actions of its mix."""

    def __init__(
        self, session: Session, shared: Shared, kind: str, name: str, plan: dict[str, Any], rng: random.Random
    ) -> None:
        self.s, self.shared, self.kind, self.name, self.rng = session, shared, kind, name, rng
        account = plan["accounts"].get(name, {})
        self.problems = account.get("problems") or [0]
        self.codes = plan["public_codes"] or ["missing"]
        actions, weights = zip(*MIX[kind], strict=True)
        self.actions, self.weights = list(actions), list(weights)

    def sign_in(self, password: str) -> bool:
        if self.kind == "public":
            return True
        return self.s.login(self.name, password) and self.s.api_token(self.name, password)

    def step(self) -> bool:
        """One action of the mix; False when the budget is spent. A bug of the client itself is counted
        (``client_errors``) and the user goes on, so one bad response cannot silence a user for the run."""
        action = self.rng.choices(self.actions, self.weights)[0]
        try:
            result = getattr(self, action)()
        except Exception as exc:  # noqa: BLE001 - recorded, reported, and the run fails on it
            with self.shared.lock:
                self.shared.client_errors.append(f"{action}: {type(exc).__name__}: {exc}")
            return not self.s.budget.spent()
        if result == "fallback":
            with self.shared.lock:
                self.shared.fallbacks += 1
            result = self.ledger_list()
        return result is not None

    # --- reads ---------------------------------------------------------------------------------------

    def ledger_list(self):
        return self.s.get("ledger_list", "/ledger/problems/" + self.rng.choice(LIST_FILTERS))

    def problem_detail(self):
        return self.s.get("problem_detail", f"/ledger/problems/{self.rng.choice(self.problems)}/")

    def dashboard(self):
        return self.s.get("dashboard", "/progress/dashboard/")

    def todo(self):
        return self.s.get("todo", "/progress/todo/")

    def api_problem_list(self):
        return self.s.get("api_problem_list", "/api/problems/", api=True)

    def api_problem_detail(self):
        return self.s.get("api_problem_detail", f"/api/problems/{self.rng.choice(self.problems)}/", api=True)

    def portal_home(self):
        return self.s.get("portal_home", "/public/")

    def portal_item(self):
        return self.s.get("portal_item", f"/public/{self.rng.choice(self.codes)}/")

    # --- writes: progress reports -------------------------------------------------------------------

    def _report_body(self, mark: str) -> dict[str, Any]:
        return {
            "narrative": f"负载测试进展 {mark}：按计划推进，本期完成现场核查。",
            "percent": str(self.rng.randint(10, 90)),
            "milestones": "完成阶段性目标",
            "claimed_status": "in_progress",
        }

    def report_page(self):
        """The report page as a unit user uses it: open the form, choose the period, post it."""
        slot = self.shared.page_slot(self.name)
        if slot is None:
            return self.report_api()  # every period the page offers is reported: report older ones by API
        problem, measure, start = slot
        path = f"/progress/problems/{problem}/report/" + (f"?measure={measure}" if measure else "")
        page = self.s.get("report_form", path)
        if page is None or page.status != 200:
            return page
        html = page.text()
        mark = marker()
        fields = {"csrfmiddlewaretoken": form_token(html), "period": start, **self._report_body(mark)}
        fields.update(hidden_fields(html, "indicators-"))
        done = self.s.post_multipart("report_submit_page", path, fields, expect=(302,), finishing=True)
        found = _REPORT_DONE.search(done.location) if done is not None else None
        if done is not None and done.status == 200:
            self.s.relabel("form_rejected")  # the form came back: refused or a conflict
        elif done is not None and done.status == 302 and not found:
            self.s.relabel("unexpected_redirect")
        self.shared.log(
            kind="report_submit_page",
            marker=mark,
            status=done.status if done else 0,
            acknowledged=bool(found),
            id=int(found.group(2)) if found else None,
            problem=problem,
            measure=measure,
            period_start=start,
            account=self.name,
        )
        return done

    def report_api(self):
        slot = self.shared.api_slot(self.name)
        if slot is None:
            return "fallback"
        problem, measure, day = slot
        mark = marker()
        body = {
            "problem": problem,
            "measure": measure,
            "period_start": day,
            "period_end": day,
            **self._report_body(mark),
        }
        done = self.s.post_json("report_submit_api", "/api/progress-reports/", body, expect=(201,))
        if self.s.stopped:
            return None
        ok = done is not None and done.status == 201
        self.shared.log(
            kind="report_submit_api",
            marker=mark,
            status=done.status if done else 0,
            acknowledged=ok,
            id=done.json()["id"] if ok else None,
            problem=problem,
            measure=measure,
            period_start=day,
            account=self.name,
        )
        if ok:
            with self.shared.lock:
                self.shared.acknowledged.append({"body": body, "marker": mark, "account": self.name})
        return done

    def report_retry_api(self):
        """A client resending a report it believes lost: same body, same marker; 409 is the right answer."""
        sent = self.shared.retry_candidate(self.rng)
        if sent is None or sent["account"] != self.name:
            return self.report_api()
        done = self.s.post_json("report_retry_api", "/api/progress-reports/", sent["body"], expect=(409,))
        if self.s.stopped:
            return None
        if done is not None and done.status == 409:
            self.s.relabel("expected_409")
        self.shared.log(
            kind="report_retry_api", marker=sent["marker"], status=done.status if done else 0, acknowledged=False
        )
        return done

    # --- writes: acceptance ------------------------------------------------------------------------------

    def decide_api(self):
        """Decide the step a request waits at: mostly return it with an opinion (the unit resubmits, and the
        request comes back), a few times pass it (公示 opens and the portal publishes the notice)."""
        request = self.shared.take(self.shared.waiting, self.name, "deciders")
        if request is None:
            return "fallback"
        mark = marker()
        passing = self.shared.use_pass()
        body = {"decision": "pass" if passing else "return", "opinion": f"负载测试意见 {mark}：请补充佐证材料。"}
        done = self.s.post_json("decide_api", f"/api/acceptance-requests/{request['id']}/decide/", body)
        if self.s.stopped:
            return None
        ok = done is not None and done.status == 200
        self.shared.log(
            kind="decide_api",
            marker=mark,
            status=done.status if done else 0,
            acknowledged=ok,
            request=request["id"],
            decision=body["decision"],
            account=self.name,
        )
        if ok and not passing:
            self.shared.put(self.shared.returned, request)
        elif not ok:
            self.shared.put(self.shared.waiting, request)  # not decided: it still waits (verify counts it)
        return done

    def resubmit_page(self):
        """The requester opens the resubmission page of a returned request and posts a revised report."""
        request = self.shared.take(self.shared.returned, self.name, "requester")
        if request is None:
            return "fallback"
        path = f"/acceptance/requests/{request['id']}/resubmit/"
        page = self.s.get("resubmit_form", path)
        if page is None or page.status != 200:
            self.shared.put(self.shared.returned, request)
            return page
        mark = marker()
        fields = {"csrfmiddlewaretoken": form_token(page.text()), "report": f"负载测试整改报告（修订）{mark}"}
        done = self.s.post_multipart("resubmit_page", path, fields, expect=(302,), finishing=True)
        ok = done is not None and done.status == 302 and done.location.endswith(f"#request-{request['id']}")
        if done is not None and done.status == 302 and not ok:
            self.s.relabel("unexpected_redirect")
        elif done is not None and done.status == 200:
            self.s.relabel("form_rejected")
        self.shared.log(
            kind="resubmit_page",
            marker=mark,
            status=done.status if done else 0,
            acknowledged=ok,
            request=request["id"],
            account=self.name,
        )
        self.shared.put(self.shared.waiting if ok else self.shared.returned, request)
        return done
