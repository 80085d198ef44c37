import { GetSecretValueCommand, ResourceNotFoundException, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { Logger } from '@nestjs/common';
import { TemporarilyUnavailable } from '@mcp-cognito/oauth';
import type { GatewayConfig } from '../config/gateway-config';
import { constantTimeEqual, sha256Hex } from '../keys/secrets';

/** How long a secret read from Secrets Manager is used (a rotated secret is picked up within this time). */
const SECRET_CACHE_MS = 5 * 60_000;
/** How long "no such secret" is remembered (a server being set up gets its secret soon). */
const MISSING_CACHE_MS = 30_000;

/** Where a resource server's introspection secret is kept: a static map, or Secrets Manager by name. */
export interface SecretLookup {
  /** The secret of `name`, or undefined when it has none. @throws when the store cannot be read */
  secretOf(name: string): Promise<string | undefined>;
}

/** Secrets Manager: `<prefix><name>` holds the server's secret (its own stack creates it; the gateway may only read that prefix). */
export class SecretsManagerLookup implements SecretLookup {
  private readonly cache = new Map<string, { value: string | undefined; until: number }>();
  private readonly client: SecretsManagerClient;

  constructor(
    private readonly prefix: string,
    region: string | undefined,
  ) {
    this.client = new SecretsManagerClient({
      region,
      maxAttempts: 2,
      requestHandler: { connectionTimeout: 1000, requestTimeout: 3000, throwOnRequestTimeout: true },
    });
  }

  async secretOf(name: string): Promise<string | undefined> {
    const cached = this.cache.get(name);
    if (cached && cached.until > Date.now()) return cached.value;
    let value: string | undefined;
    try {
      value = (await this.client.send(new GetSecretValueCommand({ SecretId: `${this.prefix}${name}` }))).SecretString;
    } catch (error) {
      if (!(error instanceof ResourceNotFoundException)) throw error;
    }
    this.cache.set(name, { value, until: Date.now() + (value === undefined ? MISSING_CACHE_MS : SECRET_CACHE_MS) });
    return value;
  }
}

/**
 * Authenticates resource servers at the introspection endpoint (RFC 7662 §2.1: "the endpoint MUST require some form
 * of authorization"): each registered MCP server has its own secret, presented with HTTP Basic as `<name>:<secret>`.
 * Static secrets (RESOURCE_SERVER_SECRETS, local use) are checked first, then Secrets Manager
 * (RESOURCE_SERVER_CREDENTIALS_PREFIX, AWS). Comparison is constant-time on SHA-256 digests.
 */
export class ResourceServerCredentials {
  private readonly logger = new Logger('ResourceServerCredentials');
  private readonly lookups: SecretLookup[];

  constructor(config: GatewayConfig, lookups?: SecretLookup[]) {
    const { secrets, secretPrefix } = config.resourceServers;
    this.lookups = lookups ?? [
      { secretOf: (name: string) => Promise.resolve(Object.hasOwn(secrets, name) ? secrets[name] : undefined) },
      ...(secretPrefix ? [new SecretsManagerLookup(secretPrefix, config.dynamodb.region)] : []),
    ];
  }

  /** True when `secret` is `name`'s. @throws TemporarilyUnavailable when the secret store cannot be read */
  async verify(name: string, secret: string): Promise<boolean> {
    for (const lookup of this.lookups) {
      let expected: string | undefined;
      try {
        expected = await lookup.secretOf(name);
      } catch (error) {
        this.logger.warn({ event: 'introspection.secret_unavailable', server: name, err: error instanceof Error ? error.name : 'unknown' });
        throw new TemporarilyUnavailable('The credential store is unavailable; try again shortly.', 'secret store unavailable', 5);
      }
      if (expected !== undefined) return constantTimeEqual(sha256Hex(secret), sha256Hex(expected));
    }
    return false;
  }
}
