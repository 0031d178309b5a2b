from django.apps import AppConfig


class BackofficeConfig(AppConfig):
    name = "backoffice"
    verbose_name = "Backoffice"

    def ready(self):
        from . import schedule, tweestaps, werkbak_secties  # noqa: F401  (tweestaps connects its user_logged_in receiver)

        # The core's own job steps and werkbak sections; the apps add theirs in their ready().
        schedule.register_core_steps()
        werkbak_secties.register()
