"""Nothing lives in one process or on one disk: two app servers (gunicorn) and one worker on one
database, one Redis and one S3-compatible object store (moto's server), all on 127.0.0.1. A file
uploaded through one server is downloaded through the other, a sign-in on one holds on the other
and a sign-out on one ends it on the other (sessions are read from Redis), and a job queued by one
is run by the worker and fetched from the other."""

import io
import os
import re
import shutil
import socket
import subprocess
import sys
import time
from contextlib import ExitStack
from pathlib import Path

import boto3
import pytest
import requests
from django.db import connection
from pypdf import PdfWriter

from inklusio.jobs.models import Job
from inklusio.referrals.models import ReferralAttachment

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
PASSWORD = "test-password-42"
BUCKET = "inklusio-test"
REDIS_SERVER = shutil.which("redis-server") or "/usr/bin/redis-server"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _database_url() -> str:
    settings_dict = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{settings_dict['NAME']}"
    return "postgres://{USER}@{HOST}:{PORT}/{NAME}".format(**settings_dict)


def _wait_for(url: str, process: subprocess.Popen, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{process.args[0]} stopped: {process.stderr.read()}")  # type: ignore[union-attr]
        try:
            if requests.get(url, timeout=5).status_code == 200:
                return
        except (requests.ConnectionError, requests.Timeout):
            pass
        time.sleep(0.3)
    raise TimeoutError(url)


def _wait_for_port(port: int, process: subprocess.Popen, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{process.args[0]} stopped: {process.stderr.read()}")  # type: ignore[union-attr]
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.1)
    raise TimeoutError(port)


def _without_faketime(env: dict[str, str]) -> dict[str, str]:
    return {
        name: value
        for name, value in env.items()
        if name != "LD_PRELOAD" and not name.startswith("FAKETIME")
    }


def _start(stack: ExitStack, args: list[str], env: dict[str, str]) -> subprocess.Popen:
    process = subprocess.Popen(
        args, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True
    )

    def stop() -> None:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()

    stack.callback(stop)
    return process


def _sign_in(session: requests.Session, base: str, username: str) -> None:
    page = session.get(f"{base}/login/").text
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    response = session.post(
        f"{base}/login/",
        data={"username": username, "password": PASSWORD, "csrfmiddlewaretoken": token},
        headers={"Referer": f"{base}/login/"},
    )
    assert response.url.rstrip("/") == base, "sign-in failed"


def _csrf(session: requests.Session, url: str) -> str:
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', session.get(url).text).group(1)


def _pdf() -> bytes:
    writer, out = PdfWriter(), io.BytesIO()
    writer.add_blank_page(width=595, height=842)
    writer.write(out)
    return out.getvalue()


@pytest.mark.e2e
@pytest.mark.django_db(transaction=True)
def test_two_app_servers_and_a_worker_share_database_files_and_sessions(cast, tmp_path, settings):
    # The servers know the real password hashers only, not the suite's fast one.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.PBKDF2PasswordHasher"]
    for user in (cast.carl, cast.cora):
        user.set_password(PASSWORD)
        user.save()
    s3_port, redis_port, port_a, port_b = _free_port(), _free_port(), _free_port(), _free_port()
    endpoint = f"http://127.0.0.1:{s3_port}"
    env = {
        **os.environ,
        "DATABASE_URL": _database_url(),
        "REDIS_URL": f"redis://127.0.0.1:{redis_port}/0",
        "INKLUSIO_S3_BUCKET": BUCKET,
        "INKLUSIO_S3_ENDPOINT": endpoint,
        "INKLUSIO_S3_ACCESS_KEY": "testing",
        "INKLUSIO_S3_SECRET_KEY": "testing",
        # Each process gets its own empty local folder: a file found later came from the bucket.
        "INKLUSIO_PRIVATE_ROOT": str(tmp_path / "not-shared"),
        "WEB_CONCURRENCY": "1",
    }
    with ExitStack() as stack:
        s3 = _start(stack, [str(BIN / "moto_server"), "-H", "127.0.0.1", "-p", str(s3_port)], env)
        _wait_for(f"{endpoint}/moto-api/", s3)
        # A Redis of the test's own (nothing kept on disk), so the machine's is left alone. It runs
        # on the real clock: under CI's `faketime` pass, libfaketime hangs redis-server at start.
        redis = _start(
            stack,
            [REDIS_SERVER, "--port", str(redis_port), "--bind", "127.0.0.1", "--save", ""],
            _without_faketime(env),
        )
        _wait_for_port(redis_port, redis)
        boto3.client(
            "s3",
            endpoint_url=endpoint,
            aws_access_key_id="testing",
            aws_secret_access_key="testing",
            region_name="eu-north-1",
        ).create_bucket(
            Bucket=BUCKET, CreateBucketConfiguration={"LocationConstraint": "eu-north-1"}
        )
        servers = []
        for port in (port_a, port_b):
            server_env = {
                **env,
                "INKLUSIO_BIND": f"127.0.0.1:{port}",
                "INKLUSIO_PRIVATE_ROOT": str(tmp_path / f"not-shared-{port}"),
            }
            gunicorn = [str(BIN / "gunicorn"), "inklusio.wsgi", "-c", "deploy/gunicorn.conf.py"]
            servers.append(_start(stack, gunicorn, server_env))
        a, b = f"http://127.0.0.1:{port_a}", f"http://127.0.0.1:{port_b}"
        _wait_for(f"{a}/readyz", servers[0])  # readyz writes to the bucket
        _wait_for(f"{b}/readyz", servers[1])

        # Carl uploads a statement through server A ...
        carl = requests.Session()
        _sign_in(carl, a, "carl")
        referral_url = f"/visitation/indstillinger/{cast.draft_emil.public_id}/"
        token = _csrf(carl, a + referral_url)
        carl.post(
            f"{a}{referral_url}bilag/",
            data={"csrfmiddlewaretoken": token},
            files={"file": ("udtalelse.pdf", _pdf(), "application/pdf")},
            headers={"Referer": a + referral_url},
        )
        attachment = ReferralAttachment.objects.get(referral=cast.draft_emil)
        # ... and, still signed in (the session is in the shared database), fetches it from B.
        download = carl.get(f"{b}/visitation/bilag/{attachment.public_id}/")
        assert download.status_code == 200 and download.content == _pdf()

        # Cora asks server A for the workbook; the worker makes it; she fetches it from B.
        cora = requests.Session()
        _sign_in(cora, a, "cora")
        token = _csrf(cora, f"{a}/statistik/alle/")
        cora.post(
            f"{a}/statistik/alle/",
            data={"csrfmiddlewaretoken": token, "query": ""},
            headers={"Referer": f"{a}/statistik/alle/"},
        )
        job = Job.objects.get(requested_by=cast.cora, kind="statistics-workbook")
        subprocess.run(
            [sys.executable, "manage.py", "db_worker", "--batch", "--no-startup-delay"],
            cwd=ROOT,
            env=env,
            check=True,
            capture_output=True,
            timeout=120,
        )
        job.refresh_from_db()
        assert job.status == Job.Status.DONE
        workbook = cora.get(f"{b}/filer/{job.public_id}/fil/")
        assert workbook.status_code == 200 and workbook.content.startswith(b"PK")

        # Carl signs out on B; his session cookie then opens nothing on A, whose Redis-kept copy
        # of the session went with the sign-out (a copy kept in A's own memory would still let
        # the cookie in).
        signed_in_cookie = carl.cookies["sessionid"]
        carl.post(
            f"{b}/logout/",
            data={"csrfmiddlewaretoken": _csrf(carl, f"{b}/")},
            headers={"Referer": f"{b}/"},
        )
        after = requests.get(
            f"{a}{referral_url}",
            cookies={"sessionid": signed_in_cookie},
            allow_redirects=False,
            timeout=30,
        )
        assert after.status_code == 302 and "/login/" in after.headers["Location"]
    assert not list(tmp_path.glob("not-shared*")), "a file was stored on a server's own disk"
