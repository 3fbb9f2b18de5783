"""Signatures of acceptance decisions: a SHA-256 over the content a reviewer decided on.

``snapshot(request)`` freezes what a decision is about: the problem's fields, its measures (for a
complaint case: the case's fields, penalties, units and shares — ``case_content_of``), the
request (report, checklist, the head who signed), and every evidence file — the request's
attachments and the progress reports' evidence — by its SHA-256 *as read from storage now*. The
decision adds itself (step, decision, opinion, signer, time) and the whole is hashed
(``content_hash``). ``verify(decision)`` checks two things:

* the stored content still hashes to the stored hash (the record itself was not edited), and
* today's item and files still match what was signed (fields changed, a file replaced, missing,
  or its bytes altered on disk).
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from typing import Any

__all__ = [
    "Verification",
    "case_content_of",
    "check",
    "content_hash",
    "content_of",
    "file_sha256",
    "snapshot",
    "verify",
]

_PROBLEM_FIELDS = ("number_text", "title", "description", "cause", "due_raw", "status")
_MEASURE_FIELDS = ("number_text", "text", "due_raw", "status")
# A case's signed fields: what was complained of and everything its handling reports.
CASE_FIELDS = (
    "number",
    "content",
    "reported_party",
    "findings",
    "status",
    "investigation",
    "handling",
    "accountability",
    "ordered_to_correct",
    "suspended",
    "closed_down",
    "penalty_cases",
    "fine_amount",
    "administrative_detention",
    "criminal_detention",
    "interviewed_persons",
    "accountable_persons",
)


def content_hash(content: dict[str, Any]) -> str:
    canonical = json.dumps(content, ensure_ascii=False, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(canonical.encode()).hexdigest()


def file_sha256(field_file) -> str | None:
    """SHA-256 of a stored file's bytes now, or None if the file is gone."""
    digest = hashlib.sha256()
    try:
        with field_file.open("rb") as handle:
            for chunk in iter(lambda: handle.read(1 << 16), b""):
                digest.update(chunk)
    except (FileNotFoundError, ValueError, OSError):
        return None
    return digest.hexdigest()


def _request_content(request) -> dict[str, Any]:
    return {
        "id": request.pk,
        "round": request.round,
        "report": request.report,
        "signed_by_head": request.signed_by_head,
        "checklist": request.checklist,
    }


def _attachment_files(attachments, hash_file) -> list[dict[str, Any]]:
    return [
        {"kind": "attachment", "path": a.file.name, "name": a.original_name, "sha256": hash_file(a.file)}
        for a in attachments
    ]


def content_of(problem, measures, evidence, request, attachments, hash_file=file_sha256) -> dict[str, Any]:
    """The signable content from rows already loaded: ``measures`` by position and pk, ``attachments``
    and the current reports' ``evidence`` by pk. ``hash_file`` may cache (a page hashes each file once)."""
    files = _attachment_files(attachments, hash_file)
    seen = set()
    for item in evidence:  # a correction carries a file forward as a new row on the same stored file
        if item.file.name not in seen:
            seen.add(item.file.name)
            files.append(
                {"kind": "evidence", "path": item.file.name, "name": item.original_name, "sha256": hash_file(item.file)}
            )
    return {
        "problem": {"id": problem.pk, **{name: getattr(problem, name) for name in _PROBLEM_FIELDS}},
        "measures": [{"id": m.pk, **{name: getattr(m, name) for name in _MEASURE_FIELDS}} for m in measures],
        "request": _request_content(request),
        "files": files,
    }


def case_content_of(case, assignments, request, attachments, hash_file=file_sha256) -> dict[str, Any]:
    """A complaint case's signable content: its fields (as text, so amounts compare exactly), pollution
    types, region, and its units with their shares (``assignments`` by unit id)."""
    return {
        "case": {"id": case.pk, **{name: str(getattr(case, name)) for name in CASE_FIELDS}},
        "pollution_types": list(case.pollution_types),
        "region_id": case.region_id,
        "units": [[a.unit_id, str(a.share)] for a in assignments],
        "request": _request_content(request),
        "files": _attachment_files(attachments, hash_file),
    }


def snapshot(request) -> dict[str, Any]:
    """The item and its evidence as they are now: the part of a signature that can later be compared."""
    from zhenggai.acceptance.models import AcceptanceRequest

    # Read afresh: the request and its item as stored now, not as the caller's instances remember them.
    fresh = AcceptanceRequest.objects.select_related("problem", "case").get(pk=request.pk)
    return subject_content(fresh.item, fresh, fresh.attachments.order_by("pk"))


def subject_content(item, request, attachments, hash_file=file_sha256) -> dict[str, Any]:
    from zhenggai.acceptance.subjects import subject_for

    return subject_for(item).content(request, attachments, hash_file)


@dataclass
class Verification:
    decision_id: int
    record_intact: bool
    changes: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.record_intact and not self.changes


def _compare(signed: dict[str, Any], now: dict[str, Any]) -> list[str]:
    """What changed since signing. A decision of an earlier round (the request was returned since) vouches
    for its files only: after a return the unit is meant to change the item, and the next round's
    decisions sign the item as changed."""
    changes = []
    same_round = signed["request"].get("round") == now["request"].get("round")
    if same_round:
        changes += _item_changes(signed, now)
    if same_round:  # a resubmission may change these
        for name in ("report", "signed_by_head", "checklist"):
            if signed["request"].get(name) != now["request"].get(name):
                changes.append(f"request.{name}")
    signed_files = {(f["kind"], f["path"]): f for f in signed["files"]}
    now_files = {(f["kind"], f["path"]): f for f in now["files"]}
    for key, before in signed_files.items():
        after = now_files.get(key)
        if after is None or after["sha256"] is None:
            changes.append(f"file {before['name']} missing")
        elif after["sha256"] != before["sha256"]:
            changes.append(f"file {before['name']} altered")
    return changes


def _item_changes(signed: dict[str, Any], now: dict[str, Any]) -> list[str]:
    """The item's fields (but its status), a case's types, region and units, a problem's measures."""
    changes = []
    kind = "case" if "case" in signed else "problem"
    for name, value in signed[kind].items():
        if name != "status" and now[kind].get(name) != value:
            changes.append(f"{kind}.{name}")
    for name in ("pollution_types", "region_id", "units"):
        if name in signed and signed[name] != now.get(name):
            changes.append(f"case.{name}")
    signed_measures = {m["id"]: m for m in signed.get("measures", [])}
    now_measures = {m["id"]: m for m in now.get("measures", [])}
    for measure_id in signed_measures.keys() | now_measures.keys():
        before, after = signed_measures.get(measure_id), now_measures.get(measure_id)
        if before is None or after is None:
            changes.append(f"measure {measure_id} {'added' if before is None else 'removed'}")
        elif {k: v for k, v in before.items() if k != "status"} != {k: v for k, v in after.items() if k != "status"}:
            changes.append(f"measure {measure_id} changed")
    return changes


def check(decision, now: dict[str, Any]) -> Verification:
    """Compare a decision with today's content ``now`` (from ``snapshot`` or ``content_of``). A signed
    record edited out of shape is reported as unreadable, not raised."""
    record_intact = content_hash(decision.frozen_content) == decision.content_hash
    try:
        signed = {k: v for k, v in decision.frozen_content.items() if k != "decision"}
        changes = _compare(signed, now)
    except (AttributeError, KeyError, TypeError):
        changes = ["signed content unreadable"]
    return Verification(decision.pk, record_intact, changes)


def verify(decision) -> Verification:
    """Is the decision's record intact, and does today's item still match what it signed?"""
    return check(decision, snapshot(decision.request))
