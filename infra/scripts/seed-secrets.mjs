#!/usr/bin/env node
// Fills (or rotates) the JWK-set secrets the security stack creates as placeholders:
//   mcp-cognito/<stage>/gateway-signing-keys    GATEWAY_SIGNING_KEYS     ES256 private JWK Set
//   mcp-cognito/<stage>/token-encryption-keys   TOKEN_ENCRYPTION_KEYS    A256GCM ("dir") JWK Set
//   mcp-cognito/<stage>/storage-encryption-keys STORAGE_ENCRYPTION_KEYS  A256GCM ("dir") JWK Set
//   mcp-cognito/<stage>/refresh-token-keys      REFRESH_TOKEN_KEYS       HS256 oct JWK Set (MACs refresh tokens)
// Key material is generated on this machine and written with the AWS CLI; it never enters a
// CloudFormation template or the repo.
//
//   node infra/scripts/seed-secrets.mjs --stage dev [--region eu-west-1] [--rotate|--promote|--prune] [--dry-run]
//
// Without a phase flag a secret that already holds a JWK Set is left alone (idempotent: safe in
// every pipeline). Rotation follows the key-ring rules of libs/tokens (signing-keys.ts,
// encryption-keys.ts) in three phases, each followed by a deploy of BOTH services (they read
// secrets at task start: `aws ecs update-service --force-new-deployment`, docs/deploy.md):
//   --rotate   add a new key that nobody uses yet: signing key with status "next" (published in
//              the JWKS, never signs); encryption key appended last (decrypts, never encrypts)
//   --promote  the new key takes over: signing key active, previous ones "retired"; encryption key
//              moved first (encrypts from now on), previous ones still decrypt; the same for the
//              refresh-token MAC key (the first MACs, every key verifies: libs/tokens mac-keys.ts)
//   --prune    drop retired signing keys / encryption keys other than the first. Only after the
//              longest lifetime of what they protected (access tokens; for STORAGE_ENCRYPTION_KEYS
//              and REFRESH_TOKEN_KEYS the refresh-token lifetime, since grants keep Cognito tokens
//              encrypted, and refresh tokens carry MACs, that long)
import { execFileSync } from 'node:child_process';
import { generateKeyPairSync, randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const args = process.argv.slice(2);
const flag = (name) => args.includes(`--${name}`);
const option = (name) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : undefined;
};
const stage = option('stage');
if (!stage || !/^[a-z0-9-]+$/.test(stage)) {
  console.error('usage: node infra/scripts/seed-secrets.mjs --stage <dev|prod> [--region <region>] [--rotate|--promote|--prune] [--dry-run]');
  process.exit(2);
}
const region = option('region');

const newKey = {
  sig: () => {
    const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    return { ...privateKey.export({ format: 'jwk' }), kid: `es256-${randomUUID().slice(0, 8)}`, alg: 'ES256', use: 'sig' };
  },
  tok: () => ({ kty: 'oct', k: randomBytes(32).toString('base64url'), kid: `tok-${randomUUID().slice(0, 8)}`, alg: 'dir', use: 'enc' }),
  sto: () => ({ kty: 'oct', k: randomBytes(32).toString('base64url'), kid: `sto-${randomUUID().slice(0, 8)}`, alg: 'dir', use: 'enc' }),
  // kid: 1-32 of [A-Za-z0-9_-] (it travels in the refresh token)
  rtk: () => ({ kty: 'oct', k: randomBytes(32).toString('base64url'), kid: `rt-${randomUUID().slice(0, 8)}`, alg: 'HS256', use: 'sig' }),
};
const SECRETS = [
  { name: `mcp-cognito/${stage}/gateway-signing-keys`, make: newKey.sig, isSigning: true },
  { name: `mcp-cognito/${stage}/token-encryption-keys`, make: newKey.tok, isSigning: false },
  { name: `mcp-cognito/${stage}/storage-encryption-keys`, make: newKey.sto, isSigning: false },
  { name: `mcp-cognito/${stage}/refresh-token-keys`, make: newKey.rtk, isSigning: false },
];

function aws(...cmd) {
  return execFileSync('aws', [...cmd, ...(region ? ['--region', region] : [])], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
}

const phase = ['rotate', 'promote', 'prune'].find((p) => flag(p));

/** The next value of a key set for `phase`; `undefined` means "leave it alone". */
function nextSet(keys, make, isSigning) {
  if (keys.length === 0) return [make()];
  switch (phase) {
    case 'rotate':
      return isSigning ? [...keys, { ...make(), status: 'next' }] : [...keys, make()];
    case 'promote': {
      const candidate = isSigning ? keys.find((k) => k.status === 'next') : keys[keys.length - 1];
      if (!candidate || (!isSigning && keys.length < 2)) throw new Error('nothing to promote: run --rotate (and deploy) first');
      const rest = keys.filter((k) => k !== candidate);
      if (!isSigning) return [candidate, ...rest];
      const active = { ...candidate };
      delete active.status; // absent status = active (libs/tokens signing-keys.ts)
      return [active, ...rest.map((k) => ({ ...k, status: 'retired' }))];
    }
    case 'prune':
      return isSigning ? keys.filter((k) => k.status !== 'retired') : keys.slice(0, 1);
    default:
      return undefined;
  }
}

const tmp = mkdtempSync(join(tmpdir(), 'seed-secrets-'));
try {
  for (const { name, make, isSigning } of SECRETS) {
    const current = JSON.parse(aws('secretsmanager', 'get-secret-value', '--secret-id', name, '--query', 'SecretString', '--output', 'text'));
    const keys = Array.isArray(current.keys) ? current.keys : []; // the template's placeholder has none
    const nextKeys = nextSet(keys, make, isSigning);
    if (!nextKeys) {
      console.log(`${name}: holds ${keys.length} key(s) - left alone (--rotate / --promote / --prune change it)`);
      continue;
    }
    const next = { keys: nextKeys };
    console.log(`${name}: ${keys.length === 0 ? 'seeding' : phase} -> ${next.keys.map((k) => `${k.kid}${k.status ? `(${k.status})` : ''}`).join(', ')}`);
    if (flag('dry-run')) continue;
    // Through a 0600 file, not argv: command lines are visible to other processes.
    const file = join(tmp, 'value.json');
    writeFileSync(file, JSON.stringify(next), { mode: 0o600 });
    aws('secretsmanager', 'put-secret-value', '--secret-id', name, '--secret-string', `file://${file}`);
    rmSync(file);
  }
} finally {
  rmSync(tmp, { recursive: true, force: true });
}
