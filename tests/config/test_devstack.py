"""`make run` end to end: migrate, load the demo once, serve on PORT, stop on Ctrl-C.

Runs config.devstack (what `make run` runs) in its own process group on a fresh SQLite
database and the embedded Redis, exactly as on a new clone, then interrupts it the way a
terminal does and checks that it exits with status 0 and that nothing it started is left
running or had to be killed. The last run types Ctrl-C into `make run` itself on a
pseudo-terminal.
"""

import fcntl
import os
import select
import signal
import socket
import subprocess
import sys
import termios
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

BASE_DIR = Path(__file__).resolve().parents[2]
# `make run` starts the emulators on their fixed ports: one at a time, in one process.
pytestmark = pytest.mark.xdist_group("make_run_ports")
START_TIMEOUT = 300  # a first run migrates and draws the demo pictures


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_for_site(url: str, process: subprocess.Popen) -> str:
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        assert process.poll() is None, "make run exited before the site answered"
        try:
            with urllib.request.urlopen(url, timeout=5) as response:  # noqa: S310
                return response.read().decode()
        except OSError:
            time.sleep(0.5)
    raise AssertionError(f"{url} did not answer within {START_TIMEOUT} s")


def wait_for_banner(log_path: Path, process: subprocess.Popen) -> None:
    """The launcher prints the address once its own check of the site succeeds."""
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        assert process.poll() is None, "make run exited before printing the address"
        if "The school website:" in log_path.read_text():
            return
        time.sleep(0.5)
    raise AssertionError("make run never printed the address")


def group_is_gone(pgid: int) -> bool:
    try:
        os.killpg(pgid, 0)
    except ProcessLookupError:
        return True
    return False


def _process_table() -> dict[int, tuple[int, str]]:
    """pid -> (parent pid, start time) of every process, from /proc."""
    table = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if fields[0] != "Z":
            table[int(entry.name)] = (int(fields[1]), fields[19])
    return table


def descendants(pid: int) -> dict[int, str]:
    """Every live process below ``pid``: pid -> start time (to tell a reused pid)."""
    table = _process_table()
    found: dict[int, str] = {}
    parents = [pid]
    while parents:
        parent = parents.pop()
        for child, (ppid, started) in table.items():
            if ppid == parent and child not in found:
                found[child] = started
                parents.append(child)
    return found


def still_running(processes: dict[int, str]) -> list[int]:
    table = _process_table()
    return [
        pid
        for pid, started in processes.items()
        if table.get(pid, (0, ""))[1] == started
    ]


def open_browser_connections(port: int) -> list:
    """Connections a browser leaves open: one kept alive after a page, and two it
    opened ahead of the next click without sending anything yet."""
    import http.client

    kept_alive = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    kept_alive.request("GET", "/")
    kept_alive.getresponse().read()
    idle = [socket.create_connection(("127.0.0.1", port)) for _ in range(2)]
    return [kept_alive, *idle]


class Terminal:
    """A terminal window on a pseudo-terminal: shows what is written, can be closed.

    The copying thread polls rather than blocking in ``read``: a file being read in
    another thread stays open after ``os.close`` until that read returns, so the
    hang-up would only reach `make run` with its next line of output.
    """

    def __init__(self, master: int, log_path: Path) -> None:
        self.master = master
        self._log_path = log_path
        self._closing = threading.Event()
        self._thread = threading.Thread(target=self._copy, daemon=True)
        self._thread.start()

    def _copy(self) -> None:
        poller = select.poll()
        poller.register(self.master, select.POLLIN)
        with self._log_path.open("ab") as log:
            while not self._closing.is_set():
                if not poller.poll(100):
                    continue
                try:
                    data = os.read(self.master, 65536)
                except OSError:  # the other side closed: everything has exited
                    return
                if not data:
                    return
                log.write(data)
                log.flush()

    def type(self, keys: bytes) -> None:
        os.write(self.master, keys)

    def drain(self, timeout: float) -> None:
        """Show what is left to read (the other side has closed), then close."""
        self._thread.join(timeout)
        self.close()

    def close(self) -> None:
        """The window closes: the terminal hangs up at once."""
        self._closing.set()
        self._thread.join()
        os.close(self.master)


def _take_terminal() -> None:
    """In the child: the pseudo-terminal becomes this new session's terminal."""
    fcntl.ioctl(0, termios.TIOCSCTTY, 0)


def run_stack_once(tmp_path: Path, run: int, how: str = "ctrl-c") -> str:
    """Start `make run`'s launcher, check the site, stop it; return its output.

    ``how``: "ctrl-c" sends SIGINT to its process group (started in the background,
    so with SIGINT ignored as a shell leaves it); "terminate" sends SIGTERM to the
    launcher only, as a service manager does; "make-terminal" runs `make run` on a
    pseudo-terminal and types Ctrl-C; "close-terminal" closes that terminal, as
    closing the window does (nothing can be read after that, nor an exit status:
    only that everything stopped by itself).
    """
    port = free_port()
    env = {
        key: value
        for key, value in os.environ.items()
        if key
        not in {"DATABASE_URL", "REDIS_URL", "DJANGO_SETTINGS_MODULE", "SITE_URL"}
    }
    env.update(VAR_DIR=str(tmp_path / "var"), PORT=str(port), HOST="127.0.0.1")
    log_path = tmp_path / f"make-run-{run}.log"
    log = log_path.open("w+")
    terminal = None
    on_terminal = how in ("make-terminal", "close-terminal")
    if on_terminal:
        master, slave = os.openpty()
        # -o: the virtualenv is already installed (the test runs in it).
        process = subprocess.Popen(  # noqa: S603
            ["make", "--no-print-directory", "-o", ".venv/.installed", "run"],  # noqa: S607
            cwd=BASE_DIR,
            env=env,
            stdin=slave,
            stdout=slave,
            stderr=slave,
            start_new_session=True,
            preexec_fn=_take_terminal,  # noqa: PLW1509
        )
        os.close(slave)
        terminal = Terminal(master, log_path)
    else:
        process = subprocess.Popen(  # noqa: S603
            [sys.executable, "-m", "config.devstack"],
            cwd=BASE_DIR,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # a process group, as a terminal gives `make run`
            # A background job of a script: the shell leaves it ignoring SIGINT.
            preexec_fn=(lambda: signal.signal(signal.SIGINT, signal.SIG_IGN))
            if how == "ctrl-c"
            else None,  # noqa: PLW1509
        )
    socket_path = tmp_path / "var" / "redis" / "redis.sock"
    started: dict[int, str] = {}
    connections = []
    try:
        home = wait_for_site(f"http://127.0.0.1:{port}/", process)
        wait_for_banner(log_path, process)
        started = descendants(process.pid)
        connections = open_browser_connections(port)
        assert "Meadowbank Primary School" in home
        assert socket_path.exists()  # the embedded Redis is running
        missing = urllib.request.Request(f"http://127.0.0.1:{port}/no-such-page/")
        try:
            urllib.request.urlopen(missing, timeout=10)  # noqa: S310
        except urllib.error.HTTPError as error:
            not_found = error.read().decode()
        assert "Meadowbank Primary School" in not_found  # the school's own 404
        assert "URLconf" not in not_found  # not Django's debug page
    finally:
        if how == "terminate":
            process.send_signal(signal.SIGTERM)  # the launcher only, as a service
        elif how == "make-terminal":
            terminal.type(b"\x03")  # Ctrl-C typed in the terminal
        elif how == "close-terminal":
            terminal.close()  # the window closes: the terminal hangs up
        else:
            os.killpg(process.pid, signal.SIGINT)  # Ctrl-C reaches the whole group
        exit_status = process.wait(timeout=60)
        for connection in connections:
            connection.close()
    if how == "make-terminal":
        terminal.drain(timeout=30)

    log.seek(0)
    output = log.read()
    if how == "close-terminal":
        deadline = time.monotonic() + 60
        while still_running(started) and time.monotonic() < deadline:
            time.sleep(0.5)
        assert len(started) >= 10, started
        assert still_running(started) == [], output
        assert not socket_path.exists(), "the embedded Redis was left running"
        return output
    assert exit_status == 0, output  # stopping the demo is not an error
    assert "make: ***" not in output, output  # no "Error 130", no "Interrupt"
    # Everything it started has stopped by itself: nothing left, nothing killed.
    assert group_is_gone(process.pid), output
    assert len(started) >= 10, started  # honcho, 3 supervisors, their processes
    assert still_running(started) == [], output
    assert "SIGKILL" not in output and "killed" not in output, output
    for name in ("web.1", "worker.1", "cron.1"):
        assert f"{name} stopped (rc=0)" in output, output
    # The address comes after the start-up logs, not lost above them.
    assert output.rindex("The school website:") > output.index("Listening at:")
    assert not socket_path.exists(), "the embedded Redis was left running"
    assert f"The school website: http://127.0.0.1:{port}/" in output
    assert "school-demo-2026" in output
    assert f"Listening at: http://127.0.0.1:{port} " in output  # web on exactly PORT
    assert "worker.1" in output and "cron.1" in output
    # The demo's social accounts are connected to the loopback emulators.
    assert "Connected Demo X account (http://127.0.0.1:" in output
    return output


def test_make_run_serves_the_demo_school_and_stops_everything(tmp_path):
    first = run_stack_once(tmp_path, 1)
    second = run_stack_once(tmp_path, 2, how="terminate")
    run_stack_once(tmp_path, 3, how="make-terminal")
    run_stack_once(tmp_path, 4, how="close-terminal")

    assert "Demo school loaded" in first
    assert "News exists already: the demo school was not loaded." in second
    assert "Applying " not in second  # migrations run quietly
    assert "Database ready." in second
