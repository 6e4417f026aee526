#!/usr/bin/env bash
# Builds the Dockerfile and starts the built image's `wangge serve`, on a machine that reaches
# Debian's archive and PyPI/npm but no container registry (issue 14 point 6).
#
# 1. mmdebstrap makes a Debian 12 root file system with Python 3.11 and imports it with podman
#    under the name the Dockerfile starts FROM (python:3.11-slim), so nothing is pulled.
# 2. podman builds the Dockerfile (--isolation=chroot: these sandboxes refuse `podman run`, whose
#    cgroups they do not grant). If the host's package traffic goes through a TLS proxy, its CA
#    bundle (CA_BUNDLE, default the host's) is bound into every RUN read-only and named to pip and
#    npm by build arguments: the image gets the path at most, never the certificate.
# 3. The built image's file system is mounted (`podman image mount`) and its `wangge serve` run in
#    it with chroot as the image's user (uid 10001), a fresh data directory bound at
#    /var/lib/wangge: it must seed the embedded graph, answer /readyz 200 and one authenticated
#    GraphQL query.
#
# Needs root, mmdebstrap and podman (apt-get install mmdebstrap podman). Takes minutes (a Debian
# base, the build's pip and npm installs), so CI does not run it; run it by hand before a release:
#   sudo bash ops/image-check.sh
set -euo pipefail

repo="$(cd "$(dirname "$0")/.." && pwd)"
work="${WORK:-$(mktemp -d /tmp/wangge-image.XXXXXX)}"
ca="${CA_BUNDLE:-/etc/ssl/certs/ca-certificates.crt}"
image="localhost/wangge-image-check:latest"
base="docker.io/library/python:3.11-slim"
port="${PORT:-18080}"
podman=(podman --storage-driver vfs --root "$work/storage" --runroot "$work/run")
say() { printf '[image-check] %s\n' "$*" >&2; }

cleanup() {
  set +e
  if [ -n "${server_pid:-}" ]; then  # the serve master (chroot exec'd into it) is the subshell's child
    pkill -TERM -P "$server_pid"
    wait "$server_pid" 2>/dev/null
  fi
  for m in "${mounted[@]:-}"; do [ -n "$m" ] && umount -l "$m" 2>/dev/null; done
  [ -n "${root:-}" ] && "${podman[@]}" image unmount "$image" >/dev/null 2>&1
}
trap cleanup EXIT
mounted=()

if ! "${podman[@]}" image exists "$base"; then
  say "making a Debian 12 base with Python 3.11 (mmdebstrap)"
  mmdebstrap --variant=apt --quiet \
    --include=python3.11,python3-venv,python3-pip,python-is-python3,ca-certificates \
    bookworm "$work/base.tar"
  "${podman[@]}" import --quiet "$work/base.tar" "$base" >/dev/null
fi

say "building the Dockerfile"
"${podman[@]}" build --isolation=chroot --pull=never --quiet \
  -v "$ca:/etc/ssl/certs/ca-certificates.crt:ro" \
  --build-arg PIP_CERT=/etc/ssl/certs/ca-certificates.crt \
  --build-arg NODE_EXTRA_CA_CERTS=/etc/ssl/certs/ca-certificates.crt \
  -t "$image" "$repo" >/dev/null

root="$("${podman[@]}" image mount "$image")"
data="$work/data"
mkdir -p "$data" "$root/var/lib/wangge"
chown 10001:10001 "$data"
for target in proc dev; do mount --rbind "/$target" "$root/$target"; mounted+=("$root/$target"); done
mount --bind "$data" "$root/var/lib/wangge"; mounted+=("$root/var/lib/wangge")

in_image() {  # a command as the image's user, with the image's environment
  chroot --userspec=10001:10001 "$root" /usr/bin/env -i HOME=/var/lib/wangge PATH=/opt/wangge/bin:/usr/bin:/bin \
    WANGGE_DATA_DIR=/var/lib/wangge WANGGE_DEV=1 PYTHONUNBUFFERED=1 "$@"
}

say "starting the image's wangge serve (embedded graph, tiny demo data) on 127.0.0.1:$port"
(cd / && in_image wangge serve --bind "127.0.0.1:$port" --workers 1 --demo-scale tiny > "$work/serve.log" 2>&1) &
server_pid=$!
for _ in $(seq 1 180); do
  curl -fsS "http://127.0.0.1:$port/readyz" >/dev/null 2>&1 && break
  kill -0 "$server_pid" 2>/dev/null || { tail -20 "$work/serve.log" >&2; exit 1; }
  sleep 1
done
curl -fsS "http://127.0.0.1:$port/readyz" >&2 && echo >&2

subjects="$(in_image wangge token --list)"
chief="$(printf '%s\n' "$subjects" | grep '"grid_chief"' | head -1 | sed 's/.*"sub": *"\([^"]*\)".*/\1/')"
token="$(in_image wangge token --sub "$chief")"
answer="$(curl -fsS "http://127.0.0.1:$port/graphql" -H "authorization: Bearer $token" \
  -H 'content-type: application/json' -d '{"query":"{ divisions { code children { code } } }"}')"
say "authenticated query as $chief: $answer"
case "$answer" in
  *'"code":"3308"'*) say "OK: the image builds, serves the embedded graph and answers" ;;
  *) say "FAILED: unexpected answer"; exit 1 ;;
esac
