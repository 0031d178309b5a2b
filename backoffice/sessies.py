"""Django's database sessions (``SESSION_ENGINE``), with the session of every request read by SQL
compiled once (``backoffice.querycache.vaste_vorm``: stand-ins for the key and the moment, then the
real ones). The same table, the same rows and the same behaviour as
``django.contrib.sessions.backends.db``; only the compile per request is gone (docs/performance.md
"Issue 13, ronde 6")."""

from django.contrib.sessions.backends import db
from django.utils import timezone

from . import querycache


def _sessie(model, sleutel, nu):
    return model.objects.filter(session_key=sleutel, expire_date__gt=nu).order_by()[:1]


class SessionStore(db.SessionStore):
    def _get_session_from_db(self):
        model = self.model
        rows = querycache.vaste_vorm(
            f"sessie:{model._meta.label}",
            lambda sleutel, nu: _sessie(model, sleutel, nu),
            self.session_key,
            timezone.now(),
        )
        if rows:
            return rows[0]
        self._session_key = None
        return None
