"""`make run`: migrate, load the demo school once, then run every process together.

Starts the embedded Redis when REDIS_URL is unset, the loopback X and Facebook
emulators (with the demo accounts connected to them) unless SOCIAL_X_API_BASE_URL is
set, then the Procfile's web, worker and cron processes under honcho, each kept
running by `config.keep_running` (honcho alone stops everything when one process
exits). It migrates quietly and prints the address once the site answers, so the
address is the last thing on the screen, not lost above the start-up logs. Ctrl-C,
SIGTERM and SIGHUP (a closed terminal) stop everything this started, Redis last, and
Ctrl-C ends with status 0: stopping the demo is not an error.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from config.embedded_redis import EmbeddedRedis

# The documented demo password (README; cms/demo_school.py sets it), not a secret.
DEMO_PASSWORD = "school-demo-2026"  # noqa: S105

BASE_DIR = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
PROCESSES = ("web", "worker", "cron")
START_TIMEOUT_SECONDS = 120


class StopRequested(Exception):
    """SIGTERM or SIGHUP arrived: stop everything, as Ctrl-C does."""


def _stop_requested(signum, frame):
    raise StopRequested(signal.Signals(signum).name)


def manage(*args: str, env: dict[str, str]) -> None:
    """Run one manage.py command with the stack's environment; stop on failure."""
    subprocess.run(  # noqa: S603 (our own interpreter and manage.py)
        [sys.executable, "manage.py", *args], cwd=BASE_DIR, env=env, check=True
    )


def wait_until_serving(url: str, process: subprocess.Popen) -> bool:
    """Poll ``url`` until it answers; False if the processes stopped first."""
    deadline = time.monotonic() + START_TIMEOUT_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            return False
        try:
            with urllib.request.urlopen(url, timeout=10):  # noqa: S310 (our own site)
                return True
        except OSError:
            time.sleep(0.5)
    return False


def stop(process: subprocess.Popen | None) -> None:
    """Ask honcho (and so its children) to stop; insist after 20 seconds."""
    if process is None or process.poll() is not None:
        return
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def start_social_emulators(env: dict[str, str]) -> subprocess.Popen | None:
    """Start the loopback X and Facebook emulators and point the stack at them.

    Skipped when SOCIAL_X_API_BASE_URL is already set (a real or another network).
    """
    if env.get("SOCIAL_X_API_BASE_URL"):
        return None
    from emulators.facebook import DEMO_FACEBOOK_APP
    from emulators.x import DEMO_X_APP

    x_port = env.setdefault("SOCIAL_X_EMULATOR_PORT", "8101")
    facebook_port = env.setdefault("SOCIAL_FACEBOOK_EMULATOR_PORT", "8102")
    env["SOCIAL_X_API_BASE_URL"] = f"http://127.0.0.1:{x_port}"
    env["SOCIAL_FACEBOOK_GRAPH_BASE_URL"] = f"http://127.0.0.1:{facebook_port}"
    env.setdefault("SOCIAL_X_CONSUMER_KEY", DEMO_X_APP["consumer_key"])
    env.setdefault("SOCIAL_X_CONSUMER_SECRET", DEMO_X_APP["consumer_secret"])
    env.setdefault("SOCIAL_FACEBOOK_APP_ID", DEMO_FACEBOOK_APP["app_id"])
    env.setdefault("SOCIAL_FACEBOOK_APP_SECRET", DEMO_FACEBOOK_APP["app_secret"])
    return subprocess.Popen(  # noqa: S603 (our own interpreter and module)
        [sys.executable, "-m", "emulators.serve", "--x-port", x_port,
         "--facebook-port", facebook_port],
        cwd=BASE_DIR,
        env=env,
        start_new_session=True,
    )  # fmt: skip


def supervised_procfile(var_dir: Path) -> Path:
    """The Procfile with each of PROCESSES started again whenever it exits."""
    lines = []
    for line in (BASE_DIR / "Procfile").read_text().splitlines():
        name, colon, command = line.partition(":")
        if colon and name.strip() in PROCESSES:
            line = f"{name}: python -m config.keep_running -- {command.strip()}"
        lines.append(line)
    procfile = var_dir / "Procfile.make-run"
    procfile.write_text("\n".join(lines) + "\n")
    return procfile


def main() -> int:
    env = dict(os.environ)
    env.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")
    env.setdefault("PORT", "8000")
    env.setdefault("HOST", "127.0.0.1")
    # Links in the API, feeds and emails point at this server unless told otherwise.
    env.setdefault("SITE_URL", f"http://{env['HOST']}:{env['PORT']}")
    env["PATH"] = f"{BIN}{os.pathsep}{env.get('PATH', '')}"
    env["PYTHONUNBUFFERED"] = "1"
    var_dir = Path(env.get("VAR_DIR", BASE_DIR / "var"))
    var_dir.mkdir(parents=True, exist_ok=True)

    signal.signal(signal.SIGTERM, _stop_requested)
    signal.signal(signal.SIGHUP, _stop_requested)
    redis_server = None
    emulators = None
    honcho = None
    try:
        if not env.get("REDIS_URL"):
            redis_server = EmbeddedRedis(var_dir / "redis").start()
            env["REDIS_URL"] = redis_server.url
        emulators = start_social_emulators(env)
        sys.stdout.write("Preparing the database...\n")
        sys.stdout.flush()
        manage("migrate", "--noinput", "--verbosity", "0", env=env)
        sys.stdout.write("Database ready.\n")
        sys.stdout.flush()
        manage("load_demo_school", "--if-empty", env=env)
        manage("load_demo_learners", env=env)
        if emulators is not None:
            manage("connect_demo_social_accounts", env=env)
        manage("load_demo_publishing", env=env)
        honcho = subprocess.Popen(  # noqa: S603 (honcho from our own virtualenv)
            # web first, with --port: honcho gives the first process exactly PORT
            # (and each later one PORT + 100), so the site is where we said it is.
            [
                str(BIN / "honcho"),
                "-f",
                str(supervised_procfile(var_dir)),
                "-d",
                str(BASE_DIR),
                "start",
                "--port",
                env["PORT"],
                *PROCESSES,
            ],  # fmt: skip
            cwd=BASE_DIR,
            env=env,
        )
        site = f"http://{env['HOST']}:{env['PORT']}/"
        if wait_until_serving(site, honcho):
            sys.stdout.write(
                f"\n  The school website: {site}\n"
                f"  Staff admin:        {site}admin/\n"
                "  Demo sign-ins:      editor, approver, head, dsl, admin\n"
                f"  Demo password:      {DEMO_PASSWORD}\n"
                "  Press Ctrl-C to stop.\n\n"
            )
            sys.stdout.flush()
        return honcho.wait()
    except (KeyboardInterrupt, StopRequested):
        return 0
    finally:
        # Ignore further signals while stopping, so nothing is left half-stopped.
        for signum in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
            signal.signal(signum, signal.SIG_IGN)
        stop(honcho)
        if emulators is not None:
            emulators.terminate()
            emulators.wait(timeout=10)
        if redis_server is not None:
            redis_server.stop()


if __name__ == "__main__":
    sys.exit(main())
