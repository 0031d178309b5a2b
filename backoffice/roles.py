"""Roles are data (Django groups); these are their names and the checks on them."""

from django.contrib.auth.models import Group

from .errors import RoleError

UWV_BEOORDELAAR = "uwv_beoordelaar"
UWV_FINANCIEEL = "uwv_financieel"
GEMEENTE = "gemeente_medewerker"
AANBIEDER = "aanbieder_medewerker"
AUDITOR = "auditor"
BEHEERDER = "beheerder"
PRIVACY_OFFICER = "privacy_officer"

ROLES = {
    UWV_BEOORDELAAR: "UWV beoordelaar",
    UWV_FINANCIEEL: "UWV financieel",
    GEMEENTE: "Gemeente medewerker",
    AANBIEDER: "Aanbieder medewerker",
    AUDITOR: "Auditor (Phrenos)",
    BEHEERDER: "Beheerder",
    PRIVACY_OFFICER: "Functionaris gegevensbescherming (FG)",
}
UWV_ROLES = (UWV_BEOORDELAAR, UWV_FINANCIEEL)
# The roles that see cases (applications, trajectories), each within its own organisation.
CASE_ROLES = (*UWV_ROLES, GEMEENTE, AANBIEDER)


def roles_of(user) -> set[str]:
    if not getattr(user, "is_authenticated", False):
        return set()
    cached = getattr(user, "_ips_roles", None)
    if cached is None:
        cached = set(user.groups.values_list("name", flat=True))
        user._ips_roles = cached
    return cached


def has_role(user, *roles: str) -> bool:
    return bool(roles_of(user) & set(roles))


def check_role(user, *roles: str) -> tuple[bool, str]:
    """(allowed, reason): the permission-function shape of conventions.md."""
    if has_role(user, *roles):
        return True, ""
    names = ", ".join(ROLES[r] for r in roles)
    return False, f"Deze handeling vraagt de rol {names}."


def require_role(user, *roles: str) -> None:
    allowed, reason = check_role(user, *roles)
    if not allowed:
        raise RoleError(reason)


def ensure_groups() -> None:
    for name in ROLES:
        Group.objects.get_or_create(name=name)
