"""The core's models, one module per subject: ``gebruikers`` (the user, role grants under four
eyes, the identity-provider link), ``instellingen`` (the settings a beheerder changes),
``taken`` (job runs, signals, notifications), ``privacy`` (BSN look-ups, the processing log) and
``documenten`` (the generated documents).
Everything is importable from ``backoffice.models`` as before."""

from .documenten import Document, DocumentObject, DocumentSoort
from .gebruikers import OidcKoppeling, RolToekenning, RolToekenningStatus, User
from .instellingen import BEWAARTERMIJN_MAX, BEWAARTERMIJN_MIN, DREMPEL_MAX, DREMPEL_MIN, Instellingen
from .privacy import (
    BsnKanaal,
    BsnRaadpleging,
    Verwerking,
    VerwerkingDoel,
    VerwerkingHandeling,
    VerwerkingKanaal,
)
from .taken import (
    Notificatie,
    NotificatieStatus,
    Signaal,
    SignaalObject,
    SignaalSoort,
    TaakNaam,
    Taakrun,
    TaakrunStatus,
)

__all__ = [
    "BEWAARTERMIJN_MAX",
    "BEWAARTERMIJN_MIN",
    "DREMPEL_MAX",
    "DREMPEL_MIN",
    "BsnKanaal",
    "BsnRaadpleging",
    "Document",
    "DocumentObject",
    "DocumentSoort",
    "Instellingen",
    "Notificatie",
    "NotificatieStatus",
    "OidcKoppeling",
    "RolToekenning",
    "RolToekenningStatus",
    "Signaal",
    "SignaalObject",
    "SignaalSoort",
    "TaakNaam",
    "Taakrun",
    "TaakrunStatus",
    "User",
    "Verwerking",
    "VerwerkingDoel",
    "VerwerkingHandeling",
    "VerwerkingKanaal",
]
