from django.apps import AppConfig


class BackofficeConfig(AppConfig):
    name = "backoffice"
    verbose_name = "Backoffice"

    def ready(self):
        from . import tweestaps  # noqa: F401  (connects its user_logged_in receiver)
