"""The demo world of ``manage.py demo_data`` (docs/demo.md): two years of history, built through
the same services as the API and the pages, under a clock of its own (``klok``)."""
