"""Forms of the gemeente's and UWV's case pages: filters, decisions and the BSN search.

Forms check input only (types, required fields, the shape of a BSN); every business rule is the
service's, and a refusal comes back as a ``BusinessRuleError`` that ``add_rule_error`` ties to the
field it names."""

from django import forms
from django.core.exceptions import ValidationError

from backoffice import limieten
from backoffice.rules import toelichting_ontbreekt
from financiering.models import Route

from .models import AanvraagStatus, BesluitUitkomst
from .validators import clean_bsn


class AanvraagFilterForm(forms.Form):
    """GET filters of the applications list; an unknown value is ignored rather than refused. The
    sort is the list's (``trajecten.lijsten.AANVRAGEN``: the column headers and the sort menu)."""

    status = forms.ChoiceField(
        label="Status", required=False, choices=[("", "Alle statussen"), *AanvraagStatus.choices]
    )
    route = forms.ChoiceField(label="Route", required=False, choices=[("", "Beide routes"), *Route.choices])
    perceel = forms.ChoiceField(label="Perceel", required=False)
    gemeente = forms.ChoiceField(label="Gemeente", required=False)

    def __init__(self, *args, percelen=(), gemeenten=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["perceel"].choices = [("", "Alle percelen"), *((p.code, p.naam) for p in percelen)]
        self.fields["gemeente"].choices = [
            ("", "Alle gemeenten"),
            *((g.code, g.naam) for g in sorted(gemeenten, key=lambda g: g.naam)),
        ]

    def filters(self) -> dict:
        """The valid filters as queryset lookups, and the sort order."""
        self.is_valid()  # an invalid field drops out of cleaned_data; the others still filter
        data = self.cleaned_data
        lookups = {}
        if data.get("status"):
            lookups["status"] = data["status"]
        if data.get("route"):
            lookups["route"] = data["route"]
        if data.get("perceel"):
            lookups["perceel__code"] = data["perceel"]
        if data.get("gemeente"):
            lookups["gemeente__code"] = data["gemeente"]
        return lookups


class BeoordelingForm(forms.Form):
    """A decision on an application or an extension request: akkoord or afgewezen with a reason.

    ``bevestigd`` is the confirmation step (backoffice/_bevestig.html): a required box under the
    consequence spelled out; a POST without it decides nothing."""

    besluit = forms.ChoiceField(
        label="Besluit",
        choices=BesluitUitkomst.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Kies akkoord of afwijzen.", "invalid_choice": "Kies akkoord of afwijzen."},
    )
    toelichting = forms.CharField(
        label="Toelichting",
        required=False,
        max_length=limieten.TOELICHTING,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Verplicht bij een afwijzing: de reden, zoals de aanvrager die te lezen krijgt.",
    )
    bevestigd = forms.BooleanField(
        label="Ik bevestig dit besluit",
        error_messages={"required": "Vink aan dat u dit besluit bevestigt; er is nog niets vastgelegd."},
    )

    def clean(self):
        cleaned = super().clean()
        # The same input check as the API's (trajecten.api.base.BeoordelingWriteSerializer), so that the
        # user hears it before the confirmation step; the service checks it again.
        if toelichting_ontbreekt(cleaned.get("toelichting"), vereist=cleaned.get("besluit") == "afgewezen"):
            self.add_error(
                "toelichting",
                ValidationError(
                    "Een afwijzing vraagt een toelichting. (code: toelichting-verplicht)",
                    code="toelichting-verplicht",
                ),
            )
        return cleaned


class BsnZoekForm(forms.Form):
    bsn = forms.CharField(
        label="BSN",
        max_length=11,
        help_text="9 cijfers. Het BSN wordt niet bewaard en komt nooit in de adresbalk.",
        error_messages={
            "required": "Vul een BSN in. (code: ongeldig-bsn)",
            "max_length": "Een BSN bestaat uit precies 9 cijfers. (code: ongeldig-bsn)",
        },
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )

    def clean_bsn(self) -> str:
        try:
            return clean_bsn(self.cleaned_data["bsn"])
        except ValidationError as exc:
            raise ValidationError(f"{exc.messages[0]} (code: ongeldig-bsn)", code="ongeldig-bsn") from exc
