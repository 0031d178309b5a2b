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


def test_web_and_worker_through_pgbouncer_and_a_streaming_replica():
    """Issue 13: the app reaches the primary through PgBouncer (transaction pooling, so with the
    pooler's settings) and reads what may lag from the replica; migrations go to the primary itself."""
    services = COMPOSE["services"]
    root = Path(__file__).resolve().parents[2]
    for name in (*SCALED, "beat"):
        env = services[name]["environment"]
        assert "@pgbouncer:6432/" in env["DATABASE_URL"] and env["DATABASE_POOLER"] == "pgbouncer", name
        assert "@postgres-replica:5432/" in env["DATABASE_REPLICA_URL"], name
        assert services[name]["depends_on"]["pgbouncer"] == {"condition": "service_healthy"}, name
    assert "@postgres:5432/" in services["migrate"]["environment"]["DATABASE_URL"]
    assert not services["migrate"]["environment"]["DATABASE_POOLER"]
    assert services["migrate"]["environment"]["REDIS_URL"] == services["web"]["environment"]["REDIS_URL"]
    replica = services["postgres-replica"]
    assert "container_name" not in replica and not replica.get("ports")  # --scale postgres-replica=M
    script = replica["volumes"][1].split(":")[0]
    assert "pg_basebackup" in (root / script).read_text() and replica["entrypoint"][-1] == "/replica.sh"
    assert "wal_level=replica" in services["postgres"]["command"]
    assert (root / services["pgbouncer"]["build"] / "Dockerfile").exists()
    assert "pool_mode = transaction" in (root / services["pgbouncer"]["build"] / "entrypoint.sh").read_text()
