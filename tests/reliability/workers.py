"""Real Celery workers for the reliability tests: started as separate processes against Redis and
the test database (like tests/backoffice/test_jobs.py), each on a queue of its own test, and
stoppable with SIGTERM or SIGKILL.

``python -m tests.reliability.workers`` is the worker itself. With ``IPS_TEST_PAUSE`` set it first
wraps one step of the jobs so that the worker stops in the middle of a run: it writes a marker file
and sleeps, holding the step's transaction open, until the test kills it. ``IPS_TEST_TRANSPORT``
(JSON) sets the broker's transport options: a short visibility timeout and unacked keys of this
test only, so that a killed worker's message comes back quickly without touching other tests."""

import json
import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PIDBOX_TABLES = ("_kombu.binding.celery.pidbox", "_kombu.binding_permanent.celery.pidbox")

# The workers this test started: the reliability conftest stops them and removes their broker keys.
started: list["Worker"] = []


def broker():
    import redis

    return redis.Redis.from_url(os.environ.get("CELERY_BROKER_URL") or os.environ["REDIS_URL"])


def forget_broker_keys(queue: str, *, worker_names=(), keys=()) -> None:
    """Remove what a test's queue and workers left in the broker: the queue and its binding tables
    (``*<queue>*``), the given keys (a transport's own unacked keys) and the remote-control
    (pidbox) bindings of its workers, which a SIGKILLed worker cannot remove itself."""
    client = broker()
    found = [*client.scan_iter(match=f"*{queue}*"), *keys]
    if found:
        client.delete(*found)
    names = [f"{name}@".encode() for name in worker_names]
    for table in PIDBOX_TABLES:
        members = [m for m in client.smembers(table) if any(n in m for n in names)]
        if members:
            client.srem(table, *members)
    if not client.exists(*PIDBOX_TABLES):  # no worker of anyone's left: the table's deadline goes too
        client.zrem("_kombu.binding_deadlines", "celery.pidbox")


def _pause_forever(marker: str) -> None:
    Path(marker).write_text(str(os.getpid()))
    time.sleep(600)


def _install_pause(spec: str) -> None:
    """``step:<job>:<index>:<marker>`` pauses after step <index> of <job> did its work, inside
    its transaction; ``replace:<n>:<marker>`` pauses the work monitor before its n-th file rename."""
    kind, *rest = spec.split(":", 3 if spec.startswith("step:") else 2)
    if kind == "step":
        job, index, marker = rest[0], int(rest[1]), rest[2]
        from backoffice import schedule

        original = schedule.steps_for

        def steps_for(name, datum):
            steps = original(name, datum)
            if name != job:
                return steps
            step, func = steps[index]

            def paused(d, func=func):
                result = func(d)
                _pause_forever(marker)
                return result

            steps[index] = (step, paused)
            return steps

        schedule.steps_for = steps_for
    elif kind == "replace":
        n, marker = int(rest[0]), rest[1]
        from trajecten.werkmonitor import taak as werkmonitor  # where the export replaces its files

        real_replace = os.replace
        calls = {"n": 0}

        class _Os:
            def __getattr__(self, name):
                return getattr(os, name)

            @staticmethod
            def replace(src, dst):
                calls["n"] += 1
                if calls["n"] == n:
                    _pause_forever(marker)
                return real_replace(src, dst)

        werkmonitor.os = _Os()


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "backoffice.settings")
    import django

    django.setup()
    if os.environ.get("IPS_TEST_PAUSE"):
        _install_pause(os.environ["IPS_TEST_PAUSE"])
    from backoffice.celery import app

    if os.environ.get("IPS_TEST_TRANSPORT"):
        app.conf.broker_transport_options = json.loads(os.environ["IPS_TEST_TRANSPORT"])
    app.worker_main(sys.argv[1:])


class Worker:
    """One worker process; ``log()`` is the tail of its output (a file, never a pipe)."""

    def __init__(self, queue: str, tmp_path: Path, *, name: str = "w", env: dict | None = None, loglevel="warning"):
        from django.db import connection

        db = connection.settings_dict
        broker = os.environ.get("CELERY_BROKER_URL") or os.environ.get("REDIS_URL")
        if not broker or connection.vendor != "postgresql":
            raise RuntimeError("Deze test vraagt PostgreSQL en Redis (DATABASE_URL, REDIS_URL).")
        user = db.get("USER") or "postgres"
        auth = f"{user}:{db['PASSWORD']}@" if db.get("PASSWORD") else f"{user}@"
        full_env = {
            **os.environ,
            "DATABASE_URL": f"postgres://{auth}{db.get('HOST') or '127.0.0.1'}:{db.get('PORT') or 5432}/{db['NAME']}",
            "CELERY_BROKER_URL": broker,
            "REDIS_URL": os.environ.get("REDIS_URL", broker),
            "DB_CONN_MAX_AGE": "0",
            "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
            **(env or {}),
        }
        self.name = f"{name}-{uuid.uuid4().hex[:6]}"
        self.queue = queue
        transport = json.loads(full_env.get("IPS_TEST_TRANSPORT") or "{}")
        self.broker_keys = [v for k, v in transport.items() if k.startswith("unacked") and isinstance(v, str)]
        started.append(self)
        self.path = tmp_path / f"{self.name}.log"
        self._log = self.path.open("w+b")
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "tests.reliability.workers",
                "worker",
                "--pool=solo",
                "-Q",
                queue,
                "-n",
                f"{self.name}@%h",
                "-l",
                loglevel,
                "--without-heartbeat",
                "--without-gossip",
                "--without-mingle",
            ],
            cwd=ROOT,
            env=full_env,
            stdout=self._log,
            stderr=subprocess.STDOUT,
        )

    def log(self, tail: int = 3000) -> str:
        self._log.flush()
        return self.path.read_text(errors="replace")[-tail:]

    def alive(self) -> bool:
        return self.process.poll() is None

    def kill(self) -> None:
        """SIGKILL: no clean-up, no ack, the database connection just drops."""
        if self.alive():
            self.process.send_signal(signal.SIGKILL)
        self.process.wait(timeout=10)

    def stop(self) -> None:
        if self.alive():
            self.process.terminate()
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)
        self._log.close()


def wait_for(predicate, *, timeout: float, what: str, workers=(), interval: float = 0.2):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    logs = "\n".join(f"--- {w.name}\n{w.log()}" for w in workers)
    raise AssertionError(f"{what}: niet binnen {timeout} s\n{logs}")


if __name__ == "__main__":
    main()
