"""Forms of financiering's web pages: a fidelity audit (one row per scale item, both auditors and
the consensus), the implementation plan, and a budget. The forms only parse what a user typed;
every rule is the service's (``services.modeltrouwmeting_waarden``, ``budget_create``), so a page
refuses with the same codes as the API."""

from django import forms

from backoffice.forms import BedragField

from .models import Aanbieder, Gemeente, Regeling, Schaalversie

DATUM = {"type": "date"}
DATUM_ISO = "%Y-%m-%d"  # an <input type="date"> takes ISO only
DATUM_FOUT = {"invalid": "Vul een geldige datum in (dag-maand-jaar)."}
SCORE_FOUT = {"invalid": "Een score is een geheel getal van 1 tot en met 5. (code: ongeldige-invoer)"}
KOLOMMEN = (("a1", "auditor 1"), ("a2", "auditor 2"), ("c", "consensus"))


class ModeltrouwmetingForm(forms.Form):
    """The audit of one provider on one scale version; per item ``a1_<n>``, ``a2_<n>``, ``c_<n>``.
    A blank auditor column means "no own scores of that auditor" (the API allows it); a column
    filled in part is sent as it is, and the service says which items are missing."""

    aanbieder = forms.ModelChoiceField(
        label="Aanbieder", queryset=Aanbieder.objects.none(), empty_label="Kies een aanbieder", to_field_name="uuid"
    )
    datum = forms.DateField(
        label="Datum van de meting", widget=forms.DateInput(attrs=DATUM, format=DATUM_ISO), error_messages=DATUM_FOUT
    )
    auditor_1 = forms.CharField(label="Auditor 1 (naam)", max_length=200, required=False)
    auditor_2 = forms.CharField(label="Auditor 2 (naam)", max_length=200, required=False)

    def __init__(self, *args, versie: Schaalversie, aanbieders, items, correctie: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.versie, self.items = versie, list(items)
        self.fields["aanbieder"].queryset = aanbieders
        if correctie:
            del self.fields["aanbieder"]
            self.fields["toelichting"] = forms.CharField(
                label="Waarom corrigeert u de meting?",
                max_length=80,
                required=False,
                help_text="Verplicht; komt in de historie van de meting (ten hoogste 80 tekens).",
            )
        for item in self.items:
            for prefix, wie in KOLOMMEN:
                self.fields[f"{prefix}_{item.nummer}"] = forms.IntegerField(
                    label=f"Item {item.nummer}, {wie}",
                    required=False,
                    widget=forms.NumberInput(attrs={"min": 1, "max": 5, "step": 1, "inputmode": "numeric"}),
                    error_messages=SCORE_FOUT,
                )

    def rijen(self) -> list[dict]:
        """One row per item for the template: the item and its three bound fields."""
        return [
            {"item": item, "velden": [self[f"{prefix}_{item.nummer}"] for prefix, _ in KOLOMMEN]} for item in self.items
        ]

    def _set(self, prefix: str) -> dict[str, int] | None:
        given = {
            str(item.nummer): self.cleaned_data[f"{prefix}_{item.nummer}"]
            for item in self.items
            if self.cleaned_data.get(f"{prefix}_{item.nummer}") is not None
        }
        return given or None

    def service_args(self) -> dict:
        """The keyword arguments of ``services.modeltrouwmeting_waarden`` (and register/correct)."""
        data = self.cleaned_data
        return {
            "datum": data["datum"],
            "versie": self.versie,
            "auditor_1": data.get("auditor_1") or "",
            "auditor_2": data.get("auditor_2") or "",
            "scores_auditor_1": self._set("a1"),
            "scores_auditor_2": self._set("a2"),
            "consensus_scores": self._set("c") or {},
        }

    @staticmethod
    def initial_from(meting) -> dict:
        initial = {"datum": meting.datum, "auditor_1": meting.auditor_1, "auditor_2": meting.auditor_2}
        for prefix, scores in (("a1", meting.scores_auditor_1), ("a2", meting.scores_auditor_2), ("c", meting.scores)):
            for nummer, score in (scores or {}).items():
                initial[f"{prefix}_{nummer}"] = score
        return initial


class ImplementatieplanForm(forms.Form):
    implementatieplan_goedgekeurd_op = forms.DateField(
        label="Implementatieplan goedgekeurd op",
        required=False,
        widget=forms.DateInput(attrs=DATUM, format=DATUM_ISO),
        error_messages=DATUM_FOUT,
        help_text="Leeg: geen goedgekeurd plan (een ingetrokken plan).",
    )
    implementatie_start = forms.DateField(
        label="Start van de implementatie",
        required=False,
        widget=forms.DateInput(attrs=DATUM, format=DATUM_ISO),
        error_messages=DATUM_FOUT,
    )


class BudgetNieuwForm(forms.Form):
    gemeente = forms.ModelChoiceField(
        label="Gemeente", queryset=Gemeente.objects.order_by("naam"), empty_label="Kies een gemeente"
    )
    regeling = forms.ModelChoiceField(
        label="Regeling",
        queryset=Regeling.objects.filter(route_gemeente=True).order_by("naam"),
        empty_label="Kies een regeling",
        help_text="Alleen regelingen met een gemeenteroute: daar reserveert de beschikking van de gemeente.",
    )
    jaar = forms.IntegerField(label="Jaar", min_value=2000, max_value=2100)
    toegekend = BedragField(
        label="Toegekend bedrag (€)", max_digits=14, decimal_places=2, help_text="Bijvoorbeeld 120.000,00."
    )
    omschrijving = forms.CharField(label="Omschrijving (optioneel)", max_length=200, required=False)


class BudgetWijzigenForm(forms.Form):
    toegekend = BedragField(
        label="Nieuw toegekend bedrag (€)",
        max_digits=14,
        decimal_places=2,
        help_text="Hoger: het budget wordt verhoogd; lager: verlaagd, nooit onder wat al gereserveerd en betaald is.",
    )
    omschrijving = forms.CharField(
        label="Reden (optioneel)", max_length=200, required=False, help_text="Komt in het grootboek van dit budget."
    )
