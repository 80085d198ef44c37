#!/usr/bin/env bash
# The generator's promise, checked end to end (issue 14, README "Add your MCP server"): in a temporary copy of this
# repository, `nx g @mcp-cognito/mcp-server-plugin:mcp-server demo` with no hand edits gives an app that builds, lints,
# typechecks and passes its own tests (real HTTP, a real local-idp sign-in, the real MCP SDK client), and that the CDK
# app synthesizes with its own stack (cdk-nag clean) while every other stack stays as it was.
#
#   bash tools/scripts/check-generated-server.sh [name]      (default name: demo)
#
# The copy is a `git clone --shared` of HEAD (committed files only, objects shared, no network) with this checkout's
# node_modules linked in (read-only use: Nx keeps its workspace data in the copy's own .nx/), removed at the end.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
name="${1:-demo}"
export CI=true NX_DAEMON=false NX_NO_CLOUD=true NX_TUI=false NX_SKIP_NX_CACHE=true CDK_DISABLE_CLI_TELEMETRY=true
[ -d "$root/node_modules" ] || { echo "run npm ci first" >&2; exit 1; }

copy="$(mktemp -d "${TMPDIR:-/tmp}/generated-server-XXXXXX")"
trap 'rm -rf "$copy"' EXIT
started=$(date +%s)
step() { printf '\n--- %s (%ss)\n' "$1" "$(( $(date +%s) - started ))"; }

step "copy of HEAD in $copy"
git clone --quiet --shared "$root" "$copy"
ln -s "$root/node_modules" "$copy/node_modules"
cd "$copy"

step "generate apps/$name"
npx nx g @mcp-cognito/mcp-server-plugin:mcp-server "$name" --no-interactive
test -f "apps/$name/mcp-server.json"

step "lint, typecheck, test, build: $name (no hand edits)"
npx nx run-many -t lint typecheck test build -p "$name" --outputStyle=static

step "infra: the new server's own stack, and no other stack changed by it (template tests)"
npx jest -c infra/jest.config.cts infra/test/independence.spec.ts infra/test/mcp-servers.spec.ts

step "infra: cdk synth (cdk-nag on every stack)"
(cd infra && npx cdk synth -q -c stage=dev -o "$copy/cdk.out" >/dev/null)
test -f "$copy/cdk.out/McpCognito-Dev-Server-$name.template.json"
grep -q "/mcp-cognito/dev/mcp-servers/$name" "$copy/cdk.out/McpCognito-Dev-Server-$name.template.json"

step "ok: apps/$name generated, tested and synthesized"
