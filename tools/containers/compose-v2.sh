#!/usr/bin/env bash
# Prints (as a JSON array) a Docker Compose v2 command: the compose implementation users run as
# `docker compose`. Compose v1 (Debian bookworm's `docker-compose` 1.29) rejects the Compose
# Specification's top-level `name:` that docker-compose.yml uses, and podman-compose 1.0 ignores
# `depends_on` conditions: neither is what users run.
#
# 1. `docker compose` (the Docker CLI plugin), when there is one;
# 2. a `docker-compose` on PATH that is v2;
# 3. on Debian, the `docker-compose` package of the next release (trixie: Compose 2.x, one Go binary that
#    needs only libc), fetched with apt from the machine's own Debian mirror into .cache/containers/compose
#    (git-ignored) and extracted, never installed into the system.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
CACHE="$ROOT/.cache/containers/compose"
die() { echo "compose-v2: $*" >&2; exit 1; }
is_v2() { "$@" version --short 2>/dev/null | grep -qE '^v?2\.'; }

if command -v docker >/dev/null && is_v2 docker compose; then echo '["docker","compose"]'; exit 0; fi
if command -v docker-compose >/dev/null && is_v2 docker-compose; then printf '["%s"]\n' "$(command -v docker-compose)"; exit 0; fi

binary="$CACHE/usr/libexec/docker/cli-plugins/docker-compose"
if [ -x "$binary" ] && is_v2 "$binary"; then printf '["%s"]\n' "$binary"; exit 0; fi

[ -f /etc/apt/sources.list.d/debian.sources ] && command -v apt-get >/dev/null \
  || die "no Docker Compose v2 found: install Docker Compose v2 (the \`docker compose\` plugin or a v2 \`docker-compose\`)"
# The machine's Debian mirror (the URIs of its bookworm entry), asked for trixie's package.
mirror="$(awk '/^URIs:/ {print $2; exit}' /etc/apt/sources.list.d/debian.sources)"
[ -n "$mirror" ] || die "no URIs: in /etc/apt/sources.list.d/debian.sources"
state="$(mktemp -d)"
trap 'rm -rf "$state"' EXIT
mkdir -p "$state/lists/partial" "$state/archives/partial"
echo "deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] $mirror trixie main" >"$state/sources.list"
apt_opts=(-o "Dir::Etc::sourcelist=$state/sources.list" -o Dir::Etc::sourceparts=- -o "Dir::State::Lists=$state/lists"
  -o "Dir::Cache::Archives=$state/archives" -o APT::Sandbox::User=root -qq)
echo "compose-v2: fetching Debian trixie's docker-compose (Compose v2) ..." >&2
apt-get "${apt_opts[@]}" update >&2
(cd "$state" && apt-get "${apt_opts[@]}" download docker-compose >&2)
deb="$(ls "$state"/docker-compose_2.*.deb 2>/dev/null | head -n 1)"
[ -n "$deb" ] || die "Debian trixie's docker-compose package is not Compose 2.x"
rm -rf "$CACHE.tmp" && mkdir -p "$CACHE.tmp"
dpkg-deb -x "$deb" "$CACHE.tmp"
rm -rf "$CACHE" && mv "$CACHE.tmp" "$CACHE"
is_v2 "$binary" || die "$binary is not a working Compose v2"
printf '["%s"]\n' "$binary"
