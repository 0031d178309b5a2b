"""Read-only admin for case data: participants, applications, decisions, trajectories and what
happens to them. Every state change goes through ``trajecten.services``; here one only looks.
The BSN is never shown: not its ciphertext, not its hash; only the masked form."""

from django.contrib import admin, messages
from django.http import HttpResponseRedirect
from django.urls import reverse

from backoffice.admin import ReadOnlyAdmin, ReadOnlyHistoryAdmin, ReadOnlyTabularInline

from .models import (
    Aanvraag,
    Besluit,
    Deelnemer,
    Eindverslag,
    Plaatsing,
    Stopbericht,
    Toewijzingsnummer,
    Traject,
    Verlenging,
)

BSN_FIELDS = ("bsn_versleuteld", "bsn_hash")


@admin.register(Deelnemer)
class DeelnemerAdmin(ReadOnlyHistoryAdmin):
    list_display = ("voorletters", "achternaam", "bsn_masker", "aanbieder", "gemeente", "doelgroep", "uitkering")
    list_filter = ("doelgroep", "uitkering", "aanbieder")
    search_fields = ("achternaam",)
    exclude = BSN_FIELDS
    readonly_fields = ("uuid", "bsn_masker", "aangemaakt_op")
    list_select_related = ("aanbieder", "gemeente")

    # The history leaves the encrypted BSN out, so an old version cannot be rebuilt as a participant:
    # the list shows names only and a single version is not opened.
    object_history_list_template = "trajecten/admin/deelnemer_history_list.html"

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        messages.info(request, "Eerdere versies van een deelnemer worden niet los getoond; de wijzigingen staan hier.")
        return HttpResponseRedirect(reverse("admin:trajecten_deelnemer_history", args=(object_id,)))

    @admin.display(description="BSN (gemaskeerd)")
    def bsn_masker(self, obj: Deelnemer) -> str:
        return obj.bsn_gemaskeerd


class BesluitInline(ReadOnlyTabularInline):
    model = Besluit
    fields = ("stap", "besluit", "toelichting", "cofinanciering_bevestigd", "door", "op")
    readonly_fields = fields


@admin.register(Aanvraag)
class AanvraagAdmin(ReadOnlyHistoryAdmin):
    list_display = ("uuid", "status", "route", "perceel", "aanbieder", "gemeente", "ingediend_op", "beslis_deadline")
    list_filter = ("status", "route", "regeling")
    search_fields = ("uuid", "deelnemer__achternaam", "aanbieder__naam", "gemeente__naam")
    exclude = ("bsn_hash",)
    readonly_fields = ("uuid",)
    list_select_related = ("perceel", "aanbieder", "gemeente")
    inlines = (BesluitInline,)


@admin.register(Besluit)
class BesluitAdmin(ReadOnlyAdmin):
    list_display = ("aanvraag", "stap", "besluit", "cofinanciering_bevestigd", "door", "op")
    list_filter = ("stap", "besluit")
    readonly_fields = ("uuid",)


class VerlengingInline(ReadOnlyTabularInline):
    model = Verlenging
    fields = ("maanden", "bedrag", "status", "aangevraagd_op", "besluit_op")
    readonly_fields = fields


class PlaatsingInline(ReadOnlyTabularInline):
    model = Plaatsing
    fields = (
        "werkgever",
        "startdatum",
        "einddatum",
        "uren_per_week",
        "contractsoort",
        "minimumloon_of_meer",
        "open_voor_iedereen",
    )
    readonly_fields = fields


@admin.register(Traject)
class TrajectAdmin(ReadOnlyHistoryAdmin):
    list_display = (
        "toewijzing_nummer",
        "status",
        "route",
        "perceel",
        "aanbieder",
        "gemeente",
        "startdatum",
        "einddatum_gepland",
    )
    list_filter = ("status", "route", "regeling", "perceel")
    search_fields = ("toewijzing_nummer", "aanbieder__naam", "gemeente__naam")
    exclude = ("bsn_hash",)
    readonly_fields = ("uuid", "aangemaakt_op")
    list_select_related = ("perceel", "aanbieder", "gemeente")
    date_hierarchy = "startdatum"
    inlines = (VerlengingInline, PlaatsingInline)


@admin.register(Verlenging)
class VerlengingAdmin(ReadOnlyHistoryAdmin):
    list_display = ("traject", "maanden", "bedrag", "status", "aangevraagd_op", "besluit_op")
    list_filter = ("status",)
    readonly_fields = ("uuid", "aangevraagd_op")


@admin.register(Plaatsing)
class PlaatsingAdmin(ReadOnlyHistoryAdmin):
    list_display = ("traject", "werkgever", "startdatum", "einddatum", "uren_per_week", "contractsoort")
    list_filter = ("contractsoort", "proefplaatsing", "minimumloon_of_meer", "open_voor_iedereen")
    readonly_fields = ("uuid",)


@admin.register(Stopbericht)
class StopberichtAdmin(ReadOnlyAdmin):
    list_display = ("traject", "einddatum", "reden", "door", "op")
    list_filter = ("reden",)
    readonly_fields = ("uuid", "op")


@admin.register(Eindverslag)
class EindverslagAdmin(ReadOnlyAdmin):
    list_display = ("traject", "uitkomst", "uren_besteed", "vrijgevallen_bedrag", "door", "op")
    list_filter = ("uitkomst",)
    readonly_fields = ("uuid", "op")


@admin.register(Toewijzingsnummer)
class ToewijzingsnummerAdmin(ReadOnlyAdmin):
    list_display = ("id",)
