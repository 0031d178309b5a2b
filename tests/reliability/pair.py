"""A real primary, a real streaming replica and a real PgBouncer for the scale-out tests
(docs/reliability.md, "Primary, replica en pgbouncer in de suite").

Never the machine's own cluster: a small pair of its own in a temporary directory, owned by the
``postgres`` user (PostgreSQL refuses to run as root): ``initdb`` of the primary (wal_level=replica,
trust for 127.0.0.1 including replication), the migrated test template copied in with
``pg_dump | pg_restore``, ``pg_basebackup -R`` for the standby, both started, and PgBouncer in
transaction pooling in front of the primary. A few seconds; :meth:`Pair.stop` removes all of it.

The ``pair`` fixture of test_replica.py starts one per test process and stops it at the end; a
pair whose process died without stopping it is removed by the next start. By hand:
``python -m tests.reliability.pair start`` (with DATABASE_URL) prints a pair as JSON,
``python -m tests.reliability.pair stop '<json>'`` ends it."""

import contextlib
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

import psycopg

VAR = Path(os.environ.get("IPS_VAR_DIR", Path(__file__).resolve().parents[2] / "var"))
SHM = "/dev/shm" if os.path.isdir("/dev/shm") else None  # the clusters in memory: no disk
BIN = Path(os.environ.get("IPS_PG_BIN", "/usr/lib/postgresql/15/bin"))
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
        return psycopg.connect(self.url(which, dbname), autocommit=True, connect_timeout=5)

    def to_json(self) -> str:
        return json.dumps(asdict(self))

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


def _start(data: Path, options: str = "") -> None:
    # -l: the server's output to a file, not to our pipe (run() would wait for it to close)
    _as_postgres(BIN / "pg_ctl", "-D", data, "-l", data / "log", "-o", options, "-w", "-t", "20", "start")


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


def _chown(*paths: Path) -> None:
    if os.geteuid() == 0:
        subprocess.run(["chown", "-R", "postgres:postgres", *map(str, paths)], check=True)


def _primary_of(template_url: str) -> Path:
    """A stopped primary holding the template, kept in var/pair/ between runs (like the template
    itself, tests/testdb.py): ``initdb`` and the restore cost seconds, a copy a fraction of one.
    Built once per template (that is, per set of migrations)."""
    cache = VAR / "pair" / template_url.rsplit("/", 1)[-1]
    if (cache / "PG_VERSION").exists():
        return cache
    cache.parent.mkdir(parents=True, exist_ok=True)
    building = Path(tempfile.mkdtemp(prefix=cache.name + ".", dir=cache.parent))
    port = _free_port()
    try:
        _chown(building)
        building.chmod(0o700)
        _as_postgres(
            BIN / "initdb", "-D", building, "-U", "postgres", "-A", "trust", "-N", "-E", "UTF8", "--locale=C.UTF-8"
        )
        with open(building / "postgresql.conf", "a") as conf:
            conf.write(_CONF)
        (building / "pg_hba.conf").write_text(_HBA)
        _start(building, f"-p {port} -k {building}")
        try:
            url = f"postgres://postgres@127.0.0.1:{port}"
            with psycopg.connect(f"{url}/postgres", autocommit=True) as conn:
                conn.execute(f'CREATE DATABASE "{TEMPLATE}"')
            dump = subprocess.Popen([BIN / "pg_dump", "-Fc", "--no-owner", "-d", template_url], stdout=subprocess.PIPE)
            restore = subprocess.run(
                [BIN / "pg_restore", "--no-owner", "-d", f"{url}/{TEMPLATE}"],
                stdin=dump.stdout,
                capture_output=True,
                text=True,
            )
            dump.stdout.close()
            if dump.wait() or restore.returncode:
                raise PairError(f"pg_dump | pg_restore van de testsjabloon faalde / failed: {restore.stderr}")
        finally:
            _as_postgres(BIN / "pg_ctl", "-D", building, "-m", "fast", "-w", "stop")
        (building / "log").unlink(missing_ok=True)
        building.rename(cache)
    except OSError:  # another process built it first
        if not (cache / "PG_VERSION").exists():
            raise
    finally:
        shutil.rmtree(building, ignore_errors=True)
    return cache


def _remove_orphans() -> None:
    """Stop and remove the pairs whose test process is gone (killed before it could stop them)."""
    for owner in Path(SHM or tempfile.gettempdir()).glob("ips-pair-*/owner.json"):
        try:
            data = json.loads(owner.read_text())
            os.kill(data["pid"], 0)
        except ProcessLookupError:
            Pair(**data["pair"]).stop()
        except (OSError, ValueError, KeyError):
            pass


def start(template_url: str) -> Pair:
    """Start a pair and its PgBouncer in /dev/shm (no disk); ``template_url`` is the migrated test
    template on the machine's cluster (tests/testdb.py), on the pair's primary as ``ips_tpl``."""
    if not shutil.which("pgbouncer"):
        raise PairError(
            "pgbouncer ontbreekt: 'apt-get install pgbouncer' (scripts/setup.sh doet dat) / "
            "pgbouncer is missing: 'apt-get install pgbouncer' (scripts/setup.sh does that)"
        )
    cached = _primary_of(template_url)
    _remove_orphans()
    root = Path(tempfile.mkdtemp(prefix="ips-pair-", dir=SHM))
    root.chmod(0o755)
    pair = Pair(str(root), _free_port(), _free_port(), _free_port())
    (root / "owner.json").write_text(json.dumps({"pid": os.getpid(), "pair": asdict(pair)}))
    try:
        primary, replica, bouncer = root / "primary", root / "replica", root / "bouncer"
        shutil.copytree(cached, primary, symlinks=True)
        bouncer.mkdir()
        (bouncer / "userlist.txt").write_text('"postgres" ""\n')
        (bouncer / "pgbouncer.ini").write_text(
            _BOUNCER.format(primary=pair.primary_port, port=pair.bouncer_port, root=bouncer)
        )
        with open(primary / "postgresql.conf", "a") as conf:
            conf.write(f"port = {pair.primary_port}\nunix_socket_directories = '{root}'\n")
        _chown(root)
        _start(primary)
        _as_postgres(
            BIN / "pg_basebackup", "-h", "127.0.0.1", "-p", pair.primary_port, "-U", "postgres", "-D", replica,
            "-R", "-X", "stream", "-c", "fast",
        )  # fmt: skip
        with open(replica / "postgresql.conf", "a") as conf:
            conf.write(f"port = {pair.replica_port}\n")
        _start(replica)
        _as_postgres("pgbouncer", "-d", bouncer / "pgbouncer.ini")
        _wait_port(pair.bouncer_port)
        pair.wait_replayed(timeout=10)
    except BaseException:
        pair.stop()
        raise
    return pair


def start_for_tests() -> Pair:
    """A pair with the migrated test template of DATABASE_URL's cluster (tests/testdb.py), built
    there first if it does not exist yet."""
    import dj_database_url
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "backoffice.settings")
    django.setup()
    from tests import testdb

    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        raise PairError("DATABASE_URL moet naar PostgreSQL wijzen / must point to PostgreSQL")
    cfg = dj_database_url.parse(url)
    name = f"test_{cfg['NAME']}_tpl_{testdb._digest()}"  # testdb.template_name() before pytest-django renames
    with testdb._admin_connection() as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
    if not exists:
        testdb.ensure_template()
    return start(url.rsplit("/", 1)[0] + "/" + name)


if __name__ == "__main__":
    if sys.argv[1:2] == ["start"]:
        with contextlib.redirect_stdout(sys.stderr):  # stdout: only the pair (scripts/test.sh reads it)
            started = start(sys.argv[2]) if sys.argv[2:] else start_for_tests()
        print(started.to_json())
    elif sys.argv[1:2] == ["stop"]:
        Pair(**json.loads(sys.argv[2])).stop()
    else:
        sys.exit("python -m tests.reliability.pair start [template-url] | stop <json>")
