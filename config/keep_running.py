"""Run one command and start it again whenever it exits: `make run`'s supervisor.

honcho (the Procfile runner behind `make run`) stops every process as soon as one
exits, so a worker that gives up while Redis is down would take the website down with
it. `config.devstack` runs each Procfile process under this instead:

    python -m config.keep_running -- python manage.py rqworker ...

The command is started again after a pause that grows from 1 to 30 seconds while it
keeps failing quickly, and goes back to 1 second after a run of a minute or more.
SIGTERM or SIGINT (Ctrl-C, or honcho stopping) is passed on to the command, and this
process exits once it has stopped. In production a service manager (systemd, the
platform) does this job instead.
"""

from __future__ import annotations

import signal
import subprocess
import sys
import threading
import time

FIRST_PAUSE = 1.0
LONGEST_PAUSE = 30.0
HEALTHY_RUN = 60.0


def main(argv: list[str]) -> int:
    command = argv[1:] if argv[:1] == ["--"] else argv
    if not command:
        sys.stderr.write("usage: python -m config.keep_running -- COMMAND ...\n")
        return 2
    stopping = threading.Event()
    child: subprocess.Popen | None = None

    def stop(signum, _frame) -> None:
        stopping.set()
        if child is not None and child.poll() is None:
            child.send_signal(signum)

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    pause = FIRST_PAUSE
    while not stopping.is_set():
        started = time.monotonic()
        child = subprocess.Popen(command)  # noqa: S603 (the Procfile's own command)
        code = child.wait()
        if stopping.is_set():
            return 0  # stopped as asked, whatever the command's last word
        ran = time.monotonic() - started
        pause = FIRST_PAUSE if ran >= HEALTHY_RUN else min(pause * 2, LONGEST_PAUSE)
        sys.stderr.write(
            f"keep_running: {command[0]} exited with {code} after {ran:.0f} s; "
            f"starting it again in {pause:.0f} s\n"
        )
        sys.stderr.flush()
        stopping.wait(pause)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
