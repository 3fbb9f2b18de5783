"""State changes of accountability. Views validate input and call these.

Each action is one transaction with a keyword ``acting_user``; the rows keep django-simple-history rows
(who, when, why — ``core.audit.stamp``), including the links to ledger problems. Only offices that see a
transferred problem (``TransferredProblem.objects.editable_by``) and administrators change them; anyone else
gets ``PermissionDenied``. ``publish_accountability`` hands a whitelisted snapshot to the public portal
(``zhenggai.portal.actions.publish``): the portal never reads these tables, and a name reaches it only for
a person marked ``publish_name``.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import date
from typing import TYPE_CHECKING, Any

import filetype
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from zhenggai.accountability import stats as accountability_stats
from zhenggai.accountability.choices import PUBLIC_LABELS, InvestigationStatus, Rank, Sanction
from zhenggai.accountability.models import AccountablePerson, TransferredProblem, office_root
from zhenggai.core.audit import stamp
from zhenggai.ledger.models import Inspection, Problem
from zhenggai.progress.evidence import check_evidence

if TYPE_CHECKING:
    from zhenggai.accounts.models import User
    from zhenggai.organizations.models import Unit

__all__ = [
    "DOCUMENT_TYPES",
    "PERSON_FIELDS",
    "PROBLEM_FIELDS",
    "add_person",
    "can_manage",
    "can_publish",
    "create_transferred_problem",
    "publication_payload",
    "publish_accountability",
    "update_person",
    "update_transferred_problem",
]

PROBLEM_FIELDS = (
    "number",
    "title",
    "description",
    "transferred_on",
    "handling_unit",
    "handling_unit_text",
    "status",
    "findings",
    "outcome",
)
PERSON_FIELDS = ("name", "post", "rank", "sanction", "sanction_detail", "decided_on", "publish_name")
# A decision is a document or a scan of one; evidence's other types (video, spreadsheets) are refused.
DOCUMENT_TYPES = {
    "application/pdf",
    "image/jpeg",
    "image/png",
    "image/tiff",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "application/msword",
}


def _under(unit: Unit | None, root_path: str) -> bool:
    return unit is not None and unit.path.startswith(root_path)


def can_manage(user: User, inspection: Inspection, handling_unit: Unit | None = None) -> bool:
    """May ``user`` record a transferred problem of ``inspection`` investigated by ``handling_unit``? Admins;
    an office whose subtree holds the inspected jurisdiction or the handling unit (the visibility rule)."""
    root = office_root(user)
    if root is None:
        return False
    return root == "" or _under(inspection.inspected_unit, root) or _under(handling_unit, root)


def can_publish(user: User, inspection: Inspection) -> bool:
    """Publishing covers every transferred problem of the inspection: admins, and offices at or above the
    inspected jurisdiction (a city office that sees only its own share may not publish the whole)."""
    root = office_root(user)
    return root is not None and (root == "" or _under(inspection.inspected_unit, root))


def _clean_problem(inspection: Inspection, values: dict[str, Any], problems: Iterable[Problem] | None, user):
    errors: dict[str, list[str]] = {}
    for name in ("number", "title"):
        values[name] = (values.get(name) or "").strip()
        if not values[name]:
            errors.setdefault(name, []).append(_("This field is required."))
    if values.get("status") not in InvestigationStatus.values:
        errors.setdefault("status", []).append(_("Choose an investigation status."))
    number_taken = TransferredProblem.objects.filter(inspection=inspection, number=values.get("number"))
    if values.get("pk"):
        number_taken = number_taken.exclude(pk=values["pk"])
    if values.get("number") and number_taken.exists():
        errors.setdefault("number", []).append(_("This inspection already has a transferred problem of this number."))
    if problems is not None:
        allowed = Problem.objects.visible_to(user).filter(plan__inspection=inspection)
        wanted = {p.pk for p in problems}
        wrong = wanted - set(allowed.filter(pk__in=wanted).values_list("pk", flat=True))
        if wrong:
            errors.setdefault("problems", []).append(_("Link only problems of this inspection's plans that you see."))
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def create_transferred_problem(
    inspection: Inspection,
    *,
    acting_user: User,
    number: str,
    title: str,
    status: str = InvestigationStatus.INVESTIGATING,
    problems: Iterable[Problem] = (),
    **fields: Any,
) -> TransferredProblem:
    """Record a problem ``inspection`` transferred for accountability. ``fields``: the other ``PROBLEM_FIELDS``.
    ``PermissionDenied`` unless ``can_manage``; ``ValidationError`` (nothing written) for a missing number or
    title, a number already used in the inspection, or a linked problem outside the inspection or not visible."""
    unknown = set(fields) - set(PROBLEM_FIELDS)
    if unknown:
        raise TypeError(f"unknown fields: {sorted(unknown)}")
    if not can_manage(acting_user, inspection, fields.get("handling_unit")):
        raise PermissionDenied(_("Only the office of the inspected jurisdiction or of the investigating unit may."))
    problems = list(problems)
    values = {**fields, "number": number, "title": title, "status": status}
    _clean_problem(inspection, values, problems, acting_user)
    transferred = TransferredProblem(inspection=inspection, **values)
    stamp(transferred, acting_user, "created")
    transferred.save()
    if problems:
        stamp(transferred, acting_user, "linked problems")
        transferred.problems.set(problems)
    return transferred


@transaction.atomic
def update_transferred_problem(
    transferred: TransferredProblem,
    *,
    acting_user: User,
    changes: dict[str, Any],
    problems: Iterable[Problem] | None = None,
    reason: str = "",
) -> TransferredProblem:
    """Change some ``PROBLEM_FIELDS`` (and, when given, the linked ledger problems) under a row lock.
    A row the user does not see is ``TransferredProblem.DoesNotExist``; the new handling unit must still be one
    the user may manage. The history row records who, when, before/after and ``reason``."""
    unknown = set(changes) - set(PROBLEM_FIELDS)
    if unknown:
        raise TypeError(f"unknown fields: {sorted(unknown)}")
    locked = (
        TransferredProblem.objects.editable_by(acting_user)
        .select_for_update(of=("self",))
        .select_related("inspection__inspected_unit", "handling_unit")
        .get(pk=transferred.pk)
    )
    values = {name: getattr(locked, name) for name in PROBLEM_FIELDS} | changes | {"pk": locked.pk}
    if not can_manage(acting_user, locked.inspection, values["handling_unit"]):
        raise PermissionDenied(_("The investigating unit would be outside your jurisdiction."))
    problems = list(problems) if problems is not None else None
    _clean_problem(locked.inspection, values, problems, acting_user)
    for name in PROBLEM_FIELDS:
        setattr(locked, name, values[name])
    stamp(locked, acting_user, reason.strip() or "updated")
    locked.save()
    if problems is not None and {p.pk for p in problems} != set(locked.problems.values_list("pk", flat=True)):
        stamp(locked, acting_user, reason.strip() or "linked problems")
        locked.problems.set(problems)
    return locked


def _clean_person(values: dict[str, Any]) -> None:
    errors: dict[str, list[str]] = {}
    for name in ("name", "post"):
        values[name] = (values.get(name) or "").strip()
        if not values[name]:
            errors.setdefault(name, []).append(_("This field is required."))
    values["sanction_detail"] = (values.get("sanction_detail") or "").strip()
    if values.get("rank") not in Rank.values:
        errors.setdefault("rank", []).append(_("Choose a rank."))
    if values.get("sanction") not in Sanction.values:
        errors.setdefault("sanction", []).append(_("Choose a sanction."))
    if errors:
        raise ValidationError(errors)


def _attach_document(person: AccountablePerson, upload) -> None:
    """Check the decision document by its content (size, type, SHA-256) and store it under its digest."""
    try:
        checked = check_evidence(upload)
    except ValidationError as exc:
        raise ValidationError({"document": exc.messages}) from exc
    if checked.content_type not in DOCUMENT_TYPES:
        message = _("A decision document is a PDF, a Word file or a scan (JPEG, PNG, TIFF).")
        raise ValidationError({"document": [message]})
    extension = filetype.get_type(mime=checked.content_type).extension
    person.document.save(f"{checked.sha256[:20]}.{extension}", upload, save=False)
    person.document_name = (getattr(upload, "name", "") or "").rsplit("/", 1)[-1][:255]
    person.document_type = checked.content_type
    person.document_size = checked.size
    person.document_sha256 = checked.sha256


@transaction.atomic
def add_person(
    transferred: TransferredProblem,
    *,
    acting_user: User,
    name: str,
    post: str,
    rank: str,
    sanction: str,
    sanction_detail: str = "",
    decided_on: date | None = None,
    publish_name: bool = False,
    document=None,
) -> AccountablePerson:
    """Record a person held accountable for ``transferred`` (which the user must see and may change: else
    ``TransferredProblem.DoesNotExist``), with an optional decision document (an uploaded file)."""
    locked = TransferredProblem.objects.editable_by(acting_user).select_for_update(of=("self",)).get(pk=transferred.pk)
    values = {
        "name": name,
        "post": post,
        "rank": rank,
        "sanction": sanction,
        "sanction_detail": sanction_detail,
        "decided_on": decided_on,
        "publish_name": bool(publish_name),
    }
    _clean_person(values)
    person = AccountablePerson(transferred_problem=locked, created_by=acting_user, **values)
    if document is not None:
        _attach_document(person, document)
    stamp(person, acting_user, "created")
    person.save()
    return person


@transaction.atomic
def update_person(
    person: AccountablePerson, *, acting_user: User, changes: dict[str, Any], document=None, reason: str = ""
) -> AccountablePerson:
    """Change some ``PERSON_FIELDS``, or replace the decision document (the old file stays in storage and in
    the history rows, so an earlier version can still be checked against its SHA-256)."""
    unknown = set(changes) - set(PERSON_FIELDS)
    if unknown:
        raise TypeError(f"unknown fields: {sorted(unknown)}")
    locked = AccountablePerson.objects.visible_to(acting_user).select_for_update(of=("self",)).get(pk=person.pk)
    values = {name: getattr(locked, name) for name in PERSON_FIELDS} | changes
    _clean_person(values)
    for name in PERSON_FIELDS:
        setattr(locked, name, values[name])
    if document is not None:
        _attach_document(locked, document)
    stamp(locked, acting_user, reason.strip() or "updated")
    locked.save()
    return locked


def _labelled(choices, key: str) -> dict[str, str]:
    # Keys of the three choices never collide, so one table of public words serves them all.
    return {"key": key, "label": PUBLIC_LABELS.get(choices(key), key)}


def publication_payload(inspection: Inspection) -> dict[str, Any]:
    """The public snapshot of an inspection's accountability: whitelisted fields only.

    Per problem: number, title, investigation status and the publishable ``outcome`` (never ``findings`` nor
    the description). Per person: rank, sanction and decision date; the name and the post as written only
    when ``publish_name`` is set (the keys are absent otherwise: a post with a date often names one person,
    "甲市某局原局长"). Then the statistics and 003's sentence. Labels are
    the documents' Chinese words (``choices.PUBLIC_LABELS``), whatever the publisher's language. Two queries."""
    problems = list(TransferredProblem.objects.filter(inspection=inspection).order_by("pk"))
    persons = AccountablePerson.objects.filter(transferred_problem__in=problems)
    persons = list(persons.order_by("transferred_problem", "pk"))
    by_problem: dict[int, list[AccountablePerson]] = {}
    for person in persons:
        by_problem.setdefault(person.transferred_problem_id, []).append(person)
    numbers = accountability_stats.compute(problems, persons)
    rows = []
    for problem in problems:
        people = []
        for person in by_problem.get(problem.pk, []):
            entry = {
                "rank": _labelled(Rank, person.rank),
                "sanction": _labelled(Sanction, person.sanction),
                "date": person.decided_on.isoformat() if person.decided_on else None,
            }
            if person.publish_name:
                entry["name"], entry["post"] = person.name, person.post
            people.append(entry)
        rows.append(
            {
                "number": problem.number,
                "title": problem.title,
                "status": _labelled(InvestigationStatus, problem.status),
                "outcome": problem.outcome,
                "persons": people,
            }
        )
    rank_counts, sanction_counts = numbers.rank_counts(), numbers.sanction_counts()
    statistics = {
        "persons": len(numbers.person_ids),
        "problems": len(numbers.problem_ids),
        "sentence": numbers.sentence(),
        "by_rank": [_labelled(Rank, key) | {"count": rank_counts[key]} for key in Rank.values],
        "by_sanction": [_labelled(Sanction, key) | {"count": sanction_counts[key]} for key in Sanction.values],
        "cross": [
            _labelled(Rank, rank)
            | {
                "counts": [len(numbers.cross[(rank, sanction)]) for sanction in Sanction.values],
                "total": rank_counts[rank],
            }
            for rank in Rank.values
        ],
        "problems_by_status": [
            _labelled(InvestigationStatus, key) | {"count": len(numbers.problems_by_status[key])}
            for key in InvestigationStatus.values
        ],
    }
    return {
        "inspection": {"team": inspection.team, "round": inspection.round_label},
        "problems": rows,
        "statistics": statistics,
    }


def publication_title(inspection: Inspection) -> str:
    return f"{inspection.team}移交生态环境损害责任追究问题追责问责情况"


@transaction.atomic
def _refuse_hidden_names(inspection: Inspection, payload: dict[str, Any]) -> None:
    """A name not marked for publication must not reach the portal through free text either (a problem's
    title or published outcome): refuse, so the office rewrites that text (the names are not repeated)."""
    text = json.dumps(payload, ensure_ascii=False)
    hidden = AccountablePerson.objects.filter(transferred_problem__inspection=inspection, publish_name=False)
    found = sorted({name for name in hidden.values_list("name", flat=True) if len(name) >= 2 and name in text})
    if found:
        message = _("The published text names %(count)d persons whose names are not to be published.")
        raise ValidationError(message % {"count": len(found)} + " " + _("Rewrite the titles or outcomes naming them."))


def publish_accountability(inspection: Inspection, *, acting_user: User):
    """Publish (or publish again: a new version of the same item) the inspection's accountability on the portal.

    ``PermissionDenied`` unless ``can_publish``; the portal's ``publish`` checks the office again and keeps
    its own audit row. Returns the portal's ``PublishedItem``."""
    from zhenggai.portal.actions import publish  # the portal depends on nothing of ours

    inspection = Inspection.objects.select_related("inspected_unit").get(pk=inspection.pk)
    if not can_publish(acting_user, inspection):
        raise PermissionDenied(_("Only the office of the inspected jurisdiction publishes its accountability."))
    payload = publication_payload(inspection)
    _refuse_hidden_names(inspection, payload)
    return publish(
        kind="accountability",
        key=f"accountability:{inspection.pk}",
        title=publication_title(inspection),
        payload=payload,
        jurisdiction=inspection.inspected_unit,
        acting_user=acting_user,
    )
