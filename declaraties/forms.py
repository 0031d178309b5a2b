"""Forms of the money pages: declaring (form and spreadsheet), assessing lines, payment orders,
claims and their disputes.

Forms check input only (types, required fields, shapes); every business rule is the service's, and
a refusal comes back as a ``BusinessRuleError`` that ``add_rule_error`` ties to the field it names
(or to the form as a whole), always with its code."""

from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone

from backoffice import limieten
from backoffice.forms import BedragField
from backoffice.rules import toelichting_ontbreekt
from financiering.rules import DEFAULT_PAYMENT_PLAN

from . import rules
from .models import BetaalopdrachtStatus, PrestatieStatus, VorderingStatus

DATUM = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
MAAND = forms.DateInput(attrs={"type": "month", "placeholder": "JJJJ-MM"}, format="%Y-%m")
TOELICHTING = forms.Textarea(attrs={"rows": 3})


class MaandField(forms.DateField):
    """A calendar month as ``JJJJ-MM`` (what ``<input type="month">`` sends); the first day."""

    widget = MAAND
    input_formats = ["%Y-%m", "%Y-%m-%d"]
    default_error_messages = {"invalid": "Geef een maand als JJJJ-MM, bijvoorbeeld 2026-03."}

    def to_python(self, value):
        day = super().to_python(value)
        return day.replace(day=1) if day else day


# --- filters (GET; an unknown value is ignored rather than refused) ------------------------------


class _Filter(forms.Form):
    def filters(self) -> dict:
        """The valid, filled-in filters (an invalid one is left out, its error shown)."""
        self.is_valid()
        return {k: v for k, v in self.cleaned_data.items() if v not in (None, "", False)}


class DeclaratieFilterForm(_Filter):
    status = forms.ChoiceField(
        label="Status",
        required=False,
        choices=[
            ("", "Alle statussen"),
            ("in_behandeling", "In behandeling bij UWV"),
            ("toegekend", "Toegekend"),
            ("deels_toegekend", "Deels toegekend"),
            ("afgewezen", "Afgewezen"),
        ],
    )
    periode = MaandField(label="Declaratiemaand", required=False)
    nummer = forms.CharField(label="Declaratienummer", required=False, max_length=20)
    toewijzing = forms.IntegerField(label="Toewijzingnummer", required=False, min_value=1)


class PrestatieFilterForm(_Filter):
    toewijzing = forms.IntegerField(label="Toewijzingnummer", required=False, min_value=1)
    status = forms.ChoiceField(
        label="Status", required=False, choices=[("", "Alle statussen"), *PrestatieStatus.choices]
    )


class BetaalopdrachtFilterForm(_Filter):
    status = forms.ChoiceField(
        label="Status", required=False, choices=[("", "Alle statussen"), *BetaalopdrachtStatus.choices]
    )
    vanaf = forms.DateField(label="Opdrachtdatum vanaf", required=False, widget=DATUM)
    tot = forms.DateField(label="Opdrachtdatum tot en met", required=False, widget=DATUM)


class VorderingFilterForm(_Filter):
    status = forms.ChoiceField(
        label="Status", required=False, choices=[("", "Alle statussen"), *VorderingStatus.choices]
    )
    periode = MaandField(label="Maand", required=False)
    gemeente = forms.ChoiceField(label="Gemeente", required=False)
    te_laat = forms.BooleanField(label="Alleen te laat", required=False)

    def __init__(self, *args, gemeenten=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["gemeente"].choices = [
            ("", "Alle gemeenten"),
            *((g.code, g.naam) for g in sorted(gemeenten, key=lambda g: g.naam)),
        ]


class JaarForm(_Filter):
    jaar = forms.TypedChoiceField(label="Jaar", required=False, coerce=int)

    def __init__(self, *args, jaren=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["jaar"].choices = [(j, str(j)) for j in jaren]


# --- declaring -------------------------------------------------------------------------------------


class DeclaratieKopForm(forms.Form):
    declaratie_nummer = forms.CharField(
        label="Declaratienummer",
        max_length=20,
        help_text="Uw eigen nummer, uniek per declaratie (1 tot 20 tekens), bijvoorbeeld D2026-03-001.",
    )
    periode = MaandField(label="Declaratiemaand", help_text="De kalendermaand waarover u declareert (JJJJ-MM).")


PRODUCTCODES = [(code, naam) for code, naam, *_ in DEFAULT_PAYMENT_PLAN]  # value: the code; shown: the name


class PrestatieRegelForm(forms.Form):
    """One line of the declaration (iWmo 323 prestatie). An entirely empty row is skipped."""

    product_referentie = forms.CharField(label="Productreferentie", max_length=20)
    toewijzing_nummer = forms.IntegerField(label="Toewijzingnummer", min_value=1, max_value=999_999_999)
    # An empty first choice: a row the user leaves alone then sends nothing that counts as a change.
    product_code = forms.ChoiceField(label="Product", choices=[("", "Kies een product"), *PRODUCTCODES])
    begindatum = forms.DateField(label="Periode van", widget=DATUM)
    einddatum = forms.DateField(label="Periode tot en met", widget=DATUM)
    geleverd_volume = BedragField(label="Volume", min_value=Decimal("0"), max_digits=10, decimal_places=2)
    ingediend_bedrag = BedragField(label="Bedrag (€)", min_value=Decimal("0"), max_digits=10, decimal_places=2)
    debet_credit = forms.ChoiceField(label="Debet/credit", choices=[("D", "Debet"), ("C", "Credit")], initial="D")
    vorig_referentie_nummer = forms.CharField(
        label="VorigReferentieNummer", max_length=20, required=False, help_text="Alleen bij credit: de debetregel."
    )

    def clean(self):
        data = super().clean()
        begin, eind = data.get("begindatum"), data.get("einddatum")
        if begin and eind and eind < begin:
            self.add_error("einddatum", "De einddatum ligt vóór de begindatum.")
        if probleem := rules.credit_zonder_vorige(data.get("debet_credit"), data.get("vorig_referentie_nummer")):
            self.add_error("vorig_referentie_nummer", probleem)
        return data

    def regel(self) -> rules.Regel:
        d = self.cleaned_data
        return rules.Regel(
            product_referentie=d["product_referentie"].strip(),
            toewijzing_nummer=d["toewijzing_nummer"],
            product_code=d["product_code"],
            begindatum=d["begindatum"],
            einddatum=d["einddatum"],
            geleverd_volume=d["geleverd_volume"],
            ingediend_bedrag=d["ingediend_bedrag"],
            debet_credit=d["debet_credit"],
            vorig_referentie_nummer=(d.get("vorig_referentie_nummer") or "").strip(),
        )


class _RegelFormSet(forms.BaseFormSet):
    def clean(self):
        if any(self.errors):
            return
        filled = [f for f in self.forms if f.has_changed() and f.cleaned_data]
        if not filled:
            raise ValidationError("Vul ten minste één regel in.", code="geen-regels")
        refs = [f.cleaned_data["product_referentie"].strip() for f in filled]
        if len(set(refs)) != len(refs):
            raise ValidationError("Elke productReferentie komt één keer voor in een declaratie.", code="dubbel")


PrestatieFormSet = forms.formset_factory(
    PrestatieRegelForm, formset=_RegelFormSet, extra=3, max_num=50, validate_max=True
)


class UploadForm(forms.Form):
    bestand = forms.FileField(
        label="Bestand (CSV of XLSX)",
        help_text="Eén regel per prestatie met een kopregel; gebruik het sjabloon. Ten hoogste 10 MB.",
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx"}),
    )


class BeoordelingRegelForm(forms.Form):
    """UWV's decision on one waiting line; leaving the choice empty keeps it waiting."""

    product_referentie = forms.CharField(widget=forms.HiddenInput)
    besluit = forms.ChoiceField(
        label="Besluit",
        required=False,
        widget=forms.RadioSelect,
        choices=[("", "Nog niet"), ("toegekend", "Toekennen"), ("afgewezen", "Afwijzen")],
    )
    toelichting = forms.CharField(
        label="Toelichting", required=False, max_length=limieten.TOELICHTING, widget=TOELICHTING
    )

    def clean(self):
        data = super().clean()
        if toelichting_ontbreekt(data.get("toelichting"), vereist=data.get("besluit") == "afgewezen"):
            self.add_error("toelichting", "Een afwijzing vraagt een toelichting (code: toelichting-verplicht).")
        return data


BeoordelingFormSet = forms.formset_factory(BeoordelingRegelForm, extra=0)


# --- payment orders ----------------------------------------------------------------------------------


class AkkoordForm(forms.Form):
    """No input: the confirmation step carries ``bevestigd``."""


class BevestigingForm(forms.Form):
    datum = forms.DateField(
        label="Uitvoeringsdatum volgens de bank",
        widget=DATUM,
        help_text="Niet vóór de opdrachtdatum en niet in de toekomst.",
    )


# --- claims ---------------------------------------------------------------------------------------


class OntvangstForm(forms.Form):
    bedrag = BedragField(label="Ontvangen bedrag (€)", min_value=Decimal("0.01"), max_digits=14, decimal_places=2)
    datum = forms.DateField(label="Datum van ontvangst", widget=DATUM, initial=timezone.localdate)


class BezwaarForm(forms.Form):
    regel = forms.UUIDField(widget=forms.HiddenInput)
    toelichting = forms.CharField(
        label="Reden van het bezwaar",
        max_length=limieten.TOELICHTING,
        widget=TOELICHTING,
        error_messages={"required": "Een bezwaar vraagt een toelichting (code: toelichting-verplicht)."},
    )


class BezwaarBesluitForm(forms.Form):
    regel = forms.UUIDField(widget=forms.HiddenInput)
    besluit = forms.ChoiceField(
        label="Besluit",
        widget=forms.RadioSelect,
        choices=[("toegewezen", "Toewijzen: de regel vervalt"), ("afgewezen", "Afwijzen: de regel blijft")],
    )
    toelichting = forms.CharField(
        label="Toelichting op het besluit",
        max_length=limieten.TOELICHTING,
        widget=TOELICHTING,
        error_messages={"required": "Een besluit op een bezwaar vraagt een toelichting (code: toelichting-verplicht)."},
    )
