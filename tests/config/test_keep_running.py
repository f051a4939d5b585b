"""`make run`'s supervisor: a process that exits is started again; SIGTERM stops it.

honcho stops every process when one exits; under `config.keep_running` a worker that
exits (Redis down, a crash) comes back instead of taking the website down with it.
"""

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
