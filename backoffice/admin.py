"""The admin: configuration for the beheerder, a read-only window on case data.

State changes of cases go only through the services; the admin never changes them. The classes
here are shared by the apps' own ``admin.py`` files (imports run towards ``backoffice``).
"""

from django import forms
from django.contrib import admin, messages
from django.contrib.auth.admin import GroupAdmin as DjangoGroupAdmin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseRedirect
from django.urls import reverse
from knox.models import AuthToken
from simple_history.admin import SimpleHistoryAdmin

from . import roles, rules, services
from .errors import BusinessRuleError
from .models import BsnRaadpleging, Document, Instellingen, Notificatie, RolToekenning, Signaal, Taakrun, User

_admin_login = admin.site.login


def _throttled_admin_login(request, extra_context=None):
    """The admin's login counts attempts with the other login doors (backoffice/web.py)."""
    from django.http import HttpResponse

    from .web import login_throttled

    if request.method == "POST" and login_throttled(request):
        return HttpResponse(
            "Te veel inlogpogingen. Wacht een minuut en probeer het opnieuw.",
            status=429,
            content_type="text/plain; charset=utf-8",
        )
    return _admin_login(request, extra_context)


admin.site.login = _throttled_admin_login
admin.site.site_header = "IPS-loket beheer"
admin.site.site_title = "IPS-loket beheer"
admin.site.index_title = "Beheer"


class HistoryAdmin(SimpleHistoryAdmin):
    """SimpleHistoryAdmin whose "revert to this version" form only accepts a POST from someone who
    may change the object (django-simple-history saves that form without checking)."""

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        if request.method == "POST" and not self.has_change_permission(request):
            raise PermissionDenied
        return super().history_form_view(request, object_id, version_id, extra_context)


class ReadOnlyAdminMixin:
    """Case data: visible to whoever has the view permission, changed only by the services."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ReadOnlyAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    pass


class ReadOnlyHistoryAdmin(ReadOnlyAdminMixin, HistoryAdmin):
    pass


class ReadOnlyTabularInline(ReadOnlyAdminMixin, admin.TabularInline):
    extra = 0
    show_change_link = True


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    """Users. Roles (groups) are read-only here: they change only through a RolToekenning, requested
    by one beheerder and approved by another (docs/security.md "Vier ogen op rollen"); a new user has
    no role. Staff status follows the beheerder role. Only a superuser hands out superuser status or
    loose permissions, and only a superuser changes a superuser's or another beheerder's account
    (a beheerder could otherwise set another beheerder's password and approve as them)."""

    list_display = ("username", "first_name", "last_name", "email", "rollen", "is_staff", "is_active")
    list_filter = ("groups", "is_staff", "is_active")
    SUPERUSER_ONLY_FIELDS = ("is_superuser", "user_permissions", "is_staff")
    actions = ["tokens_intrekken"]

    @admin.display(description="rollen")
    def rollen(self, obj: User) -> str:
        return ", ".join(g.name for g in obj.groups.all())

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("groups")

    def get_readonly_fields(self, request, obj=None):
        readonly = [*super().get_readonly_fields(request, obj), "groups"]
        if not request.user.is_superuser:
            readonly += [*self.SUPERUSER_ONLY_FIELDS, "last_login", "date_joined"]
        return readonly

    def _protected(self, request, obj) -> bool:
        if obj is None or request.user.is_superuser:
            return False
        if obj.is_superuser:
            return True
        return obj.pk != request.user.pk and obj.groups.filter(name=roles.BEHEERDER).exists()

    def has_change_permission(self, request, obj=None):
        if self._protected(request, obj):
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        if self._protected(request, obj):
            return False
        return super().has_delete_permission(request, obj)

    @admin.action(description="API-tokens van de geselecteerde gebruikers intrekken", permissions=["change"])
    def tokens_intrekken(self, request, queryset):
        aantal, _ = AuthToken.objects.filter(user__in=queryset).delete()
        self.message_user(request, f"{aantal} API-token(s) ingetrokken.", messages.SUCCESS)


admin.site.unregister(Group)


@admin.register(Group)
class GroupAdmin(DjangoGroupAdmin):
    """Roles are groups. Only a superuser changes them (their name and rights): a beheerder could
    otherwise give a role (and so themselves) access to personal data, or rename one into another.
    Who has a role changes through a RolToekenning."""

    def has_add_permission(self, request):
        return request.user.is_superuser

    def has_change_permission(self, request, obj=None):
        return request.user.is_superuser

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser


class RolAanvraagForm(forms.ModelForm):
    """Request a role for a user; the rules are checked here for a clear message and again, under a
    lock, by the service."""

    aanvrager = None  # set per request by RolToekenningAdmin.get_form

    class Meta:
        model = RolToekenning
        fields = ("gebruiker", "rol", "toelichting")

    def clean(self):
        data = super().clean()
        gebruiker, rol = data.get("gebruiker"), data.get("rol")
        if gebruiker is not None and rol:
            try:
                rules.check_aanvraag(
                    door_id=self.aanvrager.pk,
                    gebruiker_id=gebruiker.pk,
                    rol=rol,
                    heeft_rol=gebruiker.groups.filter(name=rol).exists(),
                    loopt_al=RolToekenning.objects.filter(gebruiker=gebruiker, rol=rol, status="aangevraagd").exists(),
                )
            except BusinessRuleError as exc:
                raise forms.ValidationError(exc.message, code=exc.code) from None
        return data


@admin.register(RolToekenning)
class RolToekenningAdmin(HistoryAdmin):
    """Four eyes on roles: "Toevoegen" requests a role; a second beheerder approves or rejects it
    with the actions on the list; a granted role is taken away with "Intrekken"."""

    list_display = ("gebruiker", "rol", "status", "aangevraagd_door", "aangevraagd_op", "beslist_door", "beslist_op")
    list_filter = ("status", "rol")
    search_fields = ("gebruiker__username",)
    list_select_related = ("gebruiker", "aangevraagd_door", "beslist_door")
    actions = ["goedkeuren", "afwijzen", "intrekken"]
    form = RolAanvraagForm
    LEESBAAR = (
        "uuid",
        "gebruiker",
        "rol",
        "status",
        "toelichting",
        "aangevraagd_door",
        "aangevraagd_op",
        "beslist_door",
        "beslist_op",
        "ingetrokken_door",
        "ingetrokken_op",
    )

    def get_fields(self, request, obj=None):
        return self.LEESBAAR if obj is not None else ("gebruiker", "rol", "toelichting")

    def get_readonly_fields(self, request, obj=None):
        return self.LEESBAAR if obj is not None else ()

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        form.aanvrager = request.user
        return form

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        if change:  # everything is read-only after the request; decisions go through the actions
            return
        try:
            created = services.rol_aanvragen(
                by=request.user, gebruiker=obj.gebruiker, rol=obj.rol, toelichting=obj.toelichting
            )
        except BusinessRuleError as exc:  # lost a race with another request: say so, store nothing
            self._fout = exc.message
            return
        obj.pk, obj.uuid = created.pk, created.uuid

    def response_add(self, request, obj, post_url_continue=None):
        fout = getattr(self, "_fout", None)
        if fout:
            del self._fout
            self.message_user(request, fout, messages.ERROR)
            return HttpResponseRedirect(reverse("admin:backoffice_roltoekenning_changelist"))
        self.message_user(
            request,
            "De rol is aangevraagd. Een tweede beheerder keurt de aanvraag goed of wijst haar af.",
            messages.SUCCESS,
        )
        return HttpResponseRedirect(reverse("admin:backoffice_roltoekenning_changelist"))

    def _beslis(self, request, queryset, service, gelukt: str):
        for toekenning in queryset:
            try:
                service(by=request.user, toekenning=toekenning)
            except BusinessRuleError as exc:
                self.message_user(request, f"{toekenning}: {exc.message}", messages.ERROR)
            else:
                self.message_user(request, f"{toekenning.gebruiker}: {gelukt}", messages.SUCCESS)

    @admin.action(
        description="Geselecteerde aanvragen goedkeuren (u bent het tweede paar ogen)", permissions=["change"]
    )
    def goedkeuren(self, request, queryset):
        self._beslis(request, queryset, services.rol_goedkeuren, "rol toegekend.")

    @admin.action(description="Geselecteerde aanvragen afwijzen", permissions=["change"])
    def afwijzen(self, request, queryset):
        self._beslis(request, queryset, services.rol_afwijzen, "aanvraag afgewezen.")

    @admin.action(description="Geselecteerde toegekende rollen intrekken", permissions=["change"])
    def intrekken(self, request, queryset):
        self._beslis(request, queryset, services.rol_intrekken, "rol ingetrokken.")


admin.site.unregister(AuthToken)


@admin.register(AuthToken)
class AuthTokenAdmin(admin.ModelAdmin):
    """API tokens: who has one, since when, until when. A beheerder revokes one by deleting it (the
    token itself is never stored, only its digest, which is not shown). Nobody creates a token here:
    that would be logging in as someone else."""

    list_display = ("user", "created", "expiry")
    search_fields = ("user__username",)
    list_select_related = ("user",)
    fields = ("user", "created", "expiry")
    readonly_fields = ("user", "created", "expiry")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Instellingen)
class InstellingenAdmin(HistoryAdmin):
    """The settings are one row: the list opens it directly."""

    fieldsets = (
        ("Deelnemers", {"fields": ("minimum_leeftijd", "aow_leeftijd", "cmd_max_behandelduur_maanden")}),
        (
            "Beslistermijnen",
            {"fields": ("beslistermijn_gemeente_dagen", "beslistermijn_uwv_dagen", "bezwaar_beslistermijn_weken")},
        ),
        ("Betalen", {"fields": ("vier_ogen_drempel",)}),
        (
            "Modeltrouw en caseload",
            {"fields": ("modeltrouw_geldig_maanden", "modeltrouw_handhaving", "caseload_norm_per_fte")},
        ),
        ("Signalen", {"fields": ("budget_signaal_procent", "eindverslag_termijn_dagen", "bezwaar_signaal_dagen")}),
        ("Privacy", {"fields": ("bewaartermijn_jaren", "kleine_aantallen_drempel")}),
    )

    def changelist_view(self, request, extra_context=None):
        if not self.has_view_or_change_permission(request):
            raise PermissionDenied
        instellingen = Instellingen.get()
        return HttpResponseRedirect(reverse("admin:backoffice_instellingen_change", args=(instellingen.pk,)))

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Taakrun)
class TaakrunAdmin(ReadOnlyAdmin):
    """Every run of a scheduled job: when, for which day, what it did and what failed."""

    list_display = ("taak", "datum", "status", "gestart", "klaar", "bron")
    list_filter = ("taak", "status")
    date_hierarchy = "datum"
    readonly_fields = ("uuid", "taak", "datum", "gestart", "klaar", "status", "counts", "fouten", "bron")


@admin.register(Signaal)
class SignaalAdmin(ReadOnlyAdmin):
    """A beheerder sees only the signals about roles (requests and grants); a superuser all."""

    list_display = ("soort", "omschrijving", "deadline", "aanbieder", "gemeente", "uwv_rol", "afgehandeld")
    list_filter = ("soort", "afgehandeld", "uwv_rol")
    search_fields = ("object_uuid", "omschrijving")
    list_select_related = ("aanbieder", "gemeente")

    def get_queryset(self, request):
        qs = super().get_queryset(request)
        return qs if request.user.is_superuser else qs.filter(object_type="roltoekenning")


@admin.register(Notificatie)
class NotificatieAdmin(ReadOnlyAdmin):
    list_display = ("datum", "user", "aan", "onderwerp", "aantal_signalen", "status")
    list_filter = ("status",)
    search_fields = ("user__username", "aan")
    list_select_related = ("user",)
    exclude = ("signalen",)


@admin.register(BsnRaadpleging)
class BsnRaadplegingAdmin(ReadOnlyAdmin):
    """Who looked up a BSN, when, for which organisation and with which hash (never the BSN).
    A beheerder can look up a hash here: the search box takes the hash, not the BSN."""

    list_display = ("op", "user", "organisatie", "kanaal", "aantal_gevonden", "bsn_hash")
    list_filter = ("kanaal", "organisatie")
    search_fields = ("user__username", "bsn_hash")
    date_hierarchy = "op"
    list_select_related = ("user",)
    readonly_fields = ("op", "user", "organisatie", "rollen", "kanaal", "bsn_hash", "aantal_gevonden")


@admin.register(Document)
class DocumentAdmin(ReadOnlyAdmin):
    """The generated documents: metadata only (the content may name a participant: read it where
    it is scoped, on the object's page). Never changed: no add, change or delete."""

    list_display = ("titel", "soort", "object_soort", "object_uuid", "aangemaakt_op", "sha256")
    list_filter = ("soort", "object_soort")
    search_fields = ("object_uuid", "uuid", "sha256")
    date_hierarchy = "aangemaakt_op"
    fields = readonly_fields = (
        "uuid",
        "soort",
        "object_soort",
        "object_uuid",
        "sleutel",
        "titel",
        "sha256",
        "aangemaakt_op",
        "gerenderd_op",
        "gemaakt_door",
        "inhoud_verwijderd_op",
    )


from . import admin_tweestaps  # noqa: E402, F401  (two-factor devices and OpenID Connect accounts)
