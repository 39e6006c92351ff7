"""A PostgreSQL cluster that lives for one test or one benchmark run, on 127.0.0.1.

Debian's server binaries (`apt-get install postgresql`, which tests/run.sh does) run
from a temporary folder on a free port. initdb refuses to run as root, so as root every
command runs as the postgres user on a folder that user owns, as tests/run.sh does.
Trust authentication on loopback: nothing else can reach a cluster that lives this
briefly. Used by tests/test_deployment.py (which stops and starts it under a served
portal) and benchmarks/concurrent_editors.py (`--postgres`); `empty_schema` gives every
test and benchmark run a fresh database.
"""
import glob
import os
import pwd
import shlex
import shutil
import socket
import subprocess
import tempfile
from pathlib import Path

from portal.testing import empty_schema  # noqa: F401 - the tests and benchmarks use it from here

BIN_GLOB = "/usr/lib/postgresql/*/bin"


class MissingPostgres(RuntimeError):
    """The server binaries (or, as root, the postgres user) are not on this machine."""


def server_binaries():
    found = glob.glob(BIN_GLOB)
    if not found or (os.geteuid() == 0 and not _has_user("postgres")):
        raise MissingPostgres(
            f"PostgreSQL's server binaries ({BIN_GLOB}, and the postgres user when running "
            "as root) are required: tests/run.sh installs them (apt-get install postgresql)")
    return Path(max(found, key=lambda path: int(Path(path).parent.name)))


def _has_user(name):
    try:
        pwd.getpwnam(name)
    except KeyError:
        return False
    return True


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class ThrowawayPostgres:
    """initdb + pg_ctl in a temp folder; `url` reaches its `postgres` database as `portal`."""

    def __init__(self):
        self.bin = server_binaries()
        self.root = Path(tempfile.mkdtemp(prefix="portal-pg-"))
        self.root.chmod(0o755)  # the postgres user must reach its data folder
        if os.geteuid() == 0:
            user = pwd.getpwnam("postgres")
            os.chown(self.root, user.pw_uid, user.pw_gid)
        self.data = self.root / "data"
        self.port = free_port()
        self.url = f"postgresql://portal@127.0.0.1:{self.port}/postgres"
        #: The same database through the server's Unix socket, as on a single host.
        self.socket_url = f"postgresql://portal@/postgres?host={self.root}&port={self.port}"
        self.running = False

    def _run(self, program, *args):
        command = shlex.join([str(self.bin / program), *map(str, args)])
        if os.geteuid() == 0:
            command = shlex.join(["su", "postgres", "-s", "/bin/sh", "-c", command])
        result = subprocess.run(command, shell=True, capture_output=True, text=True, timeout=60)
        if result.returncode:
            raise RuntimeError(f"{program} failed:\n{result.stdout}{result.stderr}")

    def init(self):
        self._run("initdb", "-D", self.data, "-U", "portal", "--auth=trust", "-E", "UTF8",
                  "--locale=C.UTF-8", "--no-sync")
        return self

    def start(self):
        options = f"-p {self.port} -k {self.root} -c listen_addresses=127.0.0.1 -c fsync=off"
        self._run("pg_ctl", "-D", self.data, "-l", self.root / "log", "-w", "-o", options, "start")
        self.running = True
        return self

    def stop(self):
        self._run("pg_ctl", "-D", self.data, "-m", "fast", "-w", "stop")
        self.running = False

    def remove(self):
        try:
            if self.running:
                self.stop()
        finally:
            shutil.rmtree(self.root, ignore_errors=True)
