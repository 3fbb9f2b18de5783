"""The parse result: dataclasses whose JSON form is the importer's documented, stable interface.

Shape (issue 3)::

    {"document": {"issuer", "doc_number", "date", "inspection", "kind": "plan|report|narrative|amendment",
                  "as_of": "YYYY-MM-DD" | null, "feedback_date": "YYYY-MM-DD" | null},
     "problems": [{"number", "number_text", "category", "title", "description", "cause",
                   "targets": [{"text", "deadline"}], "deadline", "progress_status",
                   "responsible_units", "cooperating_units", "responsible_leaders", "responsible_persons",
                   "supervising_units",
                   "measures": [{"number_text", "text", "deadline", "progress", "responsible_units"}],
                   "sub_items": [<problem>]}],
     "general_measures": [{"category", "number_text", "title", "text", "responsible_units",
                           "cooperating_units", "deadlines": [<deadline>]}],
     "amendments": [{"problem_number", "field", "review_opinion", "new_text"}],
     "warnings": [{"where", "message"}]}
    deadline = {"raw", "date": "YYYY-MM-DD" | null, "immediate", "long_term", "conditional", "recurrence"}

Text values are the document's own words, trimmed; a field the document does not give is None.
No Django imports here or anywhere in ``zhenggai.importer``.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field, fields

from zhenggai.core.deadlines import parse_deadline

__all__ = [
    "Amendment",
    "Deadline",
    "DocumentInfo",
    "GeneralMeasure",
    "ParsedDocument",
    "ParsedMeasure",
    "ParsedProblem",
    "ParsedTarget",
    "Warning",
]


@dataclass
class Deadline:
    """A deadline as written (``raw``) and as parsed by ``zhenggai.core.deadlines``."""

    raw: str
    date: str | None = None
    immediate: bool = False
    long_term: bool = False
    conditional: bool = False
    recurrence: str = ""

    @property
    def understood(self) -> bool:
        """True when the parser read anything from ``raw`` (a date, or a kind such as 长期坚持)."""
        return bool(self.date or self.immediate or self.long_term or self.conditional or self.recurrence)

    @classmethod
    def parse(cls, raw: str | None) -> Deadline | None:
        if raw is None or not raw.strip():
            return None
        parsed = parse_deadline(raw)
        return cls(
            raw=raw.strip(),
            date=parsed.due_date.isoformat() if parsed.due_date else None,
            immediate=parsed.immediate,
            long_term=parsed.long_term,
            conditional=parsed.conditional,
            recurrence=parsed.recurrence,
        )


@dataclass
class ParsedTarget:
    text: str
    deadline: Deadline | None = None


@dataclass
class ParsedMeasure:
    number_text: str | None
    text: str
    deadline: Deadline | None = None
    progress: str | None = None
    responsible_units: list[str] = field(default_factory=list)


@dataclass
class ParsedProblem:
    number: int | None
    number_text: str | None
    title: str
    description: str
    category: str | None = None
    cause: str | None = None
    targets: list[ParsedTarget] = field(default_factory=list)
    deadline: Deadline | None = None
    progress_status: str | None = None
    responsible_units: list[str] = field(default_factory=list)
    cooperating_units: list[str] = field(default_factory=list)
    responsible_leaders: list[str] = field(default_factory=list)
    responsible_persons: list[str] = field(default_factory=list)
    supervising_units: list[str] = field(default_factory=list)
    measures: list[ParsedMeasure] = field(default_factory=list)
    sub_items: list[ParsedProblem] = field(default_factory=list)


@dataclass
class GeneralMeasure:
    """A numbered measure of a narrative plan (001, 002), outside any problem list."""

    category: str | None
    number_text: str | None
    title: str
    text: str
    responsible_units: list[str] = field(default_factory=list)
    cooperating_units: list[str] = field(default_factory=list)
    deadlines: list[Deadline] = field(default_factory=list)


@dataclass
class Amendment:
    """One change an amendment notice makes to a problem (end of 004)."""

    problem_number: int | None
    field: str
    review_opinion: str | None
    new_text: str


@dataclass
class Warning:  # noqa: A001 - the JSON key is "warnings"; this is one of them, not the builtin
    where: str
    message: str


@dataclass
class DocumentInfo:
    issuer: str | None = None
    doc_number: str | None = None
    date: str | None = None
    inspection: str | None = None
    kind: str = "plan"  # plan | report | narrative | amendment
    # A report's "截至2019年3月": the last day its figures speak of (month end, year end or the day given).
    as_of: str | None = None
    # "…于2018年1月3日反馈了督察意见": the day the inspection fed back, which the plan answers.
    feedback_date: str | None = None


@dataclass
class ParsedDocument:
    document: DocumentInfo = field(default_factory=DocumentInfo)
    problems: list[ParsedProblem] = field(default_factory=list)
    general_measures: list[GeneralMeasure] = field(default_factory=list)
    amendments: list[Amendment] = field(default_factory=list)
    warnings: list[Warning] = field(default_factory=list)

    def warn(self, where: str, message: str) -> None:
        self.warnings.append(Warning(where, message))

    def to_dict(self) -> dict:
        return asdict(self)

    def to_json(self, **kwargs) -> str:
        return json.dumps(self.to_dict(), ensure_ascii=False, **kwargs)

    @classmethod
    def from_dict(cls, data: dict) -> ParsedDocument:
        """The inverse of ``to_dict``: rebuild a (possibly hand-edited) parse; unknown keys are ignored."""
        return cls(
            document=_build(DocumentInfo, data.get("document") or {}),
            problems=[_problem(item) for item in data.get("problems") or []],
            general_measures=[_general(item) for item in data.get("general_measures") or []],
            amendments=[_build(Amendment, item) for item in data.get("amendments") or []],
            warnings=[_build(Warning, item) for item in data.get("warnings") or []],
        )

    def measure_count(self) -> int:
        def count(problems: list[ParsedProblem]) -> int:
            return sum(len(p.measures) + count(p.sub_items) for p in problems)

        return count(self.problems)


def _build(kind, data: dict, **nested):
    names = {f.name for f in fields(kind)}
    return kind(**{key: value for key, value in data.items() if key in names and key not in nested}, **nested)


def _deadline(data: dict | None) -> Deadline | None:
    return _build(Deadline, data) if data else None


def _measure(data: dict) -> ParsedMeasure:
    return _build(ParsedMeasure, data, deadline=_deadline(data.get("deadline")))


def _problem(data: dict) -> ParsedProblem:
    return _build(
        ParsedProblem,
        data,
        deadline=_deadline(data.get("deadline")),
        targets=[_build(ParsedTarget, t, deadline=_deadline(t.get("deadline"))) for t in data.get("targets") or []],
        measures=[_measure(m) for m in data.get("measures") or []],
        sub_items=[_problem(sub) for sub in data.get("sub_items") or []],
    )


def _general(data: dict) -> GeneralMeasure:
    return _build(GeneralMeasure, data, deadlines=[_deadline(d) for d in data.get("deadlines") or [] if d])
