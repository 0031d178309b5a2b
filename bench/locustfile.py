"""The load of ``python -m bench.load`` (locust, headless, in its own process): every simulated user
reads the trajectory list and the declaration list through the API (token) and opens the werkbak
start page (session cookie). The token and the session come from one real login each by
``bench.load`` (``BENCH_TOKEN``, ``BENCH_SESSION``), so the login throttle is not what is measured."""

import os

from locust import HttpUser, between, task

TOKEN = os.environ.get("BENCH_TOKEN", "")
SESSION = os.environ.get("BENCH_SESSION", "")
PAGE_SIZE = os.environ.get("BENCH_PAGE_SIZE", "50")


class Medewerker(HttpUser):
    wait_time = between(0.5, 1.5)

    def on_start(self):
        self.api = {"Authorization": f"Token {TOKEN}", "Accept": "application/json"}
        self.client.cookies.set("sessionid", SESSION)

    @task(2)
    def trajecten(self):
        self.client.get(f"/api/v1/trajecten?pageSize={PAGE_SIZE}", headers=self.api, name="GET /api/v1/trajecten")

    @task(2)
    def declaraties(self):
        self.client.get(f"/api/v1/declaraties?pageSize={PAGE_SIZE}", headers=self.api, name="GET /api/v1/declaraties")

    @task(1)
    def werkbak(self):
        self.client.get("/", name="GET / (werkbak)")
