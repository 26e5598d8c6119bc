import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _settings_with(database_url: str) -> subprocess.CompletedProcess:
    env = {
        **os.environ,
        "INKLUSIO_ENV": "production",
        "DJANGO_SECRET_KEY": "x" * 50,
        "ALLOWED_HOSTS": "inklusio.example",
        "DATABASE_URL": database_url,
    }
    code = "import django; django.setup(); from django.conf import settings as s; print('ok')"
    return subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, check=False
    )


def test_production_refuses_sqlite():
    """The log's guards (roles, triggers) exist only on PostgreSQL."""
    refused = _settings_with("sqlite:////tmp/inklusio.sqlite3")
    assert refused.returncode != 0
    assert "DATABASE_URL must name PostgreSQL" in refused.stderr
    accepted = _settings_with("postgres://inklusio_app@db.example/inklusio")
    assert accepted.returncode == 0, accepted.stderr
