"""Signature checks for a whole page of decisions, with the database read once per page.

``signatures.verify(decision)`` rebuilds today's content with ``signatures.snapshot``: four queries
for every decision. The acceptance page shows all decisions of a problem, so here today's content of
each request is built from rows the page has already loaded (the problem, its measures, the current
evidence, each request's attachments) through ``signatures.content_of``, the builder ``snapshot``
uses (a test holds the two equal, evidence included), and every decision is checked with
``signatures.check``. Each stored file is read and hashed once per page; the database work does not
grow with the number of decisions. A signed record edited out of shape is reported, not raised.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

from zhenggai.acceptance import signatures
from zhenggai.acceptance.signatures import Verification, file_sha256

if TYPE_CHECKING:
    from zhenggai.acceptance.models import AcceptanceAttachment, AcceptanceRequest
    from zhenggai.ledger.models import Measure, Problem
    from zhenggai.progress.models import Evidence

__all__ = ["FileHashes", "current_content", "verify_decisions"]


class FileHashes:
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
    hashes: FileHashes | None = None,
) -> dict[str, Any]:
    """What ``signatures.snapshot(request)`` returns, built from rows the page has loaded."""
    return signatures.content_of(problem, measures, evidence, request, attachments, hashes or FileHashes())


def verify_decisions(
    problem: Problem,
    measures: Sequence[Measure],
    evidence: Sequence[Evidence],
    requests: Iterable[AcceptanceRequest],
) -> dict[int, Verification]:
    """Each decision of ``requests`` (with ``decisions`` and ``attachments`` prefetched) checked against
    today's content: ``{decision pk: Verification}``."""
    hashes = FileHashes()
    results: dict[int, Verification] = {}
    for request in requests:
        decisions = list(request.decisions.all())
        if not decisions:
            continue
        now = current_content(problem, measures, evidence, request, request.attachments.all(), hashes)
        for decision in decisions:
            results[decision.pk] = signatures.check(decision, now)
    return results
