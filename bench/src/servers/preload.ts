/**
 * Preloaded into the BUILT services by the bench (`node -r dist/bench/preload.js dist/apps/<app>/main.js`).
 *
 * - `BENCH_EXIT_ON_SIGTERM=1` (with `--cpu-prof`): exit normally on SIGTERM so V8 writes the profile
 *   (registered before Nest's shutdown hook, which would re-raise the signal and skip the write).
 * - `BENCH_OVERRIDE_AUTH=1` (mcp-tools, scenario 1 only): replaces what the `ACCESS_TOKEN_VERIFIER` provider returns with a
 * fixed principal, through Nest's own container, right after `NestFactory.create` has instantiated
 * the providers and before the app listens. Everything else (fastify, the request gate's Origin and
 * bearer parsing, the scope check, the per-request McpServer, logging) is the shipped bundle. There is
 * no switch for this in the service: it exists only in this harness.
 */
import { ModulesContainer, NestFactory } from '@nestjs/core';
import type { INestApplicationContext } from '@nestjs/common';

const VERIFIER_TOKEN_DESCRIPTION = 'ACCESS_TOKEN_VERIFIER';

const principal = Object.freeze({
  sub: '00000000-0000-4000-8000-000000000001',
  username: 'bench-user',
  clientId: 'bench-client',
  scopes: Object.freeze(['mcp-server/read', 'mcp-server/write']),
  groups: Object.freeze([] as string[]),
  jti: 'bench-fixed-principal',
  expiresAt: Math.floor(Date.now() / 1000) + 24 * 3600,
  audience: process.env['MCP_RESOURCE'] ?? '',
});
const fixed = { ok: true as const, principal };

function overrideVerifier(app: INestApplicationContext): void {
  let replaced = 0;
  for (const module of app.get(ModulesContainer).values()) {
    for (const [token, wrapper] of module.providers) {
      if (typeof token === 'symbol' && token.description === VERIFIER_TOKEN_DESCRIPTION && wrapper.instance) {
        // The request gate holds this very object: replacing its method replaces every verification.
        (wrapper.instance as { verify: (token: string) => Promise<unknown> }).verify = async () => fixed;
        replaced++;
      }
    }
  }
  if (replaced !== 1) throw new Error(`bench auth override: expected one ${VERIFIER_TOKEN_DESCRIPTION} provider, found ${replaced}`);
  process.stderr.write(`bench: ${VERIFIER_TOKEN_DESCRIPTION} replaced by a fixed principal\n`);
}

if (process.env['BENCH_EXIT_ON_SIGTERM'] === '1') process.once('SIGTERM', () => process.exit(0));

const create = NestFactory.create.bind(NestFactory) as (...args: unknown[]) => Promise<INestApplicationContext>;
if (process.env['BENCH_OVERRIDE_AUTH'] === '1') {
  (NestFactory as unknown as { create: (...args: unknown[]) => Promise<INestApplicationContext> }).create = async (...args) => {
    const app = await create(...args);
    overrideVerifier(app);
    return app;
  };
}
