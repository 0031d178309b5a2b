"""The one state machine mechanism: a table of allowed transitions per model (action -> {from
state: to state}), asked by the one service per transition before it writes the new state, the
history and the signals in one transaction. The tables live in each app's ``rules.py``;
``docs/states.md`` draws them (``tests/backoffice/test_states.py`` checks the drawing)."""

from collections.abc import Mapping
from dataclasses import dataclass, field

from .errors import BusinessRuleError


@dataclass(frozen=True)
class Toestandsmachine:
    """``noun`` names the thing in refusals ("een aanvraag met status 'ingediend'");
    ``transities`` maps each action to {from state: to state}; ``acties`` gives an action's Dutch
    verb for the refusal ("U kunt ... niet goedkeuren")."""

    noun: str
    transities: Mapping[str, Mapping[str, str]]
    acties: Mapping[str, str] = field(default_factory=dict)

    def volgende(self, actie: str, huidig: str) -> str:
        """The state after ``actie``, or the coded refusal ``ongeldige-status`` naming the current state."""
        try:
            return self.transities[actie][huidig]
        except KeyError:
            werkwoord = self.acties.get(actie, actie.replace("_", " "))
            raise BusinessRuleError(
                code="ongeldige-status",
                message=f"U kunt een {self.noun} met status '{huidig}' niet {werkwoord}.",
            ) from None

    def kan(self, actie: str, huidig: str) -> bool:
        return huidig in self.transities.get(actie, {})

    def van(self, actie: str) -> tuple[str, ...]:
        """The states ``actie`` may start from (for the set-based moves: ``status__in=...``)."""
        return tuple(self.transities[actie])

    def mogelijk(self, huidig: str) -> list[str]:
        """The actions allowed from ``huidig``, in table order."""
        return [actie for actie, paden in self.transities.items() if huidig in paden]

    def toestanden(self) -> list[str]:
        seen: dict[str, None] = {}
        for paden in self.transities.values():
            for van, naar in paden.items():
                seen.setdefault(van)
                seen.setdefault(naar)
        return list(seen)

    def mermaid(self) -> str:
        """The table as a Mermaid state diagram, one edge per (from, action, to)."""
        lines = ["stateDiagram-v2"]
        for actie, paden in self.transities.items():
            for van, naar in paden.items():
                lines.append(f"    {van} --> {naar}: {actie}")
        return "\n".join(lines)
