"""The admin: configuration for the beheerder, a read-only window on case data.

State changes of cases go only through the services; the admin never changes them. The classes
here are shared by the apps' own ``admin.py`` files (imports run towards ``backoffice``).
"""

from django.contrib import admin
from django.contrib.auth.admin import GroupAdmin as DjangoGroupAdmin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseRedirect
from django.urls import reverse
from simple_history.admin import SimpleHistoryAdmin

from .models import BsnRaadpleging, Instellingen, Notificatie, Signaal, Taakrun, User

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
    """Users and their roles (groups). Only a superuser hands out superuser status or loose
    permissions, and only a superuser changes a superuser's account."""

    list_display = ("username", "first_name", "last_name", "email", "rollen", "is_staff", "is_active")
    list_filter = ("groups", "is_staff", "is_active")
    SUPERUSER_ONLY_FIELDS = ("is_superuser", "user_permissions")

    @admin.display(description="rollen")
    def rollen(self, obj: User) -> str:
        return ", ".join(g.name for g in obj.groups.all())

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("groups")

    def get_readonly_fields(self, request, obj=None):
        readonly = list(super().get_readonly_fields(request, obj))
        if not request.user.is_superuser:
            readonly += [*self.SUPERUSER_ONLY_FIELDS, "last_login", "date_joined"]
        return readonly

    def has_change_permission(self, request, obj=None):
        if obj is not None and obj.is_superuser and not request.user.is_superuser:
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        if obj is not None and obj.is_superuser and not request.user.is_superuser:
            return False
        return super().has_delete_permission(request, obj)


admin.site.unregister(Group)


@admin.register(Group)
class GroupAdmin(DjangoGroupAdmin):
    """Roles are groups. Which permissions a role carries is a superuser's decision: a beheerder
    could otherwise give a role (and so themselves) access to personal data."""

    def get_readonly_fields(self, request, obj=None):
        readonly = list(super().get_readonly_fields(request, obj))
        if not request.user.is_superuser:
            readonly.append("permissions")
        return readonly


@admin.register(Instellingen)
class InstellingenAdmin(HistoryAdmin):
    """The settings are one row: the list opens it directly."""

    fieldsets = (
        ("Deelnemers", {"fields": ("minimum_leeftijd", "aow_leeftijd", "cmd_max_behandelduur_maanden")}),
        ("Beslistermijnen", {"fields": ("beslistermijn_gemeente_dagen", "beslistermijn_uwv_dagen")}),
        ("Betalen", {"fields": ("vier_ogen_drempel",)}),
        (
            "Modeltrouw en caseload",
            {"fields": ("modeltrouw_geldig_maanden", "modeltrouw_handhaving", "caseload_norm_per_fte")},
        ),
        ("Signalen", {"fields": ("budget_signaal_procent", "eindverslag_termijn_dagen")}),
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
    list_display = ("soort", "omschrijving", "deadline", "aanbieder", "gemeente", "uwv_rol", "afgehandeld")
    list_filter = ("soort", "afgehandeld", "uwv_rol")
    search_fields = ("object_uuid", "omschrijving")
    list_select_related = ("aanbieder", "gemeente")


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


from . import admin_tweestaps  # noqa: E402, F401  (two-factor devices and OpenID Connect accounts)
