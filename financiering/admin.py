"""Admin for schemes, lots, prices, organisations, contracts and fidelity scales (editable by the
beheerder) and for fidelity audits and budgets (read-only: they change through the services)."""

from decimal import Decimal

from django import forms
from django.contrib import admin
from django.contrib.auth import get_user_model

from backoffice import roles
from backoffice.admin import HistoryAdmin, ReadOnlyAdmin, ReadOnlyHistoryAdmin, ReadOnlyTabularInline, UserAdmin

from . import rules
from .models import (
    Aanbieder,
    Band,
    Budget,
    Budgetmutatie,
    Gemeente,
    Mandaat,
    Medewerker,
    Modeltrouwmeting,
    Perceel,
    Product,
    Raamovereenkomst,
    Regeling,
    Samenwerkingsverband,
    SchaalItem,
    Schaalversie,
    Trajectbegeleider,
    Trajectprijs,
)
from .services.regelingen import cofinanciering_gewijzigd

# -- organisations ------------------------------------------------------------------------------


@admin.register(Gemeente)
class GemeenteAdmin(admin.ModelAdmin):
    list_display = ("code", "naam", "provincie", "actief_van", "actief_tot")
    list_filter = ("provincie",)
    search_fields = ("code", "naam")
    readonly_fields = ("uuid",)


class RaamovereenkomstInline(admin.TabularInline):
    model = Raamovereenkomst
    fields = ("perceel", "van", "tot", "status", "reden")
    extra = 0


class TrajectbegeleiderInline(admin.TabularInline):
    model = Trajectbegeleider
    fields = ("naam", "fte", "actief", "clienten_elders")
    extra = 0


@admin.register(Aanbieder)
class AanbiederAdmin(HistoryAdmin):
    list_display = ("naam", "type", "kvk_nummer", "agb_code", "iban", "implementatieplan_goedgekeurd_op")
    list_filter = ("type",)
    search_fields = ("naam", "kvk_nummer", "agb_code")
    readonly_fields = ("uuid",)
    inlines = (RaamovereenkomstInline, TrajectbegeleiderInline)


@admin.register(Raamovereenkomst)
class RaamovereenkomstAdmin(HistoryAdmin):
    list_display = ("aanbieder", "perceel", "van", "tot", "status")
    list_filter = ("status", "perceel")
    search_fields = ("aanbieder__naam", "perceel__code")
    autocomplete_fields = ("aanbieder",)
    readonly_fields = ("uuid",)


@admin.register(Trajectbegeleider)
class TrajectbegeleiderAdmin(HistoryAdmin):
    list_display = ("naam", "aanbieder", "fte", "actief", "clienten_elders")
    list_filter = ("actief", "aanbieder")
    search_fields = ("naam", "aanbieder__naam")
    autocomplete_fields = ("aanbieder",)
    readonly_fields = ("uuid",)


@admin.register(Medewerker)
class MedewerkerAdmin(admin.ModelAdmin):
    list_display = ("user", "aanbieder", "gemeenten_lijst")
    list_filter = ("aanbieder",)
    search_fields = ("user__username", "user__last_name", "aanbieder__naam", "gemeenten__naam")
    autocomplete_fields = ("user", "aanbieder", "gemeenten")

    @admin.display(description="gemeenten")
    def gemeenten_lijst(self, obj: Medewerker) -> str:
        return ", ".join(str(g) for g in obj.gemeenten.all())

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("user", "aanbieder").prefetch_related("gemeenten")


class MedewerkerInline(admin.StackedInline):
    model = Medewerker
    can_delete = False
    verbose_name = "organisatie"
    verbose_name_plural = "organisatie (aanbieder of gemeenten)"
    autocomplete_fields = ("aanbieder", "gemeenten")


User = get_user_model()


class UserMetOrganisatieAdmin(UserAdmin):
    """The user admin of ``backoffice`` with the user's organisation as an inline. Registered here
    because ``backoffice`` may not import ``financiering`` (conventions.md, imports run one way)."""

    inlines = (MedewerkerInline,)


admin.site.unregister(User)
admin.site.register(User, UserMetOrganisatieAdmin)

# -- schemes, lots, products and prices ---------------------------------------------------------


class PaymentPlanFormSet(forms.BaseInlineFormSet):
    """The shares of a lot's products add up to 1 (domain.md section 8), as in the service."""

    def clean(self):
        super().clean()
        shares = [
            Decimal(form.cleaned_data["aandeel"])
            for form in self.forms
            if form.cleaned_data and not form.cleaned_data.get("DELETE") and form.cleaned_data.get("aandeel")
        ]
        problem = rules.payment_plan_problem(shares)
        if problem:
            raise forms.ValidationError(problem)


class ProductInline(admin.TabularInline):
    model = Product
    formset = PaymentPlanFormSet
    fields = ("code", "naam", "soort", "aandeel", "min_uren_per_week")
    extra = 0


class TrajectprijsInline(admin.TabularInline):
    model = Trajectprijs
    fields = ("bedrag", "geldig_van", "geldig_tot")
    extra = 0


class PerceelInline(admin.TabularInline):
    model = Perceel
    fields = ("code", "naam", "doelgroep", "basisduur_maanden", "max_verlenging_maanden", "toegestane_aanbiedertypen")
    extra = 0
    show_change_link = True


@admin.register(Regeling)
class RegelingAdmin(HistoryAdmin):
    list_display = ("code", "naam", "routes_lijst", "aanvraag_vanaf", "aanvraag_tot", "cofinanciering_aandeel")
    list_filter = ("route_uwv", "route_gemeente", "raamovereenkomst_vereist")
    search_fields = ("code", "naam")
    readonly_fields = ("uuid",)
    fieldsets = (
        (None, {"fields": ("code", "naam", "uuid")}),
        (
            "Routes en voorwaarden",
            {"fields": ("route_uwv", "route_gemeente", "uwv_akkoord_na_beschikking", "raamovereenkomst_vereist")},
        ),
        ("Aanvraagperiode", {"fields": ("aanvraag_vanaf", "aanvraag_tot")}),
        (
            "Quota en cofinanciering",
            {"fields": ("quotum_uwv", "quotum_gemeente", "max_per_gemeente", "cofinanciering_aandeel")},
        ),
    )
    inlines = (PerceelInline,)

    def save_model(self, request, obj, form, change):
        was = Regeling.objects.get(pk=obj.pk).cofinanciering_aandeel if change else None
        super().save_model(request, obj, form, change)
        cofinanciering_gewijzigd(obj, was=was)

    @admin.display(description="routes")
    def routes_lijst(self, obj: Regeling) -> str:
        return ", ".join(obj.routes)


@admin.register(Perceel)
class PerceelAdmin(HistoryAdmin):
    list_display = ("code", "naam", "regeling", "doelgroep", "basisduur_maanden", "max_verlenging_maanden")
    list_filter = ("regeling", "doelgroep")
    search_fields = ("code", "naam")
    readonly_fields = ("uuid",)
    inlines = (ProductInline, TrajectprijsInline)


@admin.register(Product)
class ProductAdmin(HistoryAdmin):
    list_display = ("perceel", "code", "naam", "soort", "aandeel", "min_uren_per_week")
    list_filter = ("soort", "perceel__regeling")
    search_fields = ("perceel__code", "code", "naam")


@admin.register(Trajectprijs)
class TrajectprijsAdmin(HistoryAdmin):
    list_display = ("perceel", "bedrag", "geldig_van", "geldig_tot")
    list_filter = ("perceel__regeling",)
    search_fields = ("perceel__code",)


# -- fidelity scales and audits -----------------------------------------------------------------


class SchaalItemInline(admin.TabularInline):
    model = SchaalItem
    fields = ("nummer", "domein", "omschrijving")
    extra = 0


class BandInline(admin.TabularInline):
    model = Band
    fields = ("code", "naam", "ondergrens", "bovengrens")
    extra = 0


@admin.register(Schaalversie)
class SchaalversieAdmin(admin.ModelAdmin):
    list_display = ("code", "naam")
    inlines = (SchaalItemInline, BandInline)


@admin.register(SchaalItem)
class SchaalItemAdmin(admin.ModelAdmin):
    list_display = ("versie", "nummer", "domein", "omschrijving")
    list_filter = ("versie", "domein")
    search_fields = ("omschrijving",)


@admin.register(Band)
class BandAdmin(admin.ModelAdmin):
    list_display = ("versie", "code", "naam", "ondergrens", "bovengrens")
    list_filter = ("versie",)


@admin.register(Modeltrouwmeting)
class ModeltrouwmetingAdmin(ReadOnlyHistoryAdmin):
    list_display = (
        "aanbieder",
        "datum",
        "versie",
        "totaal",
        "indeling",
        "auditor_1",
        "auditor_2",
        "geregistreerd_door",
    )
    list_filter = ("band", "versie")
    search_fields = ("aanbieder__naam",)
    date_hierarchy = "datum"

    @admin.display(description="band", ordering="band")
    def indeling(self, obj: Modeltrouwmeting) -> str:
        """A version without bands: the audit is stored, not banded (domain.md 3)."""
        return obj.band or rules.NIET_INGEDEELD


# -- budgets ------------------------------------------------------------------------------------


class BudgetmutatieInline(ReadOnlyTabularInline):
    model = Budgetmutatie
    fields = ("soort", "bedrag", "omschrijving", "object_uuid", "door", "op")
    readonly_fields = fields


@admin.register(Budget)
class BudgetAdmin(ReadOnlyHistoryAdmin):
    list_display = ("gemeente", "regeling", "jaar", "toegekend", "gereserveerd", "gerealiseerd", "vrij_bedrag")
    list_filter = ("jaar", "regeling")
    search_fields = ("gemeente__naam", "gemeente__code")
    inlines = (BudgetmutatieInline,)

    @admin.display(description="vrij")
    def vrij_bedrag(self, obj: Budget):
        return obj.vrij


@admin.register(Budgetmutatie)
class BudgetmutatieAdmin(ReadOnlyAdmin):
    list_display = ("budget", "soort", "bedrag", "omschrijving", "door", "op")
    list_filter = ("soort", "budget__jaar", "budget__regeling")
    search_fields = ("budget__gemeente__naam", "omschrijving")


# -- mandate and joint municipal bodies (domain.md 6) --------------------------------------------


@admin.register(Samenwerkingsverband)
class SamenwerkingsverbandAdmin(admin.ModelAdmin):
    """A joint body: its staff take the beschikkingen of every member gemeente (and see their cases)."""

    list_display = ("naam", "leden_lijst")
    search_fields = ("naam", "leden__naam")
    readonly_fields = ("uuid",)
    autocomplete_fields = ("leden", "medewerkers")
    fields = ("naam", "uuid", "leden", "medewerkers")

    @admin.display(description="deelnemende gemeenten")
    def leden_lijst(self, obj: Samenwerkingsverband) -> str:
        return ", ".join(g.naam for g in obj.leden.all())

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("leden")


@admin.register(Mandaat)
class MandaatAdmin(admin.ModelAdmin):
    """A mandate decision: who may take beschikkingen on behalf of which college, from when to when."""

    list_display = ("naam", "vindplaats", "mandaatgever", "geldig_van", "geldig_tot")
    list_filter = ("geldig_van",)
    search_fields = ("naam", "vindplaats", "gemeente__naam", "samenwerkingsverband__naam")
    readonly_fields = ("uuid",)
    autocomplete_fields = ("gemeente", "samenwerkingsverband")
    filter_horizontal = ("gemandateerden",)
    fieldsets = (
        (None, {"fields": ("naam", "vindplaats", "uuid")}),
        (
            "Mandaatgever",
            {
                "fields": ("gemeente", "samenwerkingsverband"),
                "description": "Het college van één gemeente, of een samenwerkingsverband (dan namens de colleges "
                "van de deelnemende gemeenten). Vul er precies één in.",
            },
        ),
        ("Geldigheid", {"fields": ("geldig_van", "geldig_tot")}),
        ("Gemandateerde medewerkers", {"fields": ("gemandateerden",)}),
    )

    @admin.display(description="mandaatgever")
    def mandaatgever(self, obj: Mandaat) -> str:
        return str(obj.gemeente or obj.samenwerkingsverband)

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("gemeente", "samenwerkingsverband")

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name == "gemandateerden":
            kwargs["queryset"] = User.objects.filter(groups__name=roles.GEMEENTE).order_by("username")
        return super().formfield_for_manytomany(db_field, request, **kwargs)
