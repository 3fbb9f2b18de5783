"""Score a parse (``ParsedDocument.to_dict()``) against the gold annotations in this folder.

The gold files hold only short values: a text of 20 or more characters (after normalisation) is stored
as a fingerprint ``<first 12 characters>|<length>|<sha1 prefix>`` of its normalised form, so the project
never contains runs of the seed text.  Normalisation (:func:`norm`): NFKC (full-/half-width folded), all
whitespace removed, and for a long text leading/trailing punctuation 。；，：、 stripped — a line break or a
sentence-final 。 is not what the gold measures (short values such as 「一、」 or 「1.」 keep theirs).

Alignment: problems by ``number`` (sub-items, targets, measures, general measures and amendments by
position).  Every gold slot present in a gold file is one comparison:

* right — parsed value equals gold (a correct ``null`` counts as right): tp
* wrong — both given, different: fp and fn
* missing — gold given, parsed null / absent: fn
* spurious — gold null, parsed given (or an extra problem): fp

``fields right`` = tp / (tp + wrong + missing + spurious).

A ``fold`` (``score(..., fold=...)``) is applied to every string of the parse before comparing: the
traditional-character variant is scored with the importer's traditional→simplified fold.

CLI: ``python -m tests.importer_gold.scorer [-v]`` parses every seed in ``$ZHENGGAI_SEEDS``
(default ``/work/shared/seeds``) and prints a per-document, per-field precision/recall table;
``python -m tests.importer_gold.scorer --variants`` prints seed × variant → share of fields right for
the variants of ``variants.py`` (web page, .docx, .docx table, .xlsx ledger, noisy GB18030, traditional).
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import sys
import unicodedata
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path

__all__ = [
    "GOLD_DIR",
    "SEED_IDS",
    "fields_right",
    "folded",
    "key",
    "load_gold",
    "norm",
    "parse_seed",
    "score",
    "seed_path",
    "variant_table",
]

GOLD_DIR = Path(__file__).resolve().parent
SEED_IDS = ("000", "001", "002", "003", "004")
FP_MIN = 20  # texts at least this long (normalised) are stored as fingerprints
_EDGE = " \t\r\n。；;，,：:、."
_WS = re.compile(r"\s+")


def norm(text: str) -> str:
    """NFKC, no whitespace; a long text also loses its leading/trailing punctuation (labels keep theirs)."""
    text = _WS.sub("", unicodedata.normalize("NFKC", text))
    stripped = text.strip(_EDGE)
    return stripped if len(stripped) >= FP_MIN else text.rstrip("。；;")


def key(value):
    """The comparable (and storable) form of a value: short normalised text, or a fingerprint of a long one."""
    if value is None or isinstance(value, bool | int):
        return value
    if isinstance(value, list | tuple):
        return [key(item) for item in value]
    text = norm(str(value))
    if len(text) < FP_MIN:
        return text
    digest = hashlib.sha1(text.encode("utf-8")).hexdigest()[:10]
    return f"{text[:12]}|{len(text)}|{digest}"


def load_gold(seed_id: str) -> dict:
    return json.loads((GOLD_DIR / f"{seed_id}.json").read_text(encoding="utf-8"))


def seeds_dir() -> Path:
    return Path(os.environ.get("ZHENGGAI_SEEDS", "/work/shared/seeds"))


def seed_path(folder: Path, seed_id: str) -> Path:
    matches = sorted(folder.glob(f"{seed_id}_*"))
    if not matches:
        raise FileNotFoundError(f"no seed {seed_id}_* in {folder}")
    return matches[0]


def parse_seed(folder: Path, seed_id: str) -> dict:
    from zhenggai.importer.parse import parse_bytes

    path = seed_path(folder, seed_id)
    return parse_bytes(path.read_bytes(), path.name).to_dict()


# --- comparison ---------------------------------------------------------------------------------


class _Tally:
    def __init__(self) -> None:
        self.counts: dict[str, dict[str, int]] = defaultdict(lambda: {"tp": 0, "fp": 0, "fn": 0, "wrong": 0})
        self.errors: list[str] = []

    def compare(self, field: str, gold, parsed, where: str) -> None:
        got = key(parsed)
        cell = self.counts[field]
        if got == gold:
            cell["tp"] += 1
            return
        if gold is None or gold == []:
            cell["fp"] += 1
        elif got is None or got == []:
            cell["fn"] += 1
        else:
            cell["fp"] += 1
            cell["fn"] += 1
            cell["wrong"] += 1
        self.errors.append(f"{where} {field}: gold={gold!r} parsed={got!r}")

    def missing(self, field: str, where: str, what: str = "absent") -> None:
        self.counts[field]["fn"] += 1
        self.errors.append(f"{where} {field}: {what}")

    def spurious(self, field: str, where: str, what: str = "extra") -> None:
        self.counts[field]["fp"] += 1
        self.errors.append(f"{where} {field}: {what}")


def _deadline(tally: _Tally, prefix: str, gold: dict | None, parsed: dict | None, where: str) -> None:
    """gold deadline: {"raw"?, "date"?, "kind"?: [immediate, long_term, conditional]}; null = none."""
    if gold is None:
        tally.compare(f"{prefix}.date", None, parsed and (parsed.get("raw") or None), where)
        return
    parsed = parsed or {}
    if "raw" in gold:
        tally.compare(f"{prefix}.raw", gold["raw"], parsed.get("raw"), where)
    if "date" in gold:
        tally.compare(f"{prefix}.date", gold["date"], parsed.get("date"), where)
    if "kind" in gold:
        kind = [bool(parsed.get("immediate")), bool(parsed.get("long_term")), bool(parsed.get("conditional"))]
        tally.compare(f"{prefix}.kind", gold["kind"], kind if parsed else None, where)


_PLAIN = (
    "number_text",
    "category",
    "title",
    "description",
    "cause",
    "progress_status",
    "responsible_units",
    "cooperating_units",
    "responsible_leaders",
    "responsible_persons",
    "supervising_units",
)


def _measures(tally: _Tally, gold: list[dict], parsed: list[dict], where: str) -> None:
    for index, gm in enumerate(gold):
        at = f"{where} m{index + 1}"
        if index >= len(parsed):
            tally.missing("measure.text", at)
            continue
        pm = parsed[index]
        for name in ("number_text", "text", "progress", "responsible_units"):
            if name in gm:
                tally.compare(f"measure.{name}", gm[name], pm.get(name), at)
        if "deadline" in gm:
            _deadline(tally, "measure.deadline", gm["deadline"], pm.get("deadline"), at)


def _problem(tally: _Tally, gold: dict, parsed: dict, where: str) -> None:
    for name in _PLAIN:
        if name in gold:
            tally.compare(f"problem.{name}", gold[name], parsed.get(name), where)
    if "deadline" in gold:
        _deadline(tally, "problem.deadline", gold["deadline"], parsed.get("deadline"), where)
    if "targets" in gold:
        targets = parsed.get("targets") or []
        tally.compare("targets.count", len(gold["targets"]), len(targets), where)
        for index, gt in enumerate(gold["targets"]):
            at = f"{where} t{index + 1}"
            if index >= len(targets):
                tally.missing("target.text", at)
                continue
            if "text" in gt:
                tally.compare("target.text", gt["text"], targets[index].get("text"), at)
            if "deadline" in gt:
                _deadline(tally, "target.deadline", gt["deadline"], targets[index].get("deadline"), at)
    measures = parsed.get("measures") or []
    if "measure_count" in gold:
        tally.compare("measures.count", gold["measure_count"], len(measures), where)
    if "measures" in gold:
        _measures(tally, gold["measures"], measures, where)
    if "sub_items" in gold:
        subs = parsed.get("sub_items") or []
        tally.compare("sub_items.count", len(gold["sub_items"]), len(subs), where)
        for index, gs in enumerate(gold["sub_items"]):
            at = f"{where}.{index + 1}"
            if index >= len(subs):
                tally.missing("problem.number_text", at)
                continue
            _problem(tally, gs, subs[index], at)


def _general(tally: _Tally, gold: list[dict], parsed: list[dict]) -> None:
    tally.compare("general.count", len(gold), len(parsed), "document")
    for index, gg in enumerate(gold):
        at = f"g{index + 1}"
        if index >= len(parsed):
            tally.missing("general.title", at)
            continue
        pg = parsed[index]
        for name in ("number_text", "category", "title", "text", "responsible_units", "cooperating_units"):
            if name in gg:
                tally.compare(f"general.{name}", gg[name], pg.get(name), at)
        if "deadline_dates" in gg:
            dates = [d.get("date") for d in pg.get("deadlines") or []]
            tally.compare("general.deadline_dates", gg["deadline_dates"], dates, at)


def _amendments(tally: _Tally, gold: list[dict], parsed: list[dict]) -> None:
    tally.compare("amendments.count", len(gold), len(parsed), "document")
    for index, ga in enumerate(gold):
        at = f"a{index + 1}"
        if index >= len(parsed):
            tally.missing("amendment.new_text", at)
            continue
        for name in ("problem_number", "field", "review_opinion", "new_text"):
            if name in ga:
                tally.compare(f"amendment.{name}", ga[name], parsed[index].get(name), at)


def folded(value, fold: Callable[[str], str]):
    """``value`` (a parse or part of one) with ``fold`` applied to every string in it."""
    if isinstance(value, str):
        return fold(value)
    if isinstance(value, list | tuple):
        return [folded(item, fold) for item in value]
    if isinstance(value, dict):
        return {name: folded(item, fold) for name, item in value.items()}
    return value


def score(
    parsed: dict, gold: dict, errors: list[str] | None = None, *, fold: Callable[[str], str] | None = None
) -> dict[str, dict]:
    """Per-field counts and precision/recall of ``parsed`` (``ParsedDocument.to_dict()``) against ``gold``.

    Returns ``{field: {"tp", "fp", "fn", "wrong", "precision", "recall"}}``; ``errors`` (if given) receives
    one line per disagreement.  ``fold`` (e.g. the importer's traditional→simplified fold) is applied to
    every string of the parse before comparing; the parse itself is not changed.
    """
    if fold is not None:
        parsed = folded(parsed, fold)
    tally = _Tally()
    for name, value in (gold.get("document") or {}).items():
        tally.compare(f"document.{name}", value, (parsed.get("document") or {}).get(name), "document")
    if "problems" in gold:
        by_number: dict[int | None, dict] = {}
        for problem in parsed.get("problems") or []:
            by_number.setdefault(problem.get("number"), problem)
        tally.compare("problems.count", len(gold["problems"]), len(parsed.get("problems") or []), "document")
        gold_numbers = {g["number"] for g in gold["problems"]}
        for gp in gold["problems"]:
            where = f"p{gp['number']}"
            if gp["number"] not in by_number:
                tally.missing("problem.number", where, "problem not found")
                continue
            tally.counts["problem.number"]["tp"] += 1
            _problem(tally, gp, by_number[gp["number"]], where)
        for number in by_number:
            if number not in gold_numbers:
                tally.spurious("problem.number", f"p{number}", "problem not in the gold")
    if "general_measures" in gold:
        _general(tally, gold["general_measures"], parsed.get("general_measures") or [])
    if "amendments" in gold:
        _amendments(tally, gold["amendments"], parsed.get("amendments") or [])
    if errors is not None:
        errors.extend(tally.errors)
    out: dict[str, dict] = {}
    for name, cell in sorted(tally.counts.items()):
        tp, fp, fn = cell["tp"], cell["fp"], cell["fn"]
        out[name] = {
            **cell,
            "precision": tp / (tp + fp) if tp + fp else 1.0,
            "recall": tp / (tp + fn) if tp + fn else 1.0,
        }
    return out


def fields_right(scores: dict[str, dict]) -> float:
    """Share of gold comparisons that came out right: tp / (tp + wrong + missing + spurious)."""
    tp = sum(c["tp"] for c in scores.values())
    wrong = sum(c["wrong"] for c in scores.values())
    bad = sum(c["fp"] + c["fn"] for c in scores.values()) - wrong  # a wrong value counts once
    return tp / (tp + bad) if tp + bad else 1.0


# --- CLI ----------------------------------------------------------------------------------------


def _table(seed_id: str, scores: dict[str, dict]) -> str:
    rows = [f"== {seed_id}  fields right {fields_right(scores):.1%}", f"{'field':32} {'tp':>5} {'fp':>4} {'fn':>4}"]
    rows[-1] += f" {'prec':>7} {'recall':>7}"
    for name, c in scores.items():
        rows.append(f"{name:32} {c['tp']:5d} {c['fp']:4d} {c['fn']:4d} {c['precision']:7.1%} {c['recall']:7.1%}")
    return "\n".join(rows)


def variant_table(folder: Path, aim: float = 0.97) -> str:
    """Seed × variant → share of fields right (``plain``: the seed file itself; ``—``: not applicable).

    The variants are built from each seed's text as the gold tests build them (``variants.py``), with the
    same fold and gold exclusions; cells below ``aim`` are listed under the table.
    """
    from tests.importer_gold.variants import VARIANTS, variant_report

    names = ["plain", *VARIANTS]
    widths = [max(len(name), 7) + 2 for name in names]
    rows = [f"{'seed':6}" + "".join(f"{name:>{width}}" for name, width in zip(names, widths, strict=True))]
    below: list[str] = []
    for seed_id in SEED_IDS:
        gold = load_gold(seed_id)
        text = seed_path(folder, seed_id).read_text(encoding="utf-8")
        cells = [fields_right(score(parse_seed(folder, seed_id), gold))]
        for variant in VARIANTS.values():
            cells.append(variant_report(variant, text, gold)[0] if variant.applies_to(seed_id) else None)
        row = f"{seed_id:6}"
        for name, width, share in zip(names, widths, cells, strict=True):
            row += f"{'—' if share is None else f'{share:.2%}':>{width}}"
            if share is not None and share < aim:
                below.append(f"{seed_id} {name}: {share:.2%}")
        rows.append(row)
    if below:
        rows += ["", f"below the aim ({aim:.0%}):", *(f"  {line}" for line in below)]
    return "\n".join(rows)


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    verbose = "-v" in argv
    folder = seeds_dir()
    if not folder.is_dir():
        print(f"seed folder {folder} not found (set ZHENGGAI_SEEDS)", file=sys.stderr)
        return 2
    if "--variants" in argv:
        print(variant_table(folder))
        return 0
    summary = []
    for seed_id in SEED_IDS:
        errors: list[str] = []
        scores = score(parse_seed(folder, seed_id), load_gold(seed_id), errors)
        print(_table(seed_id, scores))
        if verbose:
            print("\n".join(f"  ! {line}" for line in errors))
        print()
        summary.append(f"{seed_id}: {fields_right(scores):.1%} fields right")
    print("\n".join(summary))
    return 0


if __name__ == "__main__":
    sys.path.insert(0, str(GOLD_DIR.parents[1] / "src"))
    raise SystemExit(main())
