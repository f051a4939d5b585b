"""`make run`: migrate, load the demo school once, then run every process together.

Starts the embedded Redis when REDIS_URL is unset, then the Procfile's web, worker and
cron processes under honcho. Ctrl-C stops everything this started, Redis last.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from config.embedded_redis import EmbeddedRedis

# The documented demo password (README; cms/demo_school.py sets it), not a secret.
DEMO_PASSWORD = "school-demo-2026"  # noqa: S105

BASE_DIR = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
PROCESSES = ("web", "worker", "cron")


def manage(*args: str, env: dict[str, str]) -> None:
    """Run one manage.py command with the stack's environment; stop on failure."""
    subprocess.run(  # noqa: S603 (our own interpreter and manage.py)
        [sys.executable, "manage.py", *args], cwd=BASE_DIR, env=env, check=True
    )


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

    redis_server = None
    if not env.get("REDIS_URL"):
        redis_server = EmbeddedRedis(var_dir / "redis").start()
        env["REDIS_URL"] = redis_server.url
    try:
        manage("migrate", "--noinput", env=env)
        manage("load_demo_school", "--if-empty", env=env)
        site = f"http://{env['HOST']}:{env['PORT']}/"
        sys.stdout.write(
            f"\n  The school website: {site}\n"
            f"  Staff admin:        {site}admin/\n"
            "  Demo sign-ins:      editor, approver, head, dsl, admin\n"
            f"  Demo password:      {DEMO_PASSWORD}\n"
            "  Press Ctrl-C to stop.\n\n"
        )
        sys.stdout.flush()
        return subprocess.call(  # noqa: S603 (honcho from our own virtualenv)
            # web first, with --port: honcho gives the first process exactly PORT
            # (and each later one PORT + 100), so the site is where we said it is.
            [
                str(BIN / "honcho"),
                "-f",
                "Procfile",
                "start",
                "--port",
                env["PORT"],
                *PROCESSES,
            ],  # fmt: skip
            cwd=BASE_DIR,
            env=env,
        )
    except KeyboardInterrupt:
        return 0
    finally:
        if redis_server is not None:
            redis_server.stop()


if __name__ == "__main__":
    sys.exit(main())
