#!/usr/bin/env bash
# Provide a throwaway Redis server for the test suite (the Celery test's broker).
#
#   scripts/redis.sh [start]   print a REDIS_URL on stdout (all chatter goes to stderr)
#   scripts/redis.sh stop      stop and delete the server this checkout started, if any
#   scripts/redis.sh status    print the URL of the running server this checkout started
#
# start, in order:
#   1. $TEST_REDIS_URL, if set and answering: print it, start nothing.
#   2. Otherwise a fresh redis-server (never the Debian system service): installs the
#      `redis-server` apt package first when it is missing and we are root, runs it
#      daemonized on 127.0.0.1 only (port 63790 or the next free one) with its files in a
#      temporary directory and no persistence (no RDB snapshots, no AOF).
#      The URL is redis://127.0.0.1:PORT/0.
# A server left over by an earlier start from this checkout is stopped first.
#
# Exit status is non-zero when no server can be had; the reason is the last stderr line
# (and is written to $REDIS_SH_REASON_FILE when that is set).
#
# Environment: TEST_REDIS_URL, REDIS_PORT (first port to try, default 63790),
#              REDIS_APT_LOG (apt-get log, default /tmp/simpul-redis-apt.log).
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# One state file per checkout, naming the run directory of the server it started.
state=/tmp/simpul-redis.$(id -u).$(printf '%s' "$root" | cksum | cut -d' ' -f1).state
first_port=${REDIS_PORT:-63790}
apt_log=${REDIS_APT_LOG:-/tmp/simpul-redis-apt.log}

say() { echo "redis.sh: $*" >&2; }
die() {
    say "$*"
    if [[ -n ${REDIS_SH_REASON_FILE:-} ]]; then printf '%s\n' "$*" >"$REDIS_SH_REASON_FILE"; fi
    exit 1
}

# ping_tcp HOST PORT: true when a Redis server answers PING there (+PONG, or -NOAUTH when it
# wants a password: it is there all the same). Plain bash, so redis-cli is not needed.
ping_tcp() {
    # shellcheck disable=SC2016 # $1/$2/$reply belong to the inner bash
    timeout 5 bash -c '
        exec 3<>"/dev/tcp/$1/$2" || exit 1
        printf "PING\r\n" >&3
        IFS= read -r reply <&3 || exit 1
        [[ $reply == "+PONG"* || $reply == "-NOAUTH"* ]]
    ' ping "$1" "$2" 2>/dev/null
}

# reachable URL: true when a Redis server answers at URL (redis://[user:pass@]host[:port]/db).
reachable() {
    local url=$1 hostport host port
    if command -v redis-cli >/dev/null; then
        timeout 5 redis-cli -u "$url" ping 2>/dev/null | grep -q PONG && return 0
    fi
    hostport=${url#*://}
    hostport=${hostport##*@}
    hostport=${hostport%%/*}
    host=${hostport%:*}
    port=6379
    if [[ $hostport == *:* ]]; then port=${hostport##*:}; fi
    [[ -n $host ]] || return 1
    ping_tcp "$host" "$port"
}

# port_in_use PORT: true when something accepts connections on 127.0.0.1:PORT.
port_in_use() { (: <>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# kill_server DIR: stop the redis-server whose pid file is in DIR (ours: we started it).
kill_server() {
    local run=$1 pid i
    pid=$(cat "$run/redis.pid" 2>/dev/null) || return 0
    [[ $pid =~ ^[0-9]+$ ]] || return 0
    kill -0 "$pid" 2>/dev/null || return 0
    kill -TERM "$pid" 2>/dev/null || return 0
    for ((i = 0; i < 50; i++)); do
        kill -0 "$pid" 2>/dev/null || return 0
        sleep 0.2
    done
    say "warning: redis-server $pid did not stop on SIGTERM; killing it"
    kill -KILL "$pid" 2>/dev/null || true
}

# stop_run DIR: stop the server whose run directory is DIR (if running) and delete DIR.
stop_run() {
    local run=$1
    [[ -d $run ]] || return 0
    kill_server "$run"
    rm -rf "$run"
}

cmd_stop() {
    if [[ -f $state ]]; then
        local run
        run=$(cat "$state")
        say "stopping Redis in $run"
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

# install_server: apt-get install redis-server (root + apt only). Output goes to $apt_log.
install_server() {
    [[ $(id -u) -eq 0 ]] || die "no redis-server found, and not root to install it"
    command -v apt-get >/dev/null || die "no redis-server found, and no apt-get to install it"
    say "installing redis-server with apt-get (log: $apt_log)"
    {
        apt-get update -q &&
            DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends redis-server
    } >"$apt_log" 2>&1 || {
        tail -n 20 "$apt_log" >&2 || true
        die "apt-get install redis-server failed (see $apt_log)"
    }
}

find_server() {
    if command -v redis-server >/dev/null; then
        command -v redis-server
    elif [[ -x /usr/bin/redis-server ]]; then
        echo /usr/bin/redis-server
    fi
}

cmd_start() {
    if [[ -n ${TEST_REDIS_URL:-} ]]; then
        if reachable "$TEST_REDIS_URL"; then
            say "using TEST_REDIS_URL"
            echo "$TEST_REDIS_URL"
            return
        fi
        say "TEST_REDIS_URL is set but not reachable; starting a throwaway server instead"
    fi

    # A server from an earlier run of this checkout: stop it, start fresh.
    cmd_stop

    local server
    server=$(find_server)
    if [[ -z $server ]]; then
        install_server
        server=$(find_server)
        [[ -n $server ]] || die "redis-server still missing after installing it"
    fi

    # Run directory: redis.pid, redis.log, the working dir, and the files stop/status read.
    # (global, not local: the EXIT trap below must still see it)
    run=$(mktemp -d /tmp/simpul-redis.XXXXXX)
    trap 'stop_run "$run"' EXIT
    chmod 700 "$run"

    # Take the first free port; try the next one if the server does not come up there.
    local port=$first_port tries=0 started='' i
    while ((tries < 20)); do
        if ! port_in_use "$port"; then
            rm -f "$run/redis.pid" "$run/redis.log"
            # No persistence at all; stdio closed so that $(...) in the caller returns.
            # A failure here is a bad option or binary: no other port would help.
            "$server" --port "$port" --bind 127.0.0.1 --protected-mode yes \
                --daemonize yes --dir "$run" --pidfile "$run/redis.pid" \
                --logfile "$run/redis.log" --save "" --appendonly no \
                --databases 4 </dev/null >"$run/start.log" 2>&1 || {
                cat "$run/start.log" >&2
                die "redis-server refused to start: $(grep -v '^[[:space:]]*$' "$run/start.log" | tail -n 1)"
            }
            for ((i = 0; i < 50; i++)); do
                if ping_tcp 127.0.0.1 "$port" && [[ -s $run/redis.pid ]]; then
                    started=1
                    break
                fi
                # The daemon gave up (e.g. the port was taken meanwhile): try the next one.
                grep -qs 'aborting\|Could not create server' "$run/redis.log" && break
                sleep 0.2
            done
            [[ -n $started ]] && break
            say "could not start on port $port (see below); trying the next port"
            tail -n 5 "$run/redis.log" >&2 2>/dev/null || true
            kill_server "$run"
        fi
        port=$((port + 1))
        tries=$((tries + 1))
    done
    [[ -n $started ]] || die "could not start redis-server on any port from $first_port to $((port - 1)) (log: $run/redis.log)"

    local url=redis://127.0.0.1:$port/0
    echo "$url" >"$run/url"
    echo "$run" >"$state"
    trap - EXIT
    say "Redis $("$server" --version | awk '{sub(/^v=/, "", $3); print $3}') ready at $url (stop with: scripts/redis.sh stop)"
    echo "$url"
}

case ${1:-start} in
    start) cmd_start ;;
    stop) cmd_stop ;;
    status) cmd_status ;;
    *)
        echo "usage: $0 [start|stop|status]" >&2
        exit 2
        ;;
esac
