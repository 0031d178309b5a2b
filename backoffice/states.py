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
    verb for the refusal ("U kunt ... niet goedkeuren").

    Where the state after an action follows from amounts (a claim is ``deels_betaald`` or
    ``betaald`` after a receipt), the table names every possible outcome as a tuple and the
    service says which one it computed: ``volgende(actie, huidig, naar=...)``."""

    noun: str
    transities: Mapping[str, Mapping[str, str | tuple[str, ...]]]
    acties: Mapping[str, str] = field(default_factory=dict)

    def weigering(self, actie: str, huidig: str) -> BusinessRuleError:
        """The coded refusal ``ongeldige-status`` naming the current state."""
        werkwoord = self.acties.get(actie, actie.replace("_", " "))
        return BusinessRuleError(
            code="ongeldige-status",
            message=f"U kunt een {self.noun} met status '{huidig}' niet {werkwoord}.",
        )

    def volgende(self, actie: str, huidig: str, naar: str | None = None) -> str:
        """The state after ``actie``, or the coded refusal ``ongeldige-status`` naming the current
        state. ``naar``: the outcome the service computed, when the table allows several."""
        try:
            doel = self.transities[actie][huidig]
        except KeyError:
            raise self.weigering(actie, huidig) from None
        if isinstance(doel, str):
            if naar is not None and naar != doel:
                raise self.weigering(actie, huidig)
            return doel
        if naar is None:
            raise ValueError(f"{self.noun}: '{actie}' vanuit '{huidig}' heeft meer uitkomsten; geef naar= op")
        if naar not in doel:
            raise self.weigering(actie, huidig)
        return naar

    def kan(self, actie: str, huidig: str) -> bool:
        return huidig in self.transities.get(actie, {})

    def uitkomsten(self, actie: str, huidig: str) -> tuple[str, ...]:
        """Every state ``actie`` may lead to from ``huidig`` (empty when it is not allowed)."""
        doel = self.transities.get(actie, {}).get(huidig)
        return () if doel is None else (doel,) if isinstance(doel, str) else tuple(doel)

    def van(self, actie: str) -> tuple[str, ...]:
        """The states ``actie`` may start from (for the set-based moves: ``status__in=...``)."""
        return tuple(self.transities[actie])

    def mogelijk(self, huidig: str) -> list[str]:
        """The actions allowed from ``huidig``, in table order."""
        return [actie for actie, paden in self.transities.items() if huidig in paden]

    def toestanden(self) -> list[str]:
        seen: dict[str, None] = {}
        for actie, paden in self.transities.items():
            for van in paden:
                seen.setdefault(van)
                for naar in self.uitkomsten(actie, van):
                    seen.setdefault(naar)
        return list(seen)

    def mermaid(self) -> str:
        """The table as a Mermaid state diagram, one edge per (from, action, to)."""
        lines = ["stateDiagram-v2"]
        for actie, paden in self.transities.items():
            for van in paden:
                for naar in self.uitkomsten(actie, van):
                    lines.append(f"    {van} --> {naar}: {actie}")
        return "\n".join(lines)
