"""Accounts: the user, the roles given and taken under four eyes, the link with an identity provider."""

import uuid

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils import timezone
from simple_history.models import HistoricalRecords

from ..roles import ROLES


class User(AbstractUser):
    """A person or system account. Roles are groups; organisations hang off ``financiering``.

    A security invariant lives in :meth:`save`: a new password or a deactivation revokes every API
    token of the user, whichever path made the change (the admin, ``set_password`` in a service or a
    command, the web). Sessions end by themselves then (Django's session hash, ``is_active``)."""

    # who made, deactivated, opened again or unlocked an account (the beheerder's page shows the
    # rows with a reason); never the password, and a login (only ``last_login``) writes no row
    history = HistoricalRecords(excluded_fields=["password", "last_login"])

    class Meta:
        verbose_name = "gebruiker"
        verbose_name_plural = "gebruikers"

    def save(self, *args, **kwargs):
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and set(update_fields) <= {"last_login", "password"}:
            self.skip_history_when_saving = True  # nothing the history keeps changed
        elif hasattr(self, "skip_history_when_saving"):
            del self.skip_history_when_saving
        watched = {"password", "is_active"}
        revoke = False
        if self.pk and (update_fields is None or watched & set(update_fields)):
            before = type(self).objects.filter(pk=self.pk).values("password", "is_active").first()
            revoke = before is not None and (
                before["password"] != self.password or (before["is_active"] and not self.is_active)
            )
        super().save(*args, **kwargs)
        if revoke:
            self.auth_token_set.all().delete()


# --- four eyes on roles (issue 9, finding 7) ------------------------------------------------------


class RolToekenningStatus(models.TextChoices):
    AANGEVRAAGD = "aangevraagd", "Aangevraagd"
    GOEDGEKEURD = "goedgekeurd", "Goedgekeurd (rol toegekend)"
    AFGEWEZEN = "afgewezen", "Afgewezen"
    INGETROKKEN = "ingetrokken", "Ingetrokken (rol weer ontnomen)"


class RolToekenning(models.Model):
    """A role (group) for a user, requested by one beheerder and decided by another: never for
    oneself, never decided by the requester (four eyes, docs/security.md "Vier ogen op rollen").
    The only path by which a role is given or taken in the running service; the transitions are
    ``backoffice.rules.ROL_TRANSITIES``, one service each (``backoffice.services``). A row without
    ``aangevraagd_door`` is a role someone already had before four eyes existed (migration)."""

    Status = RolToekenningStatus

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    gebruiker = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="rol_toekenningen", verbose_name="gebruiker"
    )
    rol = models.CharField(max_length=30, choices=[(k, v) for k, v in ROLES.items()])
    status = models.CharField(
        max_length=12, choices=RolToekenningStatus.choices, default=RolToekenningStatus.AANGEVRAAGD
    )
    toelichting = models.CharField(max_length=300, blank=True)
    aangevraagd_door = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    aangevraagd_op = models.DateTimeField(default=timezone.now)
    beslist_door = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    beslist_op = models.DateTimeField(null=True, blank=True)
    ingetrokken_door = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    ingetrokken_op = models.DateTimeField(null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "roltoekenning"
        verbose_name_plural = "roltoekenningen"
        ordering = ["-aangevraagd_op", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status__in=RolToekenningStatus.values), name="roltoekenning_status_geldig"
            ),
            models.CheckConstraint(condition=models.Q(rol__in=list(ROLES)), name="roltoekenning_rol_geldig"),
            # never for oneself, never decided by the requester or by the user it is for
            models.CheckConstraint(
                condition=~models.Q(aangevraagd_door=models.F("gebruiker")), name="roltoekenning_niet_voor_uzelf"
            ),
            models.CheckConstraint(
                condition=~models.Q(beslist_door=models.F("aangevraagd_door"))
                & ~models.Q(beslist_door=models.F("gebruiker")),
                name="roltoekenning_vier_ogen",
            ),
            models.CheckConstraint(
                condition=models.Q(status="aangevraagd", beslist_door__isnull=True)
                | ~models.Q(status="aangevraagd")
                & (models.Q(beslist_door__isnull=False) | models.Q(aangevraagd_door__isnull=True)),
                name="roltoekenning_besluit_met_beslisser",
            ),
            models.UniqueConstraint(
                fields=["gebruiker", "rol"],
                condition=models.Q(status__in=["aangevraagd", "goedgekeurd"]),
                name="roltoekenning_een_lopende_per_rol",
            ),
        ]

    def __str__(self) -> str:
        return f"{ROLES.get(self.rol, self.rol)} voor {self.gebruiker} ({self.get_status_display()})"


class OidcKoppeling(models.Model):
    """An account that logs in through its organisation's identity provider (OpenID Connect,
    backoffice/oidc.py): found by the provider (``issuer``) and its identifier for the person
    (``sub``), never by e-mail address."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="oidc_koppeling", verbose_name="gebruiker"
    )
    issuer = models.CharField("identity provider (issuer)", max_length=255)
    sub = models.CharField("kenmerk bij de identity provider (sub)", max_length=255)
    aangemaakt = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "koppeling met identity provider"
        verbose_name_plural = "koppelingen met identity providers"
        constraints = [models.UniqueConstraint(fields=["issuer", "sub"], name="oidc_koppeling_uniek")]

    def __str__(self) -> str:
        return f"{self.issuer} {self.sub}"
