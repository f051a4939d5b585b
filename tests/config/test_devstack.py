"""`make run` end to end: migrate, load the demo once, serve on PORT, stop on Ctrl-C.

Runs config.devstack (what `make run` runs) in its own process group on a fresh SQLite
database and the embedded Redis, exactly as on a new clone, then interrupts it the way a
terminal does and checks that nothing it started is left running.
"""

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parents[2]
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


def run_stack_once(tmp_path: Path, run: int, how: str = "ctrl-c") -> str:
    """Start `make run`'s launcher, check the site, Ctrl-C it; return its output."""
    port = free_port()
    env = {
        key: value
        for key, value in os.environ.items()
        if key
        not in {"DATABASE_URL", "REDIS_URL", "DJANGO_SETTINGS_MODULE", "SITE_URL"}
    }
    env.update(VAR_DIR=str(tmp_path / "var"), PORT=str(port), HOST="127.0.0.1")
    log = (tmp_path / f"make-run-{run}.log").open("w+")
    process = subprocess.Popen(  # noqa: S603
        [sys.executable, "-m", "config.devstack"],
        cwd=BASE_DIR,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,  # a process group, as a terminal gives `make run`
    )
    socket_path = tmp_path / "var" / "redis" / "redis.sock"
    try:
        home = wait_for_site(f"http://127.0.0.1:{port}/", process)
        wait_for_banner(tmp_path / f"make-run-{run}.log", process)
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
        else:
            os.killpg(process.pid, signal.SIGINT)  # Ctrl-C reaches the whole group
        exit_status = process.wait(timeout=60)
    deadline = time.monotonic() + 30
    while not group_is_gone(process.pid) and time.monotonic() < deadline:
        time.sleep(0.2)

    log.seek(0)
    output = log.read()
    assert exit_status == 0, output  # stopping the demo is not an error
    assert group_is_gone(process.pid), output
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

    assert "Demo school loaded" in first
    assert "News exists already: the demo school was not loaded." in second
    assert "Applying " not in second  # migrations run quietly
    assert "Database ready." in second
