"""Gunicorn's settings (gunicorn reads ./gunicorn.conf.py by itself; the Dockerfile and
docker-compose.yml also name it with -c). Gunicorn logs through its own loggers, not Django's
LOGGING: its access log (with the query string) and its error log get the same filter that masks
every 9-digit run (a BSN) in every Django handler (backoffice.crypto.MaskBsnFilter, docs/security.md)."""

from gunicorn.glogging import Logger


class MaskingLogger(Logger):
    """Gunicorn's logger with the BSN mask on both loggers and on every handler they have."""

    def setup(self, cfg):
        super().setup(cfg)
        from backoffice.crypto import MaskBsnFilter

        for log in (self.error_log, self.access_log):
            if not any(isinstance(f, MaskBsnFilter) for f in log.filters):
                log.addFilter(MaskBsnFilter())
            for handler in log.handlers:
                if not any(isinstance(f, MaskBsnFilter) for f in handler.filters):
                    handler.addFilter(MaskBsnFilter())


logger_class = MaskingLogger
