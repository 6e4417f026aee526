#!/usr/bin/env bash
# Vendors the browser files Wangge serves itself (no CDN: a 政务外网 machine has no internet):
# `npm ci` from the committed lockfile, then the few built files the pages load are copied into
# api/web/static/vendor/. The copies are not committed (the lockfile pins them with integrity
# hashes); ops/test.sh, ops/run.sh and the Dockerfile run this. It does nothing when the vendored
# files already come from this lockfile.
set -euo pipefail
cd "$(dirname "$0")"
out=../static/vendor
stamp="$(sha256sum package-lock.json build.sh | sha256sum | cut -d' ' -f1)"
if [ -f "$out/.stamp" ] && [ "$(cat "$out/.stamp")" = "$stamp" ]; then
  exit 0
fi
npm ci --ignore-scripts --loglevel=error
rm -rf "$out"
while read -r source target; do
  install -D -m 0644 "node_modules/$source" "$out/$target"
done <<'FILES'
react/umd/react.production.min.js react.production.min.js
react-dom/umd/react-dom.production.min.js react-dom.production.min.js
graphiql/graphiql.min.js graphiql.min.js
graphiql/graphiql.min.css graphiql.min.css
@graphiql/plugin-explorer/dist/index.umd.js graphiql-plugin-explorer.umd.js
@graphiql/plugin-explorer/dist/style.css graphiql-plugin-explorer.css
axe-core/axe.min.js axe.min.js
FILES
echo "$stamp" > "$out/.stamp"
