"""A real primary, a real streaming replica and a real PgBouncer for the scale-out tests
(docs/reliability.md, "Primary, replica en pgbouncer in de suite").

Never the machine's own cluster: a small pair of its own in a temporary directory, owned by the
``postgres`` user (PostgreSQL refuses to run as root): ``initdb`` of the primary (wal_level=replica,
trust for 127.0.0.1 including replication), the migrated test template copied in with
``pg_dump | pg_restore``, ``pg_basebackup -R`` for the standby, both started, and PgBouncer in
transaction pooling in front of the primary. A few seconds; :meth:`Pair.stop` removes all of it.

``python -m tests.reliability.pair start`` prints the environment for a pair that outlives the
command (scripts/test.sh starts one for the whole run, ``... stop <dir>`` ends it); without that
environment a test session starts its own (``pair`` fixture in test_replica.py)."""

import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass
from pathlib import Path

BIN = Path(os.environ.get("IPS_PG_BIN", "/usr/lib/postgresql/15/bin"))
ENV_VAR = "IPS_TEST_PAIR"  # the JSON of a running Pair (scripts/test.sh)
TEMPLATE = "ips_tpl"  # on the pair's primary: the migrated, empty schema every test database copies


class PairError(RuntimeError):
    pass


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _as_postgres(*cmd, check=True, **kwargs):
    """Run a PostgreSQL binary as the ``postgres`` user when we are root (PostgreSQL and PgBouncer
    refuse root)."""
    cmd = [str(c) for c in cmd]
    if os.geteuid() == 0:
        cmd = ["runuser", "-u", "postgres", "--", *cmd]
    done = subprocess.run(cmd, capture_output=True, text=True, **kwargs)
    if check and done.returncode:
        raise PairError(f"{' '.join(cmd)} faalde / failed:\n{done.stdout}\n{done.stderr}")
    return done


@dataclass
class Pair:
    root: str
    primary_port: int
    replica_port: int
    bouncer_port: int

    # -- addresses -------------------------------------------------------------------------------

    def url(self, which: str, dbname: str) -> str:
        port = {"primary": self.primary_port, "replica": self.replica_port, "pgbouncer": self.bouncer_port}[which]
        return f"postgres://postgres@127.0.0.1:{port}/{dbname}"

    def connect(self, which: str = "primary", dbname: str = "postgres"):
        import psycopg

        return psycopg.connect(self.url(which, dbname), autocommit=True, connect_timeout=5)

    def to_env(self) -> str:
        return json.dumps(asdict(self))

    @classmethod
    def from_env(cls) -> "Pair | None":
        raw = os.environ.get(ENV_VAR)
        return cls(**json.loads(raw)) if raw else None

    # -- the replica on demand -------------------------------------------------------------------

    def pause_replay(self) -> None:
        with self.connect("replica") as conn:
            conn.execute("SELECT pg_wal_replay_pause()")

    def resume_replay(self) -> None:
        with self.connect("replica") as conn:
            conn.execute("SELECT pg_wal_replay_resume()")

    def stop_replica(self) -> None:
        _as_postgres(BIN / "pg_ctl", "-D", Path(self.root) / "replica", "-m", "immediate", "-w", "stop")

    def start_replica(self) -> None:
        _start(Path(self.root) / "replica")

    def replica_running(self) -> bool:
        return _as_postgres(BIN / "pg_ctl", "-D", Path(self.root) / "replica", "status", check=False).returncode == 0

    def wait_replayed(self, timeout: float = 5.0) -> None:
        """Until the replica has replayed everything the primary wrote so far."""
        with self.connect("primary") as conn:  # a WAL record of its own: its end is a position the replica reaches
            (target,) = conn.execute("SELECT pg_logical_emit_message(false, 'ips', 'wacht')").fetchone()
        deadline = time.monotonic() + timeout
        with self.connect("replica") as conn:
            while not conn.execute("SELECT pg_last_wal_replay_lsn() >= %s::pg_lsn", [str(target)]).fetchone()[0]:
                if time.monotonic() > deadline:
                    raise PairError("de replica haalt de primary niet in / the replica does not catch up")
                time.sleep(0.02)

    def database(self, name: str) -> str:
        """A fresh database ``name`` on the primary, a copy of the template (dropped first if left over)."""
        with self.connect("primary") as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            conn.execute(f'CREATE DATABASE "{name}" TEMPLATE "{TEMPLATE}"')
        return name

    def stop(self) -> None:
        for part in ("bouncer",):
            pid = Path(self.root) / part / "pgbouncer.pid"
            if pid.exists():
                try:
                    os.kill(int(pid.read_text().strip()), 15)
                except (OSError, ValueError):
                    pass
        for part in ("replica", "primary"):
            data = Path(self.root) / part
            if (data / "postmaster.pid").exists():
                _as_postgres(BIN / "pg_ctl", "-D", data, "-m", "immediate", "-w", "stop", check=False)
        shutil.rmtree(self.root, ignore_errors=True)


_CONF = """
listen_addresses = '127.0.0.1'
port = {port}
unix_socket_directories = '{root}'
wal_level = replica
max_wal_senders = 4
hot_standby = on
hot_standby_feedback = on
fsync = off
synchronous_commit = off
full_page_writes = off
timezone = 'UTC'
max_connections = 60
shared_buffers = 32MB
"""

_HBA = """
local all all trust
host all all 127.0.0.1/32 trust
host replication all 127.0.0.1/32 trust
"""

_BOUNCER = """
[databases]
* = host=127.0.0.1 port={primary}

[pgbouncer]
listen_addr = 127.0.0.1
listen_port = {port}
unix_socket_dir = {root}
auth_type = trust
auth_file = {root}/userlist.txt
pool_mode = transaction
max_client_conn = 200
default_pool_size = 10
ignore_startup_parameters = extra_float_digits,options
logfile = {root}/pgbouncer.log
pidfile = {root}/pgbouncer.pid
"""


def _start(data: Path) -> None:
    _as_postgres(BIN / "pg_ctl", "-D", data, "-l", data / "log", "-w", "-t", "20", "start")


def _wait_port(port: int, timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            return
        except OSError:
            if time.monotonic() > deadline:
                raise PairError(f"niets luistert op poort {port} / nothing listens on port {port}") from None
            time.sleep(0.02)


def start(template_url: str) -> Pair:
    """Start a pair and its PgBouncer; ``template_url`` is the migrated test template on the
    machine's cluster (tests/testdb.py), copied to the pair's primary as ``ips_tpl``."""
    if not shutil.which("pgbouncer"):
        raise PairError(
            "pgbouncer ontbreekt: 'apt-get install pgbouncer' (scripts/setup.sh doet dat) / "
            "pgbouncer is missing: 'apt-get install pgbouncer' (scripts/setup.sh does that)"
        )
    root = Path(tempfile.mkdtemp(prefix="ips-pair-"))
    root.chmod(0o755)
    pair = Pair(str(root), _free_port(), _free_port(), _free_port())
    try:
        primary, replica, bouncer = root / "primary", root / "replica", root / "bouncer"
        for d in (primary, bouncer):
            d.mkdir()
        if os.geteuid() == 0:
            shutil.chown(root, "postgres", "postgres")
            for d in (primary, bouncer):
                shutil.chown(d, "postgres", "postgres")
        _as_postgres(
            BIN / "initdb", "-D", primary, "-U", "postgres", "-A", "trust", "-N", "-E", "UTF8", "--locale=C.UTF-8"
        )
        with open(primary / "postgresql.conf", "a") as conf:
            conf.write(_CONF.format(port=pair.primary_port, root=root))
        (primary / "pg_hba.conf").write_text(_HBA)
        _start(primary)
        with pair.connect("primary") as conn:
            conn.execute(f'CREATE DATABASE "{TEMPLATE}"')
        dump = subprocess.Popen([BIN / "pg_dump", "-Fc", "--no-owner", "-d", template_url], stdout=subprocess.PIPE)
        restore = subprocess.run(
            [BIN / "pg_restore", "--no-owner", "-d", pair.url("primary", TEMPLATE)],
            stdin=dump.stdout,
            capture_output=True,
            text=True,
        )
        dump.stdout.close()
        if dump.wait() or restore.returncode:
            raise PairError(f"pg_dump | pg_restore van de testsjabloon faalde / failed: {restore.stderr}")
        _as_postgres(
            BIN / "pg_basebackup",
            "-h",
            "127.0.0.1",
            "-p",
            pair.primary_port,
            "-U",
            "postgres",
            "-D",
            replica,
            "-R",
            "-X",
            "stream",
            "-c",
            "fast",
        )
        with open(replica / "postgresql.conf", "a") as conf:
            conf.write(f"port = {pair.replica_port}\n")
        _start(replica)
        (bouncer / "userlist.txt").write_text('"postgres" ""\n')
        (bouncer / "pgbouncer.ini").write_text(
            _BOUNCER.format(primary=pair.primary_port, port=pair.bouncer_port, root=bouncer)
        )
        if os.geteuid() == 0:
            for f in bouncer.iterdir():
                shutil.chown(f, "postgres", "postgres")
        _as_postgres("pgbouncer", "-d", bouncer / "pgbouncer.ini")
        _wait_port(pair.bouncer_port)
        pair.wait_replayed(timeout=10)
    except BaseException:
        pair.stop()
        raise
    return pair


if __name__ == "__main__":
    if sys.argv[1:2] == ["start"]:
        print(start(sys.argv[2]).to_env())
    elif sys.argv[1:2] == ["stop"]:
        Pair(**json.loads(sys.argv[2])).stop()
    else:
        sys.exit("python -m tests.reliability.pair start <template-url> | stop <json>")
