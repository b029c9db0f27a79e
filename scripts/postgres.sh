#!/usr/bin/env bash
# Provide a throwaway PostgreSQL server for the test suite.
#
#   scripts/postgres.sh [start]   print a DATABASE_URL on stdout (all chatter goes to stderr)
#   scripts/postgres.sh stop      stop and delete the server this checkout started, if any
#   scripts/postgres.sh status    print the URL of the running server this checkout started
#   scripts/postgres.sh restart   restart that server (fast shutdown: sessions are cut, open
#                                 transactions roll back, committed ones stay), same URL; fails
#                                 when this checkout started none (used by the restart test)
#
# start, in order:
#   1. $TEST_DATABASE_URL, if set and reachable: print it, start nothing.
#   2. Otherwise a fresh cluster in a temporary directory (never the Debian default cluster):
#      installs the `postgresql` apt package first when no initdb exists and we are root,
#      runs the server as the `postgres` system user when we are root (as ourselves otherwise),
#      listens on 127.0.0.1 only (port 54329 or the next free one), trust auth, fsync off.
#      The URL is postgres://postgres@127.0.0.1:PORT/postgres (a superuser: may CREATE DATABASE).
# A server left over by an earlier start from this checkout is stopped first.
#
# Exit status is non-zero when no server can be had; the reason is the last stderr line
# (and is written to $POSTGRES_SH_REASON_FILE when that is set).
#
# Environment: TEST_DATABASE_URL, PG_PORT (first port to try, default 54329),
#              PG_APT_LOG (apt-get log, default /tmp/simpul-postgres-apt.log).
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# One state file per checkout, naming the run directory of the server it started.
state=/tmp/simpul-postgres.$(id -u).$(printf '%s' "$root" | cksum | cut -d' ' -f1).state
first_port=${PG_PORT:-54329}
apt_log=${PG_APT_LOG:-/tmp/simpul-postgres-apt.log}

say() { echo "postgres.sh: $*" >&2; }
die() {
    say "$*"
    if [[ -n ${POSTGRES_SH_REASON_FILE:-} ]]; then printf '%s\n' "$*" >"$POSTGRES_SH_REASON_FILE"; fi
    exit 1
}

# as_pg CMD...: run a server binary as the postgres user when root (postgres refuses root).
as_pg() {
    if [[ $(id -u) -eq 0 ]]; then runuser -u postgres -- "$@"; else "$@"; fi
}

# find_bindir: directory of the newest initdb/pg_ctl, or nothing.
find_bindir() {
    local f
    # shellcheck disable=SC2012 # Debian paths: /usr/lib/postgresql/<version>/bin/initdb
    for f in $(ls -d /usr/lib/postgresql/*/bin/initdb 2>/dev/null | sort -rV); do
        if [[ -x $f && -x ${f%/initdb}/pg_ctl ]]; then echo "${f%/initdb}"; return; fi
    done
    if command -v initdb >/dev/null && command -v pg_ctl >/dev/null; then
        dirname "$(command -v initdb)"
    fi
}

# reachable URL: true when a server answers at URL.
reachable() {
    if command -v psql >/dev/null; then
        PGCONNECT_TIMEOUT=5 psql "$1" -XAtqc 'select 1' >/dev/null 2>&1
    elif command -v pg_isready >/dev/null; then
        pg_isready -q -t 5 -d "$1"
    else
        return 1
    fi
}

# port_in_use PORT: true when something accepts connections on 127.0.0.1:PORT.
port_in_use() { (: <>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# stop_run DIR: stop the server whose run directory is DIR (if running) and delete DIR.
stop_run() {
    local run=$1 bindir
    [[ -d $run ]] || return 0
    bindir=$(cat "$run/bindir" 2>/dev/null || find_bindir)
    if [[ -f $run/data/postmaster.pid && -n $bindir ]]; then
        as_pg "$bindir/pg_ctl" -D "$run/data" -m immediate -w -t 30 stop >/dev/null 2>&1 ||
            say "warning: pg_ctl stop failed for $run"
    fi
    rm -rf "$run"
}

cmd_stop() {
    if [[ -f $state ]]; then
        local run
        run=$(cat "$state")
        say "stopping PostgreSQL in $run"
        stop_run "$run"
        rm -f "$state"
    fi
}

cmd_status() {
    [[ -f $state ]] || exit 1
    local run url
    run=$(cat "$state")
    url=$(cat "$run/url" 2>/dev/null) || exit 1
    reachable "$url" || exit 1
    echo "$url"
}

cmd_restart() {
    [[ -f $state ]] || die "this checkout started no PostgreSQL server to restart"
    local run bindir
    run=$(cat "$state")
    bindir=$(cat "$run/bindir")
    as_pg "$bindir/pg_ctl" -D "$run/data" -l "$run/server.log" -m fast -w -t 60 restart \
        >/dev/null 2>&1 || die "pg_ctl restart failed (log: $run/server.log)"
    cat "$run/url"
}

# install_server: apt-get install postgresql (root + apt only). Output goes to $apt_log.
install_server() {
    [[ $(id -u) -eq 0 ]] || die "no PostgreSQL server binaries (initdb) found, and not root to install them"
    command -v apt-get >/dev/null || die "no PostgreSQL server binaries (initdb) found, and no apt-get to install them"
    say "installing PostgreSQL with apt-get (log: $apt_log)"
    {
        apt-get update -q &&
            DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends postgresql
    } >"$apt_log" 2>&1 || {
        tail -n 20 "$apt_log" >&2 || true
        die "apt-get install postgresql failed (see $apt_log)"
    }
}

cmd_start() {
    if [[ -n ${TEST_DATABASE_URL:-} ]]; then
        if reachable "$TEST_DATABASE_URL"; then
            say "using TEST_DATABASE_URL"
            echo "$TEST_DATABASE_URL"
            return
        fi
        say "TEST_DATABASE_URL is set but not reachable; starting a throwaway server instead"
    fi

    # A server from an earlier run of this checkout: stop it, start fresh.
    cmd_stop

    local bindir
    bindir=$(find_bindir)
    if [[ -z $bindir ]]; then
        install_server
        bindir=$(find_bindir)
        [[ -n $bindir ]] || die "initdb still missing after installing postgresql"
    fi
    if [[ $(id -u) -eq 0 ]]; then
        command -v runuser >/dev/null || die "runuser not found (needed to run PostgreSQL as the postgres user)"
        id postgres >/dev/null 2>&1 || die "no 'postgres' system user to run the server as"
    fi

    # Run directory: data/, server.log, the socket, and the files stop/status read.
    # (global, not local: the EXIT trap below must still see it)
    run=$(mktemp -d /tmp/simpul-postgres.XXXXXX)
    # Clean up a half-started server if anything below fails.
    trap 'stop_run "$run"' EXIT
    if [[ $(id -u) -eq 0 ]]; then chown postgres: "$run"; fi
    chmod 700 "$run"
    echo "$bindir" >"$run/bindir"

    # C.UTF-8 gives UTF-8 upper()/lower() with code-point ordering; plain C where it is missing.
    local locale=C
    if locale -a 2>/dev/null | grep -qix 'c\.utf-\?8'; then locale=C.UTF-8; fi
    say "initdb ($("$bindir/postgres" --version | awk '{print $3}'), locale $locale) in $run/data"
    as_pg "$bindir/initdb" -D "$run/data" -U postgres -A trust -E UTF8 --locale="$locale" \
        --no-sync >"$run/initdb.log" 2>&1 || {
        cat "$run/initdb.log" >&2
        die "initdb failed"
    }
    cat >>"$run/data/postgresql.conf" <<CONF

# scripts/postgres.sh: throwaway test server
listen_addresses = '127.0.0.1'
unix_socket_directories = '$run'
fsync = off
synchronous_commit = off
full_page_writes = off
max_connections = 50
CONF

    # Take the first free port; retry on the next one if another process grabs it first.
    local port=$first_port tries=0 started=
    while ((tries < 20)); do
        if ! port_in_use "$port"; then
            if as_pg "$bindir/pg_ctl" -D "$run/data" -l "$run/server.log" -o "-p $port" \
                -w -t 60 start >/dev/null 2>&1; then
                started=1
                break
            fi
            say "could not start on port $port (see below); trying the next port"
            tail -n 5 "$run/server.log" >&2 || true
            # A server that did come up but was not ready must not linger.
            as_pg "$bindir/pg_ctl" -D "$run/data" -m immediate stop >/dev/null 2>&1 || true
        fi
        port=$((port + 1))
        tries=$((tries + 1))
    done
    [[ -n $started ]] || die "could not start a server on any port from $first_port to $((port - 1)) (log: $run/server.log)"

    local url=postgres://postgres@127.0.0.1:$port/postgres i
    for ((i = 0; i < 30; i++)); do
        reachable "$url" && break
        sleep 1
    done
    reachable "$url" || die "server started on port $port but does not answer (log: $run/server.log)"

    echo "$url" >"$run/url"
    echo "$run" >"$state"
    trap - EXIT
    say "PostgreSQL ready at $url (stop with: scripts/postgres.sh stop)"
    echo "$url"
}

case ${1:-start} in
    start) cmd_start ;;
    stop) cmd_stop ;;
    status) cmd_status ;;
    restart) cmd_restart ;;
    *)
        echo "usage: $0 [start|stop|status|restart]" >&2
        exit 2
        ;;
esac
