# Sourced (not run): the base image names, read from the files that use them, so that no script can drift
# from what the Dockerfiles and docker-compose.yml say.
#   NODE_IMAGE      the one `node:<version>-bookworm-slim` every Dockerfile and docker-compose.yml name
#   NODE_VERSION    its Node version (must be .node-version)
#   DYNAMODB_IMAGE  docker-compose.yml's `amazon/dynamodb-local:<version>` (also libs/dev-stack's DYNAMODB_LOCAL_IMAGE)
_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
_names_die() { echo "image-names: $*" >&2; exit 1; }
NODE_IMAGE="$( { grep -h '^FROM node:' "$_root"/apps/*/Dockerfile | awk '{print $2}'; grep -E '^\s+image: node:' "$_root/docker-compose.yml" | awk '{print $2}'; } | sort -u)"
[ -n "$NODE_IMAGE" ] && [ "$(wc -l <<<"$NODE_IMAGE")" = 1 ] || _names_die "the Dockerfiles and docker-compose.yml must name one node image, found: $(echo $NODE_IMAGE)"
NODE_VERSION="$(sed -E 's/^node:([0-9.]+)-bookworm-slim$/\1/' <<<"$NODE_IMAGE")"
[ "$NODE_VERSION" = "$(cat "$_root/.node-version")" ] || _names_die "$NODE_IMAGE is not Node $(cat "$_root/.node-version") (.node-version)"
DYNAMODB_IMAGE="$(grep -E '^\s+image: amazon/dynamodb-local:' "$_root/docker-compose.yml" | awk '{print $2}')"
[ -n "$DYNAMODB_IMAGE" ] || _names_die "docker-compose.yml names no amazon/dynamodb-local image"
grep -q "DYNAMODB_LOCAL_IMAGE = '$DYNAMODB_IMAGE'" "$_root/libs/dev-stack/src/lib/dynamodb/dynamodb-local-container.ts" \
  || _names_die "libs/dev-stack's DYNAMODB_LOCAL_IMAGE is not docker-compose.yml's $DYNAMODB_IMAGE"
unset _root
unset -f _names_die
