import { randomBytes, randomUUID } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, writeFileSync, existsSync, linkSync, unlinkSync } from 'node:fs';
import { join } from 'node:path';
import { exportJWK, generateKeyPair } from 'jose';
import { generateEncryptionKeySet, generateMacKeySet, generateSigningKeySet } from '@mcp-cognito/tokens';

/**
 * Keys and secrets of the local stack, generated once into the git-ignored `.local/` folder so that
 * restarts and several instances of a service share them (docs/architecture.md#local-stack). In AWS the same values
 * come from Secrets Manager.
 */
export interface DevSecrets {
  /** GATEWAY_SIGNING_KEYS: private ES256 JWK Set. */
  gatewaySigningKeys: string;
  /** TOKEN_ENCRYPTION_KEYS: A256GCM `oct` JWK Set for the `cognito_token` claim. */
  tokenEncryptionKeys: string;
  /** STORAGE_ENCRYPTION_KEYS: A256GCM `oct` JWK Set for Cognito tokens at rest. */
  storageEncryptionKeys: string;
  cookieSecret: string;
  /** REFRESH_TOKEN_KEYS: HS256 `oct` JWK Set for refresh-token MACs and successors. */
  refreshTokenKeys: string;
  /** The gateway's app-client secret at local-idp (COGNITO_CLIENT_SECRET). */
  cognitoClientSecret: string;
  /**
   * LOCAL_IDP_SIGNING_JWKS: local-idp's private RS256 JWK Set, two keys like a Cognito user pool's: the first signs
   * ID tokens, the second access tokens.
   */
  localIdpSigningJwks: string;
  /** LOCAL_IDP_COOKIE_KEYS */
  localIdpCookieKeys: string;
}

const FILE = 'dev-secrets.json';

/** One of local-idp's signing keys: RS256, as Cognito signs. */
async function rsaKey(): Promise<Record<string, unknown>> {
  const { privateKey } = await generateKeyPair('RS256', { extractable: true, modulusLength: 2048 });
  return { ...(await exportJWK(privateKey)), kid: `rs256-${randomUUID().slice(0, 8)}`, alg: 'RS256', use: 'sig' };
}

/** Two keys, as a Cognito user pool has: ID tokens and access tokens carry different `kid`s. */
async function rsaKeySet(): Promise<string> {
  return JSON.stringify({ keys: [await rsaKey(), await rsaKey()] });
}

/** A set written before local-idp signed with two keys gets its second key; the first stays (its tokens verify). */
async function withSecondKey(set: string): Promise<string | undefined> {
  const parsed = JSON.parse(set) as { keys: unknown[] };
  return parsed.keys.length >= 2 ? undefined : JSON.stringify({ keys: [...parsed.keys, await rsaKey()] });
}

async function generate(): Promise<DevSecrets> {
  return {
    gatewaySigningKeys: await generateSigningKeySet(),
    tokenEncryptionKeys: await generateEncryptionKeySet(),
    storageEncryptionKeys: await generateEncryptionKeySet(),
    cookieSecret: randomBytes(32).toString('base64url'),
    refreshTokenKeys: generateMacKeySet(),
    cognitoClientSecret: randomBytes(24).toString('base64url'),
    localIdpSigningJwks: await rsaKeySet(),
    localIdpCookieKeys: [randomBytes(24).toString('base64url'), randomBytes(24).toString('base64url')].join(','),
  };
}

/**
 * Reads `<dir>/dev-secrets.json`, creating it (mode 0600) on first use. Creation is atomic and
 * first-writer-wins (a hard link cannot overwrite), so concurrent starters agree on one set.
 */
export async function loadOrCreateDevSecrets(dir: string): Promise<{ secrets: DevSecrets; created: boolean; path: string }> {
  const path = join(dir, FILE);
  if (existsSync(path)) {
    const existing = JSON.parse(readFileSync(path, 'utf8')) as Partial<DevSecrets>;
    // A set written by an older version lacks the keys added since: add them, keep every other key.
    const missing = Object.entries(await generate()).filter(([name]) => !(name in existing));
    const upgraded = existing.localIdpSigningJwks ? await withSecondKey(existing.localIdpSigningJwks) : undefined;
    if (missing.length === 0 && !upgraded) return { secrets: existing as DevSecrets, created: false, path };
    const completed = { ...Object.fromEntries(missing), ...existing, ...(upgraded ? { localIdpSigningJwks: upgraded } : {}) } as DevSecrets;
    const tmp = join(dir, `.${FILE}.${process.pid}.${Date.now()}`);
    writeFileSync(tmp, JSON.stringify(completed, null, 2), { mode: 0o600 });
    renameSync(tmp, path);
    return { secrets: completed, created: false, path };
  }
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const tmp = join(dir, `.${FILE}.${process.pid}.${Date.now()}`);
  writeFileSync(tmp, JSON.stringify(await generate(), null, 2), { mode: 0o600 });
  let created = true;
  try {
    linkSync(tmp, path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    created = false;
  } finally {
    unlinkSync(tmp);
  }
  return { secrets: JSON.parse(readFileSync(path, 'utf8')) as DevSecrets, created, path };
}

/** Used where a throwaway set is wanted (tests that must not touch `.local/`). */
export async function generateDevSecrets(): Promise<DevSecrets> {
  return generate();
}

