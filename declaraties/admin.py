"""Read-only admin for the money: declarations and their lines, payment orders, co-financing claims
and receipts. Every change goes through ``declaraties.services``; the one thing one can do here is
upload a declaration file, which goes through the same parsing, checks and judgement as the API."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html

from backoffice import roles
from backoffice.admin import ReadOnlyAdmin, ReadOnlyHistoryAdmin, ReadOnlyTabularInline
from backoffice.errors import BusinessRuleError

from . import rules, sepa, services, upload
from .invoer import invoer_uit_bestand
from .models import Betaalopdracht, Declaratie, Ontvangst, Prestatie, Vordering, VorderingRegel


class UploadForm(forms.Form):
    bestand = forms.FileField(label="Declaratiebestand (.csv of .xlsx)")


@admin.register(Declaratie)
class DeclaratieAdmin(ReadOnlyAdmin):
    list_display = (
        "declaratie_nummer",
        "aanbieder",
        "periode_begin",
        "bron",
        "totaal_ingediend",
        "totaal_toegekend",
        "ingediend_op",
    )
    list_filter = ("bron", "periode_begin", "aanbieder")
    search_fields = ("declaratie_nummer", "aanbieder__naam")
    list_select_related = ("aanbieder",)
    readonly_fields = ("uuid", "regels")
    exclude = ("inhoud_hash",)
    change_list_template = "declaraties/admin/declaratie_change_list.html"

    @admin.display(description="prestaties")
    def regels(self, obj: Declaratie) -> str:
        url = reverse("admin:declaraties_prestatie_changelist") + f"?declaratie__id__exact={obj.pk}"
        return format_html('<a href="{}">{} prestaties bekijken</a>', url, obj.prestaties.count())

    def get_urls(self):
        return [
            path("upload/", self.admin_site.admin_view(self.upload_view), name="declaraties_declaratie_upload"),
            *super().get_urls(),
        ]

    def upload_view(self, request):
        """A provider's staff upload a CSV/XLSX declaration; the service checks the role."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        fouten: list[str] = []
        form = UploadForm(request.POST or None, request.FILES or None)
        if request.method == "POST" and form.is_valid():
            invoer, problemen = invoer_uit_bestand(form.cleaned_data["bestand"])
            fouten = [f"{fout.naam}: {fout.reden}" for fout in problemen]
            if invoer is not None:
                try:
                    declaratie, created = services.declaratie_submit(by=request.user, invoer=invoer)
                except BusinessRuleError as exc:
                    fouten = [exc.message]
                else:
                    statussen = list(declaratie.prestaties.values_list("status", flat=True))
                    messages.success(
                        request,
                        f"Declaratie {declaratie.declaratie_nummer} {'ingelezen' if created else 'was al ingelezen'}: "
                        f"{statussen.count('toegekend')} toegekend, {statussen.count('afgewezen')} afgewezen, "
                        f"{statussen.count('in_behandeling')} in behandeling.",
                    )
                    return HttpResponseRedirect(reverse("admin:declaraties_declaratie_change", args=(declaratie.pk,)))
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": "Declaratie inlezen uit een bestand",
            "form": form,
            "fouten": fouten,
            "kolommen": upload.KOLOMMEN,
        }
        return TemplateResponse(request, "declaraties/admin/upload.html", context)


@admin.register(Prestatie)
class PrestatieAdmin(ReadOnlyHistoryAdmin):
    list_display = (
        "product_referentie",
        "declaratie",
        "regelnummer",
        "toewijzing_nummer",
        "product_code",
        "begindatum",
        "einddatum",
        "debet_credit",
        "ingediend_bedrag",
        "status",
        "codes",
        "toegekend_bedrag",
        "betaald_op",
    )
    list_filter = ("status", "debet_credit", "product_code", "eenmalig", "gecrediteerd")
    search_fields = ("product_referentie", "=toewijzing_nummer", "declaratie__declaratie_nummer")
    list_select_related = ("declaratie",)
    readonly_fields = ("uuid", "omschrijving_codes")
    raw_id_fields = ("declaratie", "traject", "vorige", "betaalopdracht")

    @admin.display(description="retourcodes")
    def codes(self, obj: Prestatie) -> str:
        return ", ".join(obj.retourcodes)

    @admin.display(description="betekenis retourcodes")
    def omschrijving_codes(self, obj: Prestatie) -> str:
        return "; ".join(f"{c}: {rules.RETOURCODES.get(c, '')}" for c in obj.retourcodes) or "-"

    def lookup_allowed(self, lookup, value, request=None):
        # the link from a declaration to its lines
        return lookup == "declaratie__id__exact" or super().lookup_allowed(lookup, value, request)


@admin.register(Betaalopdracht)
class BetaalopdrachtAdmin(ReadOnlyHistoryAdmin):
    list_display = ("datum", "aanbieder", "bedrag", "aantal_regels", "status", "akkoorden_nodig", "uitgevoerd_op")
    list_filter = ("status", "datum")
    search_fields = ("aanbieder__naam", "iban")
    list_select_related = ("aanbieder",)
    readonly_fields = ("uuid",)


class VorderingRegelInline(ReadOnlyTabularInline):
    model = VorderingRegel
    fields = ("prestatie", "regeling", "aandeel", "bedrag", "bezwaar", "bezwaar_toelichting")
    readonly_fields = fields


class OntvangstInline(ReadOnlyTabularInline):
    model = Ontvangst
    fields = ("bedrag", "datum", "door", "op")
    readonly_fields = fields


@admin.register(Vordering)
class VorderingAdmin(ReadOnlyHistoryAdmin):
    list_display = (
        "periode",
        "gemeente",
        "factuurnummer",
        "bedrag",
        "ontvangen",
        "status",
        "vervaldatum",
        "aantal_herinneringen",
    )
    list_filter = ("status", "periode")
    search_fields = ("gemeente__naam", "gemeente__code", "factuurnummer")
    list_select_related = ("gemeente",)
    readonly_fields = ("uuid", "factuurnummer", "factuurdatum")
    inlines = (VorderingRegelInline, OntvangstInline)


@admin.register(VorderingRegel)
class VorderingRegelAdmin(ReadOnlyAdmin):
    list_display = ("vordering", "prestatie", "aandeel", "bedrag", "bezwaar")
    list_filter = ("bezwaar",)
    list_select_related = ("vordering__gemeente", "prestatie")
    raw_id_fields = ("vordering", "prestatie")
    readonly_fields = ("uuid",)


@admin.register(Ontvangst)
class OntvangstAdmin(ReadOnlyAdmin):
    list_display = ("vordering", "bedrag", "datum", "door", "op")
    list_select_related = ("vordering__gemeente", "door")
    readonly_fields = ("uuid",)


# --- payment orders: the SEPA bank file from the admin (betalingen) -----------------------------
# A subclass, registered in place of the one above, so that the two parts of this file stay apart.


class BetaalopdrachtSepaAdmin(BetaalopdrachtAdmin):
    """Payment orders with a download of the pain.001 file once an order is approved; the file
    is for UWV financieel (or a superuser), like GET /betaalopdrachten/{uuid}/sepa."""

    list_display = (*BetaalopdrachtAdmin.list_display, "sepa_bestand")
    readonly_fields = (*BetaalopdrachtAdmin.readonly_fields, "sepa_bestand", "akkoorden")

    @admin.display(description="SEPA-bestand")
    def sepa_bestand(self, obj: Betaalopdracht) -> str:
        if sepa.nog_niet(obj):
            return "na accordering"
        url = reverse("admin:declaraties_betaalopdracht_sepa", args=(obj.pk,))
        return format_html('<a href="{}">pain.001 downloaden</a>', url)

    @admin.display(description="akkoorden")
    def akkoorden(self, obj: Betaalopdracht) -> str:
        names = [u.username for u in (obj.eerste_akkoord_door, obj.tweede_akkoord_door) if u is not None]
        return f"{len(names)} van {obj.akkoorden_nodig}: {', '.join(names) or '-'}"

    def get_urls(self):
        return [
            path("<int:pk>/sepa/", self.admin_site.admin_view(self.sepa_view), name="declaraties_betaalopdracht_sepa"),
            *super().get_urls(),
        ]

    def sepa_view(self, request, pk: int):
        if not self.has_view_permission(request) or not (
            request.user.is_superuser or roles.has_role(request.user, roles.UWV_FINANCIEEL)
        ):
            raise PermissionDenied
        opdracht = get_object_or_404(Betaalopdracht.objects.select_related("aanbieder"), pk=pk)
        try:
            return sepa.sepa_response(opdracht)
        except BusinessRuleError as exc:
            messages.error(request, exc.message)
            return HttpResponseRedirect(reverse("admin:declaraties_betaalopdracht_change", args=(pk,)))


admin.site.unregister(Betaalopdracht)
admin.site.register(Betaalopdracht, BetaalopdrachtSepaAdmin)
