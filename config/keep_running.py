"""Run one command and start it again whenever it exits: `make run`'s supervisor.

honcho (the Procfile runner behind `make run`) stops every process as soon as one
exits, so a worker that gives up while Redis is down would take the website down with
it. `config.devstack` runs each Procfile process under this instead:

    python -m config.keep_running [--stop-signal INT] -- python manage.py rqworker ...

The command is started again after a pause that grows from 1 to 30 seconds while it
keeps failing quickly, and goes back to 1 second after a run of a minute or more.

SIGTERM or SIGINT (Ctrl-C, or honcho stopping) asks the command to stop with
``--stop-signal`` (default: the signal received), sent once, to the command alone: it
runs in a process group of its own, so honcho's signal to this supervisor's group
does not reach it a second time (a second SIGTERM makes rq's worker abandon its job).
gunicorn takes SIGINT: stop now. Its SIGTERM waits up to the graceful timeout (30 s)
for connections a browser keeps open without a request, longer than honcho waits
before SIGKILL. This process exits 0 once the command has stopped. On Linux the
command is killed if this supervisor is. In production a service manager (systemd,
the platform) does this job instead.
"""

from __future__ import annotations

import ctypes
import signal
import subprocess
import sys
import threading
import time

FIRST_PAUSE = 1.0
LONGEST_PAUSE = 30.0
HEALTHY_RUN = 60.0
_PR_SET_PDEATHSIG = 1  # linux/prctl.h


def _die_with_supervisor() -> None:
    """In the child, before exec: be killed when the supervisor dies (Linux)."""
    if sys.platform.startswith("linux"):
        ctypes.CDLL(None).prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)


def _parse(argv: list[str]) -> tuple[signal.Signals | None, list[str]]:
    stop_signal = None
    if argv[:1] == ["--stop-signal"] and len(argv) > 1:
        stop_signal = signal.Signals[f"SIG{argv[1].upper().removeprefix('SIG')}"]
        argv = argv[2:]
    return stop_signal, argv[1:] if argv[:1] == ["--"] else argv


def main(argv: list[str]) -> int:
    stop_signal, command = _parse(argv)
    if not command:
        sys.stderr.write(
            "usage: python -m config.keep_running [--stop-signal NAME] -- COMMAND ...\n"
        )
        return 2
    stopping = threading.Event()
    child: subprocess.Popen | None = None

    def stop(signum, _frame) -> None:
        if stopping.is_set():
            return  # asked once already: the command is stopping
        stopping.set()
        if child is not None and child.poll() is None:
            child.send_signal(stop_signal or signum)

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    pause = FIRST_PAUSE
    while not stopping.is_set():
        started = time.monotonic()
        child = subprocess.Popen(  # noqa: S603 (the Procfile's own command)
            command, process_group=0, preexec_fn=_die_with_supervisor
        )
        if stopping.is_set():  # asked to stop while it was starting
            child.send_signal(stop_signal or signal.SIGTERM)
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
