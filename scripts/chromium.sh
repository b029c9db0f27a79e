#!/usr/bin/env bash
# Find (or install) the Chromium that the browser tests (tests/browser/) drive.
#
#   scripts/chromium.sh        print the path of a Chromium executable on stdout
#                              (all chatter goes to stderr)
#
# In order:
#   1. $CHROMIUM_PATH, when set: used as it is (an error when it is not an executable file;
#      nothing else is tried, so a wrong path is noticed rather than silently replaced).
#   2. /usr/bin/chromium, then `chromium` and `chromium-browser` on PATH.
#   3. Otherwise, as root with apt-get: installs Debian's `chromium` package (plus
#      fonts-liberation, so screenshots show real text), running `apt-get update` first
#      only when the plain install fails. Playwright's own browser download is never used.
#
# Exit status is non-zero when no Chromium can be had; the reason is the last stderr line
# (and is written to $CHROMIUM_SH_REASON_FILE when that is set).
#
# Environment: CHROMIUM_PATH, CHROMIUM_APT_LOG (apt-get log, default
#              /tmp/simpul-chromium-apt.log).
set -euo pipefail

apt_log=${CHROMIUM_APT_LOG:-/tmp/simpul-chromium-apt.log}
packages=(chromium fonts-liberation)

say() { echo "chromium.sh: $*" >&2; }
die() {
    say "$*"
    if [[ -n ${CHROMIUM_SH_REASON_FILE:-} ]]; then printf '%s\n' "$*" >"$CHROMIUM_SH_REASON_FILE"; fi
    exit 1
}

# find_chromium: the first Chromium executable found, or nothing.
find_chromium() {
    local candidate
    for candidate in /usr/bin/chromium "$(command -v chromium || true)" \
        "$(command -v chromium-browser || true)"; do
        if [[ -n $candidate && -f $candidate && -x $candidate ]]; then
            echo "$candidate"
            return
        fi
    done
}

# apt_install: apt-get install the packages quietly; output goes to $apt_log.
apt_install() {
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${packages[@]}"
}

# install_chromium: root + apt only; `apt-get update` only when the first try fails.
install_chromium() {
    [[ $(id -u) -eq 0 ]] || die "no Chromium found (/usr/bin/chromium, chromium, chromium-browser), and not root to install it (apt-get install chromium)"
    command -v apt-get >/dev/null || die "no Chromium found (/usr/bin/chromium, chromium, chromium-browser), and no apt-get to install it"
    say "installing ${packages[*]} with apt-get (log: $apt_log)"
    {
        apt_install || {
            echo "chromium.sh: install failed; running apt-get update and trying again"
            apt-get update -q && apt_install
        }
    } >"$apt_log" 2>&1 || {
        tail -n 20 "$apt_log" >&2 || true
        die "apt-get install chromium failed (see $apt_log)"
    }
}

if [[ -n ${CHROMIUM_PATH:-} ]]; then
    [[ -f $CHROMIUM_PATH && -x $CHROMIUM_PATH ]] ||
        die "CHROMIUM_PATH=$CHROMIUM_PATH is not an executable file"
    chromium=$CHROMIUM_PATH
else
    chromium=$(find_chromium)
    if [[ -z $chromium ]]; then
        install_chromium
        chromium=$(find_chromium)
        [[ -n $chromium ]] || die "chromium still missing after installing it"
    fi
fi

# `--version` of Debian's wrapper script prints the version; a broken binary fails here.
version=$("$chromium" --version 2>/dev/null | head -n 1) ||
    die "$chromium does not run (\`$chromium --version\` failed)"
say "using $chromium (${version:-unknown version})"
echo "$chromium"
