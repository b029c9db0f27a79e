#!/usr/bin/env bash
# Run the whole pytest suite twice: on SQLite, then on PostgreSQL.
#
#   scripts/test.sh [PYTEST ARGS...]     e.g. scripts/test.sh -k referral -x
#
# The PostgreSQL server comes from scripts/postgres.sh (TEST_DATABASE_URL if set and
# reachable, else a throwaway local server, which is stopped again on exit).
# If no PostgreSQL can be had, that pass is skipped with the reason; under CI=true a skip
# is a failure. Exit status is non-zero if either pass fails (including "no tests collected").
#
# The PostgreSQL pass also gets a Redis server from scripts/redis.sh (TEST_REDIS_URL if set
# and reachable, else a throwaway local server, stopped again on exit), exported to pytest as
# TEST_REDIS_URL for the test that runs a real Celery worker. Without Redis the reason is
# printed and that test skips, except under CI=true, where it fails.
#
# The browser tests (tests/browser/, marked `browser`) run in the SQLite pass only, on the
# Chromium from scripts/chromium.sh (CHROMIUM_PATH if set, else Debian's chromium, installed
# as root with apt when missing), exported to pytest as CHROMIUM_PATH. Without Chromium the
# reason is printed and they skip, except under CI=true, where the run fails. In the
# PostgreSQL pass they skip on purpose (SKIP_BROWSER_TESTS=1). Their screenshots are saved
# under test-artifacts/screenshots/.
#
# Environment: CI, TEST_DATABASE_URL, TEST_REDIS_URL, CHROMIUM_PATH,
#              PYTEST (default .venv/bin/pytest),
#              SKIP_POSTGRES=1 (local only: skip the PostgreSQL pass on purpose).
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"

if [[ -z ${PYTEST:-} ]]; then
    if [[ -x .venv/bin/pytest ]]; then PYTEST=.venv/bin/pytest; else PYTEST=pytest; fi
fi
ci=false
case ${CI:-} in true | 1 | yes) ci=true ;; esac

tmp=$(mktemp -d)
pg_started=
redis_started=
cleanup() {
    if [[ -n $redis_started ]]; then bash scripts/redis.sh stop || true; fi
    if [[ -n $pg_started ]]; then bash scripts/postgres.sh stop || true; fi
    rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# describe RC: one word for a pytest exit status.
describe() {
    case $1 in
        0) echo "passed" ;;
        1) echo "FAILED (tests failed)" ;;
        2) echo "FAILED (interrupted)" ;;
        3) echo "FAILED (internal error)" ;;
        4) echo "FAILED (usage error)" ;;
        5) echo "FAILED (no tests collected)" ;;
        *) echo "FAILED (exit $1)" ;;
    esac
}

# run_pass NAME DATABASE_URL [VAR=VALUE...]: run pytest with that database (and environment);
# sets $rc.
run_pass() {
    local name=$1 url=$2
    shift 2
    echo
    echo "=== $name pass: DATABASE_URL=$url${*:+ $*} $PYTEST ${args[*]} ==="
    rc=0
    env DATABASE_URL="$url" "$@" "$PYTEST" "${args[@]}" || rc=$?
}

args=("$@")
summary=()
status=0

# Chromium for the browser tests (SQLite pass only).
echo
echo "=== Chromium: finding the browser for tests/browser (scripts/chromium.sh) ==="
chromium_reason=''
if chromium=$(CHROMIUM_SH_REASON_FILE=$tmp/chromium-reason bash scripts/chromium.sh) &&
    [[ -n $chromium ]]; then
    export CHROMIUM_PATH=$chromium
    echo "Chromium: CHROMIUM_PATH=$chromium"
else
    chromium_reason=$(cat "$tmp/chromium-reason" 2>/dev/null || echo "scripts/chromium.sh failed")
    echo "Chromium: none ($chromium_reason); the browser tests will $(
        [[ $ci == true ]] && echo "FAIL (CI=true)" || echo "be skipped"
    )"
fi

# (a) SQLite. The URL is set explicitly so a DATABASE_URL in the shell or .env cannot leak
#     in; pytest-django tests on an in-memory database, so the file is never created.
run_pass SQLite "sqlite:///$tmp/test.sqlite3"
summary+=("SQLite pass: $(describe "$rc")")
((rc == 0)) || status=1
if [[ -n $chromium_reason ]]; then
    summary[-1]+=" (no Chromium: $chromium_reason"
    if [[ $ci == true ]]; then
        summary[-1]+="; FAILED: CI=true requires the browser tests)"
        status=1
    else
        summary[-1]+="; browser tests skipped)"
    fi
fi
echo "${summary[-1]}"

# (b) PostgreSQL.
pg_url='' reason=''
if [[ ${SKIP_POSTGRES:-} == 1 ]]; then
    reason="SKIP_POSTGRES=1"
else
    echo
    echo "=== PostgreSQL: getting a server (scripts/postgres.sh) ==="
    if ! pg_url=$(POSTGRES_SH_REASON_FILE=$tmp/pg-reason bash scripts/postgres.sh start); then
        pg_url=
        reason=$(cat "$tmp/pg-reason" 2>/dev/null || echo "scripts/postgres.sh failed")
    elif [[ -z $pg_url ]]; then
        reason="scripts/postgres.sh printed no DATABASE_URL"
    elif [[ $pg_url != "${TEST_DATABASE_URL:-}" ]]; then
        pg_started=1 # a throwaway server of ours: the EXIT trap stops it
    fi
fi
if [[ -n $pg_url ]]; then
    # Redis for the Celery test (tests/workflows/test_celery.py), this pass only.
    echo
    echo "=== Redis: getting a server (scripts/redis.sh) ==="
    redis_url='' redis_reason=''
    if ! redis_url=$(REDIS_SH_REASON_FILE=$tmp/redis-reason bash scripts/redis.sh start); then
        redis_url=
        redis_reason=$(cat "$tmp/redis-reason" 2>/dev/null || echo "scripts/redis.sh failed")
    elif [[ -z $redis_url ]]; then
        redis_reason="scripts/redis.sh printed no REDIS_URL"
    elif [[ $redis_url != "${TEST_REDIS_URL:-}" ]]; then
        redis_started=1 # a throwaway server of ours: the EXIT trap stops it
    fi
    if [[ -n $redis_url ]]; then
        export TEST_REDIS_URL=$redis_url
        echo "Redis: TEST_REDIS_URL=$redis_url"
    else
        unset TEST_REDIS_URL
        echo "Redis: none ($redis_reason); the Celery test will $(
            [[ $ci == true ]] && echo "FAIL (CI=true)" || echo "be skipped"
        )"
    fi
    # The browser tests ran in the SQLite pass; here they skip (SKIP_BROWSER_TESTS=1).
    run_pass PostgreSQL "$pg_url" SKIP_BROWSER_TESTS=1
    summary+=("PostgreSQL pass: $(describe "$rc")")
    ((rc == 0)) || status=1
    if [[ -z $redis_url ]]; then summary[-1]+=" (no Redis: $redis_reason)"; fi
else
    summary+=("PostgreSQL pass skipped: $reason")
    if [[ $ci == true ]]; then
        summary[-1]+=" (FAILED: CI=true requires the PostgreSQL pass)"
        status=1
    fi
fi
echo "${summary[-1]}"

echo
echo "=== summary ==="
printf '%s\n' "${summary[@]}"
exit "$status"
