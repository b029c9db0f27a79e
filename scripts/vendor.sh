#!/usr/bin/env bash
# Re-vendor the front-end assets under static/vendor/ from the npm registry.
#   scripts/vendor.sh                      # versions pinned below
#   BOOTSTRAP=5.3.9 HTMX=2.0.11 CHARTJS=4.6.1 scripts/vendor.sh
# Source-map comments are stripped: the .map files are not shipped, and
# ManifestStaticFilesStorage (production collectstatic) fails on dangling references.
set -euo pipefail

BOOTSTRAP=${BOOTSTRAP:-5.3.9}
HTMX=${HTMX:-2.0.11}
CHARTJS=${CHARTJS:-4.6.1}

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
dest=$root/static/vendor
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

cd "$work"
npm pack --silent "bootstrap@$BOOTSTRAP" "htmx.org@$HTMX" "chart.js@$CHARTJS" >/dev/null
mkdir bs hx cj
tar -xzf "bootstrap-$BOOTSTRAP.tgz" -C bs
tar -xzf "htmx.org-$HTMX.tgz" -C hx
tar -xzf "chart.js-$CHARTJS.tgz" -C cj

# copy SRC DST: copy a minified file without its sourceMappingURL comment.
copy() { mkdir -p "$(dirname "$2")"; sed -E '/^\/[*\/]# sourceMappingURL=.*$/d' "$1" >"$2"; }

rm -rf "$dest/bootstrap" "$dest/htmx" "$dest/chartjs"
copy bs/package/dist/css/bootstrap.min.css "$dest/bootstrap/bootstrap.min.css"
copy bs/package/dist/js/bootstrap.bundle.min.js "$dest/bootstrap/bootstrap.bundle.min.js"
cp bs/package/LICENSE "$dest/bootstrap/LICENSE"
copy hx/package/dist/htmx.min.js "$dest/htmx/htmx.min.js"
cp hx/package/LICENSE "$dest/htmx/LICENSE"
# The dashboard's charts (UMD build: a plain <script>, no bundler, no CDN).
copy cj/package/dist/chart.umd.min.js "$dest/chartjs/chart.umd.min.js"
cp cj/package/LICENSE.md "$dest/chartjs/LICENSE.md"

cat >"$dest/VERSIONS" <<VERSIONS
# Vendored from the npm registry by scripts/vendor.sh; do not edit by hand.
bootstrap $BOOTSTRAP (MIT)
htmx.org $HTMX (0BSD)
chart.js $CHARTJS (MIT)
VERSIONS

if grep -rl 'sourceMappingURL' "$dest" >/dev/null; then
    echo "vendor.sh: a sourceMappingURL comment survived in: $(grep -rl sourceMappingURL "$dest")" >&2
    exit 1
fi
echo "vendored bootstrap $BOOTSTRAP, htmx.org $HTMX and chart.js $CHARTJS into ${dest#"$root"/}" >&2
