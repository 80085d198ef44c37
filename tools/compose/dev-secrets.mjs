#!/usr/bin/env node
// Dev-only key material for `docker compose up`, generated on first start into a named volume (the compose
// file's `secrets` service runs this), one file per variable; the services read them through `<NAME>_FILE`.
// Plain Node, no dependencies. Idempotent: an existing, complete set is kept, so restarts and rebuilds keep
// every key (and every token signed with it). Never commit what it writes; AWS uses Secrets Manager instead.
//
//   node tools/compose/dev-secrets.mjs <dir> [--owner <uid>:<gid>]
import { generateKeyPairSync, randomBytes, randomUUID } from 'node:crypto';
import { chownSync, existsSync, mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const [dir, flag, owner] = process.argv.slice(2);
if (!dir || (flag !== undefined && (flag !== '--owner' || !/^\d+:\d+$/.test(owner ?? '')))) {
  console.error('usage: node dev-secrets.mjs <dir> [--owner <uid>:<gid>]');
  process.exit(2);
}
const COMPLETE = join(dir, '.complete');
if (existsSync(COMPLETE)) {
  console.log(`dev secrets: kept the existing set in ${dir}`);
  process.exit(0);
}

function signingKey(alg) {
  const { privateKey } =
    alg === 'ES256' ? generateKeyPairSync('ec', { namedCurve: 'P-256' }) : generateKeyPairSync('rsa', { modulusLength: 2048 });
  const jwk = privateKey.export({ format: 'jwk' });
  return { ...jwk, kid: `${alg.toLowerCase()}-${randomUUID().slice(0, 8)}`, alg, use: 'sig' };
}
/** `count` keys: local-idp signs ID and access tokens with two keys, as a Cognito user pool does. */
function signingKeySet(alg, count = 1) {
  return JSON.stringify({ keys: Array.from({ length: count }, () => signingKey(alg)) });
}
function encryptionKeySet(prefix) {
  const k = randomBytes(32).toString('base64url');
  return JSON.stringify({ keys: [{ kty: 'oct', k, kid: `${prefix}-${randomUUID().slice(0, 8)}`, alg: 'dir', use: 'enc' }] });
}
const secret = (bytes) => randomBytes(bytes).toString('base64url');

/** Variable name -> value; the same shapes as `npm start`'s .local/dev-secrets.json (libs/dev-stack). */
const values = {
  COGNITO_CLIENT_SECRET: secret(24),
  GATEWAY_SIGNING_KEYS: signingKeySet('ES256'),
  TOKEN_ENCRYPTION_KEYS: encryptionKeySet('tok'),
  STORAGE_ENCRYPTION_KEYS: encryptionKeySet('sto'),
  COOKIE_SECRET: secret(32),
  REFRESH_TOKEN_KEYS: JSON.stringify({ keys: [{ kty: 'oct', k: secret(32), kid: `rt-${randomUUID().slice(0, 8)}`, alg: 'HS256', use: 'sig' }] }),
  LOCAL_IDP_SIGNING_JWKS: signingKeySet('RS256', 2),
  LOCAL_IDP_COOKIE_KEYS: [secret(24), secret(24)].join(','),
};

mkdirSync(dir, { recursive: true, mode: 0o755 });
const [uid, gid] = owner ? owner.split(':').map(Number) : [];
for (const [name, value] of Object.entries(values)) {
  // write + rename: a service never reads a half-written file; a partial earlier run is overwritten.
  const tmp = join(dir, `.${name}.${process.pid}`);
  writeFileSync(tmp, `${value}\n`, { mode: 0o400 });
  if (owner) chownSync(tmp, uid, gid);
  renameSync(tmp, join(dir, name));
}
writeFileSync(COMPLETE, `${new Date().toISOString()}\n`);
console.log(`dev secrets: generated ${Object.keys(values).length} values in ${dir}`);
