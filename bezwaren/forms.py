"""Forms of the objection pages: filing an objection (the provider) and deciding it (the body that
took the contested decision).

Forms check input only (required fields, lengths); every rule of the Awb (the term, who may object,
who decides) is the service's, and its refusal comes back as a ``BusinessRuleError`` that
``add_rule_error`` ties to the field it names. The confirmation step is a page of its own
(``declaraties.views.base.confirm_page``), as for the other irreversible decisions."""

from django import forms
from django.core.exceptions import ValidationError

from backoffice import limieten
from backoffice.rules import toelichting_ontbreekt

# The outcomes of a decision on an objection, each with what it means for the contested decision.
UITKOMSTEN = [
    ("gegrond", "Gegrond: het besluit wordt herroepen en er volgt een nieuw besluit"),
    ("ongegrond", "Ongegrond: het besluit blijft staan"),
    (
        "niet_ontvankelijk",
        "Niet-ontvankelijk: het bezwaar wordt niet inhoudelijk behandeld (bijvoorbeeld te laat zonder "
        "verschoonbare reden, of niet van een belanghebbende); het besluit blijft staan",
    ),
]


class IndienenForm(forms.Form):
    """The objection: its grounds, and after the 6-week term the reason for the delay (Awb 6:11)."""

    gronden = forms.CharField(
        label="Gronden van het bezwaar",
        max_length=limieten.TOELICHTING,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text="Waarom bent u het niet eens met het besluit? Dit leest degene die op uw bezwaar beslist.",
        error_messages={"required": "Vul de gronden van uw bezwaar in. (code: gronden-verplicht)"},
    )
    reden_termijnoverschrijding = forms.CharField(
        label="Reden waarom het bezwaar na de termijn komt",
        max_length=limieten.TOELICHTING,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="De bezwaartermijn is verstreken. Een bezwaar daarna wordt alleen behandeld met een reden "
        "waarom u niet eerder bezwaar kon maken (Awb art. 6:11).",
        error_messages={
            "required": "De termijn is verstreken: geef de reden van de vertraging. (code: bezwaartermijn-verstreken)"
        },
    )

    def __init__(self, *args, te_laat: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if not te_laat:
            del self.fields["reden_termijnoverschrijding"]

    @property
    def reden(self) -> str:
        return (self.cleaned_data.get("reden_termijnoverschrijding") or "").strip()


class BeslissenForm(forms.Form):
    """The decision on the objection: an outcome and, always, the reasons (Awb 7:12)."""

    uitkomst = forms.ChoiceField(
        label="Besluit op het bezwaar",
        choices=UITKOMSTEN,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Kies gegrond, ongegrond of niet-ontvankelijk.",
            "invalid_choice": "Kies gegrond, ongegrond of niet-ontvankelijk.",
        },
    )
    toelichting = forms.CharField(
        label="Motivering",
        required=False,
        max_length=limieten.TOELICHTING,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="Verplicht: waarom u zo beslist. De indiener leest dit in het besluit op bezwaar.",
    )

    def clean(self):
        cleaned = super().clean()
        if toelichting_ontbreekt(cleaned.get("toelichting"), vereist=True):
            self.add_error(
                "toelichting",
                ValidationError(
                    "Een besluit op bezwaar vraagt een motivering. (code: toelichting-verplicht)",
                    code="toelichting-verplicht",
                ),
            )
        return cleaned


class IntrekkenForm(forms.Form):
    """The provider withdraws its open objection (Awb 6:21), confirmed by the box."""

    toelichting = forms.CharField(
        label="Toelichting",
        required=False,
        max_length=limieten.TOELICHTING,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    bevestigd = forms.BooleanField(
        label="Ik trek dit bezwaar in",
        error_messages={"required": "Vink aan dat u het bezwaar intrekt; zonder bevestiging gebeurt er niets."},
    )


class VerdagenForm(forms.Form):
    """Extend the decision term once by six weeks, with a reason (Awb 7:10 lid 3)."""

    reden = forms.CharField(
        label="Reden van de verdaging",
        max_length=limieten.TOELICHTING,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="De beslistermijn schuift eenmaal 6 weken op; de indiener leest deze reden.",
        error_messages={"required": "Verdagen vraagt een reden (Awb 7:10 lid 3). (code: toelichting-verplicht)"},
    )
