"""Match the names a document uses to the unit registry.

Order: exact name, short name or alias (``Unit.objects.resolve``, which ignores spacing and
punctuation); then an abbreviation fold (区X厅 ↔ 自治区X厅, 市X局 ↔ <city>X局, 发展委 ↔ 发展改革委);
a match that has since been succeeded (机构改革) resolves to its current successor. A name
that matches nothing is reported as a proposal, never dropped: the assignment keeps the
name as written.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from zhenggai.organizations.models import Unit

# Abbreviations seen in the seeds: the short form a document writes → the registry's longer form.
_EXPANSIONS = (("区", "自治区"), ("发展委", "发展改革委"), ("发改委", "发展改革委"))


@dataclass
class UnitMatcher:
    """Resolves names once each (a plan repeats the same units many times)."""

    cache: dict[str, Unit | None] = field(default_factory=dict)
    unmatched: list[str] = field(default_factory=list)

    def match(self, name: str) -> Unit | None:
        if name in self.cache:
            return self.cache[name]
        unit = Unit.objects.resolve(name) or self._by_abbreviation(name)
        unit = unit.current() if unit else None
        self.cache[name] = unit
        if unit is None and name not in self.unmatched:
            self.unmatched.append(name)
        return unit

    @staticmethod
    def _by_abbreviation(name: str) -> Unit | None:
        for short, long in _EXPANSIONS:
            if short in name:
                unit = Unit.objects.resolve(name.replace(short, long, 1))
                if unit:
                    return unit
        return None
