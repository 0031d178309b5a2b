"""Which werkbak sections each role gets (the wiring: this module may name every app)."""

from . import roles, werkbak

PER_ROL: list = [
    (
        roles.AUDITOR,
        lambda user: [werkbak.signalen(user, ("modeltrouw_verlopen",), "Modeltrouwmeting verlopen")],
    ),
]
