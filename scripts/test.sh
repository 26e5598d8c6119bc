#!/usr/bin/env bash
# Runs the whole suite. TEST_DB=postgres|sqlite chooses; by default PostgreSQL when one is
# reachable (TEST_DATABASE_URL, or the local server at 127.0.0.1:5432), SQLite otherwise.
set -euo pipefail
cd "$(dirname "$0")/.."
PG_URL="${TEST_DATABASE_URL:-postgres://postgres@127.0.0.1:5432/inklusio}"

pg_reachable() {
  .venv/bin/python - "$PG_URL" <<'PY' >/dev/null 2>&1
import sys, psycopg, dj_database_url
c = dj_database_url.parse(sys.argv[1])
psycopg.connect(host=c["HOST"], port=c["PORT"] or 5432, user=c["USER"], password=c["PASSWORD"],
                dbname="postgres", connect_timeout=3).close()
PY
}

choice="${TEST_DB:-auto}"
if [ "$choice" = auto ]; then
  if pg_reachable; then choice=postgres; else choice=sqlite; fi
fi
case "$choice" in
  postgres)
    pg_reachable || { echo "PostgreSQL at $PG_URL is not reachable" >&2; exit 1; }
    export DATABASE_URL="$PG_URL" ;;
  sqlite)
    export DATABASE_URL="sqlite:///$(pwd)/var/test.sqlite3" ;;
  *) echo "TEST_DB must be postgres or sqlite" >&2; exit 2 ;;
esac
echo "== Test suite on $choice"
mkdir -p var
# The English translation is compiled from locale/ (compiled files are not kept in git).
.venv/bin/python manage.py compilemessages --ignore=.venv --ignore=node_modules -v 0
set +e
# One worker per core (pytest-xdist); TEST_WORKERS=0 runs in this process, as a debugger wants.
.venv/bin/python -m pytest -n "${TEST_WORKERS:-auto}" "$@"
status=$?
set -e
# pytest exits 5 when it collected nothing: that is a failure here, not a pass.
if [ $status -eq 5 ]; then echo "No tests were collected" >&2; exit 1; fi
exit $status
