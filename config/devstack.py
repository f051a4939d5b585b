"""`make run`: migrate, load the demo school once, then run every process together.

Starts the embedded Redis when REDIS_URL is unset, the loopback X and Facebook
emulators (with the demo accounts connected to them) unless SOCIAL_X_API_BASE_URL is
set, then the Procfile's web, worker and cron processes under honcho, each kept
running by `config.keep_running` (honcho alone stops everything when one process
exits). It migrates quietly and prints the address once the site answers, so the
address is the last thing on the screen, not lost above the start-up logs.

Ctrl-C, SIGTERM and SIGHUP (a closed terminal) stop everything this started, Redis
last, and the launcher then exits with status 0: stopping the demo is not an error.
It exits non-zero when the processes stopped without being asked, or something had to
be killed. Run from a terminal, it takes the terminal's foreground for itself, so a
Ctrl-C reaches only the stack and not ``make``, which would otherwise report the
interrupted recipe as a failure however cleanly everything stopped.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from config.embedded_redis import EmbeddedRedis
from config.terminal import OutputRelay, say, terminal_foreground

# The documented demo password (README.md; cms/demo_school.py sets it), not a secret.
DEMO_PASSWORD = "school-demo-2026"  # noqa: S105

BASE_DIR = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
PROCESSES = ("web", "worker", "cron")
#: How each process is told to stop when `make run` stops (default SIGTERM). gunicorn's
#: SIGTERM waits up to its graceful timeout (30 s) for connections a browser holds
#: open without a request, and honcho kills what has not stopped 5 s after the first
#: process stops; SIGINT is gunicorn's "stop now", as Ctrl-C on gunicorn itself.
STOP_WITH = {"web": "INT"}
STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)
START_TIMEOUT_SECONDS = 120
STOP_TIMEOUT_SECONDS = 20


class StopRequested(Exception):
    """Ctrl-C, SIGTERM or SIGHUP arrived: stop everything."""


def _stop_requested(signum, frame):
    # Ignore further signals while stopping, so nothing is left half-stopped.
    for each in STOP_SIGNALS:
        signal.signal(each, signal.SIG_IGN)
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


def stop(process: subprocess.Popen | None, *, name: str) -> bool:
    """Ask ``process`` to stop; kill it after STOP_TIMEOUT_SECONDS.

    Returns:
        True when it stopped as asked (or had already), False when it was killed.
    """
    if process is None or process.poll() is not None:
        return True
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=STOP_TIMEOUT_SECONDS)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
        say(
            f"{name} did not stop within {STOP_TIMEOUT_SECONDS} s and was killed.\n",
            stream=sys.stderr,
        )
        return False
    return True


def start_social_emulators(env: dict[str, str]) -> subprocess.Popen | None:
    """Start the loopback X, Facebook, Instagram and Bluesky emulators; point at them.

    Skipped when SOCIAL_X_API_BASE_URL is already set (a real or another network).
    """
    if env.get("SOCIAL_X_API_BASE_URL"):
        return None
    from emulators.facebook import DEMO_FACEBOOK_APP
    from emulators.x import DEMO_X_APP

    x_port = env.setdefault("SOCIAL_X_EMULATOR_PORT", "8101")
    facebook_port = env.setdefault("SOCIAL_FACEBOOK_EMULATOR_PORT", "8102")
    instagram_port = env.setdefault("SOCIAL_INSTAGRAM_EMULATOR_PORT", "8103")
    bluesky_port = env.setdefault("SOCIAL_BLUESKY_EMULATOR_PORT", "8104")
    env["SOCIAL_X_API_BASE_URL"] = f"http://127.0.0.1:{x_port}"
    env["SOCIAL_FACEBOOK_GRAPH_BASE_URL"] = f"http://127.0.0.1:{facebook_port}"
    env["SOCIAL_INSTAGRAM_GRAPH_BASE_URL"] = f"http://127.0.0.1:{instagram_port}"
    env["SOCIAL_BLUESKY_PDS_URL"] = f"http://127.0.0.1:{bluesky_port}"
    env.setdefault("SOCIAL_X_CONSUMER_KEY", DEMO_X_APP["consumer_key"])
    env.setdefault("SOCIAL_X_CONSUMER_SECRET", DEMO_X_APP["consumer_secret"])
    env.setdefault("SOCIAL_FACEBOOK_APP_ID", DEMO_FACEBOOK_APP["app_id"])
    env.setdefault("SOCIAL_FACEBOOK_APP_SECRET", DEMO_FACEBOOK_APP["app_secret"])
    mail_page_port = env.setdefault("MAIL_SINK_PORT", "8105")
    smtp_port = env.setdefault("MAIL_SINK_SMTP_PORT", "8125")
    if not env.get("EMAIL_BACKEND") and not env.get("ALERTS_EMAIL_BACKEND"):
        # Parent alerts go to the local mail sink (its page lists them); staff
        # emails are still printed in the log (dev settings' console backend).
        env["ALERTS_EMAIL_BACKEND"] = "django.core.mail.backends.smtp.EmailBackend"
        env["EMAIL_HOST"] = "127.0.0.1"
        env["EMAIL_PORT"] = smtp_port
    push_port = env.setdefault("PUSH_SERVICE_PORT", "8106")
    # The worker may send notifications to the local push service too.
    env["ALERTS_PUSH_EXTRA_SERVICES"] = ",".join(
        filter(None, [env.get("ALERTS_PUSH_EXTRA_SERVICES"),
                      f"http://127.0.0.1:{push_port}"])
    )  # fmt: skip
    return subprocess.Popen(  # noqa: S603 (our own interpreter and module)
        [sys.executable, "-m", "emulators.serve", "--x-port", x_port,
         "--facebook-port", facebook_port, "--instagram-port", instagram_port,
         "--bluesky-port", bluesky_port, "--mail-page-port", mail_page_port,
         "--smtp-port", smtp_port, "--push-port", push_port],
        cwd=BASE_DIR,
        env=env,
        start_new_session=True,
    )  # fmt: skip


def demo_vapid_keys(env: dict[str, str], var_dir: Path) -> None:
    """The demo's web push key pair: made once, kept in var/ (devices subscribed
    with one pair are not notified with another); the environment's pair wins."""
    if env.get("ALERTS_PUSH_VAPID_PUBLIC_KEY"):
        return
    from alerts.push_keys import vapid_keys_generate

    stored = var_dir / "demo-vapid-keys.json"
    if not stored.exists():
        keys = vapid_keys_generate()
        stored.write_text(json.dumps({"public": keys.public_key,
                                      "private": keys.private_key}))  # fmt: skip
        stored.chmod(0o600)
    keys = json.loads(stored.read_text())
    env["ALERTS_PUSH_VAPID_PUBLIC_KEY"] = keys["public"]
    env["ALERTS_PUSH_VAPID_PRIVATE_KEY"] = keys["private"]


def supervised_procfile(var_dir: Path) -> Path:
    """The Procfile with each of PROCESSES started again whenever it exits."""
    lines = []
    for line in (BASE_DIR / "Procfile").read_text().splitlines():
        name, colon, command = line.partition(":")
        if colon and name.strip() in PROCESSES:
            # exec: honcho's shell makes way, so honcho waits on (and signals) the
            # supervisor itself and reports its exit status, 0 after a clean stop.
            stop_with = STOP_WITH.get(name.strip())
            option = f"--stop-signal {stop_with} " if stop_with else ""
            line = (
                f"{name}: exec python -m config.keep_running {option}-- "
                f"{command.strip()}"
            )
        lines.append(line)
    procfile = var_dir / "Procfile.make-run"
    procfile.write_text("\n".join(lines) + "\n")
    return procfile


def main() -> int:
    """Run the stack until asked to stop; the exit status says whether all went well."""
    with terminal_foreground():
        return run_stack()


def run_stack() -> int:
    """Start everything, wait, stop everything; 0 after a requested, clean stop."""
    env = dict(os.environ)
    env.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")
    env.setdefault("PORT", "8000")
    env.setdefault("HOST", "127.0.0.1")
    # Two web processes serve one person's demo well, and stop quickly.
    env.setdefault("WEB_CONCURRENCY", "2")
    # Links in the API, feeds and emails point at this server unless told otherwise.
    env.setdefault("SITE_URL", f"http://{env['HOST']}:{env['PORT']}")
    env["PATH"] = f"{BIN}{os.pathsep}{env.get('PATH', '')}"
    env["PYTHONUNBUFFERED"] = "1"
    var_dir = Path(env.get("VAR_DIR", BASE_DIR / "var"))
    var_dir.mkdir(parents=True, exist_ok=True)

    # Set, not inherited: started in the background, Ctrl-C would be ignored here
    # while honcho acted on it by itself and exited with 130.
    for signum in STOP_SIGNALS:
        signal.signal(signum, _stop_requested)
    status = 1
    redis_server = None
    emulators = None
    honcho = None
    relay = None
    try:
        if not env.get("REDIS_URL"):
            redis_server = EmbeddedRedis(var_dir / "redis").start()
            env["REDIS_URL"] = redis_server.url
        emulators = start_social_emulators(env)
        demo_vapid_keys(env, var_dir)
        say("Preparing the database...\n")
        manage("migrate", "--noinput", "--verbosity", "0", env=env)
        say("Database ready.\n")
        manage("load_demo_school", "--if-empty", env=env)
        manage("load_demo_learners", env=env)
        if emulators is not None:
            manage("connect_demo_social_accounts", env=env)
        manage("load_demo_publishing", env=env)
        manage("load_demo_social_policy", env=env)
        manage("load_demo_mentions", env=env)
        manage("load_demo_subscribers", env=env)
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
            # Its own group: signals reach it from this launcher only, once.
            process_group=0,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
        )
        relay = OutputRelay(honcho.stdout)
        site = f"http://{env['HOST']}:{env['PORT']}/"
        if wait_until_serving(site, honcho):
            relay.wait_until_quiet()
            say(
                f"\n  The school website: {site}\n"
                f"  Staff admin:        {site}admin/\n"
                "  Demo sign-ins:      editor, approver, head, dsl, admin\n"
                + (
                    f"  Parents' email:     http://127.0.0.1:{env['MAIL_SINK_PORT']}/\n"
                    f"  Push service:       http://127.0.0.1:{env['PUSH_SERVICE_PORT']}/\n"
                    if emulators is not None
                    else ""
                )
                + f"  Demo password:      {DEMO_PASSWORD}\n"
                "  Press Ctrl-C to stop.\n\n"
            )
        code = honcho.wait()
        say(
            f"The processes stopped by themselves (status {code}).\n", stream=sys.stderr
        )
        status = code or 1
    except StopRequested:
        status = 0
    finally:
        for signum in STOP_SIGNALS:
            signal.signal(signum, signal.SIG_IGN)
        honcho_stopped = stop(honcho, name="honcho")
        if relay is not None:
            relay.finish()
        emulators_stopped = stop(emulators, name="The emulators")
        if redis_server is not None:
            redis_server.stop()
    return status if honcho_stopped and emulators_stopped else 1


if __name__ == "__main__":
    sys.exit(main())
