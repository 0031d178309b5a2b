from django.apps import AppConfig


class DeclaratiesConfig(AppConfig):
    name = "declaraties"
    verbose_name = "Declaraties"

    def ready(self):
        """What declaraties adds to the core's jobs and werkbak (``backoffice.registry``); the
        orders interleave with the other apps' (docs/architecture.md, "Het register")."""
        from backoffice import registry, roles

        from . import budget_links, documenten, jobs, services, werkbak

        registry.register_signaal_oorzaken(jobs.signaal_oorzaken, order=30)
        # nightly, last: a participant anonymised today no longer appears in today's digest (30) anyway.
        registry.register_job_step(
            "nightly", "bewaartermijn", lambda d: jobs.bewaartermijn_toepassen(datum=d), order=90, doel="bewaartermijn"
        )
        registry.register_job_step(
            "weekly",
            "betaalopdrachten",
            lambda d: services.betaalopdrachten_aanmaken(datum=d),
            order=10,
            doel="betalen",
        )
        registry.register_taak_voorbeeld("weekly", jobs.betaalrun_voorbeeld)  # the preview on /taken/
        registry.register_taak_voorbeeld("monthly", jobs.vorderingrun_voorbeeld)
        registry.register_cofinanciering_gezet(jobs.vorderingrun_heropenen)  # the claims run's work again
        registry.register_job_step(
            "monthly", "vorderingen", lambda d: services.vorderingen_aanmaken(datum=d), order=10, doel="betalen"
        )
        registry.register_job_step(
            "monthly",
            "vorderingen_herinneren",
            lambda d: services.vorderingen_herinneren(datum=d),
            order=20,
            doel="betalen",
        )

        # the documents of a claim or payment order are scoped like it (backoffice.documenten)
        registry.register_document_object("vordering", documenten.vordering_zichtbaar)
        registry.register_document_object("betaalopdracht", documenten.betaalopdracht_zichtbaar)
        registry.register_budget_links(budget_links.budget_links, order=30)  # the ledger (financiering)
        registry.register_werkbak_sectie(roles.UWV_BEOORDELAAR, werkbak.regels_in_behandeling, order=30)
        registry.register_werkbak_sectie(roles.UWV_FINANCIEEL, werkbak.betaalopdrachten_te_accorderen, order=10)
        registry.register_werkbak_sectie(roles.UWV_FINANCIEEL, werkbak.vorderingen_over_vervaldatum, order=20)
        registry.register_werkbak_sectie(roles.UWV_FINANCIEEL, werkbak.bezwaren_te_beoordelen, order=25)
        registry.register_werkbak_sectie(roles.GEMEENTE, werkbak.vorderingen_te_betalen, order=30)
        registry.register_werkbak_sectie(roles.AANBIEDER, werkbak.afgewezen_regels, order=30)
