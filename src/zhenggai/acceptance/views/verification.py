"""Signature checks for a whole page of decisions, with the database read once per page.

``signatures.verify(decision)`` rebuilds today's content with ``signatures.snapshot`` — four queries
for every decision. The acceptance page shows all decisions of a problem, so here today's content of
each request is built from rows the page has already loaded (the problem, its measures, the current
evidence, each request's attachments) in exactly the shape ``snapshot`` gives (a test holds the two
equal, evidence included), and every decision is compared with the rules of ``signatures``
(``_compare``). Each stored file is read and hashed once per page; the database work does not grow
with the number of decisions. A signed record edited out of shape is reported, not raised.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

from zhenggai.acceptance import signatures
from zhenggai.acceptance.signatures import Verification, content_hash, file_sha256

if TYPE_CHECKING:
    from zhenggai.acceptance.models import AcceptanceAttachment, AcceptanceRequest
    from zhenggai.ledger.models import Measure, Problem
    from zhenggai.progress.models import Evidence

__all__ = ["current_content", "verify_decisions"]


class _FileHashes:
    """SHA-256 of stored files, each read once."""

    def __init__(self) -> None:
        self._seen: dict[str, str | None] = {}

    def __call__(self, field_file) -> str | None:
        if field_file.name not in self._seen:
            self._seen[field_file.name] = file_sha256(field_file)
        return self._seen[field_file.name]


def current_content(
    problem: Problem,
    measures: Sequence[Measure],
    evidence: Sequence[Evidence],
    request: AcceptanceRequest,
    attachments: Iterable[AcceptanceAttachment],
    hashes: _FileHashes | None = None,
) -> dict[str, Any]:
    """What ``signatures.snapshot(request)`` returns, from loaded rows in the snapshot's order (measures
    by position and pk, attachments and the current reports' evidence by pk)."""
    hashes = hashes or _FileHashes()
    files = [
        {"kind": "attachment", "path": a.file.name, "name": a.original_name, "sha256": hashes(a.file)}
        for a in attachments
    ]
    seen = set()
    for item in evidence:  # a correction carries a file forward as a new row on the same stored file
        if item.file.name not in seen:
            seen.add(item.file.name)
            files.append(
                {"kind": "evidence", "path": item.file.name, "name": item.original_name, "sha256": hashes(item.file)}
            )
    return {
        "problem": {"id": problem.pk, **{name: getattr(problem, name) for name in signatures._PROBLEM_FIELDS}},
        "measures": [{"id": m.pk, **{name: getattr(m, name) for name in signatures._MEASURE_FIELDS}} for m in measures],
        "request": {
            "id": request.pk,
            "round": request.round,
            "report": request.report,
            "signed_by_head": request.signed_by_head,
            "checklist": request.checklist,
        },
        "files": files,
    }


def verify_decisions(
    problem: Problem,
    measures: Sequence[Measure],
    evidence: Sequence[Evidence],
    requests: Iterable[AcceptanceRequest],
) -> dict[int, Verification]:
    """Each decision of ``requests`` (with ``decisions`` and ``attachments`` prefetched) checked against
    today's content: ``{decision pk: Verification}``."""
    hashes = _FileHashes()
    results: dict[int, Verification] = {}
    for request in requests:
        decisions = list(request.decisions.all())
        if not decisions:
            continue
        now = current_content(problem, measures, evidence, request, request.attachments.all(), hashes)
        for decision in decisions:
            record_intact = content_hash(decision.frozen_content) == decision.content_hash
            try:
                signed = {k: v for k, v in decision.frozen_content.items() if k != "decision"}
                changes = signatures._compare(signed, now)
            except (AttributeError, KeyError, TypeError):  # a record edited out of shape
                changes = ["signed content unreadable"]
            results[decision.pk] = Verification(decision.pk, record_intact, changes)
    return results
