"""`make run`'s supervisor: a process that exits is started again; SIGTERM stops it.

honcho stops every process when one exits; under `config.keep_running` a worker that
exits (Redis down, a crash) comes back instead of taking the website down with it.
"""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parents[2]


def test_a_command_that_exits_is_started_again_until_told_to_stop(tmp_path):
    runs = tmp_path / "runs"
    crashing = (
        "import pathlib, sys; p = pathlib.Path(sys.argv[1]); "
        "p.write_text(p.read_text() + 'x' if p.exists() else 'x'); sys.exit(3)"
    )
    supervisor = subprocess.Popen(  # noqa: S603 (our own interpreter and module)
        [sys.executable, "-m", "config.keep_running", "--"]
        + [sys.executable, "-c", crashing, str(runs)],
        cwd=BASE_DIR,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        deadline = time.monotonic() + 30
        while not (runs.exists() and len(runs.read_text()) >= 2):
            assert supervisor.poll() is None, "the supervisor exited with its command"
            assert time.monotonic() < deadline, "the command was not started again"
            time.sleep(0.1)
    finally:
        supervisor.send_signal(signal.SIGTERM)
        code = supervisor.wait(timeout=30)
    assert code == 0
    assert "exited with 3" in supervisor.stderr.read()


def test_honcho_stopping_the_group_reaches_the_command_once_with_its_stop_signal(
    tmp_path,
):
    """honcho signals the supervisor's whole process group; the command hears one
    signal, the one it stops best on (gunicorn: SIGINT), not a second SIGTERM."""
    heard = tmp_path / "heard"
    ready = tmp_path / "ready"
    listening = (
        "import pathlib, signal, sys, time\n"
        "heard = pathlib.Path(sys.argv[1])\n"
        "def note(signum, frame):\n"
        "    with heard.open('a') as out:\n"
        "        out.write(signal.Signals(signum).name + ' ')\n"
        "signal.signal(signal.SIGTERM, note)\n"
        "signal.signal(signal.SIGINT, note)\n"
        "pathlib.Path(sys.argv[2]).write_text('ready')\n"
        "while not heard.exists(): time.sleep(0.05)\n"
        "time.sleep(1)\n"  # time for a second signal to arrive, if one is sent
    )
    supervisor = subprocess.Popen(  # noqa: S603 (our own interpreter and module)
        [sys.executable, "-m", "config.keep_running", "--stop-signal", "INT", "--"]
        + [sys.executable, "-c", listening, str(heard), str(ready)],
        cwd=BASE_DIR,
        start_new_session=True,  # its own group, as honcho starts it
    )
    try:
        deadline = time.monotonic() + 30
        while not ready.exists():
            assert time.monotonic() < deadline, "the command did not start"
            time.sleep(0.05)
    finally:
        os.killpg(supervisor.pid, signal.SIGTERM)  # what honcho does
        code = supervisor.wait(timeout=30)

    assert code == 0
    assert heard.read_text().split() == ["SIGINT"]
