"""The admin of two-factor login and OpenID Connect accounts (docs/security.md).

A beheerder sees who has an authenticator app and recovery codes, and can remove them (a lost
phone): the user then sets up a new app at the next login. The secret (the key) and the codes are
never shown here: with them the admin could pass someone else's second factor. django-otp's own
admin pages (which show the key and a QR code) are replaced by these.
"""

from django.contrib import admin
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from .models import OidcKoppeling


class _AlleenVerwijderen(admin.ModelAdmin):
    list_display = ("user", "name", "confirmed", "created_at", "last_used_at")
    list_filter = ("confirmed",)
    search_fields = ("user__username", "user__first_name", "user__last_name")
    list_select_related = ("user",)
    fields = readonly_fields = ("user", "name", "confirmed", "created_at", "last_used_at")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


for model in (TOTPDevice, StaticDevice):
    if admin.site.is_registered(model):
        admin.site.unregister(model)


@admin.register(TOTPDevice)
class TOTPDeviceAdmin(_AlleenVerwijderen):
    """Authenticator apps: remove one when a user lost the phone."""


@admin.register(StaticDevice)
class StaticDeviceAdmin(_AlleenVerwijderen):
    """Recovery codes (the codes themselves are not shown)."""


@admin.register(OidcKoppeling)
class OidcKoppelingAdmin(admin.ModelAdmin):
    """Accounts that log in through their organisation's identity provider; their role and
    organisation come from the provider at every login."""

    list_display = ("user", "issuer", "sub", "aangemaakt")
    search_fields = ("user__username", "sub")
    list_select_related = ("user",)
    readonly_fields = ("user", "issuer", "sub", "aangemaakt")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
