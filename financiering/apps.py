from django.apps import AppConfig


class FinancieringConfig(AppConfig):
    name = "financiering"
    verbose_name = "Financiering"

    def ready(self):
        """What financiering adds to the core's jobs (``backoffice.registry``): the signals about
        fidelity audits and budgets, after trajecten's (10) and before declaraties' (30)."""
        from backoffice import registry

        from . import jobs

        registry.register_signaal_oorzaken(jobs.signaal_oorzaken, order=20)
        from .views_beheer import werkbak_regelingen

        registry.register_werkbak_sectie("beheerder", werkbak_regelingen, order=5)
