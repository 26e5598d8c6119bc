"""Load benchmark (issue 14): the production server on the national dataset, every role's pages
in a weighted mix, driven by locust headless against 127.0.0.1 only.

    .venv/bin/python manage.py generate_scale            # once, on an empty PostgreSQL database
    .venv/bin/python bench/load.py [--database postgres://postgres@127.0.0.1:5432/inklusio_scale]
                                   [--seconds 60] [--levels 1,50] [--workers 4] [--sample]

What it does:
1. Picks the largest municipality of the dataset and, for each role, a few of its users and the
   objects they may see (through `inklusio.access`, in a separate process).
2. Migrates (as `make serve` does), collects static files and starts gunicorn
   (`deploy/gunicorn.conf.py`) with production settings on 127.0.0.1 and a free port, with
   `INKLUSIO_BENCH_VIEWS=true` for three floor views: `/bench/bare` (no database),
   `/bench/one-query` (one small query) and `/bench/signed-in` (an empty page of the
   application for the signed-in user: session, user, second-factor check, menu and page
   frame). Requests carry `X-Forwarded-Proto: https` as the documented reverse proxy sends it.
3. Level "1 user": one user signed in as every role walks every page in turn, each page
   preceded by the three floor views (the empty page as the role walking). Level "N users":
   N users, each signed in as one role (weighted: more pedagogues and staff than leaders),
   request their role's pages by weight without pause (closed loop), beside a few users that
   request the anonymous floor views; with `--pause S` each reads a page for S seconds on
   average (uniform, S/2 to 3S/2) before the next.
   Without a pause, N users keep N requests in the server at every moment, so by Little's law
   the mean response time is N divided by the throughput: 50 users and a p95 under 250 ms need
   well over 200 requests/s. With a pause the level shows response times at the load that many
   people at work make.
   Sign-ins happen before the clock starts; each level is measured for `--seconds`.
4. Prints per page: requests, failures, p50/p95/p99 (ms, locust's rounding: two significant
   digits above 100 ms), throughput, and p50 as a multiple of the one-query, the bare and (1 user)
   the empty signed-in page.

5. With `--sample`, after each level: what the database's busy connections were doing (running,
   or waiting, and for what: the audit log's chain lock shows as `Lock advisory`) and the CPU
   seconds of the server, PostgreSQL, locust and everything else (`bench/waits.py`).

Prints figures; asserts nothing about time. Stops the server it started.
"""

from __future__ import annotations

import argparse
import http.cookiejar
import json
import os
import random
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_DATABASE = "postgres://postgres@127.0.0.1:5432/inklusio_scale"
PASSWORD = "inklusio-bench"  # noqa: S105 - generate_scale's documented benchmark password
# A fixed key for the benchmark server only (production refuses a short or missing one).
BENCH_SECRET = "load-benchmark-only-" + "0123456789abcdefghijklmnopqrstuvwxyz" * 2
# inklusio/settings.py's DEVELOPMENT_CPR_KEY and DEVELOPMENT_CPR_HASH_KEY (not secret).
DEVELOPMENT_CPR_KEY = "ZGV2ZWxvcG1lbnQtb25seS1jcHIta2V5LW5vdC1zZWM="
DEVELOPMENT_CPR_HASH_KEY = "development-only-cpr-hash-key-not-secret"
SAMPLE = 20  # objects of each kind per user
USERS_PER_ROLE = 4


def send_secure_cookies_over_http() -> None:
    """The load process reaches the server over plain http on 127.0.0.1, in place of the
    TLS-terminating proxy, and production's cookies are Secure. Every cookie jar of this process
    (requests builds a new one per request) sends them anyway; re-marking the cookies after a
    response is not enough, as any later Set-Cookie (the session saved for the idle timeout)
    brings the flag back and the user would silently be signed out."""
    http.cookiejar.DefaultCookiePolicy.return_ok_secure = (  # type: ignore[method-assign]
        lambda self, cookie, request: True
    )


# The last authenticator time step each account signed in with, over all levels of a run.
LAST_TOTP_STEP: dict[str, int] = {}
# A refused code is tried again with the next step's, this many times in all per sign-in.
SECOND_FACTOR_TRIES = 3
# The accounts whose code had to be tried again, and how often (printed with the figures).
SECOND_FACTOR_RETRIES: dict[str, int] = {}
# What the documented reverse proxy (docs/deployment.md) adds: the request came over TLS.
PROXY_HEADERS = {"X-Forwarded-Proto": "https"}

# How many of the concurrent users have each role: the daily users outnumber the leaders.
ROLE_WEIGHTS = {
    "pedagogue": 5,
    "staff": 4,
    "institution_leader": 3,
    "administrator": 2,
    "guardian": 2,
    "corps_leader": 1,
    "partner": 1,
}
FLOOR_WEIGHT = 2  # users requesting the floor views, beside the 18 above

# Each role's pages and how often it opens them. "{kind}" names objects found per user.
PAGES: dict[str, list[tuple[str, str, int]]] = {
    "administrator": [
        ("start page", "/", 3),
        ("child list", "/boern/", 2),
        ("child detail", "{child}", 3),
        ("visitation overview", "/visitation/", 2),
        ("reassessments", "/visitation/revurderinger/", 1),
        ("waiting list", "/visitation/venteliste/", 1),
        ("decision detail", "{decision}", 2),
        ("course overview", "/forloeb/", 1),
        ("course detail", "{course}", 1),
        ("plan list", "/handleplaner/", 1),
        ("statistics index", "/statistik/", 1),
        ("statistics cancellations", "/statistik/cancellations/", 1),
        ("statistics effect-measures", "/statistik/effect-measures/", 1),
        ("access log", "/adgangslog/", 1),
        ("api courses", "/api/courses", 1),
        ("jobs", "/filer/", 1),
    ],
    "corps_leader": [
        ("start page", "/", 2),
        ("corps overview", "/korps/", 3),
        ("weekly plan", "{weekly_plan}", 3),
        ("child list", "/boern/", 1),
        ("statistics index", "/statistik/", 1),
        ("statistics hours-split", "/statistik/hours-split/", 1),
    ],
    "pedagogue": [
        ("start page", "/", 3),
        ("child list", "/boern/", 2),
        ("child detail", "{child}", 3),
        ("plan list", "/handleplaner/", 2),
        ("plan detail", "{plan}", 3),
        ("course overview", "/forloeb/", 2),
        ("course detail", "{course}", 3),
        ("consultative meetings", "/konsultative-moeder/", 1),
        ("consultative meeting", "{consultative}", 1),
        ("weekly plan", "{weekly_plan}", 1),
        ("api courses", "/api/courses", 1),
    ],
    "institution_leader": [
        ("start page", "/", 3),
        ("child list", "/boern/", 2),
        ("child detail", "{child}", 2),
        ("plan list", "/handleplaner/", 1),
        ("plan detail", "{plan}", 1),
        ("course overview", "/forloeb/", 1),
        ("course detail", "{course}", 1),
        ("consultative meetings", "/konsultative-moeder/", 1),
        ("consultative meeting", "{consultative}", 1),
    ],
    "staff": [
        ("start page", "/", 3),
        ("child list", "/boern/", 2),
        ("child detail", "{child}", 2),
        ("course overview", "/forloeb/", 1),
        ("course detail", "{course}", 1),
        ("plan list", "/handleplaner/", 1),
        ("plan detail", "{plan}", 1),
    ],
    "partner": [
        ("start page", "/", 2),
        ("child detail", "{child}", 3),
        ("consultative meetings", "/konsultative-moeder/", 1),
        ("consultative meeting", "{consultative}", 1),
    ],
    "guardian": [
        ("start page", "/", 3),
        ("child detail", "{child}", 2),
        ("plan list", "/handleplaner/", 1),
        ("plan detail", "{plan}", 2),
        ("plan meeting", "{plan_meeting}", 1),
    ],
}
FLOOR = [("floor: bare view", "/bench/bare"), ("floor: one-query view", "/bench/one-query")]
# In the 1-user level only, as the role walking the pages: an empty page of the application.
SIGNED_IN_FLOOR = ("floor: signed-in empty page", "/bench/signed-in")


# 1. What each user may see (run in its own process: Django, no gevent) -----------------------
def discover(database: str, slug: str | None) -> dict[str, Any]:
    os.environ["DATABASE_URL"] = database
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "inklusio.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from inklusio import access
    from inklusio.audit.models import AuditEntry
    from inklusio.children.models import Child
    from inklusio.courses.models import Course
    from inklusio.organisation.models import Municipality
    from inklusio.people.models import User
    from inklusio.plans.models import PlanMeeting

    municipalities = Municipality.objects.all()
    if slug:
        municipality = municipalities.get(slug=slug)
    else:
        by_children = {m.pk: Child.objects.filter(municipality=m).count() for m in municipalities}
        municipality = max(municipalities, key=lambda m: by_children[m.pk])

    def sample(queryset: Any) -> list[str]:
        return [obj.get_absolute_url() for obj in queryset.order_by("pk")[:SAMPLE]]

    users = []
    for role in ROLE_WEIGHTS:
        candidates = User.objects.filter(municipality=municipality, role=role).order_by("pk")
        chosen = []
        for user in candidates:
            objects = {
                "child": sample(access.children_visible_to(user).in_daycare()),
                "decision": sample(access.decisions_visible_to(user)),
                "course": sample(access.courses_visible_to(user)),
                "plan": sample(access.plans_visible_to(user)),
                "consultative": sample(access.consultative_meetings_visible_to(user)),
                "weekly_plan": sample(access.weekly_plans_visible_to(user))[:3],
                "plan_meeting": sample(
                    PlanMeeting.objects.filter(plan__in=access.plans_visible_to(user))
                ),
            }
            pages = []
            for name, url, weight in PAGES[role]:
                if role == "guardian" and name == "plan list" and not objects["plan"]:
                    continue  # a parent without a plan has no plan list (404)
                if url.startswith("{"):
                    found = objects[url.strip("{}")]
                    if found:
                        pages.append([name, found, weight])
                else:
                    pages.append([name, [url], weight])
            if objects["child"] or role in {"administrator", "corps_leader"}:
                device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
                chosen.append(
                    {
                        "username": user.username,
                        "role": role,
                        "pages": pages,
                        "totp_key": device.key if device else None,
                        # A code is accepted once: an earlier run's last step is used up.
                        "totp_last_step": device.last_t if device else -1,
                    }
                )
            if len(chosen) == USERS_PER_ROLE:
                break
        users += chosen
    return {
        "municipality": municipality.slug,
        "dataset": {
            "municipalities": Municipality.objects.count(),
            "children": Child.objects.count(),
            "courses": Course.objects.count(),
            "users": User.objects.count(),
            "audit rows": AuditEntry.objects.count(),
            "children in this municipality": Child.objects.filter(
                municipality=municipality
            ).count(),
            "courses in this municipality": Course.objects.filter(
                municipality=municipality
            ).count(),
        },
        "users": users,
    }


# 2. The server ---------------------------------------------------------------------------
def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def server_env(database: str, port: int, workers: int) -> dict[str, str]:
    return {
        **os.environ,
        "INKLUSIO_ENV": "production",
        "DJANGO_SECRET_KEY": BENCH_SECRET,
        # generate_scale ran outside production, so its CPR numbers are under the development
        # keys (inklusio/settings.py); production settings want them named.
        "INKLUSIO_CPR_KEYS": DEVELOPMENT_CPR_KEY,
        "INKLUSIO_CPR_HASH_KEY": DEVELOPMENT_CPR_HASH_KEY,
        "ALLOWED_HOSTS": "127.0.0.1",
        "DATABASE_URL": database,
        "INKLUSIO_BIND": f"127.0.0.1:{port}",
        "WEB_CONCURRENCY": str(workers),
        "INKLUSIO_BENCH_VIEWS": "true",
        "INKLUSIO_PRIVATE_ROOT": str(ROOT / "var" / "load-private"),
    }


def start_server(env: dict[str, str], port: int, log: Path) -> subprocess.Popen[bytes]:
    # As `make serve` does: the schema of this checkout (e.g. new indexes), then static files.
    for command in (["migrate", "--noinput"], ["collectstatic", "--noinput"]):
        subprocess.run(  # noqa: S603 - manage.py of this checkout, fixed arguments
            [sys.executable, "manage.py", *command, "-v", "0"], cwd=ROOT, env=env, check=True
        )
    with log.open("wb") as out:
        # gunicorn on this interpreter, not its script's shebang: a run from another venv
        # compares interpreters on the same code.
        server = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "inklusio.wsgi", "-c", "deploy/gunicorn.conf.py"],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    import requests

    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"gunicorn stopped; see {log}")
        try:
            answer = requests.get(
                f"http://127.0.0.1:{port}/healthz", headers=PROXY_HEADERS, timeout=5
            )
            if answer.status_code == 200:
                return server
        except requests.RequestException:
            pass
        time.sleep(0.5)
    raise TimeoutError("gunicorn did not answer /healthz within 60 s")


def stop_server(server: subprocess.Popen[bytes]) -> None:
    server.terminate()
    try:
        server.wait(timeout=30)
    except subprocess.TimeoutExpired:
        server.kill()
        server.wait()


# 3. The load -----------------------------------------------------------------------------
def run_level(
    base: str,
    plan: dict[str, Any],
    users: int,
    seconds: int,
    pause: float = 0.0,
    sampler: list[str] | None = None,
) -> tuple[Any, float, str]:
    """The level's statistics, its measured seconds and, with `sampler` (a `bench/waits.py`
    command, started when the clock starts), what that printed."""
    import gevent
    import gevent.lock
    from django_otp.oath import TOTP
    from locust import HttpUser, between, constant, task
    from locust.clients import HttpSession
    from locust.env import Environment

    send_secure_cookies_over_http()
    headers = PROXY_HEADERS
    by_role: dict[str, list[dict[str, Any]]] = {}
    for user in plan["users"]:
        by_role.setdefault(user["role"], []).append(user)
    counter = {"next": 0, "ready": 0}
    totp_keys = {user["username"]: user["totp_key"] for user in plan["users"]}
    last_step = LAST_TOTP_STEP
    for user in plan["users"]:
        last_step.setdefault(user["username"], user.get("totp_last_step", -1))
    step_locks: dict[str, Any] = {}

    def sign_in(client: HttpSession, username: str) -> None:
        """Production cookies are Secure; the proxy would speak https. The client speaks http
        to 127.0.0.1, so the cookie jars send them anyway (`send_secure_cookies_over_http`)."""
        page = client.get("/login/", headers=headers, name="sign-in")
        token = page.text.split('name="csrfmiddlewaretoken" value="', 1)[1].split('"', 1)[0]
        response = client.post(
            "/login/",
            data={"username": username, "password": PASSWORD, "csrfmiddlewaretoken": token},
            headers={**headers, "Referer": f"https://{base.split('//', 1)[1]}/login/"},
            name="sign-in",
            allow_redirects=False,
        )
        if response.status_code != 302:
            raise RuntimeError(f"sign-in of {username} failed: {response.status_code}")
        if totp_keys.get(username):
            second_factor(client, username)

    def second_factor(client: HttpSession, username: str) -> None:
        """The code from the user's authenticator, as production asks of staff. A code is
        accepted once (django-otp keeps the last time step used), so users signing in as the
        same account take turns, one per 30-second step. On a machine too busy to answer
        within the step a code can come back refused: then the next step's code is tried, at
        most SECOND_FACTOR_TRIES in all, and the retries are counted in the output."""
        totp = TOTP(bytes.fromhex(totp_keys[username]))
        # One at a time per account, each answered before the next starts: a later step's code
        # that reached the server first would make the earlier one refused.
        with step_locks.setdefault(username, gevent.lock.Semaphore()):
            for attempt in range(SECOND_FACTOR_TRIES):
                while totp.t() <= last_step.get(username, -1):
                    gevent.sleep(1)
                # The code is the one of the step recorded, even if the step ends meanwhile.
                totp.time = time.time()
                last_step[username] = totp.t()
                if _enter_code(client, totp):
                    return
                SECOND_FACTOR_RETRIES[username] = attempt + 1
        raise RuntimeError(f"second factor of {username} refused {SECOND_FACTOR_TRIES} times")

    def _enter_code(client: HttpSession, totp: Any) -> bool:
        page = client.get("/login/kode/", headers=headers, name="sign-in")
        token = page.text.split('name="csrfmiddlewaretoken" value="', 1)[1].split('"', 1)[0]
        response = client.post(
            "/login/kode/",
            data={"token": f"{totp.token():06d}", "csrfmiddlewaretoken": token},
            headers={**headers, "Referer": f"https://{base.split('//', 1)[1]}/login/kode/"},
            name="sign-in",
            allow_redirects=False,
        )
        return response.status_code == 302 and "/login/" not in response.headers.get("Location", "")

    def get_page(client: HttpSession, url: str, name: str) -> None:
        """The page itself or a failure: a redirect (to the sign-in or the second-factor step)
        would otherwise be followed and timed as if it were the page."""
        with client.get(
            url, headers=headers, name=name, allow_redirects=False, catch_response=True
        ) as response:
            if response.status_code != 200:
                response.failure(f"{response.status_code} {response.headers.get('Location', '')}")

    def pick(rng: random.Random, pages: list[list[Any]]) -> tuple[str, str]:
        name, urls, _ = rng.choices(pages, weights=[p[2] for p in pages])[0]
        return name, rng.choice(urls)

    def role_user(role: str) -> type:
        accounts = by_role[role]

        class RoleUser(HttpUser):
            host = base
            weight = ROLE_WEIGHTS[role]
            # A person reads the page before the next click: `pause` seconds on average.
            wait_time = between(pause / 2, pause * 3 / 2) if pause else constant(0)

            def on_start(self) -> None:
                counter["next"] += 1
                self.account = accounts[counter["next"] % len(accounts)]
                self.rng = random.Random(counter["next"])
                sign_in(self.client, self.account["username"])
                counter["ready"] += 1

            @task
            def page(self) -> None:
                name, url = pick(self.rng, self.account["pages"])
                get_page(self.client, url, f"{role}: {name}")

        RoleUser.__name__ = f"Role_{role}"
        return RoleUser

    class FloorUser(HttpUser):
        host = base
        weight = FLOOR_WEIGHT
        wait_time = between(pause / 2, pause * 3 / 2) if pause else constant(0)

        def on_start(self) -> None:
            counter["ready"] += 1

        @task
        def floor(self) -> None:
            for name, url in FLOOR:
                self.client.get(url, headers=headers, name=name)

    class TourUser(HttpUser):
        """One user, every role: each page preceded by the two floor views."""

        host = base
        wait_time = constant(0)

        def on_start(self) -> None:
            self.steps: list[tuple[Any, str, str]] = []
            first_of_role = {account["role"]: account for account in reversed(plan["users"])}
            for account in first_of_role.values():
                session = HttpSession(
                    base_url=base, request_event=self.environment.events.request, user=self
                )
                sign_in(session, account["username"])
                for name, urls, _ in account["pages"]:
                    for url in urls[:2]:
                        self.steps.append((session, f"{account['role']}: {name}", url))
            self.position = 0
            counter["ready"] += 1

        @task
        def step(self) -> None:
            session, name, url = self.steps[self.position % len(self.steps)]
            self.position += 1
            for floor_name, floor_url in FLOOR:
                self.client.get(floor_url, headers=headers, name=floor_name)
            get_page(session, SIGNED_IN_FLOOR[1], SIGNED_IN_FLOOR[0])
            get_page(session, url, name)

    classes = (
        [TourUser]
        if users == 1
        else [*(role_user(role) for role in ROLE_WEIGHTS if role in by_role), FloorUser]
    )
    env = Environment(user_classes=classes)
    runner = env.create_local_runner()
    runner.start(users, spawn_rate=10)
    # Sign-ins (PBKDF2, on purpose slow) are not part of the figures.
    started = time.monotonic()
    while counter["ready"] < users and time.monotonic() - started < 600:
        gevent.sleep(0.5)
    gevent.sleep(5)  # a few requests per page before the clock starts
    env.stats.reset_all()
    begun = time.monotonic()
    sampling = (
        subprocess.Popen(sampler, stdout=subprocess.PIPE, text=True)  # noqa: S603 - our script
        if sampler
        else None
    )
    gevent.sleep(seconds)
    elapsed = time.monotonic() - begun
    stats = env.stats
    runner.quit()
    sampled = sampling.communicate()[0] if sampling else ""
    return stats, elapsed, sampled


# 4. The figures --------------------------------------------------------------------------
def report(stats: Any, elapsed: float, users: int, pause: float = 0.0) -> None:
    entries = sorted(stats.entries.values(), key=lambda e: e.name)

    def p(entry: Any, q: float) -> float:
        return float(entry.get_response_time_percentile(q) or 0)

    floors = {e.name: e for e in entries if e.name.startswith("floor")}
    bare = floors.get(FLOOR[0][0])
    one = floors.get(FLOOR[1][0])
    empty = floors.get(SIGNED_IN_FLOOR[0])
    print(
        f"\n== {users} user{'s' if users > 1 else ''}"
        + (f", pausing {pause / 2:g}-{pause * 3 / 2:g} s between pages" if pause else "")
        + f", {elapsed:.0f} s measured"
        f" (machine load average {os.getloadavg()[0]:.1f} at the end)"
    )
    header = (
        f"{'page':<42} {'reqs':>6} {'fail':>5} {'p50':>6} {'p95':>6} {'p99':>6} {'req/s':>7}"
        f" {'×1q':>6} {'×bare':>6} {'×empty':>6}"
    )
    print(header)
    print("-" * len(header))
    for entry in entries:
        if entry.name == "sign-in" or entry.num_requests == 0:
            continue
        p50 = p(entry, 0.5)
        ratio_one = f"{p50 / p(one, 0.5):.1f}" if one and p(one, 0.5) else "-"
        ratio_bare = f"{p50 / p(bare, 0.5):.1f}" if bare and p(bare, 0.5) else "-"
        ratio_empty = f"{p50 / p(empty, 0.5):.1f}" if empty and p(empty, 0.5) else "-"
        print(
            f"{entry.name[:42]:<42} {entry.num_requests:>6} {entry.num_failures:>5}"
            f" {p50:>6.0f} {p(entry, 0.95):>6.0f} {p(entry, 0.99):>6.0f}"
            f" {entry.num_requests / elapsed:>7.1f} {ratio_one:>6} {ratio_bare:>6} {ratio_empty:>6}"
        )
    mix = [e for e in entries if e.name != "sign-in" and not e.name.startswith("floor")]
    total = stats.total
    mix_requests = sum(e.num_requests for e in mix)
    mix_failures = sum(e.num_failures for e in mix)
    print("-" * len(header))
    print(
        f"{'all requests':<42} {total.num_requests:>6} {total.num_failures:>5}"
        f" {p(total, 0.5):>6.0f} {p(total, 0.95):>6.0f} {p(total, 0.99):>6.0f}"
        f" {total.num_requests / elapsed:>7.1f}"
    )
    # The mix without the floor views: percentiles over the pages' merged response times.
    merged: dict[int, int] = {}
    for entry in mix:
        for rounded, count in entry.response_times.items():
            merged[rounded] = merged.get(rounded, 0) + count

    def merged_percentile(q: float) -> int:
        seen, wanted = 0, q * mix_requests
        for rounded in sorted(merged):
            seen += merged[rounded]
            if seen >= wanted:
                return rounded
        return 0

    if mix_requests:
        print(
            f"{'the mix (pages only)':<42} {mix_requests:>6} {mix_failures:>5}"
            f" {merged_percentile(0.5):>6} {merged_percentile(0.95):>6}"
            f" {merged_percentile(0.99):>6} {mix_requests / elapsed:>7.1f}"
        )
    for error in stats.errors.values():
        print(f"  error x{error.occurrences}: {error.method} {error.name}: {error.error}")
    if SECOND_FACTOR_RETRIES:
        retried = ", ".join(f"{name} x{n}" for name, n in sorted(SECOND_FACTOR_RETRIES.items()))
        print(f"  second factor tried again (before the clock started): {retried}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database", default=DEFAULT_DATABASE)
    parser.add_argument("--municipality", help="slug; default: the one with most children")
    parser.add_argument("--seconds", type=int, default=60, help="measured per level")
    parser.add_argument("--levels", default="1,50", help="concurrent users per level")
    parser.add_argument("--workers", type=int, default=4, help="gunicorn workers")
    parser.add_argument(
        "--pause",
        type=float,
        default=0.0,
        help="mean seconds a user of the N-user levels reads a page before the next (0: none)",
    )
    parser.add_argument(
        "--sample",
        action="store_true",
        help="print what the database's connections wait for and CPU by process (bench/waits.py)",
    )
    parser.add_argument("--discover", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    # A stop (Ctrl-C, timeout) still stops the server: SIGTERM unwinds like SystemExit.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    if args.discover:
        print(json.dumps(discover(args.database, args.municipality)))
        return

    found = subprocess.run(  # noqa: S603 - this script, fixed arguments
        [sys.executable, __file__, "--discover", "--database", args.database]
        + (["--municipality", args.municipality] if args.municipality else []),
        check=True,
        stdout=subprocess.PIPE,
        text=True,
    )
    plan = json.loads(found.stdout)
    # locust runs on gevent; patch before requests and ssl are imported.
    from gevent import monkey

    monkey.patch_all()
    print(f"dataset: {json.dumps(plan['dataset'])}")
    print(
        f"municipality {plan['municipality']}: "
        + ", ".join(f"{u['username']} ({len(u['pages'])} pages)" for u in plan["users"])
    )
    port = free_port()
    env = server_env(args.database, port, args.workers)
    log = ROOT / "var" / "load-gunicorn.log"
    log.parent.mkdir(exist_ok=True)
    server = start_server(env, port, log)
    try:
        print(
            f"gunicorn: {args.workers} sync workers, production settings, 127.0.0.1:{port}; "
            f"{os.cpu_count()} CPU cores shared with locust; Python {sys.version.split()[0]} "
            f"({os.path.realpath(sys.executable)}); the workers' cyclic collector threshold "
            f"{os.environ.get('INKLUSIO_GC_THRESHOLD', 'as deploy/gunicorn.conf.py sets it')}"
        )
        for users in (int(level) for level in args.levels.split(",")):
            pause = args.pause if users > 1 else 0.0
            sampler = (
                [
                    sys.executable,
                    str(ROOT / "bench" / "waits.py"),
                    f"--seconds={args.seconds}",
                    f"--database={args.database}",
                    f"--server-pid={server.pid}",
                    f"--load-pid={os.getpid()}",
                ]
                if args.sample
                else None
            )
            stats, elapsed, sampled = run_level(
                f"http://127.0.0.1:{port}", plan, users, args.seconds, pause, sampler
            )
            report(stats, elapsed, users, pause)
            if sampled:
                print(sampled)
    finally:
        stop_server(server)


if __name__ == "__main__":
    main()
