"""Issue 6, part 3: docker-compose.yml allows ``--scale web=3 --scale worker=3``: no fixed
container name, no single fixed host port on a scaled service, and a health check on web."""

import re
from pathlib import Path

import yaml

COMPOSE = yaml.safe_load((Path(__file__).resolve().parents[2] / "docker-compose.yml").read_text())
SCALED = ("web", "worker")


def test_scaled_services_have_no_fixed_name_or_port():
    services = COMPOSE["services"]
    for name in SCALED:
        service = services[name]
        assert "container_name" not in service, name
        for port in service.get("ports", []):
            published = str(port).rsplit(":", 1)[0]
            default = re.sub(r"\$\{[A-Z_]+:-([^}]+)\}", r"\1", published)
            first, _, last = default.partition("-")
            assert last and int(last) - int(first) >= 2, f"{name}: vaste hostpoort {port} botst bij --scale {name}=3"
    assert "healthcheck" in services["web"]


def test_worker_and_web_keep_no_state_on_disk():
    """Sessions and tokens in PostgreSQL, cache and throttle in Redis: web and worker mount no volume."""
    for name in (*SCALED, "beat"):
        assert not COMPOSE["services"][name].get("volumes"), name
