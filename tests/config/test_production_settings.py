"""Production settings refuse to start half-configured; `check --deploy` is clean."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

BASE_DIR = Path(__file__).resolve().parents[2]
# They share one database file (DATABASE_URL below): one at a time, in one process.
pytestmark = pytest.mark.xdist_group("deploy_check_database")
REQUIRED = {
    "SECRET_KEY": "x" * 30 + "-production-secret-from-the-environment-0123456789",
    "ALLOWED_HOSTS": "www.school.example",
    "DATABASE_URL": "sqlite:///" + str(BASE_DIR / "var" / "deploy-check.sqlite3"),
    "REDIS_URL": "redis://127.0.0.1:6379/0",
    "SOCIAL_CREDENTIALS_KEY": "cHJvZHVjdGlvbi10ZXN0LWtleS0zMi1ieXRlcy1sb24=",
}


def run_manage(
    *args: str, env_overrides: dict[str, str]
) -> subprocess.CompletedProcess:
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in REQUIRED and key != "DJANGO_SETTINGS_MODULE"
    }
    env.update(DJANGO_SETTINGS_MODULE="config.settings.production", **env_overrides)
    return subprocess.run(  # noqa: S603
        [sys.executable, "manage.py", *args],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.parametrize("missing", sorted(REQUIRED))
def test_production_refuses_to_start_without(missing):
    env = {key: value for key, value in REQUIRED.items() if key != missing}
    result = run_manage("check", env_overrides=env)
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert missing in result.stderr


def test_check_deploy_is_clean_when_configured():
    result = run_manage(
        "check", "--deploy", "--fail-level", "WARNING", env_overrides=REQUIRED
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_a_shared_cache_lifetime_over_the_5_second_promise_fails_check_deploy():
    result = run_manage(
        "check",
        "--deploy",
        env_overrides={**REQUIRED, "PAGE_CACHE_SHARED_MAX_AGE": "3"},
    )
    assert result.returncode != 0
    assert "show a withdrawn photo for up to 7 s" in result.stderr


@pytest.mark.parametrize(
    ("backend", "needs"),
    [("http", "CDN_PURGE_URL"), ("cloudflare", "CDN_CLOUDFLARE_ZONE_ID")],
)
def test_a_cdn_named_without_its_address_or_keys_refuses_to_start(backend, needs):
    result = run_manage(
        "check", env_overrides={**REQUIRED, "CDN_PURGE_BACKEND": backend}
    )
    assert result.returncode != 0
    assert f"{needs} is required" in result.stderr
