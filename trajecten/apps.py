from django.apps import AppConfig


class TrajectenConfig(AppConfig):
    name = "trajecten"
    verbose_name = "Trajecten"

    def ready(self):
        """What trajecten adds to the core's jobs and werkbak (``backoffice.registry``); the
        orders interleave with the other apps' (docs/architecture.md, "Het register")."""
        from backoffice import registry, roles

        from . import budget_links, documenten, jobs, werkbak, werkmonitor

        # nightly: expiry first, so that the signals (20) see today's states.
        registry.register_job_step("nightly", "trajecten_expire", lambda d: jobs.trajecten_expire(datum=d), order=10)
        registry.register_signaal_oorzaken(jobs.signaal_oorzaken, order=10)
        registry.register_job_step(
            "quarterly", "werkmonitor", werkmonitor.werkmonitor_stap, order=10, doel="monitoring"
        )

        # the documents of an application or trajectory are scoped like it (backoffice.documenten)
        registry.register_document_object("aanvraag", documenten.aanvraag_zichtbaar)
        registry.register_document_object("traject", documenten.traject_zichtbaar)
        registry.register_budget_links(budget_links.budget_links, order=10)  # the ledger (financiering)
        registry.register_werkbak_sectie(roles.UWV_BEOORDELAAR, werkbak.uwv_aanvragen, order=10)
        registry.register_werkbak_sectie(roles.UWV_BEOORDELAAR, werkbak.uwv_verlengingen, order=20)
        registry.register_werkbak_sectie(roles.GEMEENTE, werkbak.gemeente_aanvragen, order=10)
        registry.register_werkbak_sectie(roles.GEMEENTE, werkbak.gemeente_verlengingen, order=20)
        registry.register_werkbak_sectie(roles.AANBIEDER, werkbak.aanbieder_eindigt, order=10)
        registry.register_werkbak_sectie(roles.AANBIEDER, werkbak.aanbieder_zonder_verslag, order=20)
